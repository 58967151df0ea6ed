"""Atomic file writes: a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from devcon.errors import InputError


def atomic_write_text(path: Path, text: str, *, newline: str | None = "") -> None:
    """Replace `path` with `text` atomically, keeping its mode when it exists.

    `newline=""` writes the text exactly as given (no newline translation).
    """
    data = text.encode("utf-8") if newline == "" else text.replace("\n", newline or "\n").encode()
    atomic_write_bytes(path, data)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically. A symlink is written through (its target is
    replaced and the link stays a link); mode kept, or the umask's for a new file."""
    path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    try:
        tmp = write_temp(path.parent, path.name, data, mode, ".tmp")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_temp(folder: Path, name: str, data: bytes, mode: int, suffix: str) -> str:
    """A temporary file `.NAME.*SUFFIX` in `folder` holding `data` (fsynced) with `mode`;
    its path. Removed again if writing fails half-way."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def new_file_mode() -> int:
    """The mode a new file gets: 0o666 less the umask."""
    current = os.umask(0)
    os.umask(current)
    return 0o666 & ~current


def read_text(path: Path) -> str:
    """A file's text, or InputError (exit 2) saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError("not UTF-8 text", f"{path}:{line}:{column}") from None
