"""missing-required-props: a Feature or Template without its id, version or name."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules._metadata import metadata_kind
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

REQUIRED = ("id", "version", "name")
_WHAT = {
    "id": "its identifier, which must match its folder's name",
    "version": "its semantic version, which publishing turns into the tags users pin",
    "name": "its human-friendly display name",
}


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if ctx.doc is None or not isinstance(value, dict):
        return
    kind = metadata_kind(ctx)
    for prop in REQUIRED:
        present = value.get(prop)
        if prop not in value:
            yield ctx.at_value(
                (),
                f"`{prop}` is missing: the spec requires every {kind} to declare {_WHAT[prop]}",
            )
        elif isinstance(present, str) and not present.strip():
            yield ctx.at_value((prop,), f"`{prop}` is empty: the spec requires {_WHAT[prop]}")


_DOC = RuleDoc(
    what=(
        "Reports a devcontainer-feature.json or devcontainer-template.json that has no "
        "`id`, `version` or `name` (or an empty one). A wrong type is the schema rule's."
    ),
    why=(
        "The spec makes these three properties required: `id` locates the Feature or "
        "Template in its collection and its OCI reference, `version` is what publishing "
        "turns into the `1`, `1.2` and `1.2.3` tags that users pin, and `name` is what "
        "tools show. The official publishing tool refuses a Feature without them, so the "
        "mistake surfaces late, in the release job, instead of in the pull request."
    ),
    example='{\n  "id": "hello",\n  "description": "Says hello"\n}',
    fix=(
        '{\n  "id": "hello",\n  "version": "1.0.0",\n  "name": "Hello",\n'
        '  "description": "Says hello"\n}'
    ),
)

RULE = Rule(
    "missing-required-props",
    Category.CORRECTNESS,
    "a Feature or Template lacks id, version or name, which the spec requires",
    _DOC,
    feature=check,
    template=check,
)
