"""In-place text edits at known positions, and writing a set of files all-or-nothing."""

from __future__ import annotations

import contextlib
import difflib
import functools
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devcon.errors import InputError
from devcon.fileio import new_file_mode, write_temp
from devcon.output_safety import bounded_join


@dataclass(frozen=True)
class Edit:
    """Replace `old` at (line, column) (1-based, columns in characters) with `new`."""

    line: int
    column: int
    old: str
    new: str


def apply_edits(text: str, edits: Sequence[Edit], path: str = "") -> str:
    """The text with every edit applied; line endings and everything else kept byte for byte."""
    lines = text_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans: list[tuple[int, int, str]] = []
    for edit in edits:
        if not 1 <= edit.line <= len(lines):
            raise InputError(f"edit outside the file (line {edit.line})", path)
        offset = starts[edit.line - 1] + edit.column - 1
        if text[offset : offset + len(edit.old)] != edit.old:
            raise InputError(
                f"the file changed while devcon was working: expected {edit.old!r}",
                f"{path}:{edit.line}:{edit.column}",
            )
        spans.append((offset, offset + len(edit.old), edit.new))
    spans.sort()
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise InputError("overlapping edits", path)
    out = []
    last = 0
    for start, end, new in spans:
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])
    return "".join(out)


@functools.lru_cache(maxsize=8)
def _line_starts(text: str) -> tuple[int, ...]:
    """The offset of each line of `text_lines(text)`, computed once per text (pin looks up
    every reference of a file in it: one pass each would be quadratic in references)."""
    starts = tuple(itertools.accumulate((len(s) + 1 for s in text.split("\n")), initial=0))
    # text_lines has no last empty line: drop the end offsets past it
    return starts[:-2] if text.endswith("\n") or not text else starts[:-1]


def text_at(text: str, line: int, column: int, length: int) -> str:
    """The `length` characters at (line, column) (1-based), "" outside the text."""
    starts = _line_starts(text)
    if not 1 <= line <= len(starts) or column < 1:
        return ""
    offset = starts[line - 1] + column - 1
    return text[offset : offset + length]


def text_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\n" only (as editors and Docker count lines)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            text_lines(before),
            text_lines(after),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


@dataclass
class _Staged:
    target: Path  # the real file (symlinks resolved): what is renamed onto
    tmp: str  # the new text, beside the target
    backup: str | None  # the file as it was (a hard link or a copy); None: it did not exist


def _replace(src: str, dst: str | Path) -> None:
    """The one rename write_all uses (tests inject failures here)."""
    os.replace(src, dst)


def _write_temp(folder: Path, name: str, data: bytes, like: os.stat_result | None) -> str:
    """A temporary file in `folder` holding `data`, with the mode (and, when allowed, the
    owner) of `like`; the path of it. Removed again if writing fails half-way."""
    mode = like.st_mode & 0o7777 if like is not None else new_file_mode()
    tmp = write_temp(folder, name, data, mode, ".devcon")
    if like is not None and (like.st_uid, like.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.chown(tmp, like.st_uid, like.st_gid)
    return tmp


def _backup(target: Path, like: os.stat_result) -> str:
    """A second name for the file as it is now (a hard link, else a copy), to put it back."""
    import secrets  # only here, where a file is backed up: keeps hmac off the start-up path

    for _ in range(8):
        backup = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.devcon-old")
        try:
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:  # no hard links here (or not allowed): a copy
            break
    return _write_temp(target.parent, target.name, target.read_bytes(), like)


def _unlink_all(paths: Sequence[str | None]) -> None:
    for path in paths:
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _cannot_write(exc: OSError, failed: Sequence[Path] = ()) -> InputError:
    where = str(exc.filename or "")
    message = f"cannot write: {exc.strerror or exc}"
    if failed:
        message += "; could not put back: " + bounded_join(str(p) for p in failed)
    else:
        message += "; no file was changed"
    return InputError(message, where)


def _plan(changes: Sequence[tuple[Path, str, str]]) -> list[tuple[Path, str]]:
    """(real path, new text) per distinct file; the same file twice must get the same text."""
    planned: dict[Path, str] = {}
    for path, _original, new in changes:
        target = Path(os.path.realpath(path))
        if target in planned and planned[target] != new:
            raise InputError("two different new texts for the same file", str(path))
        planned[target] = new
    return list(planned.items())


def write_all(changes: Sequence[tuple[Path, str, str]]) -> None:
    """Write (path, original, new) texts all-or-nothing.

    `original` is the text the caller read ("" for a file it creates); what a failure puts
    back is each file as it was on disk when write_all started, and a file that did not exist
    is removed again. A symlink is written through: its target gets the new text and the
    link stays a link.

    Every new text goes to a temporary file beside its (real) target first, with the target's
    mode and owner; every existing file gets a second name (a hard link, else a copy). Only
    when all are staged are the new texts renamed into place. If a rename fails (or the run
    is interrupted), the files already replaced get their old file back by rename, new files
    are removed, and every temporary file is deleted: a failure leaves every file as it was.
    OSError becomes InputError (exit 2); anything else (KeyboardInterrupt) is re-raised.
    """
    planned = _plan(changes)
    staged: list[_Staged] = []
    try:
        for target, new in planned:
            try:
                like: os.stat_result | None = target.stat()
            except FileNotFoundError:
                like = None
            tmp = _write_temp(target.parent, target.name, new.encode("utf-8"), like)
            staged.append(_Staged(target, tmp, None))
            if like is not None:
                staged[-1].backup = _backup(target, like)
    except BaseException as exc:
        _unlink_all([name for s in staged for name in (s.tmp, s.backup)])
        if isinstance(exc, OSError):
            raise _cannot_write(exc) from None
        raise
    done: list[_Staged] = []
    try:
        for item in staged:
            _replace(item.tmp, item.target)
            done.append(item)
    except BaseException as exc:
        failed = _roll_back(done)
        _unlink_all([name for s in staged for name in (s.tmp, s.backup)])
        if isinstance(exc, OSError):
            raise _cannot_write(exc, failed) from None
        raise
    _unlink_all([s.backup for s in staged])
    for folder in dict.fromkeys(s.target.parent for s in staged):
        _fsync_folder(folder)


def _roll_back(done: Sequence[_Staged]) -> list[Path]:
    """Put back the files already replaced (newest first); the ones that could not be."""
    failed = []
    for item in reversed(done):
        try:
            if item.backup is not None:
                _replace(item.backup, item.target)
                item.backup = None
            else:
                os.unlink(item.target)
        except OSError:
            failed.append(item.target)
    return failed


def _fsync_folder(folder: Path) -> None:
    """Make the renames durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
