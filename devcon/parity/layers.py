"""Comparing two images' layers (diff ids) and histories (`created_by`), platform image by
platform image; no text here (devcon.parity.explain says why)."""

from __future__ import annotations

from devcon.imagefacts import HistoryEntry, ImageFacts, Source
from devcon.parity.gather import PlatformImage


def shared_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def shared_layers(a: ImageFacts, b: ImageFacts) -> int:
    """Leading layers both have: the same diff id and, where each history lines up with its
    layers, the same `created_by` (equal content built by another command is another base)."""
    history_a, history_b = a.layer_history(), b.layer_history()
    count = 0
    for index, (x, y) in enumerate(zip(a.diff_ids, b.diff_ids, strict=False)):
        if x != y:
            break
        ha, hb = history_a[index], history_b[index]
        if ha is not None and hb is not None and ha.created_by != hb.created_by:
            break
        count += 1
    return count


def history_mismatch(base: ImageFacts, image: ImageFacts) -> int | None:
    """The first of the base's history entries the image does not start with (None: all
    match). `created_by` always; the empty-layer flag only when both histories come from image
    configs (the engine's history API does not carry it)."""
    exact = base.source is not Source.ENGINE and image.source is not Source.ENGINE
    for index, entry in enumerate(base.history):
        if index >= len(image.history):
            return index
        other = image.history[index]
        if entry.created_by != other.created_by:
            return index
        if exact and entry.empty_layer != other.empty_layer:
            return index
    return None


def layer_entry(facts: ImageFacts, index: int) -> HistoryEntry | None:
    return facts.layer_history()[index] if index < len(facts.diff_ids) else None


def layer_created_by(facts: ImageFacts, index: int) -> str | None:
    entry = layer_entry(facts, index)
    return entry.created_by if entry is not None else None


def identical_images(a: ImageFacts, b: ImageFacts) -> bool:
    """Every layer shared and the same history, entry for entry (by command)."""
    return (
        shared_layers(a, b) == len(a.diff_ids) == len(b.diff_ids)
        and len(a.history) == len(b.history)
        and history_mismatch(a, b) is None
    )


def same_image(a: PlatformImage, b: PlatformImage) -> bool:
    """The same platform image: the same manifest, or the same layers and history."""
    if a.facts is None or b.facts is None:
        return False
    if a.source is b.source and a.digest is not None and a.digest == b.digest:
        return True
    return a.facts.diff_ids == b.facts.diff_ids and history_mismatch(a.facts, b.facts) is None
