"""Smoke tests for the real-component harness: engine, registry, base image, builds."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from tests.harness import MANIFEST_ACCEPT, BaseImage, BuildImage, DockerEngine, Registry

pytestmark = [pytest.mark.engine, pytest.mark.registry]

SINGLE_MANIFEST_TYPES = {
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
}


def test_engine_answers(docker_engine: DockerEngine) -> None:
    client = docker_engine.client()
    try:
        version = client.version()
        assert version["ApiVersion"]
        assert client.ping() is True
    finally:
        client.close()
    assert docker_engine.docker("version", "--format", "{{.Server.Version}}").strip()


def test_built_image_round_trips_through_registry(
    build_image: BuildImage,
    base_image: BaseImage,
    registry: Registry,
    docker_engine: DockerEngine,
) -> None:
    built = build_image(
        "FROM {base}\nCOPY hello.txt /opt/hello.txt\n",
        tag="devcon-test/smoke:1",
        files={"hello.txt": "hello from the harness\n"},
        push=True,
    )
    out = docker_engine.docker(
        "run", "--rm", "--network", "none", built.tag, "cat", "/opt/hello.txt"
    )
    assert out == "hello from the harness\n"

    url = f"{registry.url}/v2/devcon-test/smoke/manifests/1"
    headers = {"Accept": MANIFEST_ACCEPT}
    head = requests.head(url, headers=headers, timeout=30)
    assert head.status_code == 200, head.text
    get = requests.get(url, headers=headers, timeout=30)
    assert get.status_code == 200, get.text

    body_digest = "sha256:" + hashlib.sha256(get.content).hexdigest()
    assert get.headers["Docker-Content-Digest"] == body_digest
    assert head.headers["Docker-Content-Digest"] == body_digest
    assert built.digest == body_digest
    assert get.headers["Content-Type"].split(";")[0] in SINGLE_MANIFEST_TYPES

    manifest = json.loads(get.content)
    assert len(manifest["layers"]) == base_image.layers + 1

    base_manifest = registry.manifest("devcon-test/busybox", "base").json()
    assert len(base_manifest["layers"]) == base_image.layers
    assert manifest["layers"][0]["digest"] == base_manifest["layers"][0]["digest"]


def test_registry_access_log_records_blob_fetches(
    base_image: BaseImage, registry: Registry
) -> None:
    mark = registry.mark()
    manifest = registry.manifest("devcon-test/busybox", "base").json()
    layer = manifest["layers"][0]["digest"]
    resp = requests.get(f"{registry.url}/v2/devcon-test/busybox/blobs/{layer}", timeout=30)
    assert resp.status_code == 200
    assert "sha256:" + hashlib.sha256(resp.content).hexdigest() == layer
    assert registry.blob_fetches(since=mark) == [layer]
    assert registry.blob_fetches(since=mark, repository="other/repo") == []
