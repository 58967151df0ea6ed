"""platform-unavailable: the image has no manifest for the requested platform."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.output_safety import bounded_join
from devcon.rules.base import Category, ImageContext, Problem, Rule, RuleDoc


def check(ctx: ImageContext) -> Iterator[Problem]:
    if ctx.unavailable_platform is not None:
        have = bounded_join(ctx.available_platforms)
        yield Problem.at(
            ctx,
            f"{ctx.image} has no image for {ctx.unavailable_platform} (it has: {have}); "
            "the container cannot start on such a machine",
        )


_DOC = RuleDoc(
    what=(
        "Reports an image whose multi-platform index (or single manifest) has nothing for "
        "the platform asked with `--platform` (attestation entries do not count)."
    ),
    why=(
        "Team members on that architecture (e.g. Apple silicon, linux/arm64) cannot start "
        "the dev container, or run it under slow emulation."
    ),
    example="devcon compat --platform linux/arm64 myorg/amd64-only:1",
    fix=(
        "Publish the image for that platform too (docker buildx --platform ...), or pick a "
        "multi-arch base."
    ),
)

RULE = Rule(
    "platform-unavailable",
    Category.CORRECTNESS,
    "the image has no manifest for the requested --platform",
    _DOC,
    image=check,
)
