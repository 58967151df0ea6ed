"""Definitions: the configs named on the command line and every file they use, each read
once into a typed document that carries its parsed model.

A config's Dockerfile (with its build args and context), its compose files, and the
Dockerfiles those compose files build are collected once, deduplicated, in a stable order.
`validate` lints them, `pin` rewrites the image references in them, `compat` and `parity`
read the images they use: every one of them reads the models built here, none parses a file
again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devcon import jsonc
from devcon.compose import ComposeFile, ComposeService, parse_compose
from devcon.discovery import FileKind, References, configs_in, discover_files, references
from devcon.dockerfile.model import Dockerfile
from devcon.dockerfile.parser import parse_dockerfile
from devcon.dockerfile.requirements import RequirementFiles
from devcon.errors import InputError
from devcon.fileio import is_existing_file, read_text
from devcon.profile import Profile


@dataclass(frozen=True)
class JsoncFileDocument:
    """A JSONC file (a config, Feature or Template): parsed, or with the syntax error that
    stopped it."""

    path: Path
    text: str
    doc: jsonc.JsoncDocument | None
    syntax_error: jsonc.JsoncSyntaxError | None


@dataclass(frozen=True)
class ConfigDocument(JsoncFileDocument):
    """A devcontainer.json, with the files it uses (none when it could not be parsed)."""

    references: References = field(default_factory=References)


@dataclass(frozen=True)
class FeatureDocument(JsoncFileDocument):
    """A devcontainer-feature.json."""


@dataclass(frozen=True)
class TemplateDocument(JsoncFileDocument):
    """A devcontainer-template.json."""


@dataclass(frozen=True)
class DockerfileDocument:
    """A Dockerfile, parsed with the build args of the config or compose service that builds
    it (none for a Dockerfile named on its own)."""

    path: Path
    text: str
    model: Dockerfile
    default_profile: Profile = Profile.PROD
    build_args: Mapping[str, str | None] = field(default_factory=dict)
    context_dir: Path | None = None
    target: str | None = None  # the stage a config or compose service builds
    # built only by compose services VS Code does not attach to (a database sidecar):
    # linted, but its base is not where VS Code runs
    sidecar: bool = False
    # the requirement files its RUNs install from, each read once per run (shared by every
    # Dockerfile of one collect())
    requirements: RequirementFiles = field(default_factory=RequirementFiles, compare=False)

    def model_for(self, build_args: Mapping[str, str]) -> Dockerfile:
        """The model under other build args: the one built here when they are the args it
        was parsed with."""
        if dict(build_args) == _applied(self.build_args):
            return self.model
        return parse_dockerfile(self.text, self.path, build_args)


@dataclass(frozen=True)
class ComposeDocument:
    """A compose file and how the configs using it use it."""

    path: Path
    text: str
    model: ComposeFile
    default_profile: Profile = Profile.PROD
    # the services the configs using it attach to (`service`), where VS Code runs
    attached_services: frozenset[str] = frozenset()
    # the services the dev container starts (`service` and `runServices`); None: every
    # service (a config without `runServices`, or a compose file on its own)
    started_services: frozenset[str] | None = None


Document = (
    ConfigDocument | FeatureDocument | TemplateDocument | DockerfileDocument | ComposeDocument
)


def _applied(build_args: Mapping[str, str | None]) -> dict[str, str]:
    """The build args a parse applies: those with a known value."""
    return {k: v for k, v in build_args.items() if v is not None}


def _parse_jsonc(
    path: Path,
) -> tuple[str, jsonc.JsoncDocument | None, jsonc.JsoncSyntaxError | None]:
    text = read_text(path)
    try:
        return text, jsonc.parse(text), None
    except jsonc.JsoncSyntaxError as exc:
        return text, None, exc


def read_config(path: Path) -> ConfigDocument:
    """One devcontainer.json as a document (InputError when it cannot be read)."""
    text, doc, error = _parse_jsonc(path)
    refs = references(path, doc.value) if doc is not None else References()
    return ConfigDocument(path, text, doc, error, refs)


@dataclass(frozen=True)
class _Build:
    """How a Dockerfile is built: its build args, context and target."""

    args: Mapping[str, str | None]
    context: Path | None
    target: str | None


def _service_build(compose: Path, service: ComposeService) -> tuple[Path, _Build] | None:
    """The Dockerfile a compose service builds and how (None: it builds none devcon can
    find: no `build`, or a context with a variable)."""
    build = service.build
    if build is None or (build.context and "${" in build.context):
        return None
    context = Path(os.path.normpath(compose.parent / (build.context or ".")))
    dockerfile = Path(os.path.normpath(context / (build.dockerfile or "Dockerfile")))
    args = {e.key.value: (e.value.value if e.value else None) for e in build.args}
    return dockerfile, _Build(args, context, build.target)


ComposeReader = Callable[[Path], ComposeFile]


def _attached_build(
    config_value: object, refs: References, wanted: str, read_compose: ComposeReader
) -> _Build | None:
    """How the compose service a config attaches to (`dockerComposeFile` + `service`) builds
    the Dockerfile `wanted` (a normcased absolute path), or None when it does not."""
    service = config_value.get("service") if isinstance(config_value, dict) else None
    if not isinstance(service, str):
        return None
    for compose in refs.compose_files:
        if not is_existing_file(compose):
            continue
        try:
            model = read_compose(compose)
        except InputError:
            continue
        for item in model.services:
            built = _service_build(compose, item) if item.name.value == service else None
            if built is not None and os.path.normcase(str(built[0].absolute())) == wanted:
                return built[1]
    return None


def _user_of(
    dockerfile: Path, parsed: Mapping[Path, ConfigDocument], read_compose: ComposeReader
) -> _Build | None:
    """A config at the spec's locations near a Dockerfile named on its own (its folder and up
    to three above) that builds it, through `build.dockerfile` or through the compose service
    it attaches to (`dockerComposeFile` + `service`): then it is a dev container's
    Dockerfile, held to the dev profile with that build's args, context and target. Configs
    this run already read (`parsed`) are not parsed again, nor compose files
    (`read_compose`: the run's reader, each file read once)."""
    wanted = os.path.normcase(str(dockerfile.absolute()))
    folders = [dockerfile.parent, *list(dockerfile.parent.parents)[:3]]
    for folder in folders:
        for config in configs_in(folder):
            known = parsed.get(config.resolve())
            if known is not None:
                if known.doc is None:
                    continue
                refs, value = known.references, known.doc.value
            else:
                try:
                    value = jsonc.parse(read_text(config)).value
                except (jsonc.JsoncSyntaxError, InputError):
                    continue
                refs = references(config, value)
            used = refs.dockerfile
            if used is not None and os.path.normcase(str(used.absolute())) == wanted:
                return _Build(refs.build_args, refs.context, refs.target)
            attached = _attached_build(value, refs, wanted, read_compose)
            if attached is not None:
                return attached
    return None


@dataclass
class _WantedDockerfile:
    path: Path
    text: str
    profile: Profile
    args: Mapping[str, str | None]
    context: Path | None
    target: str | None


@dataclass
class _WantedCompose:
    path: Path
    text: str
    model: ComposeFile
    profile: Profile
    attached: set[str] = field(default_factory=set)
    # the services the configs using it start (None: every service); unset: not yet known
    started: set[str] | None = None
    started_known: bool = False


def collect(paths: Sequence[Path]) -> list[Document]:
    """Configs first (in discovery order), then Feature and Template files, compose files,
    and Dockerfiles. A file a config uses is read as that config uses it (dev profile, its
    build args, context and target), whether or not it is also named on its own."""
    configs: list[ConfigDocument] = []
    parsed: dict[Path, ConfigDocument] = {}
    extras: list[FeatureDocument | TemplateDocument] = []
    composes: dict[Path, _WantedCompose] = {}
    dockerfiles: dict[Path, _WantedDockerfile] = {}

    def want_dockerfile(
        path: Path,
        profile: Profile,
        args: Mapping[str, str | None],
        context: Path | None,
        target: str | None = None,
    ) -> None:
        key = path.resolve()
        if key not in dockerfiles:
            dockerfiles[key] = _WantedDockerfile(
                path, read_text(path), profile, args, context, target
            )

    compose_files: dict[Path, ComposeFile] = {}  # each compose file read once per run

    def compose_model(path: Path) -> ComposeFile:
        key = path.resolve()
        if key not in compose_files:
            compose_files[key] = parse_compose(read_text(path), path)
        return compose_files[key]

    def want_compose(
        path: Path,
        profile: Profile,
        service: str | None = None,
        run_services: list[str] | None = None,
    ) -> None:
        key = path.resolve()
        if key not in composes:
            model = compose_model(path)
            composes[key] = _WantedCompose(path, model.text, model, profile)
        item = composes[key]
        if service:
            item.attached.add(service)
            if not item.started_known:
                item.started, item.started_known = set(), True
            if run_services is None:
                item.started = None  # `docker compose up` with no service: all of them
            elif item.started is not None:
                item.started.update([service, *run_services])
        elif not item.started_known:  # named on its own: every service (unless a config
            item.started, item.started_known = None, True  # already says which)

    runs_here: set[Path] = set()  # Dockerfiles of images VS Code runs in (or named directly)
    found = discover_files(paths or (Path("."),))
    for kind, path in found:
        if kind is FileKind.CONFIG:
            config = read_config(path)
            configs.append(config)
            parsed.setdefault(path.resolve(), config)
            if config.doc is None:
                continue
            refs = config.references
            if refs.dockerfile is not None:
                want_dockerfile(
                    refs.dockerfile, Profile.DEV, refs.build_args, refs.context, refs.target
                )
                runs_here.add(refs.dockerfile.resolve())
            value = config.doc.value if isinstance(config.doc.value, dict) else {}
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
        elif kind is FileKind.FEATURE:
            extras.append(FeatureDocument(path, *_parse_jsonc(path)))
        elif kind is FileKind.TEMPLATE:
            extras.append(TemplateDocument(path, *_parse_jsonc(path)))
    for kind, path in found:  # files named on their own, unless a config uses them
        if kind is FileKind.DOCKERFILE:
            runs_here.add(path.resolve())
            if path.resolve() in dockerfiles:
                continue  # a config given too already uses it: read as that config reads it
            user = _user_of(path, parsed, compose_model)
            if user is None:
                want_dockerfile(path, Profile.PROD, {}, path.parent)
            else:
                want_dockerfile(path, Profile.DEV, user.args, user.context, user.target)
        elif kind is FileKind.COMPOSE:
            want_compose(path, Profile.PROD)

    for item in list(composes.values()):
        for service in item.model.services:
            built = _service_build(item.path, service)
            if built is None:
                continue
            dockerfile, how = built
            if is_existing_file(dockerfile):  # False for a name too long (ENAMETOOLONG)
                want_dockerfile(dockerfile, item.profile, how.args, how.context, how.target)
                if service.runs_vscode(frozenset(item.attached)):
                    runs_here.add(dockerfile.resolve())
    requirements = RequirementFiles()  # one reader for the run: each file read once
    return [
        *configs,
        *extras,
        *(
            ComposeDocument(
                c.path,
                c.text,
                c.model,
                c.profile,
                frozenset(c.attached),
                None if c.started is None else frozenset(c.started),
            )
            for c in composes.values()
        ),
        *(
            DockerfileDocument(
                d.path,
                d.text,
                parse_dockerfile(d.text, d.path, _applied(d.args)),
                d.profile,
                d.args,
                d.context,
                d.target,
                key not in runs_here,
                requirements,
            )
            for key, d in dockerfiles.items()
        ),
    ]
