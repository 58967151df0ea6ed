"""trailing-comma: a comma before `}` or `]`."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.findings import Severity
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None:
        return
    for line, column in ctx.doc.trailing_commas:
        yield Problem(line, column, "trailing comma (accepted by VS Code, forbidden by the spec)")


_DOC = RuleDoc(
    what="Reports a comma directly before a closing `}` or `]`.",
    why=(
        "VS Code and the official dev container CLI accept trailing commas, but the dev "
        "container specification defines devcontainer.json as JSON with comments only; "
        "other supporting tools and JSON tooling (jq, schema validators, editors in JSON "
        "mode) reject the file."
    ),
    example='{\n  "image": "python:3.12",\n  "forwardPorts": [8888,],\n}',
    fix='Remove the comma after the last element: `"forwardPorts": [8888]`.',
)

RULE = Rule(
    "trailing-comma",
    Category.STYLE,
    "trailing comma before } or ], which the spec forbids",
    _DOC,
    severity=Severity.WARNING,
    config=check,
)
