"""image-latest: an image reference tagged `:latest`, or with no tag (which means latest)."""

from __future__ import annotations

from devcon.images import ImageUse
from devcon.rules._image_rule import image_rule
from devcon.rules.base import Category, RuleDoc, RuleOptions


def _verdict(use: ImageUse, _options: RuleOptions) -> str | None:
    ref = use.reference
    if ref is None or ref.digest is not None:
        return None  # skipped, or a digest pins it whatever the tag says
    if ref.tag is None:
        why = "has no tag, so it means `:latest`"
    elif ref.tag == "latest":
        why = "uses the `:latest` tag"
    else:
        return None
    name = ref.original.removesuffix(f":{ref.tag}") if ref.tag else ref.original
    return (
        f"{why}, which changes with every release; name a version tag (`{name}:<version>`) "
        "and run `devcon pin`"
    )


_DOC = RuleDoc(
    what=(
        "Reports image references whose tag is `latest` or that have no tag at all (Docker "
        "then pulls `:latest`), in devcontainer.json `image`, Dockerfile `FROM`, "
        "`COPY --from=<image>`, `RUN --mount=from=<image>` and compose `image:`. A reference "
        "with a digest is not reported, even `python:latest@sha256:...`: the digest pins the "
        "image and the tag is ignored when pulling. Stage aliases, `scratch` and references "
        "built from variables that cannot be resolved are not reported."
    ),
    why=(
        "`latest` is whatever was pushed last: a new major version (new Python, new Debian "
        "release) arrives without any change to the definition, and nobody can tell from the "
        "file which version it was built with."
    ),
    example="FROM debian AS base\nFROM ubuntu:latest",
    fix=(
        "Name the version you build on (`debian:bookworm`, `ubuntu:24.04`, `node:22`), "
        "then run `devcon pin` to add its digest."
    ),
)

RULE = image_rule(
    "image-latest",
    Category.REPRODUCIBILITY,
    "image reference tagged :latest or without a tag",
    _DOC,
    verdict=_verdict,
)
