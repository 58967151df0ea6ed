"""`parity()`: read both sides, gather their images, pair their platforms and decide each."""

from __future__ import annotations

from collections.abc import Sequence

from devcon.hints import Hint, Text, hinted
from devcon.output_safety import bounded_join
from devcon.parity.compare import compare, quick_static_pair
from devcon.parity.gather import (
    Memo,
    PlatformImage,
    base_images,
    pair_platforms,
    party_of,
    pick,
    side_images,
)
from devcon.parity.results import (
    Basis,
    ParityRequest,
    ParityResult,
    PlatformResult,
    SideInfo,
    Verdict,
)
from devcon.parity.sides import Side, parse_side
from devcon.services import Services


def _lonely(
    platform: str, dev: Side, prod: Side, reasons: tuple[str, ...], advice: Text
) -> PlatformResult:
    return PlatformResult(
        platform=platform,
        verdict=Verdict.UNKNOWN,
        basis=Basis.VERIFIED,
        shared_layers=0,
        dev=SideInfo(dev.label, dev.kind, None, None, None, None),
        prod=SideInfo(prod.label, prod.kind, None, None, None, None),
        base=None,
        divergence=None,
        reasons=reasons,
        advice=advice,
    )


def _names(images: Sequence[PlatformImage]) -> str:
    return bounded_join(i.platform or "unknown" for i in images)


def parity(request: ParityRequest, services: Services) -> ParityResult:
    dev_side = parse_side(request.dev)
    prod_side = parse_side(request.prod)
    if dev_side.static is not None and prod_side.static is not None and request.base is None:
        quick = quick_static_pair(dev_side.static, prod_side.static)
        if quick is not None:
            return ParityResult(request.dev, request.prod, (quick,), request.strict)
    given = base_images(services, request.base, request.platform) if request.base else None
    dev_images = side_images(services, dev_side, request.platform)
    prod_images = side_images(services, prod_side, request.platform)
    platforms = pair_platforms(dev_images, prod_images, request.platform)
    if not platforms:
        asked = f"; asked for {request.platform}" if request.platform else ""
        reason = (
            f"no platform in common (dev: {_names(dev_images)}; prod: {_names(prod_images)}{asked})"
        )
        advice = hinted(Hint.COMPARE_SHARED_PLATFORM, ", or build the missing one")
        only = _lonely(request.platform or "any", dev_side, prod_side, (reason,), advice)
        return ParityResult(request.dev, request.prod, (only,), request.strict)
    memo: Memo = {}
    results: list[PlatformResult] = []
    for platform in platforms:
        dev_image, prod_image = pick(dev_images, platform), pick(prod_images, platform)
        assert dev_image is not None and prod_image is not None  # pair_platforms chose it
        base = None
        if given is not None and request.base is not None:
            base = pick(given, platform)
            if base is None:
                reason = f"{request.base} has no image for {platform} (it has: {_names(given)})"
                advice = hinted(
                    f"give a base with an image for {platform}, or ", Hint.COMPARE_ANOTHER_PLATFORM
                )
                results.append(_lonely(platform, dev_side, prod_side, (reason,), advice))
                continue
        dev = party_of(services, dev_side, dev_image, platform, memo)
        prod = party_of(services, prod_side, prod_image, platform, memo)
        results.append(compare(platform, dev, prod, base, request.strict))
    return ParityResult(request.dev, request.prod, tuple(results), request.strict)
