"""What devcon knows of one image for one platform: layers (diff ids), history, base.

Gathered from image configs only (registry or local engine), never from layer downloads.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BASE_DIGEST_ANNOTATION = "org.opencontainers.image.base.digest"
BASE_NAME_ANNOTATION = "org.opencontainers.image.base.name"

_EMPTY_PREFIXES = (
    "ENV ",
    "LABEL ",
    "ARG ",
    "CMD ",
    "ENTRYPOINT ",
    "EXPOSE ",
    "USER ",
    "WORKDIR ",
    "VOLUME ",
    "STOPSIGNAL ",
    "HEALTHCHECK ",
    "SHELL ",
    "ONBUILD ",
    "MAINTAINER ",
)


class Source(enum.Enum):
    REGISTRY = "registry"
    ENGINE = "engine"
    DOCKERFILE = "dockerfile"


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    empty_layer: bool
    created: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ImageFacts:
    label: str  # the input as the user gave it
    source: Source
    platform: str
    digest: str | None  # platform manifest digest (registry) or image id (engine)
    diff_ids: tuple[str, ...]
    history: tuple[HistoryEntry, ...]  # oldest first
    created: str | None = None
    base_name: str | None = None  # declared by annotation
    base_digest: str | None = None

    def layer_history(self) -> list[HistoryEntry | None]:
        """The history entry that created each layer, aligned with diff_ids (None if the
        history does not line up with the layers)."""
        entries = [h for h in self.history if not h.empty_layer]
        if len(entries) != len(self.diff_ids):
            return [None] * len(self.diff_ids)
        return list(entries)

    @property
    def looks_flattened(self) -> bool:
        """One layer made by an import or a squash: the base's layers are gone."""
        if len(self.diff_ids) != 1:
            return False
        texts = " ".join((h.created_by or "") + " " + (h.comment or "") for h in self.history)
        return "Imported from" in texts or "squash" in texts.lower() or not texts.strip()


def platform_of(config: dict[str, Any]) -> str:
    name = f"{config.get('os', 'unknown')}/{config.get('architecture', 'unknown')}"
    if config.get("variant"):
        name += f"/{config['variant']}"
    return name


def engine_platform(attrs: Mapping[str, Any]) -> str:
    """`os/arch[/variant]` of an image as the engine's inspect data (`Os`, ...) names it."""
    name = f"{attrs.get('Os') or 'unknown'}/{attrs.get('Architecture') or 'unknown'}"
    if attrs.get("Variant"):
        name += f"/{attrs['Variant']}"
    return name


def facts_from_config(
    label: str,
    source: Source,
    config: dict[str, Any],
    digest: str | None,
    annotations: dict[str, Any] | None = None,
) -> ImageFacts:
    rootfs = config.get("rootfs") or {}
    diff_ids = tuple(str(d) for d in rootfs.get("diff_ids") or [])
    history = tuple(
        HistoryEntry(
            created_by=str(h.get("created_by", "")),
            empty_layer=bool(h.get("empty_layer", False)),
            created=h.get("created"),
            comment=h.get("comment"),
        )
        for h in config.get("history") or []
        if isinstance(h, dict)
    )
    annotations = annotations or {}
    return ImageFacts(
        label=label,
        source=source,
        platform=platform_of(config),
        digest=digest,
        diff_ids=diff_ids,
        history=history,
        created=config.get("created"),
        base_name=annotations.get(BASE_NAME_ANNOTATION),
        base_digest=annotations.get(BASE_DIGEST_ANNOTATION),
    )


def _iso_time(seconds: object) -> str | None:
    """The engine's history gives Unix seconds; image configs give RFC 3339 in UTC."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
        return None
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def engine_history(entries: Sequence[dict[str, Any]], layers: int) -> tuple[HistoryEntry, ...]:
    """History from the engine's `docker history` API (newest first, no empty_layer flag):
    oldest first, with empty layers told apart by what created them."""
    out = []
    for entry in reversed(list(entries)):
        created_by = str(entry.get("CreatedBy") or "")
        text = created_by.removeprefix("/bin/sh -c ").strip()
        nop = text.startswith("#(nop)")
        body = text.removeprefix("#(nop)").strip()
        empty = (nop and not body.startswith(("COPY", "ADD"))) or body.startswith(_EMPTY_PREFIXES)
        created = _iso_time(entry.get("Created"))
        out.append(HistoryEntry(created_by, empty, created, entry.get("Comment") or None))
    if sum(1 for h in out if not h.empty_layer) != layers:
        # fall back on sizes: entries that added bytes made layers
        sized = [
            HistoryEntry(h.created_by, int(e.get("Size") or 0) == 0, h.created, h.comment)
            for h, e in zip(out, reversed(list(entries)), strict=True)
        ]
        if sum(1 for h in sized if not h.empty_layer) == layers:
            return tuple(sized)
    return tuple(out)
