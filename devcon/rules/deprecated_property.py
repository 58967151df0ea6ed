"""deprecated-property: a top-level property the spec has replaced."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.findings import Severity
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

# Removed from the spec's schema: its `unevaluatedProperties: false` rejects them, and the
# dev container CLI only still moves them under `customizations.vscode`.
REPLACEMENTS: dict[str, str] = {
    "extensions": "use `customizations.vscode.extensions`",
    "settings": "use `customizations.vscode.settings`",
    "devPort": "remove it; supporting tools choose the server port themselves",
}

# Still legal in the spec's schema (its Dockerfile alternative with top-level `dockerFile`
# and `context`), only superseded: reported at info so a legal file never fails a build.
LEGACY: dict[str, str] = {
    "dockerFile": "the newer form is `build.dockerfile`",
    "context": "the newer form is `build.context`",
}


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    value = ctx.doc.value
    for key in value:
        if key in REPLACEMENTS:
            yield ctx.at_key((key,), f"`/{key}` is deprecated: {REPLACEMENTS[key]}")
        elif key == "context" and "dockerFile" not in value:
            # the spec's schema allows top-level `context` only beside `dockerFile`, and the
            # dev container CLI reads it only then
            yield ctx.at_key(
                (key,),
                "`/context` is ignored without a top-level `dockerFile`: use `build.context`",
            )
        elif key in LEGACY:
            problem = ctx.at_key((key,), f"`/{key}` is a legacy form: {LEGACY[key]}")
            yield Problem.at(problem, problem.message, severity=Severity.INFO)


_DOC = RuleDoc(
    what=(
        "Reports the top-level properties the spec has deprecated: `extensions` and `settings` "
        "(moved under `customizations.vscode`) and `devPort`. The older top-level "
        "`dockerFile` and `context` are still legal in the spec's schema, so they are "
        "reported at `info` only (a severity configured for this rule still applies), "
        "pointing to `build.dockerfile` / `build.context`; but a top-level `context` without "
        "`dockerFile` keeps the rule's severity, since the spec's schema rejects it and the "
        "dev container CLI ignores it."
    ),
    why=(
        "Deprecated properties still work in VS Code today but are not part of the spec's "
        "current schema: other supporting tools ignore them, and they may stop working. "
        "The `build` object is where newer options (`target`, `args`, `cacheFrom`, "
        "`options`) sit next to the Dockerfile; see docs/spec-deviations.md."
    ),
    example=(
        '{\n  "dockerFile": "Dockerfile",\n  "context": "..",\n'
        '  "extensions": ["ms-python.python"]\n}'
    ),
    fix=(
        '{\n  "build": {"dockerfile": "Dockerfile", "context": ".."},\n'
        '  "customizations": {"vscode": {"extensions": ["ms-python.python"]}}\n}'
    ),
)

RULE = Rule(
    "deprecated-property",
    Category.STYLE,
    "deprecated top-level property (extensions, settings, devPort); legacy dockerFile and "
    "context at info",
    _DOC,
    severity=Severity.WARNING,
    config=check,
)
