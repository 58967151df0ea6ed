"""squash-build: `--squash` in a devcontainer.json's build options or run arguments."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

_FALSE = frozenset({"false", "0"})


def _is_squash(item: object) -> bool:
    if not isinstance(item, str):
        return False
    word = item.strip()
    if word == "--squash":
        return True
    flag, eq, value = word.partition("=")
    return bool(eq) and flag == "--squash" and value.strip().strip("\"'").lower() not in _FALSE


def check(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    value = ctx.doc.value
    build = value.get("build")
    arrays: list[tuple[tuple[str, ...], object]] = [(("runArgs",), value.get("runArgs"))]
    if isinstance(build, dict):
        arrays.insert(0, (("build", "options"), build.get("options")))
    for pointer, items in arrays:
        if not isinstance(items, list):
            continue
        where = "/" + "/".join(pointer)
        for index, item in enumerate(items):
            if _is_squash(item):
                yield ctx.at_value(
                    (*pointer, index),
                    f"`{where}` squashes the image (`--squash`): it no longer shares layers with "
                    "its base, so pulls are larger and `devcon parity` cannot verify the base; "
                    "remove it",
                )


_DOC = RuleDoc(
    what=(
        "Reports `--squash` (or `--squash=true`) as an item of devcontainer.json "
        "`build.options` or `runArgs`."
    ),
    why=(
        "Squashing merges all layers into one: the image no longer shares its base layers "
        "with other images (every rebuild is a full download and a full copy on disk), and "
        "`devcon parity` cannot verify that the image is built on the base layers it "
        "claims, since those layers no longer exist in it."
    ),
    example='{\n  "build": {"dockerfile": "Dockerfile", "options": ["--squash"]}\n}',
    fix=(
        "Remove `--squash`. To make the image smaller, combine RUN steps and clean caches "
        "in the same step, or use a multi-stage build."
    ),
)

RULE = Rule(
    "squash-build",
    Category.REPRODUCIBILITY,
    "--squash in build.options or runArgs",
    _DOC,
    config=check,
)
