"""id-dir-mismatch: a Feature's or Template's id differs from its folder's name."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules._metadata import metadata_kind
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if ctx.doc is None or not isinstance(value, dict):
        return
    ident = value.get("id")
    if not isinstance(ident, str) or not ident:
        return
    folder = ctx.path.resolve().parent.name
    if ident == folder:
        return
    kind = metadata_kind(ctx)
    if ident.lower() == folder.lower():
        hint = (
            f"; they differ only in case, and the spec asks for lower-case ids: `{folder.lower()}`"
        )
    else:
        hint = ""
    yield ctx.at_value(
        ("id",),
        f"`id` is '{ident}' but the {kind} lives in folder '{folder}': the spec requires them "
        f"to match{hint}",
    )


_DOC = RuleDoc(
    what=(
        "Reports a devcontainer-feature.json or devcontainer-template.json whose `id` is "
        "not the name of the folder it lives in (`src/hello/devcontainer-feature.json` "
        'must say `"id": "hello"`). A case-only difference is named as such.'
    ),
    why=(
        "The spec requires the id to match the folder: publishing derives the OCI "
        "reference (`ghcr.io/owner/repo/<id>`) from it, and a local Feature "
        '(`"./hello": {}` in devcontainer.json) is found by its folder. A mismatch '
        "publishes under one name and installs under another, or fails to publish."
    ),
    example=(
        "// src/hello-world/devcontainer-feature.json\n"
        '{\n  "id": "hello",\n  "version": "1.0.0",\n  "name": "Hello"\n}'
    ),
    fix=(
        "Rename the folder or the id so they agree, in lower case: `src/hello/` with "
        '`"id": "hello"`. If the Feature was already published under the old id, list it '
        "in `legacyIds`."
    ),
)

RULE = Rule(
    "id-dir-mismatch",
    Category.CORRECTNESS,
    "a Feature's or Template's id is not the name of the folder holding it",
    _DOC,
    feature=check,
    template=check,
)
