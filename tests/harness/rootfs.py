"""Busybox-based root filesystem tarballs for ``docker import``.

The tarballs are deterministic (sorted entries, fixed mtime, uid/gid 0 unless asked
otherwise), so the imported layer's diff id is the same in every test session.

Typical use::

    make_rootfs_tar(
        tmp / "rootfs.tar",
        extra_files={
            "etc/os-release": os_release(id="alpine", version_id="3.20.1"),
            **fake_musl(),
        },
        without_applets=["tar"],
        omit=["bin/sh"],
    )
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import HarnessError

#: Fixed modification time for every entry (2024-01-01T00:00:00Z).
MTIME = 1704067200

DEFAULT_OS_RELEASE = (
    'NAME="Busybox"\n'
    "ID=busybox\n"
    'VERSION_ID="1.35.0"\n'
    'PRETTY_NAME="Busybox 1.35.0 (devcon test base)"\n'
)

#: root plus an unprivileged uid 1000 user, as in the usual dev container images.
DEFAULT_PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
    "vscode:x:1000:1000:vscode:/home/vscode:/bin/sh\n"
)
DEFAULT_GROUP = "root:x:0:\nnogroup:x:65534:\nvscode:x:1000:\n"

#: Applets always linked when ``applets`` is None and busybox cannot list its own.
_FALLBACK_APPLETS = (
    "bin/sh",
    "bin/ash",
    "bin/ls",
    "bin/cat",
    "bin/tar",
    "bin/cp",
    "bin/mv",
    "bin/rm",
    "bin/mkdir",
    "bin/ln",
    "bin/echo",
    "bin/sleep",
    "bin/grep",
    "bin/sed",
    "bin/chmod",
    "bin/chown",
    "bin/uname",
    "bin/gzip",
    "usr/bin/env",
    "usr/bin/id",
    "usr/bin/head",
    "usr/bin/tail",
    "usr/bin/wc",
    "usr/bin/find",
    "usr/bin/which",
    "usr/bin/sha256sum",
    "usr/bin/tr",
    "usr/bin/cut",
    "usr/bin/awk",
    "usr/bin/xargs",
    "usr/bin/test",
)


@dataclass(frozen=True)
class File:
    """A regular file entry."""

    content: bytes | str
    mode: int = 0o644
    uid: int = 0
    gid: int = 0


@dataclass(frozen=True)
class Symlink:
    """A symbolic link entry (``target`` is stored verbatim)."""

    target: str


@dataclass(frozen=True)
class Dir:
    """A directory entry."""

    mode: int = 0o755
    uid: int = 0
    gid: int = 0


Entry = File | Symlink | Dir
EntryLike = Entry | bytes | str


def os_release(
    *,
    id: str,
    version_id: str | None = None,
    name: str | None = None,
    pretty_name: str | None = None,
    id_like: str | None = None,
    version_codename: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """Render an ``/etc/os-release`` file."""
    fields: dict[str, str] = {"NAME": name or id.capitalize(), "ID": id}
    if id_like is not None:
        fields["ID_LIKE"] = id_like
    if version_id is not None:
        fields["VERSION_ID"] = version_id
    if version_codename is not None:
        fields["VERSION_CODENAME"] = version_codename
    fields["PRETTY_NAME"] = pretty_name or " ".join(
        part for part in (fields["NAME"], version_id) if part
    )
    fields.update(extra or {})
    return "".join(f"{key}={_quote(value)}\n" for key, value in fields.items())


def _quote(value: str) -> str:
    """os-release quoting: bare when safe, else double-quoted with escapes."""
    if value and all(c.isalnum() or c in "._-" for c in value):
        return value
    escaped = "".join("\\" + c if c in '"\\$`' else c for c in value)
    return f'"{escaped}"'


def fake_glibc(
    version: str = "2.36",
    *,
    libdir: str = "lib/x86_64-linux-gnu",
    distro: str = "Debian GLIBC 2.36-9+deb12u4",
) -> dict[str, EntryLike]:
    """Files that make a rootfs *look* like it has glibc ``version`` (nothing runs).

    ``libc.so.6`` holds the banner string real glibc embeds; the dynamic loader is a
    placeholder at the usual x86-64 path.
    """
    banner = (
        f"GNU C Library ({distro}) stable release version {version}.\n"
        "Copyright (C) 2022 Free Software Foundation, Inc.\n"
    )
    libc = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\0" + banner.encode() + b"\0"
    return {
        f"{libdir}/libc.so.6": File(libc, mode=0o755),
        "lib64/ld-linux-x86-64.so.2": Symlink(f"/{libdir}/ld-linux-x86-64.so.2"),
        f"{libdir}/ld-linux-x86-64.so.2": File(b"\x7fELF\x02\x01\x01fake-ld\0", mode=0o755),
    }


def fake_libstdcxx(
    newest: int = 30, *, libdir: str = "usr/lib/x86_64-linux-gnu"
) -> dict[str, EntryLike]:
    """A ``libstdc++.so.6`` link to a file holding the version strings GLIBCXX_3.4 ..
    GLIBCXX_3.4.<newest>, as real libstdc++ defines them (nothing runs)."""
    names = b"".join(b"GLIBCXX_3.4.%d\x00" % n for n in range(1, newest + 1))
    return {
        f"{libdir}/libstdc++.so.6": Symlink(f"libstdc++.so.6.0.{newest}"),
        f"{libdir}/libstdc++.so.6.0.{newest}": File(
            b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"GLIBCXX_3.4\x00" + names, mode=0o644
        ),
    }


def fake_musl(version: str = "1.2.5", *, arch: str = "x86_64") -> dict[str, EntryLike]:
    """Files that make a rootfs *look* like a musl system (Alpine-style layout)."""
    loader = f"lib/ld-musl-{arch}.so.1"
    banner = f"\0musl libc ({arch})\0Version {version}\0".encode()
    content = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + banner
    return {
        loader: File(content, mode=0o755),
        f"lib/libc.musl-{arch}.so.1": Symlink(f"ld-musl-{arch}.so.1"),
    }


def find_static_busybox() -> Path:
    """Locate a statically linked busybox binary (Debian ``busybox-static``)."""
    candidates = [os.environ.get("DEVCON_TEST_BUSYBOX"), "/bin/busybox", "/usr/bin/busybox"]
    which = shutil.which("busybox")
    if which:
        candidates.append(which)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            path = Path(candidate).resolve()
            if _is_static_elf(path):
                return path
    raise HarnessError(
        "no statically linked busybox found (install the Debian package busybox-static, "
        "or point DEVCON_TEST_BUSYBOX at one)"
    )


def _is_static_elf(path: Path) -> bool:
    """True when ``path`` is a 64-bit little-endian ELF without a PT_INTERP header."""
    with path.open("rb") as fh:
        header = fh.read(64)
        if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
            return False
        phoff = struct.unpack_from("<Q", header, 0x20)[0]
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
    for i in range(phnum):
        (p_type,) = struct.unpack_from("<I", table, i * phentsize)
        if p_type == 3:  # PT_INTERP: needs a dynamic loader
            return False
    return True


def busybox_applets(busybox: Path) -> list[str]:
    """The applet paths (relative, e.g. ``bin/sh``) that ``busybox`` provides."""
    try:
        out = subprocess.run(
            [str(busybox), "--list-full"], check=True, capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return list(_FALLBACK_APPLETS)
    applets = [line.strip().lstrip("/") for line in out.splitlines() if line.strip()]
    return [a for a in applets if a != "bin/busybox" and "/" in a] or list(_FALLBACK_APPLETS)


def default_entries(
    busybox: Path,
    *,
    applets: Iterable[str] | None = None,
    without_applets: Iterable[str] = (),
) -> dict[str, Entry]:
    """The base layout: directories, /bin/busybox, applet symlinks, /etc basics."""
    entries: dict[str, Entry] = {}
    for d in (
        "bin",
        "sbin",
        "etc",
        "lib",
        "root",
        "usr",
        "usr/bin",
        "usr/sbin",
        "usr/lib",
        "usr/local",
        "usr/local/bin",
        "var",
        "var/tmp",
        "proc",
        "sys",
        "dev",
        "run",
    ):
        entries[d] = Dir()
    entries["root"] = Dir(mode=0o700)
    entries["tmp"] = Dir(mode=0o1777)
    entries["home"] = Dir()
    entries["home/vscode"] = Dir(mode=0o755, uid=1000, gid=1000)
    entries["bin/busybox"] = File(busybox.read_bytes(), mode=0o755)

    skip = set(without_applets)
    names = (
        busybox_applets(busybox)
        if applets is None
        else [a if "/" in a else f"bin/{a}" for a in applets]
    )
    for applet in names:
        if applet.rsplit("/", 1)[-1] in skip or applet in skip:
            continue
        entries[applet] = Symlink("busybox" if applet.startswith("bin/") else "/bin/busybox")

    entries["etc/os-release"] = File(DEFAULT_OS_RELEASE)
    entries["etc/passwd"] = File(DEFAULT_PASSWD)
    entries["etc/group"] = File(DEFAULT_GROUP)
    entries["etc/shadow"] = File(
        "root:*:19000:0:99999:7:::\nvscode:*:19000:0:99999:7:::\n", mode=0o640
    )
    return entries


def _normalise(path: str) -> str:
    clean = os.path.normpath(path.strip("/"))
    if clean in (".", "") or clean.startswith(".."):
        raise HarnessError(f"bad rootfs path {path!r}")
    return clean


def _as_entry(value: EntryLike) -> Entry:
    if isinstance(value, File | Symlink | Dir):
        return value
    return File(value)


def make_rootfs_tar(
    dest: Path | str,
    *,
    extra_files: Mapping[str, EntryLike] | None = None,
    omit: Iterable[str] = (),
    applets: Iterable[str] | None = None,
    without_applets: Iterable[str] = (),
    busybox: Path | None = None,
) -> Path:
    """Write a busybox rootfs tarball to ``dest`` and return its path.

    - ``extra_files``: path -> content (``bytes``/``str`` become 0644 files; use
      :class:`File`, :class:`Symlink` or :class:`Dir` for more control). They replace
      default entries of the same path (e.g. ``etc/os-release``).
    - ``omit``: paths to leave out entirely (e.g. ``bin/sh``; a directory drops its
      whole subtree).
    - ``applets``: which busybox applets to link (names like ``"tar"`` go to ``bin/``,
      or give paths like ``"usr/bin/env"``); default: all of them.
    - ``without_applets``: applet names not to link (e.g. ``["sh", "tar"]``).
    """
    bb = busybox or find_static_busybox()
    entries = default_entries(bb, applets=applets, without_applets=without_applets)
    for path, value in (extra_files or {}).items():
        entries[_normalise(path)] = _as_entry(value)

    omitted = [_normalise(p) for p in omit]
    for path in list(entries):
        if any(path == o or path.startswith(o + "/") for o in omitted):
            del entries[path]

    # Make sure every parent directory exists as an entry.
    for path in list(entries):
        parent = os.path.dirname(path)
        while parent and parent not in entries:
            entries[parent] = Dir()
            parent = os.path.dirname(parent)

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(dest, "w", format=tarfile.GNU_FORMAT) as tar:
        for path in sorted(entries):
            _add(tar, path, entries[path])
    return dest


def _add(tar: tarfile.TarFile, path: str, entry: Entry) -> None:
    info = tarfile.TarInfo(path)
    info.mtime = MTIME
    info.uname = info.gname = ""
    if isinstance(entry, Dir):
        info.type = tarfile.DIRTYPE
        info.mode, info.uid, info.gid = entry.mode, entry.uid, entry.gid
        tar.addfile(info)
    elif isinstance(entry, Symlink):
        info.type = tarfile.SYMTYPE
        info.linkname = entry.target
        info.mode = 0o777
        tar.addfile(info)
    else:
        data = entry.content.encode() if isinstance(entry.content, str) else entry.content
        info.type = tarfile.REGTYPE
        info.mode, info.uid, info.gid = entry.mode, entry.uid, entry.gid
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
