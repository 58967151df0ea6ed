"""Gathering the facts parity compares: each side's images platform by platform, from image
configs alone (registry manifests and configs, or the local engine), and the bases images
declare in their annotations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from devcon.errors import InputError, OptionError
from devcon.hints import Text
from devcon.imagefacts import ImageFacts, Source, facts_from_config
from devcon.parity.sides import Side, StaticSide, parse_side
from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.registry.client import Manifest, RegistryClient, platform_matches
from devcon.registry.errors import (
    AuthenticationError,
    InsecureRefused,
    NotFound,
    RegistryUnavailable,
)
from devcon.services import Services


@dataclass(frozen=True)
class PlatformImage:
    """One platform of one image, as far as its config tells (`facts` None: unavailable)."""

    label: str
    source: Source
    platform: str | None  # None: not known (a single manifest whose config is missing)
    facts: ImageFacts | None
    digest: str | None = None  # platform manifest digest (registry) or image id (engine)
    pin: str | None = None  # the reference with the digest of what it names (index or manifest)
    why_unavailable: str | None = None
    # a declared base whose registry could not be reached (or refused devcon): what was not
    # verified, and why
    unverified: Text | None = None


@dataclass(frozen=True)
class Party:
    """One side on one platform. For a Dockerfile stage, `image` is the image its FROM chain
    starts from; for an image, `declared` is the base its annotations name (if any). A
    declared base that cannot be reached is not `declared`: `unverified` says what was not
    verified, and the layers decide."""

    label: str
    source: Source
    image: PlatformImage
    static: StaticSide | None = None
    declared: PlatformImage | None = None
    unverified: Text | None = None


def _unavailable(
    label: str,
    source: Source,
    platform: str | None,
    why: str,
    digest: str | None = None,
    pin: str | None = None,
) -> PlatformImage:
    return PlatformImage(label, source, platform, None, digest, pin, why)


def _registry_images(
    services: Services, label: str, ref: Reference, platform: str | None
) -> list[PlatformImage]:
    """Every platform of a registry image (attestations skipped), or the one `platform`."""
    client = services.client
    top = client.manifest(ref, ref.manifest_ref())
    pin = ref.pinned(top.digest)
    if not top.is_index:
        image = _platform_image(client, label, ref, top, _annotations(top.data), None, pin)
        if platform is None or image.platform is None or platform_matches(platform, image.platform):
            return [image]
        return []
    index_annotations = _annotations(top.data)
    out: list[PlatformImage] = []
    for name, entry in top.platforms():
        if platform is not None and not platform_matches(platform, name):
            continue
        digest = str(entry.get("digest"))
        try:
            manifest = client.manifest(ref, digest)
        except NotFound:
            why = f"{label}: its index lists {digest} for {name}, which the registry does not have"
            out.append(_unavailable(label, Source.REGISTRY, name, why, digest, pin))
            continue
        annotations = {
            **index_annotations,
            **_annotations(entry),
            **_annotations(manifest.data),
        }
        out.append(_platform_image(client, label, ref, manifest, annotations, name, pin))
    return out


def _annotations(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("annotations")
    return value if isinstance(value, dict) else {}


def _platform_image(
    client: RegistryClient,
    label: str,
    ref: Reference,
    manifest: Manifest,
    annotations: dict[str, Any],
    platform: str | None,
    pin: str,
) -> PlatformImage:
    descriptor = manifest.data.get("config")
    config_digest = descriptor.get("digest") if isinstance(descriptor, dict) else None
    if not isinstance(config_digest, str):
        why = f"{label}: its manifest {manifest.digest} names no image config"
        return _unavailable(label, Source.REGISTRY, platform, why, manifest.digest, pin)
    try:
        config = client.config(ref, manifest)
    except NotFound:
        why = (
            f"{label}: its image config {config_digest} is missing from the registry (manifest "
            f"{manifest.digest} names it), so its layers and history cannot be read"
        )
        return _unavailable(label, Source.REGISTRY, platform, why, manifest.digest, pin)
    facts = facts_from_config(label, Source.REGISTRY, config, manifest.digest, annotations)
    if platform is not None:  # the index entry says which platform this manifest serves
        facts = replace(facts, platform=platform)
    return PlatformImage(label, Source.REGISTRY, facts.platform, facts, manifest.digest, pin)


def _engine_images(
    services: Services, label: str, name: str, platform: str | None
) -> list[PlatformImage]:
    facts = services.engine.facts(name, label)
    if platform is not None and not platform_matches(platform, facts.platform):
        return []
    return [PlatformImage(label, Source.ENGINE, facts.platform, facts, facts.digest)]


def side_images(services: Services, side: Side, platform: str | None) -> list[PlatformImage]:
    """The images a side stands for; for a Dockerfile stage, the image its FROM names."""
    if side.engine_name is not None:
        return _engine_images(services, side.label, side.engine_name, platform)
    if side.static is not None:
        static = side.static
        if static.base is None:
            why = f"{static.label}: {static.why_unknown or 'no external base image'}"
            written = static.base_written or "scratch"
            return [_unavailable(written, Source.DOCKERFILE, platform, why)]
        return _registry_images(services, static.base.original, static.base, platform)
    if side.reference is not None:
        return _registry_images(services, side.label, side.reference, platform)
    raise InputError("nothing to compare", side.label)


def base_images(services: Services, text: str, platform: str | None) -> list[PlatformImage]:
    side = parse_side(text)
    if side.static is not None:
        raise OptionError(
            "base",
            "must be an image (a registry reference or docker:NAME), "
            "not a Dockerfile or devcontainer.json",
        )
    return side_images(services, side, platform)


Memo = dict[tuple[str, str], PlatformImage]


def _declared_image(
    services: Services, facts: ImageFacts, platform: str, memo: Memo
) -> PlatformImage | None:
    """The base an image's OCI annotations declare, fetched for this platform."""
    if not facts.base_name:
        return None  # a digest without a name says nowhere to fetch it from
    text = facts.base_name
    if facts.base_digest and "@" not in text:
        text = f"{text}@{facts.base_digest}"
    key = (text, platform)
    if key in memo:
        return memo[key]
    try:
        ref = parse_reference(text)
    except ReferenceError as exc:
        why = f"{facts.label}: its base annotations name no valid image ({exc})"
        memo[key] = _unavailable(text, Source.REGISTRY, platform, why)
        return memo[key]
    try:
        images = _registry_images(services, ref.original, ref, platform)
    except NotFound as exc:
        why = f"{facts.label} declares the base {ref.original} (annotation), but {exc}"
        memo[key] = _unavailable(ref.original, Source.REGISTRY, platform, why)
        return memo[key]
    except (RegistryUnavailable, AuthenticationError, InsecureRefused) as exc:
        # podman declares the local name it built from (localhost/NAME): no registry to ask
        said = f"{facts.label} declares the base {ref.original} (annotation), not verified: "
        memo[key] = replace(
            _unavailable(ref.original, Source.REGISTRY, platform, said + exc.message),
            unverified=said + exc.text,
        )
        return memo[key]
    picked = pick(images, platform)
    if picked is None:
        why = (
            f"{facts.label} declares the base {ref.original} (annotation), which has no image "
            f"for {platform}"
        )
        picked = _unavailable(ref.original, Source.REGISTRY, platform, why)
    memo[key] = picked
    return picked


def pick(images: Sequence[PlatformImage], platform: str) -> PlatformImage | None:
    """The image for `platform`; an image whose platform is not known stands for any."""
    for image in images:
        if image.platform is not None and (
            image.platform == platform or platform_matches(platform, image.platform)
        ):
            return image
    return next((image for image in images if image.platform is None), None)


def pair_platforms(
    dev: Sequence[PlatformImage], prod: Sequence[PlatformImage], wanted: str | None
) -> list[str]:
    """The platforms both sides have, in order (dev's first)."""
    names: list[str] = []
    for image in (*dev, *prod):
        if image.platform is not None and image.platform not in names:
            names.append(image.platform)
    pairs: list[str] = []
    taken: set[tuple[int, int]] = set()
    for name in names:
        a, b = pick(dev, name), pick(prod, name)
        if a is None or b is None or (id(a), id(b)) in taken:
            continue
        taken.add((id(a), id(b)))
        pairs.append(name)
    if not names and dev and prod:
        pairs.append(wanted or "any")
    return pairs


def party_of(
    services: Services, side: Side, image: PlatformImage, platform: str, memo: Memo
) -> Party:
    declared = None
    if side.static is None and image.facts is not None:
        declared = _declared_image(services, image.facts, platform, memo)
    if declared is not None and declared.unverified is not None:
        return Party(side.label, side.kind, image, side.static, None, declared.unverified)
    return Party(side.label, side.kind, image, side.static, declared)
