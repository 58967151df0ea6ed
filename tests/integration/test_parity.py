"""`devcon parity` against the real engine and a local registry (issue 5 acceptance)."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.oci import get_manifest, push_index
from tests.harness.registry import Registry
from tests.harness.rootfs import make_rootfs_tar

pytestmark = [pytest.mark.engine, pytest.mark.registry]


@dataclass(frozen=True)
class Images:
    reg: Registry
    b1: str
    b2: str
    dev: str
    prod: str
    other: str
    squashed: str
    dev2: str  # rebuilt on b1 after b1 was re-tagged to new content
    dev_index: str
    prod_index: str


def _import(engine: DockerEngine, workdir: Path, tag: str, marker: str) -> None:
    tarball = make_rootfs_tar(workdir / f"{marker}.tar", extra_files={"etc/base-id": marker})
    engine.import_rootfs(tarball, tag)


@pytest.fixture(scope="module")
def images(docker_engine: DockerEngine, registry: Registry) -> Images:
    work = Path(tempfile.mkdtemp(prefix="dc-par-", dir="/tmp"))
    reg = registry
    try:
        _import(docker_engine, work, "devcon-test/b1:1", "b1")
        _import(docker_engine, work, "devcon-test/b2:1", "b2")
        docker_engine.push("devcon-test/b1:1", reg.ref("devcon-test/b1:1"))
        docker_engine.push("devcon-test/b2:1", reg.ref("devcon-test/b2:1"))
        builds = {
            "dev": "FROM devcon-test/b1:1\nRUN echo tooling > /tooling\nRUN echo more > /more\n",
            "prod": "FROM devcon-test/b1:1\nRUN echo app > /app\n",
            "other": "FROM devcon-test/b2:1\nRUN echo app > /app\n",
        }
        for name, dockerfile in builds.items():
            docker_engine.build(dockerfile, f"devcon-test/{name}:1")
            docker_engine.push(f"devcon-test/{name}:1", reg.ref(f"devcon-test/{name}:1"))
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

    def entry(name: str, platform: str) -> tuple[str, str, str, int]:
        digest, media_type, body = get_manifest(reg.url, f"devcon-test/{name}", "1")
        return platform, digest, media_type, len(body)

    # multi-arch: amd64 shares the base, arm64 does not
    dev_entries = [entry("dev", "linux/amd64"), entry("dev", "linux/arm64")]
    prod_entries = [entry("prod", "linux/amd64"), entry("other", "linux/arm64")]
    push_multi(reg, docker_engine, "devcon-test/dev-multi", {"dev": "1"}, dev_entries)
    push_multi(
        reg, docker_engine, "devcon-test/prod-multi", {"prod": "1", "other": "1"}, prod_entries
    )
    return Images(
        reg=reg,
        b1=reg.ref("devcon-test/b1:1"),
        b2=reg.ref("devcon-test/b2:1"),
        dev=reg.ref("devcon-test/dev:1"),
        prod=reg.ref("devcon-test/prod:1"),
        other=reg.ref("devcon-test/other:1"),
        squashed=reg.ref("devcon-test/squashed:1"),
        dev2=reg.ref("devcon-test/dev2:1"),
        dev_index=reg.ref("devcon-test/dev-multi:1"),
        prod_index=reg.ref("devcon-test/prod-multi:1"),
    )


def push_multi(
    reg: Registry,
    engine: DockerEngine,
    repository: str,
    sources: dict[str, str],
    entries: list[tuple[str, str, str, int]],
) -> None:
    """An index in `repository` whose entries are manifests pushed there first."""
    for name, tag in sources.items():
        engine.push(f"devcon-test/{name}:{tag}", reg.ref(f"{repository}:{name}"))
    push_index(reg.url, repository, "1", entries)


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    out = capsys.readouterr().out
    return json.loads(out)  # type: ignore[no-any-return]


def test_same_base_inferred_then_verified(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parity", images.dev, images.prod]) == 0
    text = capsys.readouterr().out
    assert "same-base (inferred: 1 shared layer; not proven)" in text
    assert "verdict: same-base (inferred)" in text
    assert main(["parity", images.dev, images.prod, "--format", "json"]) == 0
    payload = _json(capsys)
    assert payload["verdict"] == "same-base" and payload["inferred"] is True
    platform = payload["platforms"][0]  # type: ignore[index]
    assert platform["shared_layers"] == 1 and platform["basis"] == "inferred"
    assert main(["parity", images.dev, images.prod, "--strict"]) == 1
    assert "unknown" in capsys.readouterr().out
    assert main(["parity", images.dev, images.prod, "--base", images.b1, "-f", "json"]) == 0
    payload = _json(capsys)
    platform = payload["platforms"][0]  # type: ignore[index]
    assert payload["inferred"] is False and platform["basis"] == "verified"
    assert platform["base"]["name"] == images.b1


def test_different_base_names_the_first_diverging_layer(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parity", images.dev, images.other]) == 1
    text = capsys.readouterr().out
    assert "different-base" in text
    assert "first diverging layer: #1" in text
    assert main(["parity", images.prod, images.other, "-f", "json"]) == 1
    payload = _json(capsys)
    divergence = payload["platforms"][0]["divergence"]  # type: ignore[index]
    assert divergence["layer"] == 1
    assert main(["parity", images.dev, images.other, "--base", images.b1, "-f", "json"]) == 1
    payload = _json(capsys)
    reasons = " ".join(payload["platforms"][0]["reasons"])  # type: ignore[index]
    assert images.other in reasons and payload["platforms"][0]["basis"] == "verified"  # type: ignore[index]


def test_local_engine_against_registry(
    images: Images,
    capsys: pytest.CaptureFixture[str],
    docker_engine: DockerEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    assert main(["parity", "docker:devcon-test/dev-local:1", images.prod]) == 0
    assert "same-base" in capsys.readouterr().out
    assert (
        main(
            [
                "parity",
                "docker:devcon-test/dev-local:1",
                images.prod,
                "--base",
                "docker:devcon-test/b2:1",
            ]
        )
        == 1
    )
    capsys.readouterr()
    assert main(["parity", "docker:no-such/image:1", images.prod]) == 2
    assert "no image" in capsys.readouterr().err


def test_dockerfile_stages_statically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = tmp_path / "Dockerfile"
    digest = "sha256:" + "1" * 64
    dockerfile.write_text(
        f"FROM python:3.12-slim@{digest} AS base\nRUN pip --version\n"
        "FROM base AS dev\nRUN echo dev\nFROM base AS prod\nRUN echo prod\n"
    )
    assert main(["parity", f"{dockerfile}#dev", f"{dockerfile}#prod"]) == 0
    text = capsys.readouterr().out
    assert "same-base (declared)" in text and "stage 'base'" in text
    assert main(["parity", f"{dockerfile}#nope", f"{dockerfile}#prod"]) == 2
    assert "no stage 'nope'" in capsys.readouterr().err


def test_retagged_base_is_a_different_base(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parity", images.dev2, images.prod]) == 1
    assert "different-base" in capsys.readouterr().out
    # against the base prod was built from (the registry's b1), dev2 is refuted
    assert main(["parity", images.dev2, images.prod, "--base", images.b1, "-f", "json"]) == 1
    payload = _json(capsys)
    platform = payload["platforms"][0]  # type: ignore[index]
    assert payload["verdict"] == "different-base" and platform["basis"] == "verified"
    assert images.dev2 in " ".join(platform["reasons"])
    assert images.prod not in " ".join(platform["reasons"])


def test_squashed_is_unknown_with_the_reason(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parity", images.squashed, images.prod]) == 1
    text = capsys.readouterr().out
    assert "unknown" in text and "flattened" in text
    assert main(["parity", images.squashed, images.prod, "--allow-unknown"]) == 0


def test_multi_arch_per_platform(images: Images, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parity", images.dev_index, images.prod_index, "-f", "json"]) == 1
    payload = _json(capsys)
    verdicts = {p["platform"]: p["verdict"] for p in payload["platforms"]}  # type: ignore[union-attr]
    assert verdicts == {"linux/amd64": "same-base", "linux/arm64": "different-base"}
    assert main(["parity", images.dev_index, images.prod_index, "--platform", "linux/amd64"]) == 0
    capsys.readouterr()


def test_github_format(images: Images, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parity", images.dev, images.other, "--format", "github"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error title=devcon parity linux/amd64::")


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
    assert main(["parity", "-f", "json"]) == 0
    assert _json(capsys)["platforms"][0]["basis"] == "verified"  # type: ignore[index]
    (tmp_path / ".devcon.toml").write_text("")
    assert main(["parity"]) == 2
    assert "nothing to compare" in capsys.readouterr().err
