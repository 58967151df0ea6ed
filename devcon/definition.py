"""Definitions: the configs named on the command line and every file they use.

A config's Dockerfile (with its build args and context), its compose files, and the
Dockerfiles those compose files build are collected once, deduplicated, in a stable order.
`validate` lints them; `pin` rewrites the image references in them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devcon import jsonc
from devcon.compose import ComposeFile, parse_compose
from devcon.discovery import FileKind, discover_files, references
from devcon.fileio import read_text
from devcon.rules.base import Profile


@dataclass
class DefinitionFile:
    kind: FileKind
    path: Path
    text: str
    default_profile: Profile = Profile.PROD
    build_args: Mapping[str, str | None] = field(default_factory=dict)
    context_dir: Path | None = None
    doc: jsonc.JsoncDocument | None = None  # configs
    syntax_error: jsonc.JsoncSyntaxError | None = None  # configs
    compose: ComposeFile | None = None  # compose files
    target: str | None = None  # Dockerfiles: the stage a config or compose service builds


def collect(paths: Sequence[Path]) -> list[DefinitionFile]:
    """Configs first (in discovery order), then compose files, then Dockerfiles."""
    configs: list[DefinitionFile] = []
    composes: dict[Path, DefinitionFile] = {}
    dockerfiles: dict[Path, DefinitionFile] = {}

    def want_dockerfile(
        path: Path,
        profile: Profile,
        args: Mapping[str, str | None],
        context: Path | None,
        target: str | None = None,
    ) -> None:
        key = path.resolve()
        if key not in dockerfiles:
            dockerfiles[key] = DefinitionFile(
                FileKind.DOCKERFILE, path, read_text(path), profile, args, context, target=target
            )

    def want_compose(path: Path, profile: Profile) -> None:
        key = path.resolve()
        if key not in composes:
            text = read_text(path)
            composes[key] = DefinitionFile(
                FileKind.COMPOSE, path, text, profile, compose=parse_compose(text, path)
            )

    extras: list[DefinitionFile] = []  # Feature and Template files
    for kind, path in discover_files(paths or (Path("."),)):
        if kind in (FileKind.FEATURE, FileKind.TEMPLATE):
            text = read_text(path)
            item = DefinitionFile(kind, path, text)
            try:
                item.doc = jsonc.parse(text)
            except jsonc.JsoncSyntaxError as exc:
                item.syntax_error = exc
            extras.append(item)
        elif kind is FileKind.CONFIG:
            text = read_text(path)
            item = DefinitionFile(kind, path, text, Profile.DEV)
            try:
                item.doc = jsonc.parse(text)
            except jsonc.JsoncSyntaxError as exc:
                item.syntax_error = exc
            configs.append(item)
            if item.doc is not None:
                refs = references(path, item.doc.value)
                if refs.dockerfile is not None:
                    want_dockerfile(
                        refs.dockerfile, Profile.DEV, refs.build_args, refs.context, refs.target
                    )
                for compose in refs.compose_files:
                    want_compose(compose, Profile.DEV)
        elif kind is FileKind.DOCKERFILE:
            want_dockerfile(path, Profile.PROD, {}, path.parent)
        else:
            want_compose(path, Profile.PROD)

    for item in list(composes.values()):
        assert item.compose is not None
        for service in item.compose.services:
            build = service.build
            if build is None or (build.context and "${" in build.context):
                continue
            context = Path(os.path.normpath(item.path.parent / (build.context or ".")))
            dockerfile = Path(os.path.normpath(context / (build.dockerfile or "Dockerfile")))
            if dockerfile.is_file():
                args = {e.key.value: (e.value.value if e.value else None) for e in build.args}
                want_dockerfile(dockerfile, item.default_profile, args, context, build.target)
    return [*configs, *extras, *composes.values(), *dockerfiles.values()]
