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
from devcon.compat.knowledge import Target, target_for
from devcon.compat.rule_support import compose_uses
from devcon.compat.sources import (
    DEFAULT_MAX_DOWNLOAD,
    PlatformUnavailable,
    from_engine,
    from_registry,
)
from devcon.compose import ComposeBuild
from devcon.config import Settings
from devcon.definition import DefinitionFile, collect
from devcon.discovery import FileKind, references
from devcon.dockerfile.parser import parse_dockerfile
from devcon.engine import Engine, EngineError
from devcon.errors import InputError, UsageError
from devcon.findings import Finding
from devcon.reference import ReferenceError, parse_reference
from devcon.registry.client import RegistryClient
from devcon.registry.errors import RegistryError
from devcon.rules.base import ImageContext
from devcon.rules.catalog import all_rules


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


@dataclass(frozen=True)
class CompatResult:
    target: Target
    reports: tuple[ImageReport, ...]
    findings: tuple[Finding, ...]


@dataclass
class CompatServices:
    registry: Callable[[], RegistryClient]
    engine: Engine = field(default_factory=Engine)
    _client: RegistryClient | None = None

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


def _compose_dockerfile(compose_path: Path, build: ComposeBuild) -> Path | None:
    """The Dockerfile a compose service builds, as definition.collect() finds it."""
    if build.context and "${" in build.context:
        return None
    context = Path(os.path.normpath(compose_path.parent / (build.context or ".")))
    return Path(os.path.normpath(context / (build.dockerfile or "Dockerfile")))


def _sidecar_dockerfiles(definitions: list[DefinitionFile], named: set[Path]) -> set[Path]:
    """Dockerfiles collected only because a service VS Code does not attach to builds them:
    their base is not where VS Code runs."""
    needed = set(named)
    sidecar: set[Path] = set()
    for definition in definitions:
        if definition.kind is FileKind.CONFIG and definition.doc is not None:
            used = references(definition.path, definition.doc.value).dockerfile
            if used is not None:
                needed.add(used.resolve())
        elif definition.kind is FileKind.COMPOSE and definition.compose is not None:
            attached = definition.attached_services
            for service in definition.compose.services:
                if service.build is None:
                    continue
                dockerfile = _compose_dockerfile(definition.path, service.build)
                if dockerfile is None:
                    continue
                if not attached or service.name.value in attached:
                    needed.add(dockerfile.resolve())
                else:
                    sidecar.add(dockerfile.resolve())
    return sidecar - needed


def _wanted(items: tuple[str, ...]) -> list[_Wanted]:
    out: list[_Wanted] = []
    paths = [Path(i) for i in items if Path(i).exists()]
    for item in items:
        if Path(item).exists():
            continue
        if item.startswith("docker:"):
            out.append(_Wanted(item, item, 1, 1))
            continue
        try:
            parse_reference(item)
        except ReferenceError as exc:
            raise UsageError(f"{item}: neither a file nor an image reference ({exc})") from None
        out.append(_Wanted(item, item, 1, 1))
    if paths or not items:
        definitions = collect(tuple(paths))
        named = {p.resolve() for p in paths if p.is_file()}
        skipped = _sidecar_dockerfiles(definitions, named)
        for definition in definitions:
            uses: list[images.ImageUse] = []
            if definition.kind is FileKind.CONFIG and definition.doc is not None:
                uses = images.in_config(definition.doc)
            elif definition.kind is FileKind.COMPOSE and definition.compose is not None:
                uses = compose_uses(definition.compose, definition.attached_services)
            elif definition.kind is FileKind.DOCKERFILE:
                if definition.path.resolve() in skipped:
                    continue
                args = {k: v for k, v in definition.build_args.items() if v is not None}
                dockerfile = parse_dockerfile(definition.text, definition.path, args)
                uses = images.built_base(dockerfile, definition.target)
            for use in uses:
                if use.reference is not None:
                    out.append(
                        _Wanted(use.reference.original, str(definition.path), use.line, use.column)
                    )
    return out


def _inspect(wanted: _Wanted, request: CompatRequest, services: CompatServices) -> ImageReport:
    where = (wanted.image, wanted.path, wanted.line, wanted.column)
    if wanted.image.startswith("docker:"):
        name = wanted.image[len("docker:") :]
        return ImageReport(*where, from_engine(services.engine, name, wanted.image))
    ref = parse_reference(wanted.image)
    try:
        if services.engine.has_image(wanted.image):
            return ImageReport(*where, from_engine(services.engine, wanted.image, wanted.image))
    except EngineError:
        pass  # no engine here: the registry decides
    notes: tuple[str, ...] = ()
    if not request.offline:
        try:
            info, layers = from_registry(
                services.client, ref, wanted.image, request.platform, request.max_download
            )
            return ImageReport(*where, info, layers_read=layers)
        except PlatformUnavailable as exc:
            return ImageReport(
                *where,
                None,
                unavailable_platform=exc.platform,
                available_platforms=tuple(exc.available),
            )
        except RegistryError as exc:
            notes = (f"the image could not be read ({exc.message}); judged from its name",)
    else:
        notes = ("--offline: judged from the image name alone",)
    guessed = guess(ref, wanted.image)
    if guessed is None:
        return ImageReport(*where, None, notes=(*notes, "the name says nothing about the system"))
    return ImageReport(*where, guessed, notes=notes)


def compat(request: CompatRequest, settings: Settings, services: CompatServices) -> CompatResult:
    target = target_for(request.vscode)
    wanted = _wanted(request.items)
    if not wanted:
        raise InputError("no image to check: give images, or a folder with a dev container")
    rules = [r for r in all_rules() if r.image is not None and settings.is_enabled(r)]
    reports: list[ImageReport] = []
    findings: list[Finding] = []
    seen: dict[str, ImageReport] = {}
    for item in wanted:
        report = seen.get(item.image) or _inspect(item, request, services)
        seen.setdefault(item.image, report)
        report = replace(report, path=item.path, line=item.line, column=item.column)
        reports.append(report)
        ctx = ImageContext(
            image=item.image,
            info=report.info,
            target=target,
            line=item.line,
            column=item.column,
            unavailable_platform=report.unavailable_platform,
            available_platforms=report.available_platforms,
        )
        for rule in rules:
            assert rule.image is not None
            for problem in rule.image(ctx):
                findings.append(
                    Finding(
                        item.path,
                        problem.line,
                        problem.column,
                        rule.name,
                        settings.severity_of(rule),
                        problem.message,
                    )
                )
    return CompatResult(target, tuple(reports), tuple(findings))
