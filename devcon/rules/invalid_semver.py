"""invalid-semver: a Feature's or Template's version is not a semantic version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.rules._metadata import metadata_kind
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

# Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, numbers without leading zeros, then an
# optional -prerelease (dot-separated identifiers; numeric ones without leading zeros) and
# an optional +build (dot-separated alphanumeric identifiers).
_NUM = r"(?:0|[1-9][0-9]*)"
_PRE_ID = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_ID = r"[0-9A-Za-z-]+"
SEMVER = re.compile(  # anchored (\A...\Z): a search tries one start, so it stays linear
    rf"\A{_NUM}\.{_NUM}\.{_NUM}(?:-{_PRE_ID}(?:\.{_PRE_ID})*)?(?:\+{_BUILD_ID}(?:\.{_BUILD_ID})*)?\Z"
)


def is_semver(text: str) -> bool:
    return SEMVER.fullmatch(text) is not None


def _hint(version: str) -> str:
    bare = version.strip()
    if bare.lower().startswith("v") and is_semver(bare[1:]):
        return f"; drop the leading 'v': `{bare[1:]}`"
    parts = bare.split(".")
    if 1 <= len(parts) < 3 and all(p.isdigit() for p in parts):
        return f"; give all three numbers: `{'.'.join([*parts, *['0'] * (3 - len(parts))])}`"
    if bare != version:
        return "; remove the spaces around it"
    return ""


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    if ctx.doc is None or not isinstance(value, dict):
        return
    version = value.get("version")
    if not isinstance(version, str) or not version or is_semver(version):
        return
    yield ctx.at_value(
        ("version",),
        f"`version` '{version}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0), "
        f"which the spec requires for every {metadata_kind(ctx)}{_hint(version)}",
    )


_DOC = RuleDoc(
    what=(
        "Reports a `version` in devcontainer-feature.json or devcontainer-template.json "
        "that is not a Semantic Versioning 2.0.0 version: three numbers without leading "
        "zeros, optionally followed by `-prerelease` and `+build`."
    ),
    why=(
        "Features and Templates are versioned by semver: publishing tags each release "
        "as `1`, `1.2` and `1.2.3` so users can pin a major version and get fixes, or pin "
        "exactly. `1.2`, `v1.2.3` or `latest` cannot be split that way, so publishing "
        "fails or users cannot pin the release."
    ),
    example='{\n  "id": "hello",\n  "version": "v1.2",\n  "name": "Hello"\n}',
    fix='{\n  "id": "hello",\n  "version": "1.2.0",\n  "name": "Hello"\n}',
)

RULE = Rule(
    "invalid-semver",
    Category.CORRECTNESS,
    "a Feature's or Template's version is not MAJOR.MINOR.PATCH (semver 2.0)",
    _DOC,
    feature=check,
    template=check,
)
