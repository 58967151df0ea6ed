"""Dev container Features as OCI artifacts, and `devcontainer-lock.json`.

A Feature reference such as `ghcr.io/devcontainers/features/python:1` names an OCI artifact:
a manifest whose layer is a tarball holding `devcontainer-feature.json`. The lock file, in the
format the official dev container CLI reads, records for each Feature id its `version`,
`resolved` (`registry/path@sha256:<manifest digest>`) and `integrity` (that digest).

The lock file is written byte for byte as the official CLI writes it
(`JSON.stringify(lockfile, null, 2)`: only the `features` key, ids sorted by
`String.prototype.localeCompare`, two-space indent, no final newline), so the two tools
never rewrite each other's file.

Nothing here imports the HTTP stack: lint rules use `feature_reference` and `lockfile_path`
without reaching the network.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.registry.errors import RegistryError

if TYPE_CHECKING:
    from devcon.registry.client import RegistryClient

MAX_FEATURE_TARBALL = 16 * 1024 * 1024


@dataclass(frozen=True)
class FeatureLock:
    id: str
    version: str
    resolved: str
    integrity: str


def feature_reference(feature_id: str) -> Reference | None:
    """The OCI reference of a Feature id; None for local paths and tarball URLs."""
    if feature_id.startswith((".", "/", "http://", "https://")) or "/" not in feature_id:
        return None
    try:
        ref = parse_reference(feature_id)
    except ReferenceError:
        return None
    return ref if "." in ref.registry or ":" in ref.registry else None


def lockfile_path(config_path: Path) -> Path:
    """Beside the config: `devcontainer-lock.json`, or `.devcontainer-lock.json` for a
    `.devcontainer.json`."""
    name = (
        ".devcontainer-lock.json" if config_path.name.startswith(".") else "devcontainer-lock.json"
    )
    return config_path.parent / name


def feature_metadata(client: RegistryClient, ref: Reference, digest: str) -> dict[str, Any]:
    """devcontainer-feature.json of a Feature: from the manifest's `dev.containers.metadata`
    annotation when present, else from the tarball layer."""
    manifest = client.manifest(ref, digest)
    annotations = manifest.data.get("annotations") or {}
    text = annotations.get("dev.containers.metadata")
    if isinstance(text, str):
        try:
            data = json.loads(text)
            if isinstance(data, dict):
                return data
        except ValueError:
            pass
    layers = manifest.data.get("layers") or []
    if not layers:
        raise RegistryError(f"{ref.original}: the Feature artifact has no layer")
    layer = layers[0]
    blob = client.blob(ref, str(layer.get("digest")), max_bytes=MAX_FEATURE_TARBALL)
    import tarfile  # only when a Feature is fetched (--merge, pin --features)

    try:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as archive:
            for member in archive.getmembers():
                if member.name.lstrip("./") == "devcontainer-feature.json" and member.isfile():
                    handle = archive.extractfile(member)
                    if handle is not None:
                        data = json.loads(handle.read().decode("utf-8"))
                        if isinstance(data, dict):
                            return data
    except (tarfile.TarError, ValueError, UnicodeDecodeError):
        raise RegistryError(f"{ref.original}: the Feature tarball cannot be read") from None
    raise RegistryError(f"{ref.original}: no devcontainer-feature.json in the Feature tarball")


def lock_feature(client: RegistryClient, feature_id: str, ref: Reference) -> FeatureLock:
    digest, _ = client.resolve_tag(ref)
    metadata = feature_metadata(client, ref, digest)
    version = metadata.get("version")
    return FeatureLock(
        id=feature_id,
        version=str(version) if version is not None else (ref.tag or "latest"),
        resolved=f"{ref.registry}/{ref.repository}@{digest}",
        integrity=digest,
    )


def locked_features(data: object) -> dict[str, FeatureLock]:
    """The well-formed entries of a parsed lock file (id -> lock); others are ignored."""
    features = data.get("features") if isinstance(data, dict) else None
    out: dict[str, FeatureLock] = {}
    if not isinstance(features, dict):
        return out
    for feature_id, entry in features.items():
        if not isinstance(entry, dict):
            continue
        version, resolved, integrity = (
            entry.get("version"),
            entry.get("resolved"),
            entry.get("integrity"),
        )
        if isinstance(version, str) and isinstance(resolved, str) and isinstance(integrity, str):
            out[str(feature_id)] = FeatureLock(str(feature_id), version, resolved, integrity)
    return out


# The order ICU's root collation (what Node's `localeCompare` uses for en-US and most other
# locales) gives the printable ASCII punctuation and symbols, before digits and letters.
_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"


def _primary(char: str) -> int:
    index = _PUNCTUATION.find(char)
    if index >= 0:
        return index
    if "0" <= char <= "9":
        return 100 + ord(char) - ord("0")
    if char.isascii() and char.isalpha():
        return 200 + ord(char.lower()) - ord("a")
    return 1000 + ord(char)  # beyond ASCII: code point order (OCI references are ASCII)


def locale_compare_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A sort key that orders ASCII strings as JavaScript's `a.localeCompare(b)` does:
    punctuation before digits before letters, case ignored first and lower case first on a
    tie (`python:1` < `Python:1` < `python3:1`), unlike Python's code-point order."""
    return (
        tuple(_primary(char) for char in text),
        tuple(1 if char.isascii() and char.isupper() else 0 for char in text),
    )


def render_lockfile(locks: Iterable[FeatureLock]) -> str:
    """The lock file text exactly as the official CLI writes it: `{"features": {...}}` with
    ids in `localeCompare` order, `JSON.stringify(lockfile, null, 2)`, no final newline."""
    ordered = sorted(locks, key=lambda item: locale_compare_key(item.id))
    data = {
        "features": {
            lock.id: {
                "version": lock.version,
                "resolved": lock.resolved,
                "integrity": lock.integrity,
            }
            for lock in ordered
        }
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
