"""What `devcon init` knows of a base image before it writes anything: the system, its users,
and the tools a template's RUN lines need.

Read from the local engine first (a container created from the image, never started), else
from the registry (only the layers, top down, until every question is answered).
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def user(self, name: str) -> BaseUser | None:
        return next((u for u in self.users if u.name == name), None)

    def user_with_uid(self, uid: int) -> BaseUser | None:
        return next((u for u in self.users if u.uid == uid), None)

    def has(self, tool: str) -> bool:
        return tool in self.tools

    @property
    def is_musl(self) -> bool:
        return self.libc == "musl" or self.distro_id == "alpine"
