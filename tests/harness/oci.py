"""Registry API helpers for tests: read manifests, copy images, push an OCI index."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import requests

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
ACCEPT = ", ".join(
    [
        OCI_INDEX,
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


def get_manifest(
    base_url: str, name: str, reference: str, auth: tuple[str, str] | None = None
) -> tuple[str, str, bytes]:
    """(Docker-Content-Digest, media type, body) as the registry reports them."""
    response = requests.get(
        f"{base_url}/v2/{name}/manifests/{reference}",
        headers={"Accept": ACCEPT},
        auth=auth,
        timeout=10,
    )
    response.raise_for_status()
    return (
        response.headers["Docker-Content-Digest"],
        response.headers["Content-Type"],
        response.content,
    )


def put_manifest(
    base_url: str,
    name: str,
    reference: str,
    body: bytes,
    media_type: str,
    auth: tuple[str, str] | None = None,
) -> str:
    response = requests.put(
        f"{base_url}/v2/{name}/manifests/{reference}",
        data=body,
        headers={"Content-Type": media_type},
        auth=auth,
        timeout=10,
    )
    response.raise_for_status()
    return response.headers.get("Docker-Content-Digest") or (
        "sha256:" + hashlib.sha256(body).hexdigest()
    )


def copy_blob(
    src: str, dst: str, src_name: str, dst_name: str, digest: str, auth: tuple[str, str] | None
) -> None:
    if requests.head(f"{dst}/v2/{dst_name}/blobs/{digest}", auth=auth, timeout=10).ok:
        return
    data = requests.get(f"{src}/v2/{src_name}/blobs/{digest}", timeout=30).content
    start = requests.post(f"{dst}/v2/{dst_name}/blobs/uploads/", auth=auth, timeout=10)
    start.raise_for_status()
    location = start.headers["Location"]
    if location.startswith("/"):
        location = dst + location
    joiner = "&" if "?" in location else "?"
    done = requests.put(
        f"{location}{joiner}digest={digest}",
        data=data,
        headers={"Content-Type": "application/octet-stream"},
        auth=auth,
        timeout=30,
    )
    done.raise_for_status()


def copy_image(
    src: str,
    dst: str,
    name: str,
    tag: str,
    dst_name: str | None = None,
    dst_tag: str | None = None,
    auth: tuple[str, str] | None = None,
) -> str:
    """Copy one (single-platform) image between registries over the API; its digest."""
    dst_name = dst_name or name
    _, media_type, body = get_manifest(src, name, tag)
    manifest: dict[str, Any] = json.loads(body)
    for descriptor in [manifest["config"], *manifest["layers"]]:
        copy_blob(src, dst, name, dst_name, descriptor["digest"], auth)
    return put_manifest(dst, dst_name, dst_tag or tag, body, media_type, auth)


def push_index(
    base_url: str, name: str, tag: str, entries: list[tuple[str, str, str, int]]
) -> tuple[str, bytes]:
    """Push an OCI index of (platform "os/arch", digest, media type, size) entries, plus an
    attestation-like entry (unknown/unknown) that pinning must skip. Returns (digest, body)."""
    manifests: list[dict[str, Any]] = []
    for platform, digest, media_type, size in entries:
        os_, arch = platform.split("/")[:2]
        manifests.append(
            {
                "mediaType": media_type,
                "digest": digest,
                "size": size,
                "platform": {"os": os_, "architecture": arch},
            }
        )
    first = entries[0]
    manifests.append(
        {
            "mediaType": first[2],
            "digest": first[1],
            "size": first[3],
            "platform": {"os": "unknown", "architecture": "unknown"},
            "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
        }
    )
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
    body = json.dumps(index, indent=2).encode()
    return put_manifest(base_url, name, tag, body, OCI_INDEX), body


def upload_blob(base_url: str, name: str, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    start = requests.post(f"{base_url}/v2/{name}/blobs/uploads/", timeout=10)
    start.raise_for_status()
    location = start.headers["Location"]
    location = location if location.startswith("http") else base_url + location
    joiner = "&" if "?" in location else "?"
    done = requests.put(f"{location}{joiner}digest={digest}", data=data, timeout=10)
    done.raise_for_status()
    return digest


def push_feature(
    base_url: str,
    name: str,
    tag: str,
    feature: dict[str, Any],
    annotate: bool = False,
    extra_files: dict[str, bytes] | None = None,
) -> str:
    """Push a dev container Feature the way the spec lays it out: an OCI manifest whose
    config is `application/vnd.devcontainers` and whose one layer is a tarball holding
    devcontainer-feature.json (and install.sh). Returns the manifest digest."""
    import io
    import tarfile

    buffer = io.BytesIO()
    files = {
        "devcontainer-feature.json": json.dumps(feature, indent=2).encode(),
        "install.sh": b"#!/bin/sh\nset -e\necho installing\n",
        **(extra_files or {}),
    }
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for file_name, data in files.items():
            info = tarfile.TarInfo(f"./{file_name}")
            info.size = len(data)
            info.mode = 0o755 if file_name.endswith(".sh") else 0o644
            tar.addfile(info, io.BytesIO(data))
    layer = buffer.getvalue()
    config = b"{}"
    layer_digest = upload_blob(base_url, name, layer)
    config_digest = upload_blob(base_url, name, config)
    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.devcontainers",
            "digest": config_digest,
            "size": len(config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.devcontainers.layer.v1+tar",
                "digest": layer_digest,
                "size": len(layer),
                "annotations": {"org.opencontainers.image.title": f"{feature.get('id')}.tgz"},
            }
        ],
    }
    if annotate:
        manifest["annotations"] = {"dev.containers.metadata": json.dumps(feature)}
    body = json.dumps(manifest).encode()
    return put_manifest(base_url, name, tag, body, "application/vnd.oci.image.manifest.v1+json")
