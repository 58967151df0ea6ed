"""deprecated-property: a top-level property the spec has replaced."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.findings import Severity
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

REPLACEMENTS: dict[str, str] = {
    "extensions": "use `customizations.vscode.extensions`",
    "settings": "use `customizations.vscode.settings`",
    "devPort": "remove it; supporting tools choose the server port themselves",
    "dockerFile": "use `build.dockerfile`",
    "context": "use `build.context`",
}


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    for key in ctx.doc.value:
        if key in REPLACEMENTS:
            yield ctx.at_key((key,), f"`/{key}` is deprecated: {REPLACEMENTS[key]}")


RULE = Rule(
    name="deprecated-property",
    category=Category.STYLE,
    severity=Severity.WARNING,
    summary="deprecated top-level property (extensions, settings, devPort, dockerFile, context)",
    config=check,
    doc=RuleDoc(
        what=(
            "Reports the top-level properties the spec has deprecated: `extensions` and `settings` "
            "(moved under `customizations.vscode`), `devPort`, and the legacy `dockerFile` and "
            "`context` (moved under `build`)."
        ),
        why=(
            "Deprecated properties still work in VS Code today but are not part of the spec's "
            "current schema: other supporting tools ignore them, and they may stop working."
        ),
        example=(
            '{\n  "dockerFile": "Dockerfile",\n  "context": "..",\n'
            '  "extensions": ["ms-python.python"]\n}'
        ),
        fix=(
            '{\n  "build": {"dockerfile": "Dockerfile", "context": ".."},\n'
            '  "customizations": {"vscode": {"extensions": ["ms-python.python"]}}\n}'
        ),
    ),
)
