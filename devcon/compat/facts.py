"""Image facts for compatibility: distro, libc family and version, libstdc++ and its newest
GLIBCXX version, architecture, shell, tar."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devcon.imagefiles import Lookup

OS_RELEASE_PATHS = ("etc/os-release", "usr/lib/os-release")
LIB_DIRS = (
    "lib",
    "lib64",
    "usr/lib",
    "usr/lib64",
    "lib/x86_64-linux-gnu",
    "lib/aarch64-linux-gnu",
    "lib/arm-linux-gnueabihf",
    "usr/lib/x86_64-linux-gnu",
    "usr/lib/aarch64-linux-gnu",
    "usr/lib/arm-linux-gnueabihf",
    "lib/i386-linux-gnu",
    "usr/lib/i386-linux-gnu",
    "lib/powerpc64le-linux-gnu",
    "usr/lib/powerpc64le-linux-gnu",
    "lib/s390x-linux-gnu",
    "usr/lib/s390x-linux-gnu",
    "lib/riscv64-linux-gnu",
    "usr/lib/riscv64-linux-gnu",
)
LIBSTDCXX = "libstdc++.so.6"
SHELL_PATHS = ("bin/sh",)
TAR_PATHS = ("bin/tar", "usr/bin/tar")
APK_DB = "lib/apk/db/installed"

_GLIBC_BANNER = re.compile(rb"GNU C Library[^\n\x00]*?version (\d+\.\d+)")
_GLIBC_FILE = re.compile(r"libc-(\d+\.\d+)\.so$")
_MUSL_VERSION = re.compile(rb"Version (\d+\.\d+\.\d+)")
_MUSL_BARE = re.compile(rb"\x00(1\.\d+\.\d+)\x00")
_APK_MUSL = re.compile(rb"(?m)^P:musl\nV:(\d+\.\d+\.\d+)")
# the version strings libstdc++ defines (GLIBCXX_3.4.25\0); the highest is what it provides
_GLIBCXX = re.compile(rb"GLIBCXX_(\d{1,3}\.\d{1,3}(?:\.\d{1,3})?)\x00")
# image config / engine `architecture` (Go's GOARCH names) and uname names -> uname names
ARCH_NAMES = {
    "amd64": "x86_64",
    "x86_64": "x86_64",
    "arm64": "aarch64",
    "aarch64": "aarch64",
    "arm": "armv7l",
    "armhf": "armv7l",
    "armv7l": "armv7l",
    "armv6l": "armv6l",
    "386": "i386",
    "i386": "i386",
    "i686": "i386",
    "x86": "i386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
}


def architecture_name(arch: object, variant: object = None) -> str | None:
    """The uname name of an image config's `architecture` and `variant` (`arm` `v6` ->
    `armv6l`); an architecture devcon does not know keeps its own name; None when absent."""
    name = str(arch or "").strip().lower()
    if not name:
        return None
    if name == "arm" and str(variant or "").lower() in ("v5", "v6"):
        return "armv6l" if str(variant).lower() == "v6" else "armv5l"
    return ARCH_NAMES.get(name, name)


@dataclass(frozen=True)
class ImageInfo:
    """What compat knows of an image. None means 'could not tell'."""

    image: str
    source: str  # "engine", "registry", "name" (a guess from the reference)
    architecture: str | None  # x86_64, aarch64, armv7l, i386, ppc64le, s390x, riscv64...
    distro_id: str | None
    distro_version: str | None
    distro_name: str | None
    libc: str | None  # "musl" or "glibc"
    libc_version: str | None
    has_shell: bool | None
    has_tar: bool | None
    guessed: bool = False
    notes: tuple[str, ...] = ()
    libstdcxx: bool | None = None  # libstdc++.so.6 found (None: not known)
    libstdcxx_version: str | None = None  # its newest GLIBCXX version, e.g. 3.4.30

    @property
    def system(self) -> str:
        """The system in a few words: `debian 12, glibc 2.36, x86_64`."""
        parts = []
        if self.distro_id:
            parts.append(f"{self.distro_id} {self.distro_version or '?'}")
        if self.libc:
            parts.append(f"{self.libc} {self.libc_version or '?'}")
        if self.architecture:
            parts.append(self.architecture)
        return ", ".join(parts) or "unknown system"

    @property
    def known_from(self) -> str:
        """How these facts are known: `read from the registry`, `guessed from the name`."""
        return "guessed from the name" if self.guessed else f"read from the {self.source}"


def parse_os_release(data: bytes) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            parts = shlex.split(raw)
        except ValueError:
            parts = [raw.strip("\"'")]
        values[key.strip()] = parts[0] if parts else ""
    return values


def glibc_version(data: bytes | None, file_name: str = "") -> str | None:
    match = _GLIBC_FILE.search(file_name)
    if match:
        return match.group(1)
    if data:
        found = _GLIBC_BANNER.search(data)
        if found:
            return found.group(1).decode()
    return None


def musl_version(loader: bytes | None, apk_db: bytes | None) -> str | None:
    for data, pattern in ((apk_db, _APK_MUSL), (loader, _MUSL_VERSION), (loader, _MUSL_BARE)):
        if data:
            match = pattern.search(data)
            if match:
                return match.group(1).decode()
    return None


def libstdcxx_version(data: bytes | None) -> str | None:
    """The newest GLIBCXX_x.y.z version string in libstdc++'s bytes (None: none found)."""
    if not data:
        return None
    found = {m.group(1).decode() for m in _GLIBCXX.finditer(data)}
    if not found:
        return None
    return max(found, key=lambda v: tuple(int(p) for p in v.split(".")))


def libstdcxx_path(fs: Lookup) -> str | None:
    """Where the tree's libstdc++.so.6 is, in the usual library folders."""
    return next((f"{d}/{LIBSTDCXX}" for d in LIB_DIRS if fs.exists(f"{d}/{LIBSTDCXX}")), None)


def wanted_content(path: str) -> bool:
    """Which files' content compat needs (everything else: names only)."""
    name = path.rsplit("/", 1)[-1]
    return (
        path in OS_RELEASE_PATHS
        or path == APK_DB
        or name.startswith("ld-musl-")
        or name == "libc.so.6"
        # libstdc++.so.6 is a link to libstdc++.so.6.0.N: both are kept (MAX_FILE_BYTES bounds it)
        or name.startswith(LIBSTDCXX)
        or bool(_GLIBC_FILE.search(name))
    )


def musl_loaders(fs: Lookup) -> list[str]:
    """The musl dynamic loaders of the tree (`lib/ld-musl-x86_64.so.1`)."""
    return [
        p for d in ("lib", "usr/lib") for p in fs.list_names(d, lambda n: n.startswith("ld-musl-"))
    ]


def glibc_path(fs: Lookup) -> str | None:
    """Where the tree's glibc (`libc.so.6`) is, in the usual library folders."""
    return next((f"{d}/libc.so.6" for d in LIB_DIRS if fs.exists(f"{d}/libc.so.6")), None)


def libc_family(fs: Lookup) -> str | None:
    """The C library: "musl", "glibc", or None (none found: a static or distroless image)."""
    if musl_loaders(fs):
        return "musl"
    return "glibc" if glibc_path(fs) is not None else None


def read_os_release(fs: Lookup) -> dict[str, str]:
    """The image's os-release (/etc first, then /usr/lib), {} when it has none."""
    for path in OS_RELEASE_PATHS:
        data = fs.read(path)
        if data is not None:
            return parse_os_release(data)
    return {}


def gather(image: str, source: str, architecture: str | None, fs: Lookup) -> ImageInfo:
    os_release = read_os_release(fs)
    libc = libc_ver = None
    notes: list[str] = []
    loaders = musl_loaders(fs)
    glibc = None if loaders else glibc_path(fs)
    if loaders:
        libc = "musl"
        libc_ver = musl_version(fs.read(loaders[0]), fs.read(APK_DB))
        if architecture is None:
            match = re.match(r"\A.*ld-musl-([a-z0-9_]+)\.so", loaders[0])
            architecture = ARCH_NAMES.get(match.group(1)) if match else None
    elif glibc is not None:
        libc = "glibc"
        resolved = fs.resolve(glibc) or glibc
        libc_ver = glibc_version(fs.read(glibc), resolved)
    if libc is None:
        notes.append("no C library found (static or distroless image?)")
    elif libc_ver is None:
        notes.append(f"{libc} found, but its version could not be read")
    cxx = libstdcxx_path(fs)
    cxx_ver = libstdcxx_version(fs.read(cxx)) if cxx is not None else None
    if cxx is not None and cxx_ver is None:
        notes.append("libstdc++ found, but its GLIBCXX version could not be read")
    return ImageInfo(
        image=image,
        source=source,
        architecture=architecture,
        distro_id=os_release.get("ID"),
        distro_version=os_release.get("VERSION_ID"),
        distro_name=os_release.get("PRETTY_NAME") or os_release.get("NAME"),
        libc=libc,
        libc_version=libc_ver,
        has_shell=any(fs.exists(p) for p in SHELL_PATHS),
        has_tar=any(fs.exists(p) for p in TAR_PATHS),
        notes=tuple(notes),
        libstdcxx=cxx is not None,
        libstdcxx_version=cxx_ver,
    )


def answered(fs: Lookup) -> bool:
    """Whether the layers merged so far answer every question (so lower ones are not read)."""
    has_release = any(fs.read(p) is not None for p in OS_RELEASE_PATHS)
    has_libc = libc_family(fs) is not None
    has_sh = any(fs.exists(p) for p in SHELL_PATHS)
    has_tar = any(fs.exists(p) for p in TAR_PATHS)
    # glibc's libstdc++ is judged too (musl images: the Alpine rows say what they need); an
    # image without one has every layer read, which is what "none" takes
    has_cxx = libc_family(fs) != "glibc" or libstdcxx_path(fs) is not None
    return has_release and has_libc and has_sh and has_tar and has_cxx
