"""Files from layer tarballs: topmost layer first, whiteouts honoured, size caps.

`MergedFS` is the image's file tree as seen from the top: a path recorded from an upper layer
wins, `.wh.<name>` hides a lower `<name>`, `.wh..wh..opq` hides a lower directory's contents.
Only the content of files a caller asks for (by name) is kept, and only up to a cap.
A layer is decompressed here (gzip, bzip2, xz; or plain tar) and every decompressed byte is
counted through the caller's `count`, which may stop the read by raising: a small layer can
expand to gigabytes (a decompression bomb).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"


@dataclass(frozen=True)
class PathEntry:
    kind: str  # "file", "dir", "symlink", "other"
    link: str | None = None  # symlink target (or hard-link target path)
    data: bytes | None = None  # content, for files whose content was kept
    size: int = 0


def normalise(path: str) -> str:
    path = posixpath.normpath("/" + path.lstrip("./").lstrip("/")).lstrip("/")
    return "" if path == "." else path


_TAR_BUFFER = 256 * 1024


class _Expanded(io.RawIOBase):
    """A layer stream as the tar bytes it holds: gzip (every member), bzip2 or xz
    decompressed as it is read, plain tar as it is; `count(n)` hears of every n bytes it
    gives out (and may raise to stop there)."""

    def __init__(self, stream: IO[bytes], count: Callable[[int], None]) -> None:
        buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
        head = bytes(buffered.peek(6)[:6])
        self._bz2 = head.startswith(b"BZh")
        self.source: Any
        if head.startswith(b"\x1f\x8b"):
            self.source = gzip.GzipFile(fileobj=buffered, mode="rb")
        elif self._bz2:
            self.source = bz2.BZ2File(buffered)
        elif head.startswith(b"\xfd7zXZ\x00"):
            self.source = lzma.LZMAFile(buffered)  # noqa: SIM115
        else:
            self.source = buffered
        self.count = count

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            chunk = self.source.read(len(buffer))
        except (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile) as exc:
            raise tarfile.ReadError(f"invalid compressed data: {exc}") from None
        except OSError as exc:
            if not self._bz2:
                raise
            raise tarfile.ReadError(f"invalid compressed data: {exc}") from None
        if chunk:
            self.count(len(chunk))
            buffer[: len(chunk)] = chunk
        return len(chunk)


def _no_count(_: int) -> None:
    return None


class MergedFS:
    def __init__(self) -> None:
        self.entries: dict[str, PathEntry] = {}
        self._hidden: set[str] = set()  # paths deleted by an upper layer's whiteout
        self._opaque: set[str] = set()  # dirs whose lower contents are hidden
        self._parents: set[str] = set()  # every folder above a recorded path

    def _is_hidden(self, path: str) -> bool:
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if prefix in self._hidden:
                return True
            if i < len(parts) and prefix in self._opaque:
                return True
        return False

    def add_layer(
        self,
        stream: IO[bytes],
        keep: Callable[[str], bool],
        max_file_bytes: int,
        count: Callable[[int], None] = _no_count,
    ) -> None:
        """Merge one layer (a tar stream, compressed or not) under the layers added so far;
        `count` hears of each decompressed byte read (see `_Expanded`)."""
        hidden_now: set[str] = set()
        opaque_now: set[str] = set()
        seen_now: dict[str, PathEntry] = {}
        expanded = _Expanded(stream, count)
        with tarfile.open(fileobj=expanded, mode="r|", bufsize=_TAR_BUFFER) as archive:
            for member in archive:
                path = normalise(member.name)
                if not path:
                    continue
                name = posixpath.basename(path)
                parent = posixpath.dirname(path)
                if name == OPAQUE:
                    opaque_now.add(parent)
                    continue
                if name.startswith(WHITEOUT):
                    hidden_now.add(posixpath.join(parent, name[len(WHITEOUT) :]))
                    continue
                if path in self.entries or self._is_hidden(path):
                    continue  # an upper layer has (or removed) it
                if member.issym():
                    entry = PathEntry("symlink", member.linkname)
                elif member.islnk():
                    entry = PathEntry("symlink", "/" + normalise(member.linkname))
                elif member.isdir():
                    entry = PathEntry("dir")
                elif member.isfile():
                    data = None
                    if keep(path) and member.size <= max_file_bytes:
                        handle = archive.extractfile(member)
                        data = handle.read() if handle is not None else None
                    entry = PathEntry("file", data=data, size=member.size)
                else:
                    entry = PathEntry("other")
                seen_now[path] = entry
        self.entries.update(seen_now)
        for path in seen_now:
            parent = posixpath.dirname(path)
            while parent and parent not in self._parents:
                self._parents.add(parent)
                parent = posixpath.dirname(parent)
        # whiteouts of this layer hide what lies in the layers below it
        self._hidden |= hidden_now
        self._opaque |= opaque_now

    # -- lookups -----------------------------------------------------------------------
    def resolve(self, path: str, depth: int = 0) -> str | None:
        """The path with every symlink (in any component) followed; None if it dangles."""
        if depth > 40:
            return None
        parts = normalise(path).split("/") if normalise(path) else []
        current = ""
        for i, part in enumerate(parts):
            candidate = posixpath.join(current, part) if current else part
            entry = self.entries.get(candidate)
            if entry is None:
                if i < len(parts) - 1 and candidate in self._parents:
                    current = candidate  # a directory the layer tar did not list itself
                    continue
                return None
            if entry.kind == "symlink" and entry.link is not None:
                link = entry.link
                target = link if link.startswith("/") else posixpath.join(current, link)
                rest = "/".join(parts[i + 1 :])
                return self.resolve(posixpath.join(target, rest) if rest else target, depth + 1)
            current = candidate
        return current

    def get(self, path: str) -> PathEntry | None:
        resolved = self.resolve(path)
        return self.entries.get(resolved) if resolved is not None else None

    def exists(self, path: str) -> bool:
        return self.get(path) is not None

    def read(self, path: str) -> bytes | None:
        entry = self.get(path)
        return entry.data if entry is not None and entry.kind == "file" else None

    def glob_names(self, folder: str, predicate: Callable[[str], bool]) -> list[str]:
        """Paths directly in `folder` (after resolving it) whose name matches."""
        base = self.resolve(folder) or normalise(folder)
        prefix = base + "/"
        return sorted(
            p
            for p in self.entries
            if p.startswith(prefix)
            and "/" not in p[len(prefix) :]
            and predicate(posixpath.basename(p))
        )
