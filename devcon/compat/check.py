"""`devcon compat`: the images a definition uses (or images given directly), read for real,
judged against the knowledge table for a target VS Code."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from devcon import images
from devcon.compat.facts import ImageInfo
from devcon.compat.guess import guess
from devcon.compat.knowledge import VSCodeTarget
from devcon.compat.sources import (
    DEFAULT_MAX_DOWNLOAD,
    PlatformUnavailable,
    engine_image,
    engine_is_local,
    from_engine,
    from_registry,
)
from devcon.compat.uses import compose_uses
from devcon.definition import ComposeDocument, ConfigDocument, DockerfileDocument, collect
from devcon.discovery import FileKind, kind_of
from devcon.errors import InputError, UsageError
from devcon.findings import Finding
from devcon.hints import Hint, Text, hinted
from devcon.imagefacts import engine_platform
from devcon.imagespec import EngineSpec, ReferenceSpec, StageSpec, named_stage, parse_image_spec
from devcon.progress import Progress, no_progress
from devcon.reference import Reference
from devcon.registry.client import platform_matches
from devcon.registry.errors import NotFound, RegistryError
from devcon.services import Services


@dataclass(frozen=True)
class CompatRequest:
    items: tuple[str, ...]  # images (`docker:NAME`, references) or files/folders
    vscode: str = "stable"
    platform: str | None = None
    offline: bool = False
    max_download: int = DEFAULT_MAX_DOWNLOAD
    # the day end-of-life dates are judged against (the caller's clock: the CLI passes today)
    today: datetime.date = field(kw_only=True)
    # told the bytes downloaded of each image's layers (devcon.progress)
    progress: Progress = field(default=no_progress, kw_only=True)


@dataclass(frozen=True)
class ImageReport:
    image: str
    path: str  # where it is named: a config/Dockerfile/compose file, or the image itself
    line: int
    column: int
    info: ImageInfo | None
    layers_read: int | None = None
    notes: tuple[Text, ...] = ()  # may carry hints (devcon.hints)
    unavailable_platform: str | None = None
    available_platforms: tuple[str, ...] = ()
    # why the image could not be read, when its name allowed no guess either: no verdict
    unreadable: Text | None = None
    # the registry answered that it has no such image (a wrong name, not the environment)
    not_found: bool = False


@dataclass(frozen=True)
class CompatResult:
    target: VSCodeTarget
    reports: tuple[ImageReport, ...]
    findings: tuple[Finding, ...]
    offline: bool = False  # the registry was not read (the request was offline)

    @property
    def unreadable(self) -> tuple[ImageReport, ...]:
        """Images neither read nor judged from their names (not even offline)."""
        return tuple(r for r in self.reports if r.unreadable is not None)

    @property
    def names_missing_images(self) -> bool:
        """Every image without a verdict is one the registry says it does not have: the
        names are wrong (a retry gives the same answer), not the environment."""
        return bool(self.unreadable) and all(r.not_found for r in self.unreadable)


def unreadable_message(result: CompatResult) -> Text:
    """The environment error (exit 3) for images compat could not judge at all."""
    parts: list[Text] = []
    for report in result.unreadable:
        where = (
            "" if report.path == report.image else f" ({report.path}:{report.line}:{report.column})"
        )
        if parts:
            parts.append("; ")
        parts.append(
            hinted(
                f"no verdict for {report.image}{where}: it could not be read (",
                report.unreadable or "",
                ") and its name says nothing about the system",
            )
        )
    if result.names_missing_images:
        return hinted(*parts, ". Check the image names")
    advice = Hint.RUN_ONLINE if result.offline else Hint.GIVE_OFFLINE
    return hinted(*parts, ". ", advice)


@dataclass(frozen=True)
class _Wanted:
    image: str
    path: str
    line: int
    column: int
    engine_name: str | None = None  # `docker:NAME`: read from the local engine only
    reference: Reference | None = None  # else the image's reference


def _stage_base(
    definition: DockerfileDocument, target: str | None, explicit: bool
) -> list[images.ImageUse]:
    dockerfile = definition.model
    if explicit and target:
        named_stage(dockerfile, target, definition.path)  # InputError naming the stages
    return images.built_base(dockerfile, target)


def _wanted(items: tuple[str, ...]) -> list[_Wanted]:
    """What to inspect, in order: images given directly, then the images the definitions
    named by paths use (devcon.imagespec: the forms `devcon parity` takes too).
    `Dockerfile#target` names a stage: its base is judged."""
    out: list[_Wanted] = []
    paths: list[Path] = []
    # Dockerfiles named on the command line -> the stages asked (None: the built one)
    stages: dict[Path, list[str | None]] = {}
    for item in items:
        spec = parse_image_spec(item)
        if isinstance(spec, EngineSpec):
            out.append(_Wanted(item, item, 1, 1, engine_name=spec.name))
            continue
        if isinstance(spec, ReferenceSpec):
            out.append(_Wanted(item, item, 1, 1, reference=spec.reference))
            continue
        stage = spec.stage if isinstance(spec, StageSpec) else None
        path = spec.path
        paths.append(path)
        if path.is_file() and kind_of(path) is FileKind.DOCKERFILE:
            stages.setdefault(path.resolve(), []).append(stage)
    if paths or not items:
        definitions = collect(tuple(dict.fromkeys(paths)))
        for definition in definitions:
            uses: list[images.ImageUse] = []
            match definition:
                case ConfigDocument(doc=doc) if doc is not None:
                    uses = images.in_config(doc)
                case ComposeDocument():
                    uses = compose_uses(definition.model, definition.attached_services)
                case DockerfileDocument():
                    if definition.sidecar:
                        continue
                    key = definition.path.resolve()
                    for stage in dict.fromkeys(stages.get(key, [None])):
                        target = stage or definition.target
                        for use in _stage_base(definition, target, bool(stage)):
                            if all((u.line, u.column) != (use.line, use.column) for u in uses):
                                uses.append(use)  # two names of one stage: judged once
            for use in uses:
                if use.reference is not None:
                    where = (str(definition.path), use.line, use.column)
                    out.append(_Wanted(use.reference.original, *where, reference=use.reference))
    return out


def _inspect(wanted: _Wanted, request: CompatRequest, services: Services) -> ImageReport:
    where = (wanted.image, wanted.path, wanted.line, wanted.column)
    asked = request.platform
    if wanted.engine_name is not None:
        name = wanted.engine_name
        if request.offline and not engine_is_local():
            raise UsageError(
                hinted(
                    f"{wanted.image}: ",
                    Hint.OFFLINE_READS_NO_NETWORK,
                    f", and DOCKER_HOST ({os.environ.get('DOCKER_HOST')}) is not a local engine",
                )
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
    ref = wanted.reference
    assert ref is not None  # not docker:NAME
    notes: list[Text] = []
    local = None
    if not request.offline or engine_is_local():
        local = engine_image(services.engine, wanted.image)
    if local is not None:
        have = engine_platform(local.attrs)
        if asked is None or platform_matches(asked, have):
            return ImageReport(*where, from_engine(services.engine, local, wanted.image))
        instead = Hint.NOT_USED_OFFLINE if request.offline else "read from the registry instead"
        notes.append(hinted(f"the local engine's copy is {have}, not {asked}: ", instead))
    reason: Text | None = None
    not_found = False
    if request.offline:
        notes.append(hinted(Hint.OFFLINE_NOT_READ, "; judged from the image name alone"))
        if not engine_is_local():
            engine = "DOCKER_HOST is not a local engine"
        elif local is None:
            engine = "the local engine does not have it"
        else:
            engine = f"the local engine's copy is not {asked}"
        reason = hinted(Hint.OFFLINE_REGISTRY_NOT_READ, f", and {engine}")
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
            reason = exc.text
            not_found = isinstance(exc, NotFound)
            notes.append(hinted("the image could not be read (", exc.text, ")"))
    guessed = guess(ref, wanted.image)
    if guessed is None:
        notes.append("the name says nothing about the system: no verdict")
        return ImageReport(*where, None, notes=tuple(notes), unreadable=reason, not_found=not_found)
    if reason is not None and not request.offline:
        notes.append("judged from the image name instead: a guess, not read from the image")
    return ImageReport(*where, guessed, notes=tuple(notes))


def _from_registry(
    services: Services, ref: Reference, label: str, request: CompatRequest
) -> tuple[ImageInfo, int]:
    client = services.client
    with services.reaching(client.host_for(ref), label):
        return from_registry(
            client, ref, label, request.platform, request.max_download, request.progress
        )


def read_images(request: CompatRequest, services: Services) -> tuple[ImageReport, ...]:
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
