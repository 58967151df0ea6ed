"""Dev container Features as OCI artifacts, and `devcontainer-lock.json`.

A Feature reference such as `ghcr.io/devcontainers/features/python:1` names an OCI artifact:
a manifest whose layer is a tarball holding `devcontainer-feature.json`. The lock file, in the
format the official dev container CLI reads, records for each Feature id its `version`,
`resolved` (`registry/path@sha256:<manifest digest>`) and `integrity` (that digest).
"""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.registry.client import RegistryClient
from devcon.registry.errors import RegistryError

FEATURE_LAYER_TYPES = ("application/vnd.devcontainers.layer.v1+tar",)
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


def render_lockfile(locks: list[FeatureLock], existing: dict[str, Any] | None = None) -> str:
    """The lock file text: features sorted by id, two-space indent, final newline."""
    data: dict[str, Any] = dict(existing or {})
    data["features"] = {
        lock.id: {"version": lock.version, "resolved": lock.resolved, "integrity": lock.integrity}
        for lock in sorted(locks, key=lambda item: item.id)
    }
    return json.dumps(data, indent=2) + "\n"
