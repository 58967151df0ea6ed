"""json-syntax: the file is not JSON with comments that VS Code can read."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.syntax_error is not None:
        err = ctx.syntax_error
        yield Problem.at(err, err.message)


_DOC = RuleDoc(
    what=(
        "Reports a devcontainer.json that is not valid JSONC (JSON with `//` and `/* */` "
        "comments and trailing commas), at the exact line and column where reading stopped."
    ),
    why=(
        "VS Code and the dev container CLI refuse to open a container whose configuration "
        "they cannot parse; nothing else about the file can be checked either."
    ),
    example=(
        '{\n  \'name\': "demo",   // single quotes\n  image: "python:3.12" // unquoted key\n}'
    ),
    fix=(
        'Use double-quoted strings and keys: `{"name": "demo", "image": "python:3.12"}`. '
        "Comments must be `//` or `/* */`, never `#`."
    ),
)

RULE = Rule(
    "json-syntax",
    Category.CORRECTNESS,
    "devcontainer.json cannot be parsed as JSON with comments",
    _DOC,
    config=check,
)
