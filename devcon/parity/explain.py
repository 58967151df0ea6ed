"""The words of a parity verdict: why an image does not start with a base, what to rebuild,
and each side and base as the explanation shows them (rendering is devcon.report)."""

from __future__ import annotations

from collections.abc import Sequence

from devcon.hints import Text
from devcon.imagefacts import ImageFacts, Source
from devcon.output_safety import bounded_join
from devcon.parity.gather import Party, PlatformImage
from devcon.parity.layers import history_mismatch, layer_created_by, shared_prefix
from devcon.parity.results import BaseInfo, SideInfo
from devcon.parity.sides import StaticSide


def layers_phrase(n: int) -> str:
    """`1 layer`, `2 layers`."""
    return f"{n} layer{'' if n == 1 else 's'}"


def _command(created_by: str | None) -> str:
    if created_by is None:
        return "(not recorded)"
    return repr(created_by) if created_by else "(an imported layer, no command)"


def contains_base(base: ImageFacts, image: ImageFacts) -> str | None:
    """None when `image` starts with the base's layers (diff ids) and history; else why not."""
    n = len(base.diff_ids)
    if image.diff_ids[:n] != base.diff_ids:
        shared = shared_prefix(base.diff_ids, image.diff_ids)
        why = (
            f"{image.label}: its layers do not start with the {layers_phrase(n)} of "
            f"{base.label} (only {shared} shared)"
        )
        if shared < len(image.diff_ids):
            why += (
                f"; its layer #{shared + 1} was made by "
                f"{_command(layer_created_by(image, shared))}, the base's by "
                f"{_command(layer_created_by(base, shared))}"
            )
        return why
    at = history_mismatch(base, image)
    if at is None:
        return None
    theirs = image.history[at].created_by if at < len(image.history) else None
    return (
        f"{image.label}: the same first {layers_phrase(n)} as {base.label} but another "
        f"history: its entry #{at + 1} is {_command(theirs)} where the base has "
        f"{_command(base.history[at].created_by)}"
    )


def starts_with(base: PlatformImage, party: Party) -> str | None:
    """None when the party starts with `base`; else why not."""
    image = party.image
    assert base.facts is not None and image.facts is not None  # checked by the caller
    if base.source is image.source and base.digest is not None and base.digest == image.digest:
        return None
    why = contains_base(base.facts, image.facts)
    if why is not None and party.static is not None:
        return f"{party.label} builds FROM {image.label}; {why}"
    return why


def from_origin(static: StaticSide) -> str:
    return f"FROM in stage {static.root_stage!r}"


def base_info(image: PlatformImage, origin: Text) -> BaseInfo:
    facts = image.facts
    return BaseInfo(
        label=image.label,
        digest=image.digest,
        created=facts.created if facts is not None else None,
        layers=len(facts.diff_ids) if facts is not None else 0,
        origin=origin,
        pin=image.pin,
    )


def own_base(party: Party) -> BaseInfo | None:
    """The base a side itself declares: its FROM, or its annotations."""
    if party.static is not None:
        if party.image.facts is None and party.static.base is None:
            return None
        return base_info(party.image, from_origin(party.static))
    if party.declared is not None and party.declared.facts is not None:
        return base_info(party.declared, "annotation")
    return None


def side_info(party: Party, base: BaseInfo | None) -> SideInfo:
    if party.static is not None:
        return static_info(party.static, base)
    facts = party.image.facts
    return SideInfo(
        label=party.label,
        source=party.image.source,
        digest=party.image.digest,
        layers=len(facts.diff_ids) if facts is not None else None,
        created=facts.created if facts is not None else None,
        base=base,
    )


def static_info(static: StaticSide, base: BaseInfo | None) -> SideInfo:
    return SideInfo(
        static.label, Source.DOCKERFILE, None, None, None, base, str(static.path), static.stage
    )


def rebuild_advice(party: Party, pin: str) -> str:
    if party.static is not None:
        return f"change stage {party.static.root_stage!r} of {party.static.path} to FROM {pin}"
    return f"rebuild {party.label} FROM {pin}"


RUN_AGAIN = "; then run devcon parity again"


def pin_of(image: PlatformImage) -> str:
    return image.pin or image.label


def unpinned_advice(*statics: StaticSide | None) -> str | None:
    loose = [
        s.base.original
        for s in statics
        if s is not None and s.base is not None and not s.base.is_pinned
    ]
    if not loose:
        return None
    names = bounded_join(dict.fromkeys(loose))
    return (
        f"pin {names} by digest (devcon pin) so a rebuild cannot move to another base "
        "under the same tag"
    )


def missing_advice(missing: Sequence[PlatformImage]) -> str:
    if any(i.source is Source.DOCKERFILE for i in missing):
        return (
            "give the FROM an image (set the build arg, or a default), or compare the built "
            "image instead (docker:NAME or a registry reference)"
        )
    names = bounded_join(dict.fromkeys(i.label for i in missing))
    return f"push {names} again (the registry lacks part of it), then run devcon parity again"
