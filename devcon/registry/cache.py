"""A content-addressed on-disk cache of manifests and configs, and a tag log for --offline.

Blobs are stored by digest and verified on every read, so a corrupted entry is a miss, never
a wrong answer. Tag -> digest records are written on every online resolution but read only in
offline mode: tags move, so a normal run always asks the registry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from devcon.fileio import atomic_write_bytes


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "devcon"


@dataclass(frozen=True)
class TagRecord:
    digest: str
    media_type: str
    resolved_at: float


class ContentCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _blob_path(self, digest: str) -> Path:
        algorithm, _, hexdigest = digest.partition(":")
        return self.root / "blobs" / algorithm / hexdigest

    def get(self, digest: str) -> tuple[bytes, str] | None:
        """(content, media type) when cached and intact."""
        path = self._blob_path(digest)
        try:
            data = path.read_bytes()
            media_type = (path.with_suffix(".type")).read_text(encoding="utf-8")
        except OSError:
            return None
        if not digest.startswith("sha256:") or hashlib.sha256(data).hexdigest() != digest[7:]:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return data, media_type

    def put(self, digest: str, data: bytes, media_type: str) -> None:
        path = self._blob_path(digest)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path.with_suffix(".type"), media_type.encode("utf-8"))
            atomic_write_bytes(path, data)
        except Exception:  # a cache that cannot be written is only slower
            return

    def _tag_path(self, registry: str, repository: str, tag: str) -> Path:
        return self.root / "tags" / quote(registry, safe="") / repository / f"{quote(tag)}.json"

    def get_tag(self, registry: str, repository: str, tag: str) -> TagRecord | None:
        try:
            data = json.loads(self._tag_path(registry, repository, tag).read_text("utf-8"))
            return TagRecord(str(data["digest"]), str(data["mediaType"]), float(data["at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_tag(
        self, registry: str, repository: str, tag: str, digest: str, media_type: str
    ) -> None:
        record = {"digest": digest, "mediaType": media_type, "at": time.time()}
        path = self._tag_path(registry, repository, tag)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, json.dumps(record).encode("utf-8"))
        except Exception:
            return
