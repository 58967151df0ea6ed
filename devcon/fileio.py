"""Atomic file writes (a temporary file in the same folder, fsync, then rename), bounded
reads, and existence checks that never raise."""

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


#: The largest file devcon reads from a repository (devcontainer.json, Feature and Template
#: files, Dockerfiles, compose files, requirement and environment files, .dockerignore, the
#: files init detects a stack from). The largest of these in the team's corpus of 411 real
#: files is 5.5 KB (images' universal devcontainer.json); 4 MiB is some 750 times that, and
#: bounds the time (a few seconds) and memory (some hundreds of MB) of one file's parse.
#: Checked with stat() before reading; a larger file is exit 2 naming the limit and the file.
MAX_INPUT_BYTES = 4 * 1024 * 1024


def read_text(path: Path, *, errors: str = "strict", limit: int = MAX_INPUT_BYTES) -> str:
    """A file's text, or InputError (exit 2) saying why it cannot be read: no permission,
    larger than `limit` (checked before reading), not UTF-8 (unless `errors="replace"`)."""
    data = read_bytes(path, limit=limit)
    try:
        return data.decode("utf-8", errors)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError("not UTF-8 text", f"{path}:{line}:{column}") from None


def read_bytes(path: Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """A file's bytes, at most `limit` of them: a larger file is InputError (exit 2) before
    it is read (its size from stat(); a file that grows while read is cut at limit + 1)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise _too_large(path, limit)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    except ValueError as exc:  # a NUL in the name
        raise InputError(f"cannot read: {exc}", repr(str(path))) from None
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


class InputTooLarge(InputError):
    """A file over the input size limit (exit 2), told apart from one that is missing."""


def _too_large(path: Path, limit: int) -> InputTooLarge:
    size = f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"
    return InputTooLarge(
        f"larger than devcon's {size} limit for an input file; not read", str(path)
    )


def is_existing_file(path: Path) -> bool:
    """Path.is_file(), false (not an error) for a name the system cannot look up: longer
    than the system allows (ENAMETOOLONG) or otherwise refused by stat."""
    try:
        return path.is_file()
    except OSError:
        return False


def is_existing_dir(path: Path) -> bool:
    """Path.is_dir(), false (not an error) where `is_existing_file` is."""
    try:
        return path.is_dir()
    except OSError:
        return False
