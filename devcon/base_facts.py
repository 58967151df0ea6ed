"""What `devcon init` knows of a base image before it writes anything: the system, its users,
and the tools a template's RUN lines need.

Read from the local engine first (a container created from the image, never started), else
from the registry (only the layers, top down, until every question is answered), through
devcon.imagefiles with init's questions: os-release, /etc/passwd, the C library, and each
asked tool on the image's PATH.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from devcon.compat.facts import (
    ARCH_NAMES,
    OS_RELEASE_PATHS,
    libc_family,
    read_os_release,
)
from devcon.errors import InputError
from devcon.hints import Text
from devcon.imagefiles import (
    DEFAULT_MAX_DOWNLOAD,
    Lookup,
    PlatformUnavailable,
    Questions,
    engine_files,
    engine_image,
    registry_files,
    registry_image,
)
from devcon.reference import ReferenceError, parse_reference
from devcon.registry.errors import RegistryError
from devcon.services import Services

PASSWD = "etc/passwd"
# where a tool is looked for after the image's own PATH (the usual dirs, conda's among them)
DEFAULT_PATH = (
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/opt/conda/bin",
    "/opt/conda/condabin",
)
MAX_PATH_DIRS = 64  # of the image's PATH; the rest is ignored
MAX_PASSWD_BYTES = 1024 * 1024  # of /etc/passwd parsed; the rest is ignored
MAX_USERS = 10_000

# the tools init asks about; a template names those its RUN lines need
KNOWN_TOOLS = (
    "sh",
    "bash",
    "useradd",
    "usermod",
    "groupmod",
    "adduser",
    "python",
    "python3",
    "pip",
    "conda",
    "mamba",
    "micromamba",
    "jupyter",
    "R",
    "Rscript",
)


@dataclass(frozen=True)
class BaseUser:
    """One line of the base's /etc/passwd."""

    name: str
    uid: int
    gid: int
    home: str
    shell: str


@dataclass(frozen=True)
class BaseFacts:
    """What init read of a base. `None` / empty means the base does not have it, except where
    `complete` is False: then an absent tool or user may only not have been found."""

    image: str  # the reference that was read
    source: str  # "engine" or "registry"
    distro_id: str | None  # ID= of os-release: debian, ubuntu, alpine...
    distro_version: str | None  # VERSION_ID= of os-release
    libc: str | None  # "glibc", "musl" or None (none found)
    users: tuple[BaseUser, ...]  # /etc/passwd, in file order
    tools: frozenset[str]  # names of KNOWN_TOOLS found on the image's PATH
    config_user: str | None  # the image config's User ("" / None: root)
    complete: bool = True  # False: a cap stopped the reading before every layer was seen
    # the folders tools were looked for in, in order: the image's PATH, then DEFAULT_PATH
    path: tuple[str, ...] = ()
    asked: frozenset[str] = frozenset()  # the tools asked about (the others are unknown)
    tool_paths: tuple[tuple[str, str], ...] = ()  # (tool, where it was found: /usr/bin/bash)
    distro_like: tuple[str, ...] = ()  # ID_LIKE= of os-release: ("debian",) for ubuntu
    distro_name: str | None = None  # PRETTY_NAME= (else NAME=) of os-release
    architecture: str | None = None  # x86_64, aarch64... (None: not said)
    layers_read: int | None = None  # registry: how many layers were read (None: engine)
    stopped: Text | None = None  # why the reading stopped short (complete is False)

    def user(self, name: str) -> BaseUser | None:
        return next((u for u in self.users if u.name == name), None)

    def user_with_uid(self, uid: int) -> BaseUser | None:
        return next((u for u in self.users if u.uid == uid), None)

    def has(self, tool: str) -> bool:
        return tool in self.tools

    def where(self, tool: str) -> str | None:
        """Where `tool` was found (`/usr/sbin/useradd`), None when it was not."""
        return dict(self.tool_paths).get(tool)

    def lacks(self, tool: str) -> bool:
        """The base surely lacks `tool`: asked, not found, and every layer was read."""
        return tool in self.asked and tool not in self.tools and self.complete

    @property
    def is_musl(self) -> bool:
        return self.libc == "musl" or self.distro_id == "alpine"


def search_path(env: Iterable[object] | None) -> tuple[str, ...]:
    """The folders a tool is looked for in: the absolute entries of the last PATH= of an image
    config's Env (at most MAX_PATH_DIRS), then DEFAULT_PATH; normalised, each once."""
    entries: list[str] = []
    for item in env or ():
        if isinstance(item, str) and item.startswith("PATH="):
            entries = item[len("PATH=") :].split(":")
    dirs: list[str] = []
    for entry in [*entries[:MAX_PATH_DIRS], *DEFAULT_PATH]:
        if not entry.startswith("/") or "\x00" in entry or len(entry) > 4096:
            continue  # relative entries depend on the working folder: not the image's
        folder = posixpath.normpath(entry)
        if folder.startswith("//"):
            folder = "/" + folder.lstrip("/")
        if folder != "/" and folder not in dirs:
            dirs.append(folder)
    return tuple(dirs)


def parse_passwd(data: bytes) -> tuple[BaseUser, ...]:
    """The users of a passwd file, in order (the first of a name wins, as getpwnam does).
    Lines that are not `name:x:uid:gid:gecos:home:shell` (comments, NIS `+`/`-` lines,
    bad numbers, junk) are skipped; at most MAX_PASSWD_BYTES and MAX_USERS are read."""
    users: list[BaseUser] = []
    seen: set[str] = set()
    text = data[:MAX_PASSWD_BYTES].decode("utf-8", "replace")
    for line in text.split("\n"):
        if len(users) >= MAX_USERS:
            break
        fields = line.rstrip("\r").split(":")
        if len(fields) != 7:
            continue
        name, _, uid, gid, _, home, shell = fields
        if not name or name in seen or name[0] in "+-#" or not name.isprintable() or " " in name:
            continue
        number = _id(uid)
        group = _id(gid)
        if number is None or group is None:
            continue
        seen.add(name)
        users.append(BaseUser(name=name, uid=number, gid=group, home=home, shell=shell))
    return tuple(users)


def _id(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if value < 2**32 else None


def find_tool(fs: Lookup, name: str, path: Iterable[str]) -> str | None:
    """Where `name` is on `path` in the tree (links followed: a busybox applet counts), or
    None. A folder or a dangling link is not a tool."""
    for folder in path:
        candidate = f"{folder.lstrip('/')}/{name}"
        if fs.kind(candidate) not in (None, "dir"):
            return "/" + candidate
    return None


def _checked_tools(tools: Iterable[str]) -> frozenset[str]:
    names = frozenset(tools)
    for name in names:
        if not name or "/" in name or name in (".", "..") or "\x00" in name or len(name) > 255:
            raise ValueError(f"not a tool name: {name!r}")
    return names


class _InitQuestions:
    """init's questions of a base: os-release, /etc/passwd, the C library, each tool."""

    def __init__(self, tools: frozenset[str], path: tuple[str, ...]) -> None:
        self.tools = tools
        self.path = path
        self.found: dict[str, str] = {}

    @staticmethod
    def wanted(path: str) -> bool:
        return path == PASSWD or path in OS_RELEASE_PATHS

    def answered(self, fs: Lookup) -> bool:
        if not any(fs.read(p) is not None for p in OS_RELEASE_PATHS):
            return False
        if not fs.exists(PASSWD) or libc_family(fs) is None:
            return False
        return all(self._tool(fs, name) is not None for name in sorted(self.tools))

    def _tool(self, fs: Lookup, name: str) -> str | None:
        if name not in self.found:
            where = find_tool(fs, name, self.path)
            if where is None:
                return None
            self.found[name] = where
        return self.found[name]

    def facts(
        self, fs: Lookup, image: str, source: str, config: dict[str, Any], **more: Any
    ) -> BaseFacts:
        release = read_os_release(fs)
        passwd = fs.read(PASSWD)
        found = {name: self._tool(fs, name) for name in sorted(self.tools)}
        user = config.get("User")
        return BaseFacts(
            image=image,
            source=source,
            distro_id=release.get("ID") or None,
            distro_version=release.get("VERSION_ID") or None,
            libc=libc_family(fs),
            users=parse_passwd(passwd) if passwd is not None else (),
            tools=frozenset(name for name, where in found.items() if where),
            config_user=user if isinstance(user, str) else None,
            path=self.path,
            asked=self.tools,
            tool_paths=tuple((name, where) for name, where in found.items() if where),
            distro_like=tuple(release.get("ID_LIKE", "").split()),
            distro_name=release.get("PRETTY_NAME") or release.get("NAME") or None,
            **more,
        )


def read_base(
    reference: str,
    services: Services,
    tools: Iterable[str],
    max_download: int = DEFAULT_MAX_DOWNLOAD,
    platform: str | None = None,
) -> BaseFacts:
    """What a base image has: read from the local engine when it has the image (a container
    created, never started), else from the registry (layers top down until every question
    is answered; a cap that stops the reading gives complete=False, not an error).

    `tools`: plain names (`useradd`), looked for on the image's PATH and DEFAULT_PATH.
    `platform` (`linux/arm64`): which image of a multi-platform index (default linux/amd64);
    the engine's copy is read whatever its platform.
    Raises InputError (exit 2) for a reference that is not one; the RegistryError family
    (exit 3) when the registry cannot serve the image (or the platform) or a layer is
    malformed; EngineError (exit 3) when the engine has the image but fails reading it.
    """
    asked = _checked_tools(tools)
    image = engine_image(services.engine, reference)
    if image is not None:
        attrs = image.attrs if isinstance(image.attrs, dict) else {}
        config = _object(attrs.get("Config"))
        questions = _InitQuestions(asked, search_path(config.get("Env")))
        arch = ARCH_NAMES.get(str(attrs.get("Architecture", "")))
        wanted = Questions(wanted=questions.wanted, answered=questions.answered)
        with engine_files(services.engine, image, reference, wanted) as fs:
            return questions.facts(fs, reference, "engine", config, architecture=arch)
    return _from_registry(reference, services, asked, max_download, platform)


def _from_registry(
    reference: str,
    services: Services,
    asked: frozenset[str],
    max_download: int,
    platform: str | None,
) -> BaseFacts:
    try:
        ref = parse_reference(reference)
    except ReferenceError as exc:
        raise InputError(str(exc)) from None
    client = services.client
    try:
        with services.reaching(client.host_for(ref), reference):
            image = registry_image(client, ref, platform)
            # the PATH is in the config, read before any layer
            questions = _InitQuestions(asked, _config_path(image.config))
            files = registry_files(
                client,
                ref,
                reference,
                image,
                Questions(wanted=questions.wanted, answered=questions.answered),
                max_download,
                partial=True,
            )
    except PlatformUnavailable as exc:
        raise RegistryError(
            f"{reference}: the registry has no {exc.platform} image of it (it has: "
            f"{', '.join(exc.available[:20]) or 'none'})"
        ) from None
    config = _object(files.config.get("config"))
    arch_name = files.config.get("architecture")
    return questions.facts(
        files.lookup,
        reference,
        "registry",
        config,
        architecture=ARCH_NAMES.get(str(arch_name or ""), arch_name),
        layers_read=files.layers_read,
        complete=files.stopped is None,
        stopped=files.stopped.text if files.stopped is not None else None,
    )


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _config_path(config: dict[str, Any]) -> tuple[str, ...]:
    return search_path(_object(config.get("config")).get("Env"))
