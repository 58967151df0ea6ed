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
from devcon.discovery import FileKind, References, configs_in, discover_files, references
from devcon.errors import InputError
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
    # compose files a config uses: the services it attaches to (`service`), where VS Code runs
    attached_services: frozenset[str] = frozenset()
    # compose files: the services the dev container starts (`service` and `runServices`);
    # None: every service (a config without `runServices`, or a compose file on its own)
    started_services: frozenset[str] | None = None
    # Dockerfiles built only by compose services VS Code does not attach to (a database
    # sidecar): linted, but their base is not where VS Code runs
    sidecar: bool = False


def _parse_config(kind: FileKind, path: Path, profile: Profile) -> DefinitionFile:
    text = read_text(path)
    item = DefinitionFile(kind, path, text, profile)
    try:
        item.doc = jsonc.parse(text)
    except jsonc.JsoncSyntaxError as exc:
        item.syntax_error = exc
    return item


def _user_of(dockerfile: Path) -> tuple[Path, References] | None:
    """A config at the spec's locations near a Dockerfile named on its own (its folder and
    the one above) that builds it: then it is a dev container's Dockerfile, held to the dev
    profile with that config's build args, context and target."""
    wanted = os.path.normcase(str(dockerfile.absolute()))
    folders = [dockerfile.parent, dockerfile.parent.parent]
    if dockerfile.parent.parent.name == ".devcontainer":  # .devcontainer/<name>/Dockerfile
        folders.append(dockerfile.parent.parent.parent)
    for folder in folders:
        for config in configs_in(folder):
            try:
                value = jsonc.parse(read_text(config)).value
            except (jsonc.JsoncSyntaxError, InputError):
                continue
            refs = references(config, value)
            used = refs.dockerfile
            if used is not None and os.path.normcase(str(used.absolute())) == wanted:
                return config, refs
    return None


def collect(paths: Sequence[Path]) -> list[DefinitionFile]:
    """Configs first (in discovery order), then Feature and Template files, compose files,
    and Dockerfiles. A file a config uses is read as that config uses it (dev profile, its
    build args, context and target), whether or not it is also named on its own."""
    configs: list[DefinitionFile] = []
    extras: list[DefinitionFile] = []  # Feature and Template files
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

    # compose file -> the services the configs using it start (None: every service)
    started: dict[Path, set[str] | None] = {}

    def want_compose(
        path: Path,
        profile: Profile,
        service: str | None = None,
        run_services: list[str] | None = None,
    ) -> None:
        key = path.resolve()
        if key not in composes:
            text = read_text(path)
            composes[key] = DefinitionFile(
                FileKind.COMPOSE, path, text, profile, compose=parse_compose(text, path)
            )
        if service:
            item = composes[key]
            item.attached_services = item.attached_services | {service}
            wanted = started.setdefault(key, set())
            if run_services is None:
                started[key] = None  # `docker compose up` with no service: all of them
            elif wanted is not None:
                wanted.update([service, *run_services])
        else:  # named on its own: every service (unless a config already says which)
            started.setdefault(key, None)

    runs_here: set[Path] = set()  # Dockerfiles of images VS Code runs in (or named directly)
    found = discover_files(paths or (Path("."),))
    for kind, path in found:
        if kind is FileKind.CONFIG:
            item = _parse_config(kind, path, Profile.DEV)
            configs.append(item)
            if item.doc is None:
                continue
            refs = references(path, item.doc.value)
            if refs.dockerfile is not None:
                want_dockerfile(
                    refs.dockerfile, Profile.DEV, refs.build_args, refs.context, refs.target
                )
                runs_here.add(refs.dockerfile.resolve())
            value = item.doc.value if isinstance(item.doc.value, dict) else {}
            service = value.get("service")
            run = value.get("runServices")
            run_services = [s for s in run if isinstance(s, str)] if isinstance(run, list) else None
            for compose in refs.compose_files:
                want_compose(
                    compose,
                    Profile.DEV,
                    service if isinstance(service, str) else None,
                    run_services,
                )
        elif kind in (FileKind.FEATURE, FileKind.TEMPLATE):
            extras.append(_parse_config(kind, path, Profile.PROD))
    for kind, path in found:  # files named on their own, unless a config uses them
        if kind is FileKind.DOCKERFILE:
            runs_here.add(path.resolve())
            if path.resolve() in dockerfiles:
                continue  # a config given too already uses it: read as that config reads it
            user = _user_of(path)
            if user is None:
                want_dockerfile(path, Profile.PROD, {}, path.parent)
            else:
                refs = user[1]
                want_dockerfile(path, Profile.DEV, refs.build_args, refs.context, refs.target)
        elif kind is FileKind.COMPOSE:
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
                if service.runs_vscode(item.attached_services):
                    runs_here.add(dockerfile.resolve())
    for key, dockerfile_item in dockerfiles.items():
        dockerfile_item.sidecar = key not in runs_here
    for key, compose_item in composes.items():
        services = started.get(key)
        compose_item.started_services = None if services is None else frozenset(services)
    return [*configs, *extras, *composes.values(), *dockerfiles.values()]
