"""`devcon parity` against the real engine and a local registry (issue 5 acceptance).

Images (all pushed to the session registry, REG):
- b1, b2: imported roots; dev = b1 + RUN tooling + RUN more; prod = b1 + RUN app;
  other = b2 + RUN app; squashed = dev exported and imported; dev2 = dev rebuilt on b1 after
  b1 was re-tagged (locally) to new content.
- dev-multi / prod-multi: indexes whose amd64 entries share b1 and whose arm64 entries do not.
- b1-multi: an index whose amd64 entry is b1 (and arm64 is b2).
- b1-fake, prod-on-fake: b1's and prod's layers with another history for the first layer
  (identical diff ids, another base).
- prod-annotated (OCI manifest annotations), prod-annotated-index (index descriptor
  annotations): prod declaring b1; other-annotated: other declaring b2; other-lying: other
  declaring b1.
- noconfig: prod in a repository whose config blob was deleted.

An imported layer's history entry has no command on dockerd (comment "Imported from -"); podman
records `/bin/sh -c #(nop) ADD file:<digest of the tarball> in /` (comment "imported from
tarball"): two imports of two tarballs differ in their command there.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.front import RegistryFront, started
from tests.harness.oci import (
    OCI_INDEX,
    copy_blob,
    get_manifest,
    push_index,
    put_manifest,
    upload_blob,
)
from tests.harness.podman import is_podman
from tests.harness.registry import Registry
from tests.harness.rootfs import make_rootfs_tar

pytestmark = [pytest.mark.engine, pytest.mark.registry]

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
BASE_NAME = "org.opencontainers.image.base.name"
BASE_DIGEST = "org.opencontainers.image.base.digest"
FAKE_ROOT = "/bin/sh -c #(nop) ADD file:another-root.tar in / "
TOOLING = "/bin/sh -c echo tooling > /tooling"
APP = "/bin/sh -c echo app > /app"
PODMAN_IMPORT = re.compile(r"/bin/sh -c #\(nop\) ADD file:[0-9a-f]{64} in /")


@dataclass(frozen=True)
class Images:
    reg: Registry
    b1: str
    b1_digest: str
    b2: str
    b2_digest: str
    dev: str
    prod: str
    other: str
    squashed: str
    dev2: str  # rebuilt on b1 after b1 was re-tagged to new content
    dev_index: str
    prod_index: str
    b1_multi: str  # repository of an index: amd64 = b1, arm64 = b2
    b1_multi_index: str  # its index digest
    b1_fake: str
    prod_on_fake: str
    prod_annotated: str
    prod_annotated_index: str
    other_annotated: str
    other_lying: str
    noconfig: str
    podman: bool  # built by podman (see the module doc: an import's history)

    def imported(self, created_by: str) -> bool:
        """Whether `created_by` is what this engine records for an imported layer."""
        return bool(PODMAN_IMPORT.fullmatch(created_by)) if self.podman else created_by == ""


def _import(engine: DockerEngine, workdir: Path, tag: str, marker: str) -> None:
    tarball = make_rootfs_tar(workdir / f"{marker}.tar", extra_files={"etc/base-id": marker})
    engine.import_rootfs(tarball, tag)


def _blob_json(reg: Registry, repository: str, digest: str) -> dict[str, Any]:
    response = requests.get(f"{reg.url}/v2/{repository}/blobs/{digest}", timeout=10)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def push_variant(
    reg: Registry,
    source: str,
    target: str,
    *,
    edit_config: Callable[[dict[str, Any]], None] | None = None,
    annotations: dict[str, str] | None = None,
) -> str:
    """Copy `source` (repository:tag, single platform) to `target` (repository:tag) over the
    registry API, optionally with an edited config and as an OCI manifest with annotations.
    Returns the new manifest digest."""
    src_repo, src_tag = source.rsplit(":", 1)
    dst_repo, dst_tag = target.rsplit(":", 1)
    _, media_type, body = get_manifest(reg.url, src_repo, src_tag)
    manifest: dict[str, Any] = json.loads(body)
    for descriptor in [manifest["config"], *manifest["layers"]]:
        copy_blob(reg.url, reg.url, src_repo, dst_repo, descriptor["digest"], None)
    if edit_config is not None:
        config = _blob_json(reg, src_repo, manifest["config"]["digest"])
        edit_config(config)
        raw = json.dumps(config).encode()
        manifest["config"] = {
            **manifest["config"],
            "digest": upload_blob(reg.url, dst_repo, raw),
            "size": len(raw),
        }
    if annotations is not None:
        media_type = OCI_MANIFEST
        manifest["mediaType"] = OCI_MANIFEST
        manifest["config"]["mediaType"] = OCI_CONFIG
        for layer in manifest["layers"]:
            layer["mediaType"] = OCI_LAYER
        manifest["annotations"] = annotations
    return put_manifest(reg.url, dst_repo, dst_tag, json.dumps(manifest).encode(), media_type)


def _fake_first_entry(config: dict[str, Any]) -> None:
    config["history"][0] = {
        "created": config["history"][0].get("created"),
        "created_by": FAKE_ROOT,
    }


def push_multi(
    reg: Registry,
    engine: DockerEngine,
    repository: str,
    sources: dict[str, str],
    entries: list[tuple[str, str, str, int]],
) -> str:
    """An index in `repository` whose entries are manifests pushed there first; its digest."""
    for name, tag in sources.items():
        engine.push(f"devcon-test/{name}:{tag}", reg.ref(f"{repository}:{name}"))
    digest, _ = push_index(reg.url, repository, "1", entries)
    return digest


@pytest.fixture(scope="module")
def images(docker_engine: DockerEngine, registry: Registry) -> Images:
    work = Path(tempfile.mkdtemp(prefix="dc-par-", dir="/tmp"))
    reg = registry

    def entry(name: str, platform: str) -> tuple[str, str, str, int]:
        digest, media_type, body = get_manifest(reg.url, f"devcon-test/{name}", "1")
        return platform, digest, media_type, len(body)

    try:
        _import(docker_engine, work, "devcon-test/b1:1", "b1")
        _import(docker_engine, work, "devcon-test/b2:1", "b2")
        b1_digest = docker_engine.push("devcon-test/b1:1", reg.ref("devcon-test/b1:1"))
        b2_digest = docker_engine.push("devcon-test/b2:1", reg.ref("devcon-test/b2:1"))
        builds = {
            "dev": "FROM devcon-test/b1:1\nRUN echo tooling > /tooling\nRUN echo more > /more\n",
            "prod": "FROM devcon-test/b1:1\nRUN echo app > /app\n",
            "other": "FROM devcon-test/b2:1\nRUN echo app > /app\n",
        }
        for name, dockerfile in builds.items():
            docker_engine.build(dockerfile, f"devcon-test/{name}:1")
            docker_engine.push(f"devcon-test/{name}:1", reg.ref(f"devcon-test/{name}:1"))
        b1_multi_index = push_multi(
            reg,
            docker_engine,
            "devcon-test/b1-multi",
            {"b1": "1", "b2": "1"},
            [entry("b1", "linux/amd64"), entry("b2", "linux/arm64")],
        )
        # squashed: a flattened copy of dev
        container = docker_engine.docker("create", "devcon-test/dev:1", "/bin/sh").strip()
        export = work / "dev-export.tar"
        docker_engine.docker("export", "-o", str(export), container)
        docker_engine.docker("rm", container)
        docker_engine.import_rootfs(export, "devcon-test/squashed:1")
        docker_engine.push("devcon-test/squashed:1", reg.ref("devcon-test/squashed:1"))
        # b1 re-tagged to new content; dev rebuilt on it
        _import(docker_engine, work, "devcon-test/b1:1", "b1-new")
        docker_engine.build(builds["dev"], "devcon-test/dev2:1")
        docker_engine.push("devcon-test/dev2:1", reg.ref("devcon-test/dev2:1"))
        docker_engine.docker("tag", "devcon-test/dev:1", "devcon-test/dev-local:1")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # multi-arch: amd64 shares the base, arm64 does not
    dev_entries = [entry("dev", "linux/amd64"), entry("dev", "linux/arm64")]
    prod_entries = [entry("prod", "linux/amd64"), entry("other", "linux/arm64")]
    push_multi(reg, docker_engine, "devcon-test/dev-multi", {"dev": "1"}, dev_entries)
    push_multi(
        reg, docker_engine, "devcon-test/prod-multi", {"prod": "1", "other": "1"}, prod_entries
    )
    # identical diff ids, another history
    edit = _fake_first_entry
    push_variant(reg, "devcon-test/b1:1", "devcon-test/b1-fake:1", edit_config=edit)
    push_variant(reg, "devcon-test/prod:1", "devcon-test/prod-on-fake:1", edit_config=edit)
    # bases declared by OCI annotations
    declares_b1 = {BASE_NAME: reg.ref("devcon-test/b1:1"), BASE_DIGEST: b1_digest}
    declares_b2 = {BASE_NAME: reg.ref("devcon-test/b2:1"), BASE_DIGEST: b2_digest}
    push_variant(reg, "devcon-test/prod:1", "devcon-test/prod-annotated:1", annotations=declares_b1)
    push_variant(
        reg, "devcon-test/other:1", "devcon-test/other-annotated:1", annotations=declares_b2
    )
    push_variant(reg, "devcon-test/other:1", "devcon-test/other-lying:1", annotations=declares_b1)
    push_variant(reg, "devcon-test/prod:1", "devcon-test/prod-annotated-index:prod")
    digest, media_type, body = get_manifest(reg.url, "devcon-test/prod-annotated-index", "prod")
    index = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {
                "mediaType": media_type,
                "digest": digest,
                "size": len(body),
                "platform": {"os": "linux", "architecture": "amd64"},
                "annotations": declares_b1,
            }
        ],
    }
    put_manifest(
        reg.url, "devcon-test/prod-annotated-index", "1", json.dumps(index).encode(), OCI_INDEX
    )

    # a manifest whose config blob the registry no longer has
    def unique(config: dict[str, Any]) -> None:  # a config no other image shares
        config.setdefault("config", {})["Labels"] = {"devcon-test": "noconfig"}

    push_variant(reg, "devcon-test/prod:1", "devcon-test/noconfig:1", edit_config=unique)
    _, _, body = get_manifest(reg.url, "devcon-test/noconfig", "1")
    config_digest = json.loads(body)["config"]["digest"]
    gone = requests.delete(f"{reg.url}/v2/devcon-test/noconfig/blobs/{config_digest}", timeout=10)
    assert gone.status_code == 202, gone.text
    return Images(
        reg=reg,
        b1=reg.ref("devcon-test/b1:1"),
        b1_digest=b1_digest,
        b2=reg.ref("devcon-test/b2:1"),
        b2_digest=b2_digest,
        dev=reg.ref("devcon-test/dev:1"),
        prod=reg.ref("devcon-test/prod:1"),
        other=reg.ref("devcon-test/other:1"),
        squashed=reg.ref("devcon-test/squashed:1"),
        dev2=reg.ref("devcon-test/dev2:1"),
        dev_index=reg.ref("devcon-test/dev-multi:1"),
        prod_index=reg.ref("devcon-test/prod-multi:1"),
        b1_multi=reg.ref("devcon-test/b1-multi"),
        b1_multi_index=b1_multi_index,
        b1_fake=reg.ref("devcon-test/b1-fake:1"),
        prod_on_fake=reg.ref("devcon-test/prod-on-fake:1"),
        prod_annotated=reg.ref("devcon-test/prod-annotated:1"),
        prod_annotated_index=reg.ref("devcon-test/prod-annotated-index:1"),
        other_annotated=reg.ref("devcon-test/other-annotated:1"),
        other_lying=reg.ref("devcon-test/other-lying:1"),
        noconfig=reg.ref("devcon-test/noconfig:1"),
        podman=is_podman(docker_engine),
    )


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with an empty content cache, so nothing is answered from an earlier
    test's cache (a missing config would be found in it)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def engine_host(docker_engine: DockerEngine, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    return docker_engine.host


@pytest.fixture
def dockerfile(images: Images, tmp_path: Path) -> Path:
    """One multi-stage Dockerfile whose stages start FROM the registry's images."""
    path = tmp_path / "Dockerfile"
    path.write_text(
        f"FROM {images.b1} AS base\nRUN echo base-stage\n"
        "FROM base AS dev\nRUN echo dev\n"
        "FROM base AS prod\nRUN echo prod\n"
        f"FROM {images.other} AS on-other\nRUN echo x\n"
        f"FROM {images.b2} AS on-b2\nRUN echo x\n"
        f"FROM {images.dev} AS on-dev\nRUN echo x\n"
        f"FROM {images.b1_multi}@{images.b1_multi_index} AS multi-index\n"
        f"FROM {images.b1_multi}@{images.b1_digest} AS multi-amd64\n"
    )
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["parity", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out = _run(capsys, *args, "--format", "json")
    payload: dict[str, Any] = json.loads(out)
    return code, payload


def _only(payload: dict[str, Any]) -> dict[str, Any]:
    platforms: list[dict[str, Any]] = payload["platforms"]
    assert len(platforms) == 1, platforms
    return platforms[0]


# -- the acceptance cases ------------------------------------------------------


def test_same_base_inferred_then_verified(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, images.dev, images.prod)
    assert code == 0
    assert "same-base (inferred: 1 shared layer; not proven)" in text
    assert "verdict: same-base (inferred)" in text
    code, payload = _json(capsys, images.dev, images.prod)
    assert code == 0 and payload["verdict"] == "same-base" and payload["inferred"] is True
    platform = _only(payload)
    assert platform["shared_layers"] == 1 and platform["basis"] == "inferred"
    assert platform["inferred"] is True
    code, text = _run(capsys, images.dev, images.prod, "--strict")
    assert code == 1 and "linux/amd64: unknown" in text and "--strict" in text
    code, payload = _json(capsys, images.dev, images.prod, "--base", images.b1)
    assert code == 0
    platform = _only(payload)
    assert payload["inferred"] is False and platform["basis"] == "verified"
    assert platform["base"]["name"] == images.b1
    assert platform["base"]["digest"] == images.b1_digest


def test_different_base_names_the_first_diverging_layer(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    # dev and prod share b1 and diverge at layer #2, each with its own RUN line
    code, text = _run(capsys, images.dev, images.prod)
    assert code == 0
    assert "first diverging layer: #2" in text
    assert f"    dev:  {TOOLING}\n" in text
    assert f"    prod: {APP}\n" in text
    code, payload = _json(capsys, images.dev, images.prod)
    divergence = _only(payload)["divergence"]
    assert divergence["layer"] == 2
    assert (divergence["dev_created_by"], divergence["prod_created_by"]) == (TOOLING, APP)
    # dev and other diverge at their roots (two imported layers)
    code, text = _run(capsys, images.dev, images.other)
    assert code == 1 and "different-base" in text
    assert "first diverging layer: #1" in text
    if images.podman:
        dev_line = re.search(r"\n    dev:  (.*)\n", text)
        assert dev_line is not None and PODMAN_IMPORT.fullmatch(dev_line[1]), text
    else:
        assert "    dev:  (an imported layer, created 20" in text
    code, payload = _json(capsys, images.prod, images.other)
    assert code == 1
    divergence = _only(payload)["divergence"]
    assert divergence["layer"] == 1
    assert images.imported(divergence["dev_created_by"])
    assert images.imported(divergence["prod_created_by"])
    assert divergence["dev_created"] != divergence["prod_created"]
    code, payload = _json(capsys, images.dev, images.other, "--base", images.b1)
    assert code == 1
    platform = _only(payload)
    reasons = " ".join(platform["reasons"])
    assert images.other in reasons and platform["basis"] == "verified"
    assert images.dev not in reasons


def test_local_engine_against_registry(
    images: Images, capsys: pytest.CaptureFixture[str], engine_host: str
) -> None:
    code, text = _run(capsys, "docker:devcon-test/dev-local:1", images.prod)
    assert code == 0 and "same-base" in text
    code, payload = _json(
        capsys, "docker:devcon-test/dev-local:1", images.prod, "--base", images.b1
    )
    assert code == 0 and _only(payload)["basis"] == "verified"
    assert _only(payload)["dev"]["source"] == "engine"
    args = ["docker:devcon-test/dev-local:1", images.prod, "--base", "docker:devcon-test/b2:1"]
    code, _ = _run(capsys, *args)
    assert code == 1
    assert main(["parity", "docker:no-such/image:1", images.prod]) == 2
    assert "no image" in capsys.readouterr().err


def test_dockerfile_stages_statically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = tmp_path / "Dockerfile"
    digest = "sha256:" + "1" * 64
    dockerfile.write_text(
        f"FROM python:3.12-slim@{digest} AS base\nRUN pip --version\n"
        "FROM base AS dev\nRUN echo dev\nFROM base AS prod\nRUN echo prod\n"
    )
    code, text = _run(capsys, f"{dockerfile}#dev", f"{dockerfile}#prod")
    assert code == 0
    assert "same-base (declared)" in text and "stage 'base'" in text
    assert main(["parity", f"{dockerfile}#nope", f"{dockerfile}#prod"]) == 2
    assert "no stage 'nope'" in capsys.readouterr().err


def test_retagged_base_is_a_different_base(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, images.dev2, images.prod)
    assert code == 1 and "different-base" in text
    # against the base prod was built from (the registry's b1), dev2 is refuted
    code, payload = _json(capsys, images.dev2, images.prod, "--base", images.b1)
    assert code == 1
    platform = _only(payload)
    assert payload["verdict"] == "different-base" and platform["basis"] == "verified"
    assert images.dev2 in " ".join(platform["reasons"])
    assert images.prod not in " ".join(platform["reasons"])
    assert platform["dev"]["base"] is None
    assert platform["prod"]["base"]["name"] == images.b1


def test_squashed_is_unknown_with_the_reason(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, images.squashed, images.prod)
    assert code == 1 and "unknown" in text and "flattened" in text
    assert main(["parity", images.squashed, images.prod, "--allow-unknown"]) == 0
    capsys.readouterr()


def test_multi_arch_per_platform(images: Images, capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = _json(capsys, images.dev_index, images.prod_index)
    assert code == 1
    verdicts = {p["platform"]: p["verdict"] for p in payload["platforms"]}
    assert verdicts == {"linux/amd64": "same-base", "linux/arm64": "different-base"}
    code, _ = _run(capsys, images.dev_index, images.prod_index, "--platform", "linux/amd64")
    assert code == 0


def test_github_format(images: Images, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, images.dev, images.other, "--format", "github")
    assert code == 1
    line = out.strip()
    assert line.startswith("::error title=devcon parity linux/amd64::")
    assert "first diverging layer #1" in line and "do: " in line


def test_config_driven(
    images: Images,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / ".devcon.toml").write_text(
        f'[parity]\ndev = "{images.dev}"\nprod = "{images.prod}"\nbase = "{images.b1}"\n'
    )
    monkeypatch.chdir(tmp_path)
    code, payload = _json(capsys)
    assert code == 0 and _only(payload)["basis"] == "verified"
    (tmp_path / ".devcon.toml").write_text("")
    assert main(["parity"]) == 2
    assert "nothing to compare" in capsys.readouterr().err


# -- Dockerfile and devcontainer.json sides --------------------------------------------


def test_dockerfile_against_an_image(
    images: Images, dockerfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, f"{dockerfile}#dev", images.prod)
    assert code == 0
    assert "linux/amd64: same-base (verified)" in text
    assert f"base: {images.b1} {images.b1_digest[:19]} (FROM in stage 'base'" in text
    code, payload = _json(capsys, f"{dockerfile}#on-b2", images.prod)
    assert code == 1
    platform = _only(payload)
    assert platform["verdict"] == "different-base" and platform["basis"] == "verified"
    assert platform["dev"]["source"] == "dockerfile"
    assert platform["dev"]["base"]["name"] == images.b2
    assert platform["prod"]["base"] is None
    assert f"{dockerfile}#on-b2 builds FROM {images.b2}" in " ".join(platform["reasons"])
    assert platform["advice"].startswith(
        f"rebuild {images.prod} FROM {images.b2}@{images.b2_digest}"
    )
    # the image side may be the dev one, too
    code, _ = _run(capsys, images.other, f"{dockerfile}#on-b2")
    assert code == 0


def test_dockerfile_from_is_checked_against_the_given_base(
    images: Images, dockerfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the stage builds FROM other (b2's layers): not on b1, whatever prod is
    code, payload = _json(capsys, f"{dockerfile}#on-other", images.prod, "--base", images.b1)
    assert code == 1
    platform = _only(payload)
    assert platform["verdict"] == "different-base" and platform["basis"] == "verified"
    reasons = " ".join(platform["reasons"])
    assert f"{dockerfile}#on-other builds FROM {images.other}" in reasons
    assert "do not start with the 1 layer of" in reasons
    assert platform["dev"]["base"]["name"] == images.other
    assert platform["advice"].startswith(f"change stage 'on-other' of {dockerfile} to FROM")
    # FROM b1 itself, and FROM an image built on b1, are on b1
    code, _ = _run(capsys, f"{dockerfile}#dev", images.prod, "--base", images.b1)
    assert code == 0
    code, _ = _run(capsys, f"{dockerfile}#on-dev", images.prod, "--base", images.b1)
    assert code == 0


def test_two_stages_against_a_given_base(
    images: Images, dockerfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, payload = _json(capsys, f"{dockerfile}#dev", f"{dockerfile}#on-dev", "--base", images.b1)
    assert code == 0
    platform = _only(payload)
    assert platform["basis"] == "verified" and platform["base"]["name"] == images.b1
    code, payload = _json(capsys, f"{dockerfile}#dev", f"{dockerfile}#on-b2", "--base", images.b1)
    assert code == 1
    reasons = " ".join(_only(payload)["reasons"])
    assert f"{dockerfile}#on-b2 builds FROM {images.b2}" in reasons
    assert f"{dockerfile}#dev" not in reasons


def test_index_digest_and_platform_digest_of_one_base(
    images: Images, dockerfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # FROM b1-multi@<index> and FROM b1-multi@<its amd64 manifest>: the same base on amd64
    code, payload = _json(capsys, f"{dockerfile}#multi-index", f"{dockerfile}#multi-amd64")
    assert code == 0
    platform = _only(payload)
    assert platform["platform"] == "linux/amd64" and platform["verdict"] == "same-base"
    assert platform["basis"] == "declared"
    assert platform["dev"]["base"]["digest"] == images.b1_digest
    assert platform["dev"]["base"]["pin"].endswith(images.b1_multi_index)
    # the index's arm64 entry is b2: the single-platform side has no arm64 to compare
    code, text = _run(
        capsys,
        f"{dockerfile}#multi-index",
        f"{dockerfile}#multi-amd64",
        "--platform",
        "linux/arm64",
    )
    assert code == 1 and "no platform in common" in text


def test_two_stages_on_different_bases(
    images: Images, dockerfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, f"{dockerfile}#dev", f"{dockerfile}#on-b2")
    assert code == 1
    assert "linux/amd64: different-base (declared)" in text
    assert "first diverging layer: #1" in text
    assert (
        f"do:   change stage 'on-b2' of {dockerfile} to FROM {images.b1}@{images.b1_digest}" in text
    )


def test_devcontainer_json_sides(
    images: Images, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "Dockerfile").write_text(
        f"ARG BASE={images.b1}\nFROM ${{BASE}} AS dev\nRUN echo dev\n"
    )
    config = folder / "devcontainer.json"
    config.write_text(
        '{\n  // dev container\n  "build": {"dockerfile": "Dockerfile", "target": "dev"},\n}\n'
    )
    code, text = _run(capsys, str(config), images.prod)
    assert code == 0 and "same-base (verified)" in text
    # the folder holding it works too
    code, _ = _run(capsys, str(tmp_path), images.prod)
    assert code == 0
    # build.args reach the FROM
    config.write_text(
        f'{{"build": {{"dockerfile": "Dockerfile", "target": "dev", '
        f'"args": {{"BASE": "{images.b2}"}}}}}}'
    )
    code, payload = _json(capsys, str(config), images.prod)
    assert code == 1 and _only(payload)["dev"]["base"]["name"] == images.b2
    # an image-based config
    config.write_text(f'{{"image": "{images.other}"}}')
    code, payload = _json(capsys, str(config), images.prod, "--base", images.b1)
    assert code == 1 and images.other in " ".join(_only(payload)["reasons"])


# -- declared bases: OCI annotations ---------------------------------------------------


def test_annotations_declare_the_base(images: Images, capsys: pytest.CaptureFixture[str]) -> None:
    # prod declares b1 on its manifest: the verdict is verified, not inferred
    code, payload = _json(capsys, images.dev, images.prod_annotated)
    assert code == 0 and payload["inferred"] is False
    platform = _only(payload)
    assert platform["basis"] == "verified"
    assert platform["base"]["name"] == f"{images.b1}@{images.b1_digest}"
    assert platform["base"]["origin"] == "annotation"
    assert platform["prod"]["base"]["origin"] == "annotation"
    # the same declared on an index descriptor
    code, payload = _json(capsys, images.dev, images.prod_annotated_index)
    assert code == 0 and _only(payload)["basis"] == "verified"
    # an annotation the layers refute
    code, payload = _json(capsys, images.other_lying, images.prod)
    assert code == 1
    platform = _only(payload)
    assert platform["verdict"] == "different-base" and platform["basis"] == "verified"
    assert images.other_lying in " ".join(platform["reasons"])
    # two sides declaring two bases
    code, text = _run(capsys, images.prod_annotated, images.other_annotated)
    assert code == 1 and "different-base (declared)" in text
    assert f"declares the base {images.b1}@{images.b1_digest}" in text
    assert f"declares {images.b2}@{images.b2_digest}" in text


# -- history, missing configs, the explanation -----------------------------------------


def test_identical_layers_with_another_history(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    # same diff ids, but the first layer was made by another command: another base
    code, payload = _json(capsys, images.prod, images.prod_on_fake)
    assert code == 1
    platform = _only(payload)
    assert platform["verdict"] == "different-base" and platform["shared_layers"] == 0
    divergence = platform["divergence"]
    assert divergence["layer"] == 1
    assert images.imported(divergence["dev_created_by"])
    assert divergence["prod_created_by"] == FAKE_ROOT
    code, payload = _json(capsys, images.dev, images.prod_on_fake, "--base", images.b1)
    assert code == 1
    reasons = " ".join(_only(payload)["reasons"])
    assert (
        f"{images.prod_on_fake}: the same first 1 layer as {images.b1} but another history"
        in reasons
    )
    code, payload = _json(capsys, images.dev, images.prod, "--base", images.b1_fake)
    assert code == 1
    reasons = " ".join(_only(payload)["reasons"])
    assert "another history" in reasons and images.dev in reasons and images.prod in reasons


def test_engine_images_are_held_to_the_base_history(
    images: Images,
    capsys: pytest.CaptureFixture[str],
    engine_host: str,
    docker_engine: DockerEngine,
) -> None:
    dev, prod = "docker:devcon-test/dev-local:1", "docker:devcon-test/prod:1"
    code, _ = _run(capsys, dev, prod, "--base", images.b1)
    assert code == 0
    # b1-fake has b1's layers and another history: both engine images are refuted
    code, payload = _json(capsys, dev, prod, "--base", images.b1_fake)
    assert code == 1
    reasons = " ".join(_only(payload)["reasons"])
    assert f"{dev}: the same first 1 layer as {images.b1_fake} but another history" in reasons
    # the same with the base in the engine too
    docker_engine.docker("pull", images.b1_fake)
    code, _ = _run(capsys, dev, prod, "--base", f"docker:{images.b1_fake}")
    assert code == 1
    code, _ = _run(capsys, dev, images.prod_on_fake)
    assert code == 1


def test_missing_config_is_unknown(images: Images, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(capsys, images.noconfig, images.prod)
    assert code == 1
    assert "unknown" in text
    assert f"{images.noconfig}: its image config sha256:" in text and "is missing" in text
    assert "do:   push " in text
    code, payload = _json(capsys, images.noconfig, images.prod, "--base", images.b1)
    assert code == 1 and _only(payload)["verdict"] == "unknown"
    code, _ = _run(capsys, images.prod, images.noconfig, "--allow-unknown")
    assert code == 0


def test_unreachable_registry_is_an_environment_error(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["parity", "127.0.0.1:9/devcon-test/dev:1", images.prod, "--timeout", "1"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("devcon: 127.0.0.1:9") and err.count("\n") == 1


def test_explanation_shows_each_side_and_what_to_do(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(capsys, images.dev, images.other, "--base", images.b1)
    assert code == 1
    lines = text.splitlines()
    dev_at = lines.index(next(line for line in lines if line.startswith(f"  dev   {images.dev} ")))
    assert "3 layers, created 20" in lines[dev_at]
    assert lines[dev_at + 1].startswith(
        f"        base: {images.b1} {images.b1_digest[:19]} (--base"
    )
    assert "created 20" in lines[dev_at + 1]
    prod_at = lines.index(
        next(line for line in lines if line.startswith(f"  prod  {images.other} "))
    )
    assert lines[prod_at + 1] == "        base: not known (none declared or proven)"
    assert "  shared layers: 0" in lines
    assert "  first diverging layer: #1" in lines
    rebuild = f"rebuild {images.other} FROM {images.b1}@{images.b1_digest}"
    assert f"  do:   {rebuild}; then run devcon parity again" in lines
    # inferred: no base known on either side, and what to do
    code, text = _run(capsys, images.dev, images.other)
    assert code == 1
    assert f"  do:   rebuild {images.other} FROM the base {images.dev} is built on" in text
    # declared bases on both sides: each side's base is shown
    code, payload = _json(capsys, images.prod_annotated, images.other_annotated)
    platform = _only(payload)
    assert platform["dev"]["base"]["name"] == f"{images.b1}@{images.b1_digest}"
    assert platform["prod"]["base"]["name"] == f"{images.b2}@{images.b2_digest}"
    assert platform["prod"]["base"]["created"]
    assert platform["advice"].startswith(f"rebuild {images.other_annotated} FROM {images.b1}")


# -- what a check transfers ------------------------------------------------------------


@pytest.fixture
def front(registry: Registry) -> Iterator[RegistryFront]:
    counting = started(registry.addr)
    try:
        yield counting
    finally:
        counting.stop()


def _layers(reg: Registry, repository: str, tag: str) -> set[str]:
    _, _, body = get_manifest(reg.url, repository, tag)
    manifest = json.loads(body)
    if "manifests" in manifest:
        out: set[str] = set()
        for entry in manifest["manifests"]:
            out |= _layers(reg, repository, entry["digest"])
        return out
    return {layer["digest"] for layer in manifest["layers"]}


def test_a_check_downloads_no_layer_blob(
    images: Images,
    front: RegistryFront,
    dockerfile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg = images.reg
    via = front.addr
    layers: set[str] = set()
    for repository in (
        "b1",
        "b2",
        "dev",
        "prod",
        "other",
        "dev-multi",
        "prod-multi",
        "prod-annotated",
    ):
        layers |= _layers(reg, f"devcon-test/{repository}", "1")
    assert layers
    front_file = tmp_path / "Dockerfile.front"
    front_file.write_text(dockerfile.read_text().replace(reg.addr, via))
    checks = [
        [f"{via}/devcon-test/dev:1", f"{via}/devcon-test/prod:1"],
        [
            f"{via}/devcon-test/dev:1",
            f"{via}/devcon-test/other:1",
            "--base",
            f"{via}/devcon-test/b1:1",
        ],
        [f"{via}/devcon-test/dev-multi:1", f"{via}/devcon-test/prod-multi:1"],
        [f"{via}/devcon-test/dev:1", f"{via}/devcon-test/prod-annotated:1"],
        [f"{front_file}#dev", f"{via}/devcon-test/prod:1"],
        [f"{front_file}#dev", f"{front_file}#on-b2", "--base", f"{via}/devcon-test/b1:1"],
    ]
    for number, args in enumerate(checks):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{number}"))
        front.reset_counts()
        code, _ = _run(capsys, *args)
        assert code in (0, 1), args
        with front.config.lock:
            served = list(front.config.requests)
        blobs = [r.split("/blobs/", 1)[1] for r in served if "/blobs/" in r]
        assert blobs, (args, served)
        assert not set(blobs) & layers, (args, served)
        assert all(r.startswith(("GET /v2/", "HEAD /v2/")) for r in served), served
    # a dev/prod pair: one manifest and one config per side
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-pair"))
    front.reset_counts()
    _run(capsys, f"{via}/devcon-test/dev:1", f"{via}/devcon-test/prod:1")
    assert front.request_count <= 8
