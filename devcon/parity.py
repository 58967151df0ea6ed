"""`devcon parity DEV PROD`: do the dev and production images share one base digest?

Each side is an image in a registry, an image in the local engine (`docker:NAME`), a
Dockerfile stage (`Dockerfile#target`, read statically) or a devcontainer.json. Images are
compared platform by platform from their configs alone (never a layer download):

- a base is *verified* when its `rootfs.diff_ids` are a prefix of an image's and its history
  entries (`created_by`) are the image's first entries; a Dockerfile stage is checked through the
  image its FROM chain starts from (its own layers are not built);
- the base to verify against is `--base`, else a Dockerfile side's FROM, else the
  `org.opencontainers.image.base.*` annotations; two different declared bases are a different
  base (*declared*);
- with no base at all the verdict rests on the longest shared prefix (same diff id and, where the
  history lines up, the same `created_by`) and is marked *inferred*.

Index digests and platform manifest digests are never compared with each other: both sides are
resolved to the same platform first. A platform whose image config is missing is `unknown`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from devcon import jsonc
from devcon.discovery import FileKind, kind_of, references
from devcon.dockerfile.parser import parse_dockerfile
from devcon.engine import Engine
from devcon.errors import InputError, UsageError
from devcon.fileio import read_text
from devcon.imagefacts import HistoryEntry, ImageFacts, Source, facts_from_config
from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.registry.client import Manifest, RegistryClient, platform_matches
from devcon.registry.errors import NotFound


class Verdict(enum.Enum):
    SAME = "same-base"
    DIFFERENT = "different-base"
    UNKNOWN = "unknown"


class Basis(enum.Enum):
    VERIFIED = "verified"  # checked against the base image's layers and history
    DECLARED = "declared"  # what the sides declare (Dockerfile FROM, annotation) decides it
    INFERRED = "inferred"  # the longest shared layer prefix; no base to prove it


@dataclass(frozen=True)
class StaticSide:
    """A Dockerfile stage read statically: the external image its FROM chain starts from."""

    label: str
    path: Path
    stage: str
    base_written: str | None  # None: `scratch` or unresolvable
    base: Reference | None
    root_stage: str  # the stage (name or index) that names the external image
    why_unknown: str | None = None


@dataclass(frozen=True)
class Side:
    label: str
    kind: Source
    reference: Reference | None = None  # registry
    engine_name: str | None = None  # engine
    static: StaticSide | None = None  # dockerfile


@dataclass(frozen=True)
class BaseInfo:
    """A base image on one platform: the one a side uses, or the one `--base` names."""

    label: str  # the reference as written
    digest: str | None  # platform manifest digest (registry) or image id (engine)
    created: str | None = None
    layers: int = 0
    origin: str = ""  # how devcon knows it: "--base", "FROM (stage 'base')", "annotation"
    pin: str | None = None  # what to write in FROM: the reference with the tag's own digest


@dataclass(frozen=True)
class SideInfo:
    """One side on one platform, as the explanation shows it."""

    label: str  # the input as given
    source: Source
    digest: str | None  # platform manifest digest or image id; None for a Dockerfile stage
    layers: int | None  # None for a Dockerfile stage (its own layers are not built)
    created: str | None
    base: BaseInfo | None  # the base this side uses, when devcon knows it
    dockerfile: str | None = None  # a Dockerfile stage: the file and the stage
    stage: str | None = None


@dataclass(frozen=True)
class Divergence:
    index: int  # 0-based layer index
    dev_created_by: str | None  # None: no such layer (or its history is not known)
    prod_created_by: str | None
    dev_created: str | None = None  # when the history entry says that layer was made
    prod_created: str | None = None


@dataclass(frozen=True)
class PlatformResult:
    platform: str
    verdict: Verdict
    basis: Basis
    shared_layers: int
    dev: SideInfo
    prod: SideInfo
    base: BaseInfo | None  # the base both sides were checked against
    divergence: Divergence | None
    reasons: tuple[str, ...]
    advice: str | None = None


@dataclass(frozen=True)
class ParityResult:
    dev: str
    prod: str
    platforms: tuple[PlatformResult, ...]
    strict: bool = False

    @property
    def verdict(self) -> Verdict:
        verdicts = {p.verdict for p in self.platforms}
        if not verdicts:
            return Verdict.UNKNOWN
        if Verdict.DIFFERENT in verdicts:
            return Verdict.DIFFERENT
        if verdicts == {Verdict.SAME}:
            return Verdict.SAME
        return Verdict.UNKNOWN

    @property
    def inferred(self) -> bool:
        """A same-base or different-base verdict that rests on a shared prefix alone."""
        return any(
            p.basis is Basis.INFERRED and p.verdict is not Verdict.UNKNOWN for p in self.platforms
        )


@dataclass(frozen=True)
class ParityRequest:
    dev: str
    prod: str
    base: str | None = None
    platform: str | None = None
    strict: bool = False


@dataclass
class Services:
    """The connections parity may use, created lazily and passed in."""

    registry: Callable[[], RegistryClient]
    engine: Engine = field(default_factory=Engine)
    _client: RegistryClient | None = None

    @property
    def client(self) -> RegistryClient:
        if self._client is None:
            self._client = self.registry()
        return self._client


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


@dataclass(frozen=True)
class Party:
    """One side on one platform. For a Dockerfile stage, `image` is the image its FROM chain
    starts from; for an image, `declared` is the base its annotations name (if any)."""

    label: str
    source: Source
    image: PlatformImage
    static: StaticSide | None = None
    declared: PlatformImage | None = None


# -- inputs ----------------------------------------------------------------------------


def parse_side(text: str) -> Side:
    if text.startswith("docker:"):
        name = text[len("docker:") :]
        if not name:
            raise UsageError("docker: needs an image name, e.g. docker:myapp:dev")
        return Side(text, Source.ENGINE, engine_name=name)
    path_text, _, target = text.partition("#")
    path = Path(path_text)
    if path.is_dir():
        from devcon.discovery import configs_of_folder

        found = configs_of_folder(path)
        if len(found) != 1:
            raise InputError(
                "give the devcontainer.json itself" if found else "no devcontainer.json here",
                str(path),
            )
        path = found[0]
    if path.is_file():
        kind = kind_of(path)
        if kind is FileKind.DOCKERFILE:
            return Side(text, Source.DOCKERFILE, static=_static_side(text, path, target or None))
        if kind is FileKind.CONFIG:
            return _config_side(text, path)
        raise InputError("not a Dockerfile or devcontainer.json", str(path))
    if "#" in text or text.endswith(("Dockerfile", ".json")):
        raise InputError("no such file", path_text)
    try:
        return Side(text, Source.REGISTRY, reference=parse_reference(text))
    except ReferenceError as exc:
        raise UsageError(f"{exc} (and no such file)") from None


def _static_side(
    label: str, path: Path, target: str | None, build_args: dict[str, str] | None = None
) -> StaticSide:
    dockerfile = parse_dockerfile(read_text(path), path, build_args or {})
    if not dockerfile.stages:
        raise InputError("no FROM instruction", str(path))
    stage = dockerfile.stage(target) if target else dockerfile.final_stage
    if stage is None:
        names = ", ".join(s.name or str(s.index) for s in dockerfile.stages)
        raise InputError(f"no stage {target!r} (stages: {names})", str(path))
    root = dockerfile.root_stage(stage)
    written = root.base
    resolved = root.resolved_base
    why = None
    base: Reference | None = None
    if resolved is None:
        why = f"FROM {written} uses a variable with no value"
    elif resolved.lower() == "scratch":
        why = "the stage starts FROM scratch"
    else:
        try:
            base = parse_reference(resolved)
        except ReferenceError as exc:
            why = str(exc)
    return StaticSide(
        label=label,
        path=path,
        stage=stage.name or str(stage.index),
        base_written=resolved or written,
        base=base,
        root_stage=root.name or str(root.index),
        why_unknown=why,
    )


def _config_side(label: str, path: Path) -> Side:
    try:
        doc = jsonc.parse(read_text(path))
    except jsonc.JsoncSyntaxError as exc:
        raise InputError(exc.message, f"{path}:{exc.line}:{exc.column}") from None
    value = doc.value if isinstance(doc.value, dict) else {}
    if isinstance(value.get("image"), str):
        try:
            # named by the image: what is compared (and what to rebuild) is that image
            image = value["image"]
            return Side(image, Source.REGISTRY, reference=parse_reference(image))
        except ReferenceError as exc:
            raise InputError(str(exc), str(path)) from None
    refs = references(path, value)
    if refs.dockerfile is not None:
        build = value.get("build") if isinstance(value.get("build"), dict) else {}
        target = build.get("target") if isinstance(build, dict) else None
        args = {k: v for k, v in refs.build_args.items() if v is not None}
        static = _static_side(label, refs.dockerfile, target, args)
        return Side(label, Source.DOCKERFILE, static=static)
    if refs.compose_files and isinstance(value.get("service"), str):
        from devcon.compose import parse_compose

        for compose_path in refs.compose_files:
            compose = parse_compose(read_text(compose_path), compose_path)
            for service in compose.services:
                if service.name.value != value["service"]:
                    continue
                if service.build is not None:
                    context = compose_path.parent / (service.build.context or ".")
                    dockerfile = context / (service.build.dockerfile or "Dockerfile")
                    static = _static_side(label, dockerfile, service.build.target)
                    return Side(label, Source.DOCKERFILE, static=static)
                if service.image is not None:
                    image = service.image.value
                    try:
                        return Side(image, Source.REGISTRY, reference=parse_reference(image))
                    except ReferenceError as exc:
                        raise InputError(str(exc), str(compose_path)) from None
    raise InputError(
        "the config names no image, Dockerfile or compose service to compare", str(path)
    )


# -- gathering facts -------------------------------------------------------------------


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


def _side_images(services: Services, side: Side, platform: str | None) -> list[PlatformImage]:
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


def _base_images(services: Services, text: str, platform: str | None) -> list[PlatformImage]:
    side = parse_side(text)
    if side.static is not None:
        raise UsageError(
            "--base must be an image (a registry reference or docker:NAME), "
            "not a Dockerfile or devcontainer.json"
        )
    return _side_images(services, side, platform)


_Memo = dict[tuple[str, str], PlatformImage]


def _declared_image(
    services: Services, facts: ImageFacts, platform: str, memo: _Memo
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


# -- comparing -------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shared_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
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


def _layer_entry(facts: ImageFacts, index: int) -> HistoryEntry | None:
    return facts.layer_history()[index] if index < len(facts.diff_ids) else None


def _layer_created_by(facts: ImageFacts, index: int) -> str | None:
    entry = _layer_entry(facts, index)
    return entry.created_by if entry is not None else None


def _command(created_by: str | None) -> str:
    if created_by is None:
        return "(not recorded)"
    return repr(created_by) if created_by else "(an imported layer, no command)"


def contains_base(base: ImageFacts, image: ImageFacts) -> str | None:
    """None when `image` starts with the base's layers (diff ids) and history; else why not."""
    n = len(base.diff_ids)
    if image.diff_ids[:n] != base.diff_ids:
        shared = _shared_prefix(base.diff_ids, image.diff_ids)
        why = (
            f"{image.label}: its layers do not start with the {_plural(n, 'layer')} of "
            f"{base.label} (only {shared} shared)"
        )
        if shared < len(image.diff_ids):
            why += (
                f"; its layer #{shared + 1} was made by "
                f"{_command(_layer_created_by(image, shared))}, the base's by "
                f"{_command(_layer_created_by(base, shared))}"
            )
        return why
    at = history_mismatch(base, image)
    if at is None:
        return None
    theirs = image.history[at].created_by if at < len(image.history) else None
    return (
        f"{image.label}: the same first {_plural(n, 'layer')} as {base.label} but another "
        f"history: its entry #{at + 1} is {_command(theirs)} where the base has "
        f"{_command(base.history[at].created_by)}"
    )


def _identical(a: ImageFacts, b: ImageFacts) -> bool:
    """Every layer shared and the same history, entry for entry (by command)."""
    return (
        shared_layers(a, b) == len(a.diff_ids) == len(b.diff_ids)
        and len(a.history) == len(b.history)
        and history_mismatch(a, b) is None
    )


def _same_image(a: PlatformImage, b: PlatformImage) -> bool:
    """The same platform image: the same manifest, or the same layers and history."""
    if a.facts is None or b.facts is None:
        return False
    if a.source is b.source and a.digest is not None and a.digest == b.digest:
        return True
    return a.facts.diff_ids == b.facts.diff_ids and history_mismatch(a.facts, b.facts) is None


def _starts_with(base: PlatformImage, party: Party) -> str | None:
    """None when the party starts with `base`; else why not."""
    image = party.image
    assert base.facts is not None and image.facts is not None  # checked by the caller
    if base.source is image.source and base.digest is not None and base.digest == image.digest:
        return None
    why = contains_base(base.facts, image.facts)
    if why is not None and party.static is not None:
        return f"{party.label} builds FROM {image.label}; {why}"
    return why


def _from_origin(static: StaticSide) -> str:
    return f"FROM in stage {static.root_stage!r}"


def _base_info(image: PlatformImage, origin: str) -> BaseInfo:
    facts = image.facts
    return BaseInfo(
        label=image.label,
        digest=image.digest,
        created=facts.created if facts is not None else None,
        layers=len(facts.diff_ids) if facts is not None else 0,
        origin=origin,
        pin=image.pin,
    )


def _own_base(party: Party) -> BaseInfo | None:
    """The base a side itself declares: its FROM, or its annotations."""
    if party.static is not None:
        if party.image.facts is None and party.static.base is None:
            return None
        return _base_info(party.image, _from_origin(party.static))
    if party.declared is not None and party.declared.facts is not None:
        return _base_info(party.declared, "annotation")
    return None


def _side_info(party: Party, base: BaseInfo | None) -> SideInfo:
    if party.static is not None:
        return _static_info(party.static, base)
    facts = party.image.facts
    return SideInfo(
        label=party.label,
        source=party.image.source,
        digest=party.image.digest,
        layers=len(facts.diff_ids) if facts is not None else None,
        created=facts.created if facts is not None else None,
        base=base,
    )


def _static_info(static: StaticSide, base: BaseInfo | None) -> SideInfo:
    return SideInfo(
        static.label, Source.DOCKERFILE, None, None, None, base, str(static.path), static.stage
    )


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
    ea, eb = _layer_entry(a, shared), _layer_entry(b, shared)
    return Divergence(
        shared,
        ea.created_by if ea is not None else None,
        eb.created_by if eb is not None else None,
        ea.created if ea is not None else None,
        eb.created if eb is not None else None,
    )


def _rebuild(party: Party, pin: str) -> str:
    if party.static is not None:
        return f"change stage {party.static.root_stage!r} of {party.static.path} to FROM {pin}"
    return f"rebuild {party.label} FROM {pin}"


_AGAIN = "; then run devcon parity again"


def _pin_of(image: PlatformImage) -> str:
    return image.pin or image.label


class _Mode(enum.Enum):
    """How one platform is decided."""

    GIVEN = "given"  # against --base
    STATIC_PAIR = "static-pair"  # two Dockerfile stages: their FROM images
    FROM = "from"  # a stage and an image: the image against the stage's FROM
    DECLARED_PAIR = "declared-pair"  # two images declaring two different bases
    DECLARED = "declared"  # against the base an image's annotations declare
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
    if both and not _same_image(declared[0], declared[1]):
        return _Mode.DECLARED_PAIR, None
    if declared:
        return _Mode.DECLARED, declared[0]
    return _Mode.INFERRED, None


def compare(
    platform: str, dev: Party, prod: Party, given: PlatformImage | None, strict: bool
) -> PlatformResult:
    """The verdict for one platform: `given` is the `--base` image for it, if any."""
    mode, reference = _mode(dev, prod, given)
    a, b = dev.image.facts, prod.image.facts
    shared = shared_layers(a, b) if a is not None and b is not None else 0
    basis = {
        _Mode.GIVEN: Basis.VERIFIED,
        _Mode.FROM: Basis.VERIFIED,
        _Mode.DECLARED: Basis.VERIFIED,
        _Mode.STATIC_PAIR: Basis.DECLARED,
        _Mode.DECLARED_PAIR: Basis.DECLARED,
        _Mode.INFERRED: Basis.INFERRED,
    }[mode]
    common = PlatformResult(
        platform=platform,
        verdict=Verdict.UNKNOWN,
        basis=basis,
        shared_layers=shared,
        dev=_side_info(dev, _own_base(dev)),
        prod=_side_info(prod, _own_base(prod)),
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
            advice=_missing_advice(missing),
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
    ]
    if flattened:
        return replace(
            common,
            divergence=None,
            reasons=(
                f"{', '.join(flattened)}: a single flattened layer (squashed, or exported and "
                "imported): the base's layers are gone, so no base can be recognised or verified",
            ),
            advice="build without --squash / export so the base layers stay; then compare",
        )
    if mode is _Mode.STATIC_PAIR:
        return _decide_static_pair(common, dev, prod)
    if mode is _Mode.DECLARED_PAIR:
        return _decide_declared_pair(common, dev, prod)
    if reference is not None:
        origin = "--base" if mode is _Mode.GIVEN else _reference_origin(dev, prod, mode)
        return _decide_against(common, dev, prod, reference, origin, mode)
    return _decide_inferred(common, dev, prod, strict)


def _reference_origin(dev: Party, prod: Party, mode: _Mode) -> str:
    if mode is _Mode.FROM:
        static = dev.static or prod.static
        return _from_origin(static) if static is not None else "FROM"
    return "annotation"


def _decide_against(
    common: PlatformResult,
    dev: Party,
    prod: Party,
    reference: PlatformImage,
    origin: str,
    mode: _Mode,
) -> PlatformResult:
    info = _base_info(reference, origin)
    checked = [p for p in (dev, prod) if not (mode is _Mode.FROM and p.static is not None)]
    whys = {id(p): _starts_with(reference, p) for p in checked}
    failing = [p for p in checked if whys[id(p)] is not None]

    def side_base(party: Party, side: SideInfo) -> SideInfo:
        if side.base is None and whys.get(id(party)) is None:
            return replace(side, base=info)
        return side

    common = replace(
        common, base=info, dev=side_base(dev, common.dev), prod=side_base(prod, common.prod)
    )
    layers = _plural(info.layers, "layer")
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
        advice = _unpinned_advice(dev.static, prod.static)
        return replace(common, verdict=Verdict.SAME, reasons=(said,), advice=advice)
    reasons = tuple(why for p in checked if (why := whys[id(p)]) is not None)
    pin = _pin_of(reference)
    if mode is _Mode.FROM:
        static = dev if dev.static is not None else prod
        image = failing[0]
        assert static.static is not None
        reasons = (f"{static.label} builds FROM {reference.label}", *reasons)
        advice = (
            f"{_rebuild(image, pin)}, or change stage {static.static.root_stage!r} of "
            f"{static.static.path} to FROM the base {image.label} was built from (pinned)" + _AGAIN
        )
    elif len(failing) == 2 and dev.static is None and prod.static is None:
        advice = f"rebuild both {dev.label} and {prod.label} FROM {pin}" + _AGAIN
    else:
        advice = "; ".join(_rebuild(p, pin) for p in failing) + _AGAIN
    return replace(common, verdict=Verdict.DIFFERENT, reasons=reasons, advice=advice)


def _decide_static_pair(common: PlatformResult, dev: Party, prod: Party) -> PlatformResult:
    a, b = dev.image, prod.image
    if _same_image(a, b):
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
            advice=_unpinned_advice(dev.static, prod.static),
        )
    return replace(
        common,
        verdict=Verdict.DIFFERENT,
        reasons=(
            f"{dev.label} starts FROM {a.label} ({a.digest}), {prod.label} FROM {b.label} "
            f"({b.digest}): another image for {common.platform}",
        ),
        advice=f"{_rebuild(prod, _pin_of(a))}, or {_rebuild(dev, _pin_of(b))}" + _AGAIN,
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
            f"rebuild {prod.label} FROM {_pin_of(a)} (the base {dev.label} uses), or re-pin "
            f"{dev.label} to {_pin_of(b)} and rebuild it" + _AGAIN
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
            advice=(
                f"rebuild {prod.label} FROM the base {dev.label} is built on, pinned by digest, "
                f"or re-pin {dev.label} to the base {prod.label} was built from; --base REF "
                "checks both against one base" + _AGAIN
            ),
        )
    a, b = dev.image.facts, prod.image.facts
    assert a is not None and b is not None  # checked by compare()
    if _identical(a, b):
        reasons = [
            f"the same image: all {_plural(shared, 'layer')} and their history are identical; "
            "no base was declared or given (--base), so the base is inferred, not proven"
        ]
    else:
        reasons = [
            f"the images share their first {_plural(shared, 'layer')}; no base was declared or "
            "given (--base), so this is inferred, not proven: images built on debian and on "
            "python-on-debian share debian's layers too"
        ]
    if strict:
        reasons.append("--strict: an inferred verdict is unknown")
    return replace(
        common,
        verdict=Verdict.UNKNOWN if strict else Verdict.SAME,
        reasons=tuple(reasons),
        advice=("give --base REF (the base both should use) to prove it" if strict else None),
    )


def _unpinned_advice(*statics: StaticSide | None) -> str | None:
    loose = [
        s.base.original
        for s in statics
        if s is not None and s.base is not None and not s.base.is_pinned
    ]
    if not loose:
        return None
    names = ", ".join(dict.fromkeys(loose))
    return (
        f"pin {names} by digest (devcon pin) so a rebuild cannot move to another base "
        "under the same tag"
    )


def _missing_advice(missing: Sequence[PlatformImage]) -> str:
    if any(i.source is Source.DOCKERFILE for i in missing):
        return (
            "give the FROM an image (set the build arg, or a default), or compare the built "
            "image instead (docker:NAME or a registry reference)"
        )
    names = ", ".join(dict.fromkeys(i.label for i in missing))
    return f"push {names} again (the registry lacks part of it), then run devcon parity again"


def _quick_static_pair(dev: StaticSide, prod: StaticSide) -> PlatformResult | None:
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
        origin=_from_origin(dev),
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
            info, label=prod.base.original, origin=_from_origin(prod), pin=prod.base.original
        )
    )
    return PlatformResult(
        platform="any",
        verdict=Verdict.SAME,
        basis=Basis.DECLARED,
        shared_layers=0,
        dev=_static_info(dev, info),
        prod=_static_info(prod, prod_info),
        base=info,
        divergence=None,
        reasons=(reason,),
        advice=_unpinned_advice(dev, prod),
    )


def _lonely(
    platform: str, dev: Side, prod: Side, reasons: tuple[str, ...], advice: str
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
    return ", ".join(i.platform or "unknown" for i in images) or "none"


def parity(request: ParityRequest, services: Services) -> ParityResult:
    dev_side = parse_side(request.dev)
    prod_side = parse_side(request.prod)
    if dev_side.static is not None and prod_side.static is not None and request.base is None:
        quick = _quick_static_pair(dev_side.static, prod_side.static)
        if quick is not None:
            return ParityResult(request.dev, request.prod, (quick,), request.strict)
    given = _base_images(services, request.base, request.platform) if request.base else None
    dev_images = _side_images(services, dev_side, request.platform)
    prod_images = _side_images(services, prod_side, request.platform)
    platforms = pair_platforms(dev_images, prod_images, request.platform)
    if not platforms:
        asked = f"; asked for {request.platform}" if request.platform else ""
        reason = (
            f"no platform in common (dev: {_names(dev_images)}; prod: {_names(prod_images)}{asked})"
        )
        advice = "compare a platform both have (--platform), or build the missing one"
        only = _lonely(request.platform or "any", dev_side, prod_side, (reason,), advice)
        return ParityResult(request.dev, request.prod, (only,), request.strict)
    memo: _Memo = {}
    results: list[PlatformResult] = []
    for platform in platforms:
        dev_image, prod_image = pick(dev_images, platform), pick(prod_images, platform)
        assert dev_image is not None and prod_image is not None  # pair_platforms chose it
        base = None
        if given is not None and request.base is not None:
            base = pick(given, platform)
            if base is None:
                reason = f"{request.base} has no image for {platform} (it has: {_names(given)})"
                advice = (
                    f"give a base with an image for {platform}, or compare another (--platform)"
                )
                results.append(_lonely(platform, dev_side, prod_side, (reason,), advice))
                continue
        dev = _party(services, dev_side, dev_image, platform, memo)
        prod = _party(services, prod_side, prod_image, platform, memo)
        results.append(compare(platform, dev, prod, base, request.strict))
    return ParityResult(request.dev, request.prod, tuple(results), request.strict)


def _party(
    services: Services, side: Side, image: PlatformImage, platform: str, memo: _Memo
) -> Party:
    declared = None
    if side.static is None and image.facts is not None:
        declared = _declared_image(services, image.facts, platform, memo)
    return Party(side.label, side.kind, image, side.static, declared)
