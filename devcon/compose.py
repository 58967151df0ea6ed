"""Compose files: services' images, environment, builds and container options, with
positions: the one compose model every rule, pin, compat and parity read.

Read with PyYAML's node composer (no construction), so custom tags such as `!reset` or
`!override` that the safe loader cannot construct still get a verdict.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from devcon.dockerfile.model import SyntaxProblem
from devcon.mounts import Mount, parse_volume


@dataclass(frozen=True)
class Located:
    """A scalar with its 1-based position."""

    value: str
    line: int
    column: int


@dataclass(frozen=True)
class EnvEntry:
    key: Located
    value: Located | None  # None: passed through from the host (`- NAME` / `NAME:`)


@dataclass(frozen=True)
class ComposeBuild:
    context: str | None
    dockerfile: str | None
    target: str | None
    args: tuple[EnvEntry, ...]
    # where the values are written: the `build:` value itself (the short form's path, or
    # the mapping), `context:` and `dockerfile:`
    at: Located | None = None
    context_at: Located | None = None
    dockerfile_at: Located | None = None
    inline: bool = False  # `dockerfile_inline:`: no Dockerfile is read from the context


@dataclass(frozen=True)
class EnvFile:
    """One `env_file` entry: a path (relative to the compose file's folder), and whether
    compose fails when it is missing (`required: false` in the long form: ignored)."""

    path: Located
    required: bool = True


@dataclass(frozen=True)
class ComposeVolume:
    """One `volumes` entry (short `SOURCE:TARGET[:MODE]` or long syntax) and the value to
    point at: the short form's string, or the long form's source (else type, else target)."""

    mount: Mount
    at: Located


@dataclass(frozen=True)
class ComposeService:
    name: Located
    image: Located | None
    environment: tuple[EnvEntry, ...]
    build: ComposeBuild | None
    network_mode: str | None = None  # e.g. `service:db`: shares that service's network
    env_files: tuple[EnvFile, ...] = ()
    depends_on: tuple[str, ...] = ()  # services compose starts with this one
    privileged: Located | None = None  # as written (`true`, `"true"`, `false`, ...)
    cap_add: tuple[Located, ...] = ()
    security_opt: tuple[Located, ...] = ()
    volumes: tuple[ComposeVolume, ...] = ()

    def runs_vscode(self, attached: frozenset[str]) -> bool:
        """Whether VS Code runs in this service: a config attaches to it (`service` in
        `attached`), or the compose file is named on its own (`attached` empty)."""
        return not attached or self.name.value in attached

    @property
    def runs_privileged(self) -> bool:
        """`privileged: true` (YAML's spellings of true)."""
        return self.privileged is not None and self.privileged.value.strip() in (
            "true",
            "True",
            "TRUE",
        )


@dataclass(frozen=True)
class ComposeFile:
    path: Path
    text: str
    services: tuple[ComposeService, ...]
    problems: tuple[SyntaxProblem, ...] = ()

    @property
    def accepted_services(self) -> tuple[ComposeService, ...]:
        """The services, when the file has no syntax problem; none otherwise: compose
        rejects such a file (compose-syntax reports it), so its options never apply."""
        return () if self.problems else self.services


def parse_compose(text: str, path: Path | str = "compose.yml") -> ComposeFile:
    """The model of a compose file. The same text at the same path is parsed once per run
    (the model is immutable): collect(), the config rules that read a config's compose files
    (secret-in-config's sidecars) and parity share it."""
    return _parse(text, Path(path))


@functools.lru_cache(maxsize=32)
def _parse(text: str, path: Path) -> ComposeFile:
    import yaml

    try:
        # libyaml's composer when PyYAML has it: several times faster, and it refuses
        # nesting deeper than 1,000 levels with an error instead of recursing without bound
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"{exc.problem or 'invalid YAML'}" + (f" ({exc.context})" if exc.context else "")
        return ComposeFile(path, text, (), (SyntaxProblem(line, column, message),))
    except yaml.YAMLError as exc:
        return ComposeFile(path, text, (), (SyntaxProblem(1, 1, f"invalid YAML: {exc}"),))
    if root is None:
        return ComposeFile(path, text, ())
    if not isinstance(root, yaml.MappingNode):
        return ComposeFile(
            path, text, (), (_problem(root, "a compose file must be a mapping (services: ...)"),)
        )
    services_node = _get(root, "services")
    problems: list[SyntaxProblem] = []
    services: list[ComposeService] = []
    if services_node is not None and isinstance(services_node, yaml.MappingNode):
        for key_node, value_node in services_node.value:
            if not isinstance(value_node, yaml.MappingNode):
                if not _is_null(value_node):
                    problems.append(_problem(value_node, "a service must be a mapping"))
                continue
            services.append(_service(key_node, value_node))
    elif services_node is not None and not _is_null(services_node):
        problems.append(_problem(services_node, "`services` must be a mapping"))
    return ComposeFile(path, text, tuple(services), tuple(problems))


def _service(key_node: object, node: object) -> ComposeService:
    import yaml

    assert isinstance(key_node, yaml.Node) and isinstance(node, yaml.MappingNode)
    image = _scalar(_get(node, "image"))
    build_node = _get(node, "build")
    build: ComposeBuild | None = None
    if isinstance(build_node, yaml.ScalarNode):
        at = _located(build_node)
        build = ComposeBuild(str(build_node.value), None, None, (), at, at)
    elif isinstance(build_node, yaml.MappingNode):
        context = _scalar(_get(build_node, "context"))
        dockerfile = _scalar(_get(build_node, "dockerfile"))
        build = ComposeBuild(
            context.value if context else None,
            dockerfile.value if dockerfile else None,
            _text(_get(build_node, "target")),
            _env(_get(build_node, "args")),
            _position(build_node),
            context,
            dockerfile,
            _get(build_node, "dockerfile_inline") is not None,
        )
    return ComposeService(
        name=_located(key_node),
        image=image,
        environment=_env(_get(node, "environment")),
        build=build,
        network_mode=_text(_get(node, "network_mode")),
        env_files=_env_files(_get(node, "env_file")),
        depends_on=_depends_on(_get(node, "depends_on")),
        privileged=_scalar(_get(node, "privileged")),
        cap_add=_scalars(_get(node, "cap_add")),
        security_opt=_scalars(_get(node, "security_opt")),
        volumes=_volumes(_get(node, "volumes")),
    )


def _scalars(node: object) -> tuple[Located, ...]:
    """The scalars of a sequence (`cap_add: [SYS_PTRACE]`); other items are skipped."""
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        return ()
    return tuple(_located(item) for item in node.value if isinstance(item, yaml.ScalarNode))


def _volumes(node: object) -> tuple[ComposeVolume, ...]:
    """`volumes:` entries, short (`/src:/dst:ro`) and long (`{type:, source:, target:}`)."""
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        return ()
    found: list[ComposeVolume] = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            short = _located(item)
            found.append(ComposeVolume(parse_volume(short.value), short))
        elif isinstance(item, yaml.MappingNode):
            fields = {k: s for k in ("type", "source", "target") if (s := _scalar(_get(item, k)))}
            at = fields.get("source") or fields.get("type") or fields.get("target")
            if at is None:
                continue
            mount = Mount(
                fields["type"].value.lower() if "type" in fields else "volume",
                fields["source"].value if "source" in fields else None,
                fields["target"].value if "target" in fields else None,
            )
            found.append(ComposeVolume(mount, at))
    return tuple(found)


def _env_files(node: object) -> tuple[EnvFile, ...]:
    """`env_file: path`, a list of paths, or of `{path:, required:}` mappings."""
    import yaml

    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out: list[EnvFile] = []
    for item in items:
        if isinstance(item, yaml.ScalarNode) and not _is_null(item):
            out.append(EnvFile(_located(item)))
        elif isinstance(item, yaml.MappingNode):
            path = _scalar(_get(item, "path"))
            if path is None:
                continue
            required = _scalar(_get(item, "required"))
            optional = required is not None and required.value.lower() == "false"
            out.append(EnvFile(path, not optional))
    return tuple(out)


def _depends_on(node: object) -> tuple[str, ...]:
    """`depends_on: [a, b]` or the long form `depends_on: {a: {condition: ...}}`."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return tuple(str(i.value) for i in node.value if isinstance(i, yaml.ScalarNode))
    if isinstance(node, yaml.MappingNode):
        return tuple(str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode))
    return ()


def _position(node: object) -> Located:
    import yaml

    assert isinstance(node, yaml.Node)
    return Located("", node.start_mark.line + 1, node.start_mark.column + 1)


def _env(node: object) -> tuple[EnvEntry, ...]:
    import yaml

    entries: list[EnvEntry] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            value = _scalar(value_node)
            if value is not None and _is_null(value_node):
                value = None
            entries.append(EnvEntry(_located(key_node), value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                continue
            text = str(item.value)
            line, column = item.start_mark.line + 1, item.start_mark.column + 1
            key, sep, raw_value = text.partition("=")
            quote = 1 if item.style in ("'", '"') else 0
            key_loc = Located(key, line, column + quote)
            value_loc = Located(raw_value, line, column + quote + len(key) + 1) if sep else None
            entries.append(EnvEntry(key_loc, value_loc))
    return tuple(entries)


def _get(node: object, key: str) -> object | None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _is_null(node: object) -> bool:
    import yaml

    return (
        isinstance(node, yaml.ScalarNode)
        and node.style is None
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def _located(node: object) -> Located:
    import yaml

    assert isinstance(node, yaml.Node)
    quoted = 1 if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') else 0
    return Located(str(node.value), node.start_mark.line + 1, node.start_mark.column + 1 + quoted)


def _scalar(node: object) -> Located | None:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return _located(node)
    return None


def _text(node: object) -> str | None:
    scalar = _scalar(node)
    return scalar.value if scalar is not None else None


def _problem(node: object, message: str) -> SyntaxProblem:
    import yaml

    assert isinstance(node, yaml.Node)
    return SyntaxProblem(node.start_mark.line + 1, node.start_mark.column + 1, message)
