"""extension-not-pinned: a VS Code extension installed without a version (off by default)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

_ID = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9-]*\.[A-Za-z0-9][A-Za-z0-9-]*\Z")  # anchored: linear


def _lists(value: object) -> Iterator[tuple[tuple[str | int, ...], list[object]]]:
    if not isinstance(value, dict):
        return
    customizations = value.get("customizations")
    vscode = customizations.get("vscode") if isinstance(customizations, dict) else None
    if isinstance(vscode, dict) and isinstance(vscode.get("extensions"), list):
        yield ("customizations", "vscode", "extensions"), vscode["extensions"]
    if isinstance(value.get("extensions"), list):  # deprecated top-level form
        yield ("extensions",), value["extensions"]


def check(ctx: ConfigContext) -> Iterator[Problem]:
    for pointer, extensions in _lists(ctx.value):
        for index, extension in enumerate(extensions):
            # `-publisher.name` keeps an extension from being installed
            if isinstance(extension, str) and _ID.fullmatch(extension.strip()):
                yield ctx.report_merged(
                    (*pointer, index),
                    f"extension `{extension}` has no version: every new container installs "
                    f"its latest release; pin it as `{extension.strip()}@<version>`",
                )


_DOC = RuleDoc(
    what=(
        "Off by default (select it to use it). Reports entries of "
        "`customizations.vscode.extensions` (and of the deprecated top-level `extensions`) "
        "written as `publisher.name` without `@version`. Exclusions (`-publisher.name`) and "
        "values built from variables are skipped. With `--merge`, extensions that the base "
        "image's metadata or a Feature adds are reported at that image or Feature."
    ),
    why=(
        "VS Code installs the newest release of an unpinned extension whenever a container "
        "is created, so two people (or one person a month apart) can get different "
        "language servers, formatters and linters from the same configuration. Pinning "
        "gives identical tooling at the cost of updating versions by hand, which is why "
        "the rule is off by default."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/python:3.12",\n'
        '  "customizations": {"vscode": {"extensions": ["ms-python.python"]}}\n}'
    ),
    fix='"extensions": ["ms-python.python@2024.14.1"]',
)

RULE = Rule(
    "extension-not-pinned",
    Category.REPRODUCIBILITY,
    "a VS Code extension in customizations.vscode.extensions has no @version",
    _DOC,
    config=check,
    enabled_by_default=False,
)
