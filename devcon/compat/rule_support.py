"""Shared by the compat rule modules: findings from knowledge rows, for real images (compat)
and for image references guessed from their names (validate)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from devcon import images
from devcon.compat.facts import ImageInfo
from devcon.compat.guess import guess
from devcon.compat.knowledge import Target, matching_rows, target_for
from devcon.compose import ComposeFile
from devcon.images import ImageUse
from devcon.rules.base import (
    ComposeCheck,
    ComposeContext,
    ConfigCheck,
    ConfigContext,
    DockerfileCheck,
    DockerfileContext,
    ImageCheck,
    ImageContext,
    Problem,
)


def describe(info: ImageInfo) -> str:
    parts = []
    if info.distro_id:
        parts.append(f"{info.distro_id} {info.distro_version or '?'}")
    if info.libc:
        parts.append(f"{info.libc} {info.libc_version or '?'}")
    if info.architecture:
        parts.append(info.architecture)
    return ", ".join(parts) or "unknown system"


def problems_for(rule: str, info: ImageInfo, target: Target, line: int, column: int,
                 image: str) -> Iterator[Problem]:  # fmt: skip
    if rule == "alpine-preview" and (
        matching_rows(info, target, "alpine-needs-insiders")
        or matching_rows(info, target, "musl-too-old")
    ):
        return  # a stronger musl finding already says what to do
    for row in matching_rows(info, target, rule):
        how = "guessed from the name" if info.guessed else f"read from the {info.source}"
        message = (
            f"{image} ({describe(info)}; {how}): {row.message} "
            f"[VS Code {target.label}; source: {row.source}]"
        )
        yield Problem(line, column, message)


def image_check(rule: str) -> ImageCheck:
    def check(ctx: ImageContext) -> Iterator[Problem]:
        if ctx.info is not None:
            yield from problems_for(rule, ctx.info, ctx.target, ctx.line, ctx.column, ctx.image)

    return check


def _guessed(rule: str, uses: list[ImageUse], vscode: str) -> Iterator[Problem]:
    target = target_for(vscode)
    for use in uses:
        if use.reference is None:
            continue
        info = guess(use.reference, use.written)
        if info is not None:
            yield from problems_for(rule, info, target, use.line, use.column, use.written)


def config_check(rule: str) -> ConfigCheck:
    def check(ctx: ConfigContext) -> Iterator[Problem]:
        if ctx.doc is not None:
            yield from _guessed(rule, images.in_config(ctx.doc), ctx.options.vscode)

    return check


def dockerfile_check(rule: str) -> DockerfileCheck:
    """Only the image the built stage (build.target, else the last) starts from: that is
    where VS Code runs; stages the build skips do not count."""

    def check(ctx: DockerfileContext) -> Iterator[Problem]:
        if ctx.sidecar:
            return  # a service VS Code does not attach to builds it
        yield from _guessed(rule, images.built_base(ctx.dockerfile, ctx.target), ctx.options.vscode)

    return check


def compose_uses(compose: ComposeFile, attached: frozenset[str]) -> list[ImageUse]:
    """The compose images VS Code runs in: those of the services a config attaches to
    (`service`), or every service of a compose file named on its own (`attached` empty).
    A service with `build:` is left out: its `image:` only names what the build tags, and
    the Dockerfile it builds is judged instead (at its `target:`)."""
    services = tuple(
        s
        for s in compose.services
        if s.build is None and (not attached or s.name.value in attached)
    )
    return images.in_compose(replace(compose, services=services))


def compose_check(rule: str) -> ComposeCheck:
    def check(ctx: ComposeContext) -> Iterator[Problem]:
        uses = compose_uses(ctx.compose, ctx.attached_services)
        yield from _guessed(rule, uses, ctx.options.vscode)

    return check
