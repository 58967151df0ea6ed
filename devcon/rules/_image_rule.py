"""The image rules (image-not-pinned, image-latest, untrusted-registry): one verdict on each
image reference of a devcontainer.json, a Dockerfile or a compose file, worded the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from devcon import images
from devcon.images import ImageUse
from devcon.rules.base import (
    Category,
    ComposeContext,
    ConfigContext,
    DockerfileContext,
    Problem,
    Rule,
    RuleDoc,
    RuleOptions,
)

# what a rule says of one image reference (after its name), or None: nothing to say
ImageVerdict = Callable[[ImageUse, RuleOptions], str | None]


def named(use: ImageUse) -> str:
    """What names the image and the reference as written, with what it resolves to when
    ARGs changed it: "FROM image `python:${V}` (= `python:3.12`)"."""
    origin = use.origin.value
    label = origin if origin.endswith("image") else f"{origin} image"
    resolved = use.resolved_text
    if resolved is None or resolved == use.written:
        return f"{label} `{use.written}`"
    return f"{label} `{use.written}` (= `{resolved}`)"


def image_rule(
    name: str,
    category: Category,
    summary: str,
    doc: RuleDoc,
    *,
    verdict: ImageVerdict,
) -> Rule:
    """The rule `name`: `verdict` on every image reference in configs, Dockerfiles and
    compose files, reported at the reference."""

    def problems(uses: Iterable[ImageUse], options: RuleOptions) -> Iterator[Problem]:
        for use in uses:
            said = verdict(use, options)
            if said is not None:
                yield Problem.at(use, f"{named(use)} {said}")

    def config(ctx: ConfigContext) -> Iterable[Problem]:
        return problems(images.in_config(ctx.doc), ctx.options) if ctx.doc is not None else ()

    def dockerfile(ctx: DockerfileContext) -> Iterable[Problem]:
        return problems(ctx.image_uses, ctx.options)

    def compose(ctx: ComposeContext) -> Iterable[Problem]:
        return problems(images.in_compose(ctx.compose), ctx.options)

    return Rule(
        name=name,
        category=category,
        summary=summary,
        doc=doc,
        config=config,
        dockerfile=dockerfile,
        compose=compose,
    )
