"""Deciding one platform: against the base given, a Dockerfile's FROM, the bases the images
declare, or (with none of those) the longest shared layer prefix."""

from __future__ import annotations

import enum
from dataclasses import replace

from devcon.hints import Hint, Text, hinted
from devcon.output_safety import bounded_join
from devcon.parity.explain import (
    RUN_AGAIN,
    base_info,
    from_origin,
    layers_phrase,
    missing_advice,
    own_base,
    pin_of,
    rebuild_advice,
    side_info,
    starts_with,
    static_info,
    unpinned_advice,
)
from devcon.parity.gather import Party, PlatformImage
from devcon.parity.layers import identical_images, layer_entry, same_image, shared_layers
from devcon.parity.results import BaseInfo, Basis, Divergence, PlatformResult, SideInfo, Verdict
from devcon.parity.sides import StaticSide


def _divergence(dev: Party, prod: Party, shared: int) -> Divergence | None:
    a, b = dev.image.facts, prod.image.facts
    if a is None or b is None:
        return None
    # a Dockerfile stage's own layers are not built: past its FROM nothing is known
    if (dev.static is not None and shared >= len(a.diff_ids)) or (
        prod.static is not None and shared >= len(b.diff_ids)
    ):
        return None
    if shared >= len(a.diff_ids) and shared >= len(b.diff_ids):
        return None
    ea, eb = layer_entry(a, shared), layer_entry(b, shared)
    return Divergence(
        shared,
        ea.created_by if ea is not None else None,
        eb.created_by if eb is not None else None,
        ea.created if ea is not None else None,
        eb.created if eb is not None else None,
    )


class _Mode(enum.Enum):
    """How one platform is decided."""

    GIVEN = "given"  # against the base the request gives
    STATIC_PAIR = "static-pair"  # two Dockerfile stages: their FROM images
    FROM = "from"  # a stage and an image: the image against the stage's FROM
    DECLARED_PAIR = "declared-pair"  # two images declaring two different bases
    DECLARED = "declared"  # against the base an image's annotations declare
    # two images declaring bases that could not be read, by two different digests
    UNVERIFIED_PAIR = "unverified-pair"
    INFERRED = "inferred"  # the shared layer prefix


def _mode(
    dev: Party, prod: Party, given: PlatformImage | None
) -> tuple[_Mode, PlatformImage | None]:
    """How this platform is decided, and the base both are checked against (if one)."""
    if given is not None:
        return _Mode.GIVEN, given
    if dev.static is not None and prod.static is not None:
        return _Mode.STATIC_PAIR, None
    for party in (dev, prod):
        if party.static is not None:
            return _Mode.FROM, party.image
    declared = [p.declared for p in (dev, prod) if p.declared is not None]
    both = len(declared) == 2 and all(d.facts is not None for d in declared)
    if both and not same_image(declared[0], declared[1]):
        return _Mode.DECLARED_PAIR, None
    if declared:
        return _Mode.DECLARED, declared[0]
    digests = {p.image.facts.base_digest for p in (dev, prod) if p.image.facts is not None}
    both_unverified = dev.unverified is not None and prod.unverified is not None
    if both_unverified and len(digests) == 2 and None not in digests:
        return _Mode.UNVERIFIED_PAIR, None
    return _Mode.INFERRED, None


def compare(
    platform: str, dev: Party, prod: Party, given: PlatformImage | None, strict: bool
) -> PlatformResult:
    """The verdict for one platform: `given` is the given base's image for it, if any. A base
    an image declares that cannot be reached does not decide it: the result says what was not
    verified."""
    result = _compare(platform, dev, prod, given, strict)
    unverified = tuple(p.unverified for p in (dev, prod) if p.unverified is not None)
    if not unverified:
        return result
    return replace(result, reasons=(*result.reasons, *dict.fromkeys(unverified)))


def _compare(
    platform: str, dev: Party, prod: Party, given: PlatformImage | None, strict: bool
) -> PlatformResult:
    mode, reference = _mode(dev, prod, given)
    a, b = dev.image.facts, prod.image.facts
    shared = shared_layers(a, b) if a is not None and b is not None else 0
    basis = {
        _Mode.GIVEN: Basis.VERIFIED,
        _Mode.FROM: Basis.VERIFIED,
        _Mode.DECLARED: Basis.VERIFIED,
        _Mode.STATIC_PAIR: Basis.DECLARED,
        _Mode.DECLARED_PAIR: Basis.DECLARED,
        _Mode.UNVERIFIED_PAIR: Basis.DECLARED,
        _Mode.INFERRED: Basis.INFERRED,
    }[mode]
    common = PlatformResult(
        platform=platform,
        verdict=Verdict.UNKNOWN,
        basis=basis,
        shared_layers=shared,
        dev=side_info(dev, own_base(dev)),
        prod=side_info(prod, own_base(prod)),
        base=None,
        divergence=_divergence(dev, prod, shared),
        reasons=(),
    )
    involved = [dev.image, prod.image]
    if reference is not None:
        involved.append(reference)
    if mode is _Mode.DECLARED:
        involved += [p.declared for p in (dev, prod) if p.declared is not None]
    missing = [i for i in dict.fromkeys(involved) if i.facts is None]
    if missing:
        return replace(
            common,
            divergence=None,
            reasons=tuple(i.why_unavailable or f"{i.label}: not available" for i in missing),
            advice=missing_advice(missing),
        )
    assert a is not None and b is not None
    base = reference.facts if reference is not None else None
    flattened = [
        p.label
        for p in (dev, prod)
        if p.static is None
        and p.image.facts is not None
        and p.image.facts.looks_flattened
        and not (base is not None and p.image.facts.diff_ids == base.diff_ids)
        # the other side starts with that one layer: it is a base (its config-only steps
        # made no layer), not a squash of the base's layers
        and shared == 0
    ]
    if flattened:
        return replace(
            common,
            divergence=None,
            reasons=(
                f"{bounded_join(flattened)}: a single flattened layer (squashed, or exported and "
                "imported): the base's layers are gone, so no base can be recognised or verified",
            ),
            advice="build without --squash / export so the base layers stay; then compare",
        )
    if mode is _Mode.STATIC_PAIR:
        return _decide_static_pair(common, dev, prod)
    if mode is _Mode.DECLARED_PAIR:
        return _decide_declared_pair(common, dev, prod)
    if mode is _Mode.UNVERIFIED_PAIR:
        return _decide_unverified_pair(common, dev, prod)
    if reference is not None:
        origin: Text = (
            hinted(Hint.GIVEN_BASE) if mode is _Mode.GIVEN else _reference_origin(dev, prod, mode)
        )
        return _decide_against(common, dev, prod, reference, origin, mode)
    return _decide_inferred(common, dev, prod, strict)


def _reference_origin(dev: Party, prod: Party, mode: _Mode) -> str:
    if mode is _Mode.FROM:
        static = dev.static or prod.static
        return from_origin(static) if static is not None else "FROM"
    return "annotation"


def _decide_against(
    common: PlatformResult,
    dev: Party,
    prod: Party,
    reference: PlatformImage,
    origin: Text,
    mode: _Mode,
) -> PlatformResult:
    info = base_info(reference, origin)
    checked = [p for p in (dev, prod) if not (mode is _Mode.FROM and p.static is not None)]
    whys = {id(p): starts_with(reference, p) for p in checked}
    failing = [p for p in checked if whys[id(p)] is not None]

    def side_base(party: Party, side: SideInfo) -> SideInfo:
        if side.base is None and whys.get(id(party)) is None:
            return replace(side, base=info)
        return side

    common = replace(
        common, base=info, dev=side_base(dev, common.dev), prod=side_base(prod, common.prod)
    )
    layers = layers_phrase(info.layers)
    if not failing:
        if mode is _Mode.FROM:
            static = dev if dev.static is not None else prod
            image = prod if static is dev else dev
            said = (
                f"{static.label} builds FROM {reference.label}; {image.label} starts with its "
                f"{layers} and history"
            )
        else:
            said = f"both start with the {layers} of {reference.label} and its history"
        advice = unpinned_advice(dev.static, prod.static)
        return replace(common, verdict=Verdict.SAME, reasons=(said,), advice=advice)
    reasons = tuple(why for p in checked if (why := whys[id(p)]) is not None)
    pin = pin_of(reference)
    if mode is _Mode.FROM:
        static = dev if dev.static is not None else prod
        image = failing[0]
        assert static.static is not None
        reasons = (f"{static.label} builds FROM {reference.label}", *reasons)
        advice = (
            f"{rebuild_advice(image, pin)}, or change stage {static.static.root_stage!r} of "
            f"{static.static.path} to FROM the base {image.label} was built from (pinned)"
            + RUN_AGAIN
        )
    elif len(failing) == 2 and dev.static is None and prod.static is None:
        advice = f"rebuild both {dev.label} and {prod.label} FROM {pin}" + RUN_AGAIN
    else:
        advice = "; ".join(rebuild_advice(p, pin) for p in failing) + RUN_AGAIN
    return replace(common, verdict=Verdict.DIFFERENT, reasons=reasons, advice=advice)


def _decide_static_pair(common: PlatformResult, dev: Party, prod: Party) -> PlatformResult:
    a, b = dev.image, prod.image
    if same_image(a, b):
        how = (
            f"both resolve to {a.digest}"
            if a.digest == b.digest
            else "both have the same layers and history"
        )
        return replace(
            common,
            verdict=Verdict.SAME,
            base=common.dev.base,
            reasons=(f"{dev.label} starts FROM {a.label}, {prod.label} FROM {b.label}: {how}",),
            advice=unpinned_advice(dev.static, prod.static),
        )
    return replace(
        common,
        verdict=Verdict.DIFFERENT,
        reasons=(
            f"{dev.label} starts FROM {a.label} ({a.digest}), {prod.label} FROM {b.label} "
            f"({b.digest}): another image for {common.platform}",
        ),
        advice=f"{rebuild_advice(prod, pin_of(a))}, or {rebuild_advice(dev, pin_of(b))}"
        + RUN_AGAIN,
    )


def _decide_declared_pair(common: PlatformResult, dev: Party, prod: Party) -> PlatformResult:
    a, b = dev.declared, prod.declared
    assert a is not None and b is not None
    return replace(
        common,
        verdict=Verdict.DIFFERENT,
        reasons=(
            f"{dev.label} declares the base {a.label} ({a.digest}), {prod.label} declares "
            f"{b.label} ({b.digest}) (org.opencontainers.image.base.* annotations)",
        ),
        advice=(
            f"rebuild {prod.label} FROM {pin_of(a)} (the base {dev.label} uses), or re-pin "
            f"{dev.label} to {pin_of(b)} and rebuild it" + RUN_AGAIN
        ),
    )


def _decide_unverified_pair(common: PlatformResult, dev: Party, prod: Party) -> PlatformResult:
    a, b = dev.image.facts, prod.image.facts
    assert a is not None and b is not None
    return replace(
        common,
        verdict=Verdict.DIFFERENT,
        reasons=(
            f"{dev.label} declares a base with digest {a.base_digest}, {prod.label} one with "
            f"{b.base_digest} (org.opencontainers.image.base.digest annotations)",
        ),
        advice=(
            f"rebuild {prod.label} FROM the base {dev.label} was built from, pinned by digest, "
            f"or rebuild {dev.label} FROM the base of {prod.label}" + RUN_AGAIN
        ),
    )


def _decide_inferred(
    common: PlatformResult, dev: Party, prod: Party, strict: bool
) -> PlatformResult:
    shared = common.shared_layers
    if shared == 0:
        return replace(
            common,
            verdict=Verdict.UNKNOWN if strict else Verdict.DIFFERENT,
            reasons=("the images share no layer: they are not built on the same base",),
            advice=hinted(
                f"rebuild {prod.label} FROM the base {dev.label} is built on, pinned by digest, "
                f"or re-pin {dev.label} to the base {prod.label} was built from; ",
                Hint.BASE_CHECKS_BOTH,
                RUN_AGAIN,
            ),
        )
    a, b = dev.image.facts, prod.image.facts
    assert a is not None and b is not None  # checked by compare()
    if identical_images(a, b):
        reasons = [
            hinted(
                f"the same image: all {layers_phrase(shared)} and their history are identical; ",
                Hint.NO_BASE_GIVEN,
                ", so the base is inferred, not proven",
            )
        ]
    else:
        reasons = [
            hinted(
                f"the images share their first {layers_phrase(shared)}; ",
                Hint.NO_BASE_GIVEN,
                ", so this is inferred, not proven: images built on debian and on "
                "python-on-debian share debian's layers too",
            )
        ]
    if strict:
        reasons.append(hinted(Hint.STRICT_INFERRED))
    return replace(
        common,
        verdict=Verdict.UNKNOWN if strict else Verdict.SAME,
        reasons=tuple(reasons),
        advice=(hinted(Hint.GIVE_BASE_TO_PROVE) if strict else None),
    )


def quick_static_pair(dev: StaticSide, prod: StaticSide) -> PlatformResult | None:
    """Two stages that need no registry: the same root stage, or FROMs pinned alike."""
    same_stage = dev.path.resolve() == prod.path.resolve() and dev.root_stage == prod.root_stage
    same_digest = (
        dev.base is not None
        and prod.base is not None
        and dev.base.digest is not None
        and dev.base.digest == prod.base.digest
    )
    if not same_stage and not same_digest:
        return None
    base = dev.base
    digest = base.digest if base is not None else None
    info = BaseInfo(
        dev.base_written or "scratch",
        digest,
        origin=from_origin(dev),
        pin=base.original if base is not None and base.is_pinned else None,
    )
    if same_stage:
        reason = (
            f"both stages ({dev.stage}, {prod.stage}) build FROM stage {dev.root_stage!r} of "
            f"{dev.path}, which starts FROM {dev.base_written}"
        )
    else:
        assert dev.base is not None and prod.base is not None
        reason = f"both start FROM {digest} ({dev.base.original}, {prod.base.original})"
    prod_info = (
        info
        if same_stage or prod.base is None
        else replace(
            info, label=prod.base.original, origin=from_origin(prod), pin=prod.base.original
        )
    )
    return PlatformResult(
        platform="any",
        verdict=Verdict.SAME,
        basis=Basis.DECLARED,
        shared_layers=0,
        dev=static_info(dev, info),
        prod=static_info(prod, prod_info),
        base=info,
        divergence=None,
        reasons=(reason,),
        advice=unpinned_advice(dev, prod),
    )
