"""The images VS Code runs in, among those a compose file names."""

from __future__ import annotations

from dataclasses import replace

from devcon import images
from devcon.compose import ComposeFile
from devcon.images import ImageUse


def compose_uses(compose: ComposeFile, attached: frozenset[str]) -> list[ImageUse]:
    """The compose images VS Code runs in: those of the services a config attaches to
    (`service`), or every service of a compose file named on its own (`attached` empty).
    A service with `build:` is left out: its `image:` only names what the build tags, and
    the Dockerfile it builds is judged instead (at its `target:`)."""
    services = tuple(s for s in compose.services if s.build is None and s.runs_vscode(attached))
    return images.in_compose(replace(compose, services=services))
