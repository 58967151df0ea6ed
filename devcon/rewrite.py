"""In-place text edits at known positions, and writing a set of files all-or-nothing."""

from __future__ import annotations

import contextlib
import difflib
import itertools
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devcon.errors import InputError


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


def write_all(changes: Sequence[tuple[Path, str, str]]) -> None:
    """Write (path, original, new) texts all-or-nothing.

    Every new text goes to a temporary file beside its target first (mode copied); only when
    all are written are they renamed into place. If a rename fails, the files already replaced
    get their original text back, so a failure leaves every file as it was.
    """
    staged: list[tuple[Path, str, str]] = []
    try:
        for path, original, new in changes:
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:  # a new file (e.g. devcontainer-lock.json)
                mode = 0o644
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".devcon", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(new.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            staged.append((path, tmp, original))
    except OSError as exc:
        for _, tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InputError(f"cannot write: {exc.strerror or exc}", str(exc.filename or "")) from None
    done: list[tuple[Path, str]] = []
    try:
        for path, tmp, original in staged:
            os.replace(tmp, path)
            done.append((path, original))
    except OSError as exc:
        for path, original in done:
            with contextlib.suppress(OSError):
                path.write_bytes(original.encode("utf-8"))
        for _, tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InputError(f"cannot write: {exc.strerror or exc}", str(exc.filename or "")) from None
