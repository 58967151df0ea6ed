"""`devcon compat`: the images a definition uses (or images given directly), read for real,
judged against the knowledge table for a target VS Code."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from devcon import images
from devcon.compat.facts import ImageInfo
from devcon.compat.guess import guess
from devcon.compat.knowledge import Target
from devcon.compat.sources import (
    DEFAULT_MAX_DOWNLOAD,
    PlatformUnavailable,
    engine_image,
    engine_is_local,
    from_engine,
    from_registry,
)
from devcon.compat.uses import compose_uses
from devcon.definition import DefinitionFile, collect
from devcon.discovery import FileKind, kind_of
from devcon.dockerfile.parser import parse_dockerfile
from devcon.engine import Engine
from devcon.errors import InputError, UsageError
from devcon.findings import Finding
from devcon.imagefacts import engine_platform
from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.registry.client import RegistryClient, platform_matches
from devcon.registry.errors import RegistryError, RegistryUnavailable


@dataclass(frozen=True)
class CompatRequest:
    items: tuple[str, ...]  # images (`docker:NAME`, references) or files/folders
    vscode: str = "stable"
    platform: str | None = None
    offline: bool = False
    max_download: int = DEFAULT_MAX_DOWNLOAD


@dataclass(frozen=True)
class ImageReport:
    image: str
    path: str  # where it is named: a config/Dockerfile/compose file, or the image itself
    line: int
    column: int
    info: ImageInfo | None
    layers_read: int | None = None
    notes: tuple[str, ...] = ()
    unavailable_platform: str | None = None
    available_platforms: tuple[str, ...] = ()
    # why the image could not be read, when its name allowed no guess either: no verdict
    unreadable: str | None = None


@dataclass(frozen=True)
class CompatResult:
    target: Target
    reports: tuple[ImageReport, ...]
    findings: tuple[Finding, ...]
    offline: bool = False  # the registry was not read (--offline)

    @property
    def unreadable(self) -> tuple[ImageReport, ...]:
        """Images neither read nor judged from their names (not with --offline)."""
        return tuple(r for r in self.reports if r.unreadable is not None)


def unreadable_message(result: CompatResult) -> str:
    """The environment error (exit 3) for images compat could not judge at all."""
    parts = []
    for report in result.unreadable:
        where = (
            "" if report.path == report.image else f" ({report.path}:{report.line}:{report.column})"
        )
        parts.append(
            f"no verdict for {report.image}{where}: it could not be read ({report.unreadable}) "
            "and its name says nothing about the system"
        )
    if result.offline:
        advice = (
            "Run without --offline to read it from the registry, or pull it into the local "
            "engine first"
        )
    else:
        advice = "Check access to the registry, or give --offline to judge from names alone"
    return "; ".join(parts) + ". " + advice


@dataclass
class CompatServices:
    registry: Callable[[], RegistryClient]
    engine: Engine = field(default_factory=Engine)
    _client: RegistryClient | None = None
    # registries that did not answer (host -> the image they failed for): not asked again
    # for the other images
    unreachable: dict[str, str] = field(default_factory=dict)

    @property
    def client(self) -> RegistryClient:
        if self._client is None:
            self._client = self.registry()
        return self._client


@dataclass(frozen=True)
class _Wanted:
    image: str
    path: str
    line: int
    column: int


def _stage_base(
    definition: DefinitionFile, target: str | None, explicit: bool
) -> list[images.ImageUse]:
    args = {k: v for k, v in definition.build_args.items() if v is not None}
    dockerfile = parse_dockerfile(definition.text, definition.path, args)
    if explicit and target and dockerfile.stage(target) is None:
        names = ", ".join(s.name or str(s.index) for s in dockerfile.stages) or "none"
        raise InputError(f"no stage {target!r} (stages: {names})", str(definition.path))
    return images.built_base(dockerfile, target)


def _direct(item: str) -> _Wanted:
    """An image given on the command line: `docker:NAME` or a reference."""
    if not item.startswith("docker:"):
        try:
            parse_reference(item)
        except ReferenceError as exc:
            raise UsageError(f"{item}: neither a file nor an image reference ({exc})") from None
    return _Wanted(item, item, 1, 1)


def _wanted(items: tuple[str, ...]) -> list[_Wanted]:
    """What to inspect, in order: images given directly, then the images the definitions
    named by paths use. `Dockerfile#target` (as for `devcon parity`) names a stage: its base
    is judged."""
    out: list[_Wanted] = []
    paths: list[Path] = []
    # Dockerfiles named on the command line -> the stages asked (None: the built one)
    stages: dict[Path, list[str | None]] = {}
    for item in items:
        stage: str | None = None
        path = Path(item)
        if not path.exists():
            path_text, hash_sign, stage = item.partition("#")
            if not hash_sign:
                out.append(_direct(item))
                continue
            path = Path(path_text)
            if not path.exists():
                raise InputError("no such file", path_text)
            if not path.is_file() or kind_of(path) is not FileKind.DOCKERFILE:
                raise UsageError(f"{item}: #STAGE goes with a Dockerfile only")
            if not stage:
                raise UsageError(f"{item}: give a stage name or index after #")
        paths.append(path)
        if path.is_file() and kind_of(path) is FileKind.DOCKERFILE:
            stages.setdefault(path.resolve(), []).append(stage)
    if paths or not items:
        definitions = collect(tuple(dict.fromkeys(paths)))
        for definition in definitions:
            uses: list[images.ImageUse] = []
            if definition.kind is FileKind.CONFIG and definition.doc is not None:
                uses = images.in_config(definition.doc)
            elif definition.kind is FileKind.COMPOSE and definition.compose is not None:
                uses = compose_uses(definition.compose, definition.attached_services)
            elif definition.kind is FileKind.DOCKERFILE:
                key = definition.path.resolve()
                if definition.sidecar:
                    continue
                for stage in dict.fromkeys(stages.get(key, [None])):
                    for use in _stage_base(definition, stage or definition.target, bool(stage)):
                        if all((u.line, u.column) != (use.line, use.column) for u in uses):
                            uses.append(use)  # two names of one stage: judged once
            for use in uses:
                if use.reference is not None:
                    out.append(
                        _Wanted(use.reference.original, str(definition.path), use.line, use.column)
                    )
    return out


def _inspect(wanted: _Wanted, request: CompatRequest, services: CompatServices) -> ImageReport:
    where = (wanted.image, wanted.path, wanted.line, wanted.column)
    asked = request.platform
    if wanted.image.startswith("docker:"):
        name = wanted.image[len("docker:") :]
        if not name:
            raise UsageError("docker: needs an image name, e.g. docker:myapp:dev")
        if request.offline and not engine_is_local():
            raise UsageError(
                f"{wanted.image}: --offline reads no network, and DOCKER_HOST "
                f"({os.environ.get('DOCKER_HOST')}) is not a local engine"
            )
        image = services.engine.image(name)  # docker:NAME reads only the engine
        have = engine_platform(image.attrs)
        if asked is not None and not platform_matches(asked, have):
            return ImageReport(
                *where,
                None,
                notes=(f"the local engine's image is {have}; docker:NAME reads only the engine",),
                unavailable_platform=asked,
                available_platforms=(have,),
            )
        return ImageReport(*where, from_engine(services.engine, image, wanted.image))
    ref = parse_reference(wanted.image)
    notes: list[str] = []
    local = None
    if not request.offline or engine_is_local():
        local = engine_image(services.engine, wanted.image)
    if local is not None:
        have = engine_platform(local.attrs)
        if asked is None or platform_matches(asked, have):
            return ImageReport(*where, from_engine(services.engine, local, wanted.image))
        instead = "not used (--offline)" if request.offline else "read from the registry instead"
        notes.append(f"the local engine's copy is {have}, not {asked}: {instead}")
    reason = None
    if request.offline:
        notes.append("--offline: not read from the registry; judged from the image name alone")
        if not engine_is_local():
            engine = "DOCKER_HOST is not a local engine"
        elif local is None:
            engine = "the local engine does not have it"
        else:
            engine = f"the local engine's copy is not {asked}"
        reason = f"--offline: the registry was not read, and {engine}"
    else:
        try:
            info, layers = _from_registry(services, ref, wanted.image, request)
            return ImageReport(*where, info, layers_read=layers, notes=tuple(notes))
        except PlatformUnavailable as exc:
            return ImageReport(
                *where,
                None,
                notes=tuple(notes),
                unavailable_platform=exc.platform,
                available_platforms=tuple(exc.available),
            )
        except RegistryError as exc:
            reason = exc.message
            notes.append(f"the image could not be read ({exc.message})")
    guessed = guess(ref, wanted.image)
    if guessed is None:
        notes.append("the name says nothing about the system: no verdict")
        return ImageReport(*where, None, notes=tuple(notes), unreadable=reason)
    if reason is not None and not request.offline:
        notes.append("judged from the image name instead: a guess, not read from the image")
    return ImageReport(*where, guessed, notes=tuple(notes))


def _from_registry(
    services: CompatServices, ref: Reference, label: str, request: CompatRequest
) -> tuple[ImageInfo, int]:
    client = services.client
    host = client.host_for(ref)
    if host in services.unreachable:
        earlier = services.unreachable[host]
        raise RegistryUnavailable(f"{host} did not answer for {earlier}: not asked again")
    try:
        return from_registry(client, ref, label, request.platform, request.max_download)
    except RegistryUnavailable:
        services.unreachable[host] = label
        raise


def read_images(request: CompatRequest, services: CompatServices) -> tuple[ImageReport, ...]:
    """Each image the request names, in order, with what could be read of it (an image
    named twice is read once)."""
    wanted = _wanted(request.items)
    if not wanted:
        raise InputError("no image to check: give images, or a folder with a dev container")
    reports: list[ImageReport] = []
    seen: dict[str, ImageReport] = {}
    for item in wanted:
        report = seen.get(item.image) or _inspect(item, request, services)
        seen.setdefault(item.image, report)
        reports.append(replace(report, path=item.path, line=item.line, column=item.column))
    return tuple(reports)
