"""What devcon knows of one image for one platform: layers (diff ids), history, base.

Gathered from image configs only (registry or local engine), never from layer downloads.
"""

from __future__ import annotations

import datetime
import enum
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

BASE_DIGEST_ANNOTATION = "org.opencontainers.image.base.digest"
BASE_NAME_ANNOTATION = "org.opencontainers.image.base.name"

# instructions that only change the image config: they never make a layer (a WORKDIR does when
# it creates its folder; a RUN, COPY or ADD does unless it changed nothing)
_CONFIG_ONLY = (
    "ENV ",
    "LABEL ",
    "ARG ",
    "CMD ",
    "ENTRYPOINT ",
    "EXPOSE ",
    "USER ",
    "VOLUME ",
    "STOPSIGNAL ",
    "HEALTHCHECK ",
    "SHELL ",
    "ONBUILD ",
    "MAINTAINER ",
)
_MAY_MAKE_A_LAYER = ("COPY", "ADD", "WORKDIR", "RUN")


class Source(enum.Enum):
    REGISTRY = "registry"
    ENGINE = "engine"
    DOCKERFILE = "dockerfile"


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    # True: the step made no layer (OCI `empty_layer`); None: not known (the engine's history
    # API does not say, and nothing else it tells settles it)
    empty_layer: bool | None
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
        """The history entry that made each layer, aligned with diff_ids: the entries that made
        a layer, in order, one per diff id (the OCI image spec's pairing). A layer whose entry
        is not known is None: all of them when the history does not line up with the layers;
        past an entry whose empty-layer flag is not known, the layers up to the next such entry
        counted from either end."""
        n = len(self.diff_ids)
        out: list[HistoryEntry | None] = [None] * n
        made = sum(1 for h in self.history if h.empty_layer is False)
        undecided = sum(1 for h in self.history if h.empty_layer is None)
        if not made <= n <= made + undecided:
            return out
        history = self.history
        if undecided and n in (made, made + undecided):  # the count settles them all
            history = tuple(
                replace(h, empty_layer=n == made) if h.empty_layer is None else h for h in history
            )
        index = 0
        for h in history:
            if h.empty_layer is None:
                break
            if not h.empty_layer:
                out[index] = h
                index += 1
        index = n - 1
        for h in reversed(history):
            if h.empty_layer is None:
                break
            if not h.empty_layer:
                out[index] = h
                index -= 1
        return out

    @property
    def looks_flattened(self) -> bool:
        """One layer made by an import or a squash: the base's layers are gone."""
        if len(self.diff_ids) != 1:
            return False
        texts = " ".join((h.created_by or "") + " " + (h.comment or "") for h in self.history)
        # Docker's import: comment "Imported from -"; podman's: "imported from tarball"
        lowered = texts.lower()
        return "imported from" in lowered or "squash" in lowered or not texts.strip()


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


def _config_only(created_by: str) -> bool:
    """A step that changed only the image config (never a layer), told by its command: the
    classic builder's `/bin/sh -c #(nop)  ENV ...`, BuildKit's `ENV ...`."""
    text = created_by.strip()
    nop = "#(nop)" in text
    if nop:
        text = text.partition("#(nop)")[2].strip()
    if text.startswith(_MAY_MAKE_A_LAYER):
        return False
    return nop or text.startswith(_CONFIG_ONLY)


def _settle(flags: list[bool | None], start: int, stop: int, needed: int) -> None:
    """Decide the open flags (made a layer?) of entries start..stop-1, which together made
    `needed` layers, where the count allows only one answer."""
    span = range(start, stop)
    rest = needed - sum(1 for i in span if flags[i] is True)
    open_ = [i for i in span if flags[i] is None]
    if rest == 0 or rest == len(open_):
        for i in open_:
            flags[i] = rest > 0


def engine_history(
    entries: Sequence[dict[str, Any]],
    layers: int,
    layers_at: Callable[[str], int | None] | None = None,
) -> tuple[HistoryEntry, ...]:
    """History from the engine's `/images/{name}/history` (newest first, no empty_layer flag),
    oldest first, with each entry's empty-layer flag as far as the engine proves it:

    - an entry whose `Id` is an image the engine has (an intermediate image of a local build):
      `layers_at(Id)`, that image's layer count, says how many layers the entries up to it
      made (the top entry is the image itself: all `layers`);
    - `Size` above 0: a layer (an entry that made none has size 0);
    - a config-only step (ENV, LABEL, ARG, ...): no layer;
    - between two known counts, open entries are settled when the count allows one answer;
      any other stays None (a size-0 RUN, COPY or WORKDIR may or may not have made a layer).
    """
    oldest_first = list(reversed(list(entries)))
    flags: list[bool | None] = []
    for entry in oldest_first:
        if int(entry.get("Size") or 0) > 0:
            flags.append(True)
        elif _config_only(str(entry.get("CreatedBy") or "")):
            flags.append(False)
        else:
            flags.append(None)
    counts = {-1: 0}
    if oldest_first:
        for index, entry in enumerate(oldest_first[:-1]):
            image_id = str(entry.get("Id") or "")
            if layers_at is not None and image_id.startswith("sha256:"):
                at = layers_at(image_id)
                if at is not None:
                    counts[index] = at
        counts[len(oldest_first) - 1] = layers
    marks = sorted(counts)
    steps = list(itertools.pairwise(marks))
    if any(not 0 <= counts[b] - counts[a] <= b - a for a, b in steps):
        steps = [(-1, len(oldest_first) - 1)]  # the intermediate images do not add up
    for a, b in steps:
        needed = counts[b] - counts[a]
        made = sum(1 for i in range(a + 1, b + 1) if flags[i] is True)
        if made > needed:  # the count refutes the sizes: trust none of this span
            for i in range(a + 1, b + 1):
                flags[i] = None
        elif made + sum(1 for i in range(a + 1, b + 1) if flags[i] is not False) < needed:
            for i in range(a + 1, b + 1):  # ... or the config-only guesses
                if flags[i] is False:
                    flags[i] = None
        _settle(flags, a + 1, b + 1, needed)
    out = []
    for entry, made_layer in zip(oldest_first, flags, strict=True):
        created_by = str(entry.get("CreatedBy") or "")
        created = _iso_time(entry.get("Created"))
        empty = None if made_layer is None else not made_layer
        out.append(HistoryEntry(created_by, empty, created, entry.get("Comment") or None))
    return tuple(out)
