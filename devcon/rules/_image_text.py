"""How the image rules (image-not-pinned, image-latest, untrusted-registry) name an image."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from devcon import images
from devcon.images import ImageUse
from devcon.rules.base import (
    ComposeCheck,
    ComposeContext,
    ConfigCheck,
    ConfigContext,
    DockerfileCheck,
    DockerfileContext,
    Problem,
    RuleOptions,
)


def label(use: ImageUse) -> str:
    """What names the image: `FROM image`, `COPY --from image`, `compose image`, ..."""
    origin = use.origin.value
    return origin if origin.endswith("image") else f"{origin} image"


def describe(use: ImageUse) -> str:
    """The reference as written, and what it resolves to when ARGs changed it."""
    resolved = use.resolved_text
    if resolved is None or resolved == use.written:
        return f"`{use.written}`"
    return f"`{use.written}` (= `{resolved}`)"


UseProblems = Callable[[list[ImageUse], RuleOptions], Iterable[Problem]]


@dataclass(frozen=True)
class ImageChecks:
    """The three checks of a rule about image references, from one function over uses."""

    config: ConfigCheck
    dockerfile: DockerfileCheck
    compose: ComposeCheck


def image_checks(problems: UseProblems) -> ImageChecks:
    def config(ctx: ConfigContext) -> Iterable[Problem]:
        return problems(images.in_config(ctx.doc), ctx.options) if ctx.doc is not None else ()

    def dockerfile(ctx: DockerfileContext) -> Iterable[Problem]:
        return problems(images.in_dockerfile(ctx.dockerfile), ctx.options)

    def compose(ctx: ComposeContext) -> Iterable[Problem]:
        return problems(images.in_compose(ctx.compose), ctx.options)

    return ImageChecks(config, dockerfile, compose)
