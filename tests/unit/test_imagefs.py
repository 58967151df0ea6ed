"""MergedFS: upper layers win, whiteouts and opaque dirs hide lower files, symlinks resolve."""

from __future__ import annotations

import io
import tarfile

from devcon.compat.facts import glibc_version, musl_version, parse_os_release
from devcon.imagefs import MergedFS


def _layer(files: dict[str, bytes | str | None], gz: bool = False) -> io.BytesIO:
    """path -> bytes (file), str starting with '->' (symlink), None (directory)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gz else "w") as tar:
        for path, value in files.items():
            info = tarfile.TarInfo(path)
            if value is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif isinstance(value, str):
                info.type = tarfile.SYMTYPE
                info.linkname = value[2:]
                tar.addfile(info)
            else:
                info.size = len(value)
                tar.addfile(info, io.BytesIO(value))
    buffer.seek(0)
    return buffer


def _fs(*layers_top_first: dict[str, bytes | str | None]) -> MergedFS:
    fs = MergedFS()
    for layer in layers_top_first:
        fs.add_layer(_layer(layer, gz=True), lambda p: True, 1 << 20)
    return fs


def test_upper_layer_wins_and_whiteout_hides() -> None:
    fs = _fs(
        {"etc/.wh.os-release": b"", "usr/lib/os-release": b"ID=debian\nVERSION_ID=12\n"},
        {"etc/os-release": b"ID=debian\nVERSION_ID=9\n", "etc/hostname": b"old"},
    )
    assert fs.read("etc/os-release") is None
    assert fs.read("usr/lib/os-release") == b"ID=debian\nVERSION_ID=12\n"
    assert fs.read("etc/hostname") == b"old"


def test_opaque_directory_hides_lower_contents() -> None:
    fs = _fs({"opt/app/.wh..wh..opq": b"", "opt/app/new": b"n"}, {"opt/app/old": b"o"})
    assert fs.exists("opt/app/new") and not fs.exists("opt/app/old")


def test_symlinks_in_any_component() -> None:
    fs = _fs(
        {
            "bin": "->usr/bin",
            "usr/bin/sh": "->busybox",
            "usr/bin/busybox": b"\x7fELF",
            "lib/x86_64-linux-gnu/libc.so.6": "->libc-2.31.so",
            "lib/x86_64-linux-gnu/libc-2.31.so": b"x",
        }
    )
    assert fs.exists("bin/sh")
    assert fs.resolve("bin/sh") == "usr/bin/busybox"
    resolved = fs.resolve("lib/x86_64-linux-gnu/libc.so.6")
    assert resolved == "lib/x86_64-linux-gnu/libc-2.31.so"
    assert glibc_version(None, resolved) == "2.31"
    assert not _fs({"a": "->b"}).exists("a")  # dangling


def test_version_strings() -> None:
    banner = b"\0GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36.\n"
    assert glibc_version(banner) == "2.36"
    assert musl_version(b"\0musl libc (x86_64)\0Version 1.2.4\0", None) == "1.2.4"
    assert musl_version(b"\0\0\x001.2.3\0", None) == "1.2.3"
    assert musl_version(None, b"P:busybox\nV:1.36.1-r2\n\nP:musl\nV:1.2.5-r0\n") == "1.2.5"
    release = parse_os_release(b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n# c\n')
    assert release == {"NAME": "Alpine Linux", "ID": "alpine", "VERSION_ID": "3.20.3"}


def test_engine_history_keeps_created_times() -> None:
    from devcon.imagefacts import engine_history

    entries = [  # the engine's /images/{name}/history: newest first, Unix seconds
        {"CreatedBy": "/bin/sh -c echo app > /app", "Created": 1733011200, "Size": 4},
        {"CreatedBy": "/bin/sh -c #(nop)  CMD [\"sh\"]", "Created": 1733011100, "Size": 0},
        {"CreatedBy": "", "Created": 0, "Size": 1024, "Comment": "Imported from -"},
    ]
    history = engine_history(entries, layers=2)
    assert [h.created for h in history] == [None, "2024-11-30T23:58:20Z", "2024-12-01T00:00:00Z"]
    assert [h.empty_layer for h in history] == [False, True, False]
    assert history[0].comment == "Imported from -"
