"""The container options a devcontainer.json (or Feature metadata) sets, each with the JSON
pointer of where it is written, so a finding points at the exact value.

`privileged`, `capAdd`, `securityOpt`, `mounts` (a Docker `--mount` string or an object), and
the Docker CLI flags in `runArgs`, which the dev container CLI passes to `docker run` for image
and Dockerfile configs only. A compose service's options are in the compose model
(`devcon.compose`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from devcon.jsonc import Pointer
from devcon.mounts import Mount, mount_of, parse_mount, parse_volume


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
    """`cap_sys_admin` -> `SYS_ADMIN`: Docker takes capabilities with or without CAP_, in
    devcontainer.json and compose alike."""
    name = text.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def split_security_opt(text: str) -> tuple[str, str | None]:
    """`seccomp=unconfined` / `seccomp:unconfined` -> ("seccomp", "unconfined"), in
    devcontainer.json and compose alike."""
    match = re.match(r"\A\s*([A-Za-z-]+)\s*(?:[=:](.*))?$", text, re.DOTALL)
    if not match:
        return text.strip(), None
    value = match.group(2)
    return match.group(1).lower(), value.strip() if value is not None else None
