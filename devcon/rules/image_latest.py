"""image-latest: an image reference tagged `:latest`, or with no tag (which means latest)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from devcon.images import ImageUse
from devcon.rules._image_text import describe, image_checks, label
from devcon.rules.base import (
    Category,
    Problem,
    Rule,
    RuleDoc,
)


def _problems(uses: Iterable[ImageUse]) -> Iterator[Problem]:
    for use in uses:
        ref = use.reference
        if ref is None or ref.digest is not None:
            continue  # skipped, or a digest pins it whatever the tag says
        if ref.tag is None:
            why = "has no tag, so it means `:latest`"
        elif ref.tag == "latest":
            why = "uses the `:latest` tag"
        else:
            continue
        name = ref.original.removesuffix(f":{ref.tag}") if ref.tag else ref.original
        yield Problem(
            use.line,
            use.column,
            f"{label(use)} {describe(use)} {why}, which changes with every "
            f"release; name a version tag (`{name}:<version>`) and run `devcon pin`",
        )


_CHECKS = image_checks(lambda uses, _options: _problems(uses))


RULE = Rule(
    name="image-latest",
    category=Category.REPRODUCIBILITY,
    summary="image reference tagged :latest or without a tag",
    config=_CHECKS.config,
    dockerfile=_CHECKS.dockerfile,
    compose=_CHECKS.compose,
    doc=RuleDoc(
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
    ),
)
