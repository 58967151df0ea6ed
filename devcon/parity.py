"""`devcon parity DEV PROD`: do the dev and production images share one base digest?

Each side is an image in a registry, an image in the local engine (`docker:NAME`), a
Dockerfile stage (`Dockerfile#target`, read statically) or a devcontainer.json. Images are
compared platform by platform from their configs alone: a base is *verified* when its
`rootfs.diff_ids` are a prefix of both images' and its history matches their first entries;
without a base (neither `--base` nor a declared one) the verdict rests on the longest shared
prefix and is marked *inferred*.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from devcon import jsonc
from devcon.discovery import FileKind, kind_of, references
from devcon.dockerfile.parser import parse_dockerfile
from devcon.engine import Engine
from devcon.errors import InputError, UsageError
from devcon.fileio import read_text
from devcon.imagefacts import HistoryEntry, ImageFacts, Source, facts_from_config
from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.registry.client import RegistryClient, platform_matches
from devcon.registry.errors import NotFound


class Verdict(enum.Enum):
    SAME = "same-base"
    DIFFERENT = "different-base"
    UNKNOWN = "unknown"


class Basis(enum.Enum):
    VERIFIED = "verified"  # checked against the base image's layers and history
    DECLARED = "declared"  # both sides name the same base (Dockerfile FROM, annotation)
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
    label: str
    digest: str | None
    created: str | None = None
    layers: int = 0


@dataclass(frozen=True)
class Divergence:
    index: int  # 0-based layer index
    dev_created_by: str | None
    prod_created_by: str | None


@dataclass(frozen=True)
class PlatformResult:
    platform: str
    verdict: Verdict
    basis: Basis
    shared_layers: int
    dev_layers: int | None
    prod_layers: int | None
    dev_digest: str | None
    prod_digest: str | None
    base: BaseInfo | None
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
        return any(p.basis is Basis.INFERRED for p in self.platforms)


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
        from devcon.discovery import configs_in

        found = configs_in(path)
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
            return Side(label, Source.REGISTRY, reference=parse_reference(value["image"]))
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
                    return Side(
                        label, Source.REGISTRY, reference=parse_reference(service.image.value)
                    )
    raise InputError(
        "the config names no image, Dockerfile or compose service to compare", str(path)
    )


# -- gathering facts -------------------------------------------------------------------


def _registry_facts(
    services: Services, label: str, ref: Reference, platform: str | None
) -> list[ImageFacts]:
    client = services.client
    top = client.manifest(ref, ref.manifest_ref())
    out: list[ImageFacts] = []
    if top.is_index:
        index_annotations = top.data.get("annotations") or {}
        for name, entry in top.platforms():
            if platform is not None and not platform_matches(platform, name):
                continue
            manifest = client.manifest(ref, str(entry["digest"]))
            annotations = {
                **index_annotations,
                **(entry.get("annotations") or {}),
                **(manifest.data.get("annotations") or {}),
            }
            config = client.config(ref, manifest)
            facts = facts_from_config(label, Source.REGISTRY, config, manifest.digest, annotations)
            # the index entry says which platform this manifest serves
            out.append(replace(facts, platform=name))
    else:
        config = client.config(ref, top)
        facts = facts_from_config(
            label, Source.REGISTRY, config, top.digest, top.data.get("annotations") or {}
        )
        if platform is None or platform_matches(platform, facts.platform):
            out.append(facts)
    return out


def _engine_or_registry(services: Services, text: str, platform: str | None) -> list[ImageFacts]:
    side = parse_side(text)
    if side.kind is Source.ENGINE:
        assert side.engine_name is not None
        return [services.engine.facts(side.engine_name, text)]
    if side.kind is Source.REGISTRY:
        assert side.reference is not None
        return _registry_facts(services, text, side.reference, platform)
    raise UsageError("--base must be an image (a registry reference or docker:NAME)")


def _side_facts(services: Services, side: Side, platform: str | None) -> list[ImageFacts]:
    if side.kind is Source.ENGINE:
        assert side.engine_name is not None
        return [services.engine.facts(side.engine_name, side.label)]
    assert side.reference is not None
    return _registry_facts(services, side.label, side.reference, platform)


# -- comparing -------------------------------------------------------------------------


def _shared_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _history_matches(base: ImageFacts, image: ImageFacts) -> bool:
    if len(image.history) < len(base.history):
        return False
    return all(
        b.created_by == i.created_by and b.empty_layer == i.empty_layer
        for b, i in zip(base.history, image.history, strict=False)
    )


def _contains_base(base: ImageFacts, image: ImageFacts) -> tuple[bool, str | None]:
    n = len(base.diff_ids)
    if image.diff_ids[:n] != base.diff_ids:
        shared = _shared_prefix(base.diff_ids, image.diff_ids)
        return False, (
            f"{image.label}: its layers do not start with the base's {n} layers "
            f"(only {shared} shared)"
        )
    both_registry = image.source is Source.REGISTRY and base.source is Source.REGISTRY
    if both_registry and not _history_matches(base, image):
        return False, f"{image.label}: same first layers but another history than the base"
    return True, None


def _divergence(dev: ImageFacts, prod: ImageFacts, shared: int) -> Divergence | None:
    if shared >= len(dev.diff_ids) and shared >= len(prod.diff_ids):
        return None
    dev_history = dev.layer_history()
    prod_history = prod.layer_history()

    def created_by(history: Sequence[HistoryEntry | None], index: int) -> str | None:
        entry = history[index] if index < len(history) else None
        return entry.created_by if entry is not None else None

    return Divergence(shared, created_by(dev_history, shared), created_by(prod_history, shared))


def _advice(base_label: str | None) -> str:
    target = f"`{base_label}`" if base_label else "the pinned base"
    return (
        f"rebuild prod FROM {target} (pinned by digest), or re-pin dev to the base prod "
        "was built from; then run devcon parity again"
    )


def _compare_images(
    dev: ImageFacts, prod: ImageFacts, base: ImageFacts | None, strict: bool
) -> PlatformResult:
    shared = _shared_prefix(dev.diff_ids, prod.diff_ids)
    divergence = _divergence(dev, prod, shared)
    common = PlatformResult(
        platform=dev.platform,
        verdict=Verdict.UNKNOWN,
        basis=Basis.INFERRED,
        shared_layers=shared,
        dev_layers=len(dev.diff_ids),
        prod_layers=len(prod.diff_ids),
        dev_digest=dev.digest,
        prod_digest=prod.digest,
        base=None,
        divergence=divergence,
        reasons=(),
    )
    flattened = [f for f in (dev, prod) if f.looks_flattened]
    if flattened and not (base is not None and len(base.diff_ids) == 1 and shared >= 1):
        names = ", ".join(f.label for f in flattened)
        return replace(
            common,
            verdict=Verdict.UNKNOWN,
            basis=Basis.INFERRED,
            base=None,
            reasons=(
                f"{names}: a single flattened layer (squashed, or exported and imported): "
                "the base's layers are gone, so no base can be recognised or verified",
            ),
            advice="build without --squash / export so the base layers stay; then compare",
        )
    if base is not None:
        info = BaseInfo(base.label, base.digest, base.created, len(base.diff_ids))
        ok_dev, why_dev = _contains_base(base, dev)
        ok_prod, why_prod = _contains_base(base, prod)
        if ok_dev and ok_prod:
            return replace(
                common,
                verdict=Verdict.SAME,
                basis=Basis.VERIFIED,
                base=info,
                reasons=(
                    f"both images start with the {len(base.diff_ids)} layers of {base.label} "
                    "and its history",
                ),
            )
        return replace(
            common,
            verdict=Verdict.DIFFERENT,
            basis=Basis.VERIFIED,
            base=info,
            reasons=tuple(r for r in (why_dev, why_prod) if r),
            advice=_advice(base.label),
        )
    if shared == 0:
        verdict = Verdict.UNKNOWN if strict else Verdict.DIFFERENT
        return replace(
            common,
            verdict=verdict,
            basis=Basis.INFERRED,
            base=None,
            reasons=("the images share no layer: they are not built on the same base",),
            advice=_advice(None),
        )
    verdict = Verdict.UNKNOWN if strict else Verdict.SAME
    return replace(
        common,
        verdict=verdict,
        basis=Basis.INFERRED,
        base=None,
        reasons=(
            f"the images share their first {shared} layers; no base was declared or given "
            "(--base), so this is inferred, not proven: images built on debian and on "
            "python-on-debian share debian's layers too",
        ),
    )


def _static_vs_static(dev: StaticSide, prod: StaticSide, services: Services) -> PlatformResult:
    common = PlatformResult(
        platform="any",
        verdict=Verdict.UNKNOWN,
        basis=Basis.DECLARED,
        shared_layers=0,
        dev_layers=None,
        prod_layers=None,
        dev_digest=None,
        prod_digest=None,
        base=None,
        divergence=None,
        reasons=(),
    )
    if dev.path.resolve() == prod.path.resolve() and dev.root_stage == prod.root_stage:
        base = BaseInfo(dev.base_written or "scratch", dev.base.digest if dev.base else None)
        reasons = [
            f"both stages ({dev.stage}, {prod.stage}) build FROM stage {dev.root_stage!r} of "
            f"{dev.path}, which starts FROM {dev.base_written}"
        ]
        if dev.base is not None and not dev.base.is_pinned:
            reasons.append("that base is not pinned by digest: run `devcon pin`")
        return replace(
            common,
            verdict=Verdict.SAME,
            basis=Basis.DECLARED,
            base=base,
            reasons=tuple(reasons),
        )
    if dev.base is None or prod.base is None:
        why = dev.why_unknown or prod.why_unknown or "no external base"
        return replace(
            common,
            verdict=Verdict.UNKNOWN,
            basis=Basis.DECLARED,
            base=None,
            reasons=(why,),
        )
    dev_digest = dev.base.digest or services.client.resolve_tag(dev.base)[0]
    prod_digest = prod.base.digest or services.client.resolve_tag(prod.base)[0]
    if dev_digest == prod_digest:
        return replace(
            common,
            verdict=Verdict.SAME,
            basis=Basis.DECLARED,
            base=BaseInfo(dev.base.original, dev_digest),
            reasons=(f"both start FROM {dev_digest} ({dev.base.original}, {prod.base.original})",),
        )
    return replace(
        common,
        verdict=Verdict.DIFFERENT,
        basis=Basis.DECLARED,
        base=None,
        reasons=(
            f"dev starts FROM {dev.base.original} ({dev_digest}), "
            f"prod FROM {prod.base.original} ({prod_digest})",
        ),
        advice=_advice(dev.base.original),
    )


def _static_base_facts(
    services: Services, static: StaticSide, platform: str | None
) -> list[ImageFacts]:
    if static.base is None:
        return []
    return _registry_facts(services, static.base.original, static.base, platform)


def parity(request: ParityRequest, services: Services) -> ParityResult:
    dev_side = parse_side(request.dev)
    prod_side = parse_side(request.prod)
    if dev_side.static is not None and prod_side.static is not None and request.base is None:
        result = _static_vs_static(dev_side.static, prod_side.static, services)
        return ParityResult(request.dev, request.prod, (result,), request.strict)

    explicit_base = (
        _engine_or_registry(services, request.base, request.platform) if request.base else None
    )
    # a static side contributes its declared base; an image side contributes its facts
    static = dev_side.static or prod_side.static
    if static is not None:
        image_side = prod_side if dev_side.static is not None else dev_side
        images = _side_facts(services, image_side, request.platform)
        bases = explicit_base or _static_base_facts(services, static, request.platform)
        results = []
        for image in images:
            base = _pick(bases, image.platform)
            if base is None:
                results.append(_no_platform(image.platform, static.label))
                continue
            ok, why = _contains_base(base, image)
            info = BaseInfo(base.label, base.digest, base.created, len(base.diff_ids))
            results.append(
                PlatformResult(
                    platform=image.platform,
                    verdict=Verdict.SAME if ok else Verdict.DIFFERENT,
                    basis=Basis.VERIFIED,
                    shared_layers=_shared_prefix(base.diff_ids, image.diff_ids),
                    dev_layers=None if dev_side.static else len(image.diff_ids),
                    prod_layers=None if prod_side.static else len(image.diff_ids),
                    dev_digest=None if dev_side.static else image.digest,
                    prod_digest=None if prod_side.static else image.digest,
                    base=info,
                    divergence=None,
                    reasons=(
                        (
                            f"{static.label} builds FROM {base.label}; {image.label} starts "
                            f"with its {len(base.diff_ids)} layers",
                        )
                        if ok
                        else (f"{static.label} builds FROM {base.label}", why or "")
                    ),
                    advice=None if ok else _advice(base.label),
                )
            )
        return ParityResult(request.dev, request.prod, tuple(results), request.strict)

    dev_facts = _side_facts(services, dev_side, request.platform)
    prod_facts = _side_facts(services, prod_side, request.platform)
    results = []
    platforms = [f.platform for f in dev_facts if _pick(prod_facts, f.platform) is not None]
    if not platforms:
        have_dev = ", ".join(f.platform for f in dev_facts) or "none"
        have_prod = ", ".join(f.platform for f in prod_facts) or "none"
        raise NotFound(
            f"no platform in common (dev: {have_dev}; prod: {have_prod}"
            + (f"; asked for {request.platform}" if request.platform else "")
            + ")"
        )
    for platform in platforms:
        dev = _pick(dev_facts, platform)
        prod = _pick(prod_facts, platform)
        assert dev is not None and prod is not None
        base = None
        if explicit_base is not None:
            base = _pick(explicit_base, platform)
            if base is None:
                results.append(_no_platform(platform, request.base or "the base"))
                continue
        else:
            base = _declared_base(services, dev, prod, platform)
        results.append(_compare_images(dev, prod, base, request.strict))
    return ParityResult(request.dev, request.prod, tuple(results), request.strict)


def _declared_base(
    services: Services, dev: ImageFacts, prod: ImageFacts, platform: str
) -> ImageFacts | None:
    """The base an OCI annotation declares (on either image), fetched for this platform."""
    for facts in (dev, prod):
        if facts.base_name:
            try:
                ref = parse_reference(facts.base_name)
            except ReferenceError:
                continue
            if facts.base_digest and not ref.digest:
                ref = Reference(
                    ref.registry,
                    ref.repository,
                    ref.tag,
                    facts.base_digest,
                    f"{ref.original}@{facts.base_digest}",
                )
            candidates = _registry_facts(services, ref.original, ref, platform)
            picked = _pick(candidates, platform)
            if picked is not None:
                return picked
    return None


def _pick(facts: list[ImageFacts], platform: str) -> ImageFacts | None:
    for item in facts:
        if item.platform == platform or platform_matches(platform, item.platform):
            return item
    return None


def _no_platform(platform: str, what: str) -> PlatformResult:
    return PlatformResult(
        platform=platform,
        verdict=Verdict.UNKNOWN,
        basis=Basis.VERIFIED,
        shared_layers=0,
        dev_layers=None,
        prod_layers=None,
        dev_digest=None,
        prod_digest=None,
        base=None,
        divergence=None,
        reasons=(f"{what} has no image for {platform}",),
    )
