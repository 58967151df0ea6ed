"""Reading the few files compat needs (devcon.imagefiles asked compat's questions): from the
local engine, or from registry layers, into an ImageInfo."""

from __future__ import annotations

from typing import Any

from devcon.compat.facts import ImageInfo, answered, architecture_name, gather, wanted_content
from devcon.engine import Engine
from devcon.imagefiles import (
    DEFAULT_MAX_DOWNLOAD,
    DecompressedCapExceeded,
    DownloadCapExceeded,
    PlatformUnavailable,
    Questions,
    _HashingReader,
    engine_files,
    engine_image,
    engine_is_local,
    registry_files,
    registry_image,
)
from devcon.progress import Progress, no_progress
from devcon.reference import Reference
from devcon.registry.client import RegistryClient

# the names compat's modules and tests have always imported from here
__all__ = [
    "COMPAT_QUESTIONS",
    "DEFAULT_MAX_DOWNLOAD",
    "DecompressedCapExceeded",
    "DownloadCapExceeded",
    "PlatformUnavailable",
    "_HashingReader",
    "engine_image",
    "engine_is_local",
    "from_engine",
    "from_registry",
]

# compat's questions: os-release, the C library and its version, a shell, tar
COMPAT_QUESTIONS = Questions(wanted=wanted_content, answered=answered)


def from_registry(
    client: RegistryClient,
    ref: Reference,
    label: str,
    platform: str | None,
    max_download: int = DEFAULT_MAX_DOWNLOAD,
    progress: Progress = no_progress,
) -> tuple[ImageInfo, int]:
    """(facts, layers read) for one platform of a registry image; `progress` is told the
    bytes downloaded."""
    image = registry_image(client, ref, platform)
    files = registry_files(
        client, ref, label, image, COMPAT_QUESTIONS, max_download, progress=progress
    )
    arch = architecture_name(files.config.get("architecture"), files.config.get("variant"))
    return gather(label, "registry", arch, files.lookup), files.layers_read


def from_engine(engine: Engine, image: Any, label: str) -> ImageInfo:
    """Facts of an engine image (from `Engine.image`), read from a container created from it
    and never started."""
    arch = architecture_name(image.attrs.get("Architecture"), image.attrs.get("Variant"))
    with engine_files(engine, image, label, COMPAT_QUESTIONS) as lookup:
        return gather(label, "engine", arch, lookup)
