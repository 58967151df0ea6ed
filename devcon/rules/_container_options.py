"""The container options a dev container gets, read from where they are written.

Shared by the container security rules (privileged-container, docker-socket-mount,
cap-add-all, seccomp-*, no-new-privileges-missing), the Codespaces rules and the container
definition rules:

- devcontainer.json (and Feature metadata): `privileged`, `capAdd`, `securityOpt`, `mounts`
  (a Docker `--mount` string or an object), and the Docker CLI flags in `runArgs`, which the
  dev container CLI passes to `docker run` for image and Dockerfile configs only;
- compose files: a service's `privileged`, `cap_add`, `security_opt` and `volumes`.

Every item carries where it is written, so a finding points at the exact value.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from devcon.rules.base import ComposeContext, ConfigContext, Problem

Pointer = tuple[str | int, ...]


# -- what the config creates the container from --
def container_kinds(value: Any) -> list[str]:
    """The container definitions a config has, in the order the dev container CLI honours
    them: "dockerfile" (`build.dockerfile` or the legacy `dockerFile`), "image",
    "compose" (`dockerComposeFile`)."""
    if not isinstance(value, dict):
        return []
    kinds = []
    build = value.get("build")
    if "dockerFile" in value or (isinstance(build, dict) and "dockerfile" in build):
        kinds.append("dockerfile")
    if "image" in value:
        kinds.append("image")
    if "dockerComposeFile" in value:
        kinds.append("compose")
    return kinds


def container_kind(value: Any) -> str | None:
    """The definition the dev container CLI uses (None: the config cannot create one)."""
    kinds = container_kinds(value)
    return kinds[0] if kinds else None


# -- reporting --
_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _same(raw: Any, merged: Any) -> bool:
    """Whether a value as written (with `${...}` variables) is the merged value (with them
    substituted)."""
    if raw == merged:
        return True
    raw_text = json.dumps(raw, sort_keys=True)
    if "${" not in raw_text:
        return False
    parts = _VARIABLE.split(raw_text)
    pattern = ".*?".join(re.escape(p) for p in parts)
    return re.fullmatch(pattern, json.dumps(merged, sort_keys=True), re.DOTALL) is not None


def _file_pointer(ctx: ConfigContext, pointer: Pointer) -> Pointer:
    """The pointer in the file of a merged value the file itself sets: merged lists (capAdd,
    securityOpt, mounts, ...) put image and Feature entries first, so an index in the merged
    list is not the index in the file."""
    assert ctx.doc is not None
    merged: Any = ctx.merged
    raw: Any = ctx.doc.value
    out: list[str | int] = []
    for part in pointer:
        if isinstance(part, int) and isinstance(merged, list) and isinstance(raw, list):
            item = merged[part] if 0 <= part < len(merged) else None
            candidates = [part] if part < len(raw) else []
            candidates += [j for j in range(len(raw)) if j != part]
            index = next((j for j in candidates if _same(raw[j], item)), part)
            out.append(index)
            merged = item
            raw = raw[index] if 0 <= index < len(raw) else None
        else:
            out.append(part)
            merged = merged.get(part) if isinstance(merged, dict) else None
            raw = raw.get(part) if isinstance(raw, dict) else None
    return tuple(out)


def report(ctx: ConfigContext, pointer: Pointer, message: str, key: bool = False) -> Problem:
    """`ctx.report`, with list indices of merged values the file sets mapped to the file."""
    if ctx.merged is not None and ctx.doc is not None and ctx.origin_of(pointer) is None:
        pointer = _file_pointer(ctx, pointer)
    return ctx.report(pointer, message, key=key)


# -- runArgs --
_VALUE_FLAGS = {
    "--cap-add": "--cap-add",
    "--security-opt": "--security-opt",
    "--volume": "--volume",
    "-v": "--volume",
    "--mount": "--mount",
}
_BOOL_FLAGS = ("--privileged",)


@dataclass(frozen=True)
class RunFlag:
    """A `docker run` flag in runArgs: its long name, its value and the element holding the
    value (or the flag itself, for `--flag=value` and boolean flags)."""

    name: str
    value: str
    pointer: Pointer


def run_flags(value: Any) -> list[RunFlag]:
    """The runArgs flags the rules read; runArgs are used for image and Dockerfile configs
    only (the dev container CLI ignores them with Docker Compose)."""
    if not isinstance(value, dict) or container_kind(value) == "compose":
        return []
    args = value.get("runArgs")
    if not isinstance(args, list):
        return []
    flags: list[RunFlag] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if not isinstance(arg, str):
            index += 1
            continue
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
        elif arg.startswith("-") and len(arg) > 1:
            name, inline = arg[:2], arg[2:]  # -v/x:/y, -v=/x:/y
            eq = "=" if inline else ""
            inline = inline[1:] if inline.startswith("=") else inline
        else:
            index += 1
            continue
        if name in _BOOL_FLAGS:
            flags.append(RunFlag(name, inline if eq else "true", ("runArgs", index)))
        elif name in _VALUE_FLAGS:
            if eq:
                flags.append(RunFlag(_VALUE_FLAGS[name], inline, ("runArgs", index)))
            elif index + 1 < len(args) and isinstance(args[index + 1], str):
                flags.append(RunFlag(_VALUE_FLAGS[name], args[index + 1], ("runArgs", index + 1)))
                index += 1
        index += 1
    return flags


# -- mounts --
@dataclass(frozen=True)
class Mount:
    """One mount: its type (bind, volume, tmpfs, ...), source and target."""

    type: str
    source: str | None
    target: str | None


def parse_mount(text: str) -> Mount:
    """A Docker `--mount` string: `type=bind,source=/a,target=/b` (type defaults to volume)."""
    fields: dict[str, str] = {}
    try:
        rows = list(csv.reader([text]))
    except csv.Error:
        rows = [text.split(",")]
    for item in rows[0] if rows else []:
        key, _, val = item.partition("=")
        fields[key.strip().lower()] = val.strip()
    source = fields.get("source", fields.get("src"))
    target = fields.get("target", fields.get("destination", fields.get("dst")))
    return Mount(fields.get("type", "volume").lower(), source, target)


def parse_volume(text: str) -> Mount:
    """A Docker `-v` string: `SOURCE:TARGET[:OPTIONS]`, a host path (bind) or a volume name;
    `${...}` variables (which hold colons) and Windows drive letters are kept whole."""
    masked = _VARIABLE.sub(lambda m: "\0" * len(m.group(0)), text)
    drive = re.match(r"[A-Za-z]:[\\/]", masked)
    start = 2 if drive else 0
    cuts = [i for i, c in enumerate(masked) if c == ":" and i >= start]
    if not cuts:
        return Mount("volume", None, text)  # an anonymous volume
    source = text[: cuts[0]]
    target = text[cuts[0] + 1 : cuts[1]] if len(cuts) > 1 else text[cuts[0] + 1 :]
    host = source.startswith(("/", "~", ".", "\\", "${")) or bool(drive)
    return Mount("bind" if host else "volume", source, target)


def mount_of(item: Any) -> Mount | None:
    """A `mounts` entry: a `--mount` string or an object with type, source and target."""
    if isinstance(item, str):
        return parse_mount(item)
    if isinstance(item, dict):
        source, target = item.get("source"), item.get("target")
        return Mount(
            str(item.get("type", "volume")).lower(),
            source if isinstance(source, str) else None,
            target if isinstance(target, str) else None,
        )
    return None


@dataclass(frozen=True)
class ConfigMount:
    mount: Mount
    pointer: Pointer
    written: str  # how it is written, for messages: "a `mounts` entry", "`runArgs` -v"


def config_mounts(value: Any) -> list[ConfigMount]:
    """Every mount of a config: `mounts` entries and runArgs -v/--volume/--mount."""
    if not isinstance(value, dict):
        return []
    found: list[ConfigMount] = []
    mounts = value.get("mounts")
    if isinstance(mounts, list):
        for index, item in enumerate(mounts):
            mount = mount_of(item)
            if mount is None:
                continue
            pointer: Pointer = ("mounts", index)
            if isinstance(item, dict) and "source" in item:
                pointer = ("mounts", index, "source")  # point at the source of the object form
            found.append(ConfigMount(mount, pointer, "a `mounts` entry"))
    for flag in run_flags(value):
        if flag.name == "--volume":
            found.append(ConfigMount(parse_volume(flag.value), flag.pointer, "`runArgs` -v"))
        elif flag.name == "--mount":
            found.append(ConfigMount(parse_mount(flag.value), flag.pointer, "`runArgs` --mount"))
    return found


def is_docker_socket(source: str | None) -> bool:
    """/var/run/docker.sock, /run/docker.sock, or any other `.../docker.sock` (rootless
    Docker's /run/user/<uid>/docker.sock, Docker Desktop's ~/.docker/run/docker.sock)."""
    if not source:
        return False
    path = re.sub(r"/+", "/", source.strip().strip("\"'")).rstrip("/")
    return path in ("/var/run/docker.sock", "/run/docker.sock") or path.endswith("/docker.sock")


# -- capabilities and security options --
@dataclass(frozen=True)
class Option:
    """A capability or security option and where it is written."""

    value: str
    pointer: Pointer
    written: str  # "`capAdd`", "`runArgs` --cap-add", "`securityOpt`", ...


def _strings(value: Any, key: str) -> Iterator[tuple[int, str]]:
    items = value.get(key) if isinstance(value, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, str):
                yield index, item


def cap_adds(value: Any) -> list[Option]:
    found = [Option(cap, ("capAdd", i), "`capAdd`") for i, cap in _strings(value, "capAdd")]
    found += [
        Option(f.value, f.pointer, "`runArgs` --cap-add")
        for f in run_flags(value)
        if f.name == "--cap-add"
    ]
    return found


def security_opts(value: Any) -> list[Option]:
    found = [
        Option(opt, ("securityOpt", i), "`securityOpt`")
        for i, opt in _strings(value, "securityOpt")
    ]
    found += [
        Option(f.value, f.pointer, "`runArgs` --security-opt")
        for f in run_flags(value)
        if f.name == "--security-opt"
    ]
    return found


def capability(text: str) -> str:
    """`cap_sys_admin` -> `SYS_ADMIN`: Docker takes capabilities with or without CAP_."""
    name = text.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def split_security_opt(text: str) -> tuple[str, str | None]:
    """`seccomp=unconfined` / `seccomp:unconfined` -> ("seccomp", "unconfined")."""
    match = re.match(r"\s*([A-Za-z-]+)\s*(?:[=:](.*))?$", text, re.DOTALL)
    if not match:
        return text.strip(), None
    value = match.group(2)
    return match.group(1).lower(), value.strip() if value is not None else None


# -- compose services --
@dataclass(frozen=True)
class Scalar:
    """A compose scalar with its 1-based position."""

    value: str
    line: int
    column: int


@dataclass(frozen=True)
class ServiceOptions:
    name: str
    privileged: Scalar | None
    cap_add: tuple[Scalar, ...]
    security_opt: tuple[Scalar, ...]
    volumes: tuple[tuple[Mount, Scalar], ...]  # the mount and the scalar to point at


def _scalar(node: Any) -> Scalar | None:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        return None
    quoted = 1 if node.style in ("'", '"') else 0
    return Scalar(str(node.value), node.start_mark.line + 1, node.start_mark.column + 1 + quoted)


def _get(node: Any, key: str) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _scalars(node: Any) -> tuple[Scalar, ...]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        return ()
    return tuple(s for s in (_scalar(item) for item in node.value) if s is not None)


def _volumes(node: Any) -> tuple[tuple[Mount, Scalar], ...]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        return ()
    found: list[tuple[Mount, Scalar]] = []
    for item in node.value:
        short = _scalar(item)
        if short is not None:
            found.append((parse_volume(short.value), short))
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
            found.append((mount, at))
    return tuple(found)


@functools.lru_cache(maxsize=16)
def _compose_services(text: str) -> tuple[ServiceOptions, ...]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return ()  # compose-syntax reports it
    services = _get(root, "services")
    if not isinstance(services, yaml.MappingNode):
        return ()
    found: list[ServiceOptions] = []
    for key_node, node in services.value:
        if not isinstance(node, yaml.MappingNode):
            continue
        found.append(
            ServiceOptions(
                name=str(key_node.value),
                privileged=_scalar(_get(node, "privileged")),
                cap_add=_scalars(_get(node, "cap_add")),
                security_opt=_scalars(_get(node, "security_opt")),
                volumes=_volumes(_get(node, "volumes")),
            )
        )
    return tuple(found)


def compose_services(ctx: ComposeContext) -> tuple[ServiceOptions, ...]:
    """The services of a compose file with the options the security rules read."""
    if ctx.compose.problems:
        return ()
    return _compose_services(ctx.compose.text)


def is_true(text: str) -> bool:
    return text.strip() in ("true", "True", "TRUE")
