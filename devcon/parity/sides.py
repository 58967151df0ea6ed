"""The two sides of `devcon parity`, read from what the user wrote (devcon.imagespec): an
image in a registry or the local engine, a Dockerfile stage (read statically: the external
image its FROM chain starts from), or a devcontainer.json (its image, Dockerfile or compose
service)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devcon.definition import ComposeDocument, ConfigDocument, DockerfileDocument, collect
from devcon.discovery import FileKind, kind_of
from devcon.dockerfile.model import Dockerfile
from devcon.dockerfile.parser import parse_dockerfile
from devcon.errors import InputError
from devcon.fileio import read_text
from devcon.imagefacts import Source
from devcon.imagespec import (
    EngineSpec,
    ReferenceSpec,
    StageSpec,
    named_stage,
    parse_image_spec,
    the_config_of,
)
from devcon.reference import Reference, ReferenceError, parse_reference


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


def parse_side(text: str) -> Side:
    """One side as written: `docker:NAME`, a reference, `Dockerfile[#stage]`, or a
    devcontainer.json (or the folder that holds it)."""
    spec = parse_image_spec(text)
    if isinstance(spec, EngineSpec):
        return Side(text, Source.ENGINE, engine_name=spec.name)
    if isinstance(spec, ReferenceSpec):
        return Side(text, Source.REGISTRY, reference=spec.reference)
    if isinstance(spec, StageSpec):
        static = _static_side(text, spec.path, spec.stage, _read_dockerfile(spec.path))
        return Side(text, Source.DOCKERFILE, static=static)
    path = the_config_of(spec.path) if spec.path.is_dir() else spec.path
    kind = kind_of(path)
    if kind is FileKind.DOCKERFILE:
        static = _static_side(text, path, None, _read_dockerfile(path))
        return Side(text, Source.DOCKERFILE, static=static)
    if kind is FileKind.CONFIG:
        return _config_side(text, path)
    raise InputError("not a Dockerfile or devcontainer.json", str(path))


def _read_dockerfile(path: Path) -> Dockerfile:
    """A Dockerfile named on its own, read as written (no build args)."""
    return parse_dockerfile(read_text(path), path, {})


def _static_side(label: str, path: Path, target: str | None, dockerfile: Dockerfile) -> StaticSide:
    if not dockerfile.stages:
        raise InputError("no FROM instruction", str(path))
    stage = named_stage(dockerfile, target, path) if target else dockerfile.final_stage
    assert stage is not None  # it has stages
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
    """The config's side, read from the documents collect() makes of it and the files it
    uses (each parsed once)."""
    documents = collect((path,))
    config = next(d for d in documents if isinstance(d, ConfigDocument))
    if config.doc is None:
        exc = config.syntax_error
        assert exc is not None
        raise InputError(exc.message, f"{path}:{exc.line}:{exc.column}") from None
    dockerfiles = {d.path.resolve(): d for d in documents if isinstance(d, DockerfileDocument)}
    composes = {d.path.resolve(): d.model for d in documents if isinstance(d, ComposeDocument)}

    def dockerfile_at(at: Path, build_args: dict[str, str]) -> Dockerfile:
        known = dockerfiles.get(at.resolve())
        return known.model_for(build_args) if known is not None else _read_dockerfile(at)

    value = config.doc.value if isinstance(config.doc.value, dict) else {}
    if isinstance(value.get("image"), str):
        try:
            # named by the image: what is compared (and what to rebuild) is that image
            image = value["image"]
            return Side(image, Source.REGISTRY, reference=parse_reference(image))
        except ReferenceError as exc:
            raise InputError(str(exc), str(path)) from None
    refs = config.references
    if refs.dockerfile is not None:
        build = value.get("build") if isinstance(value.get("build"), dict) else {}
        target = build.get("target") if isinstance(build, dict) else None
        args = {k: v for k, v in refs.build_args.items() if v is not None}
        model = dockerfile_at(refs.dockerfile, args)
        static = _static_side(label, refs.dockerfile, target, model)
        return Side(label, Source.DOCKERFILE, static=static)
    if refs.compose_files and isinstance(value.get("service"), str):
        for compose_path in refs.compose_files:
            compose = composes[compose_path.resolve()]
            for service in compose.services:
                if service.name.value != value["service"]:
                    continue
                if service.build is not None:
                    context = compose_path.parent / (service.build.context or ".")
                    dockerfile = context / (service.build.dockerfile or "Dockerfile")
                    model = dockerfile_at(dockerfile, {})  # as before: without its build args
                    static = _static_side(label, dockerfile, service.build.target, model)
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
