"""`devcon init`: every template validates, pins and passes parity; dev and prod build."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.scaffold import load_templates
from tests.harness.engine import DockerEngine
from tests.harness.oci import copy_image
from tests.harness.registry import Registry
from tests.harness.rootfs import File, make_rootfs_tar

pytestmark = [pytest.mark.engine, pytest.mark.registry]

TEMPLATES = sorted(load_templates())

# the few tools the templates' RUN lines call, as stand-ins in a busybox rootfs
USERADD = """#!/bin/sh
# useradd stand-in: records the user (uid from --uid, name = last argument)
uid=1000
while [ $# -gt 1 ]; do
  case "$1" in --uid) uid="$2"; shift 2;; *) shift;; esac
done
echo "$1:x:$uid:$uid::/home/$1:/bin/sh" >> /etc/passwd
mkdir -p "/home/$1"
"""
RECORDER = '#!/bin/sh\necho "$0 $*" >> /tmp/tools.log\n'

MANIFESTS = {
    "requirements.txt": "numpy==2.1.3\npandas==2.2.3\n",
    "environment.yml": (
        "name: base\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - numpy=2.1.3\n"
    ),
    "renv.lock": '{"R": {"Version": "4.4.1"}, "Packages": {}}\n',
}


@pytest.fixture(scope="module")
def init_base(docker_engine: DockerEngine, registry: Registry) -> str:
    work = Path(tempfile.mkdtemp(prefix="dc-init-", dir="/tmp"))
    try:
        tools = {
            "usr/sbin/useradd": File(USERADD, mode=0o755),
            **{
                f"usr/local/bin/{t}": File(RECORDER, mode=0o755)
                for t in ("pip", "conda", "R", "python")
            },
        }
        tarball = make_rootfs_tar(work / "init.tar", extra_files=tools)
        docker_engine.import_rootfs(tarball, "devcon-test/init-base:1")
        ref = registry.ref("devcon-test/init-base:1")
        docker_engine.push("devcon-test/init-base:1", ref)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ref


def _repo(root: Path, template: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in MANIFESTS.items():
        (root / name).write_text(text)
    (root / "app").mkdir()
    (root / "app" / "__main__.py").write_text("print('hello')\n")
    if template == "jupyter":
        (root / "analysis.ipynb").write_text("{}")
    return root


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_output_passes_devcon_and_builds(
    template: str,
    init_base: str,
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _repo(tmp_path / f"repo-{template}", template)
    assert main(["init", str(repo), "--template", template, "--image", init_base]) == 0
    out = capsys.readouterr().out
    assert f"template: {template}" in out and "@sha256:" in out
    config = repo / ".devcontainer" / "devcontainer.json"
    dockerfile = repo / ".devcontainer" / "Dockerfile"
    assert (repo / ".dockerignore").is_file()
    text = dockerfile.read_text()
    assert f"FROM {init_base}@sha256:" in text and "FROM base AS dev" in text
    assert "FROM base AS prod" in text

    assert main(["validate", "--profile", "dev", str(config), "--format", "json"]) == 0
    dev_findings = json.loads(capsys.readouterr().out)["findings"]
    assert dev_findings == []
    assert main(["validate", "--profile", "prod", str(dockerfile), "--format", "json"]) == 0
    prod_findings = json.loads(capsys.readouterr().out)["findings"]
    assert prod_findings == []
    assert main(["pin", "--check", str(repo)]) == 0
    capsys.readouterr()
    assert main(["parity", f"{dockerfile}#dev", f"{dockerfile}#prod"]) == 0
    assert "same-base" in capsys.readouterr().out

    dev_tag, prod_tag = f"devcon-test/init-{template}:dev", f"devcon-test/init-{template}:prod"
    for target, tag in (("dev", dev_tag), ("prod", prod_tag)):
        docker_engine.docker(
            "build",
            "--network",
            "host",
            "-f",
            str(dockerfile),
            "--target",
            target,
            "-t",
            tag,
            str(repo),
            env={"DOCKER_BUILDKIT": "0"},
        )
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    assert main(["parity", f"docker:{dev_tag}", f"docker:{prod_tag}"]) == 0
    assert "same-base" in capsys.readouterr().out


def test_detection_and_pinning_through_a_mirror(
    init_base: str,
    registry: Registry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    name = init_base.split("/", 1)[1].split(":")[0]
    digest = copy_image(
        registry.url,
        registry.url,
        name,
        "1",
        dst_name="library/python",
        dst_tag="3.11-slim-bookworm",
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("numpy==2.1.3\n")
    assert main(["init", str(repo), "--python", "3.11", "--registry-mirror", registry.addr]) == 0
    out = capsys.readouterr().out
    assert "template: python (detected: requirements.txt)" in out
    dockerfile = (repo / ".devcontainer" / "Dockerfile").read_text()
    assert f"FROM python:3.11-slim-bookworm@{digest} AS base" in dockerfile


def test_unreachable_registry_is_exit_3_and_no_pin_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "environment.yml").write_text(MANIFESTS["environment.yml"])
    code = main(["init", str(repo), "--registry-mirror", "127.0.0.1:9", "--timeout", "0.5"])
    err = capsys.readouterr().err
    assert code == 3 and "--no-pin" in err and "Nothing was written" in err
    assert not (repo / ".devcontainer").exists() and not (repo / ".dockerignore").exists()
    assert main(["init", str(repo), "--no-pin"]) == 0
    out = capsys.readouterr().out
    assert "template: conda" in out and "devcon pin" in out
    assert "FROM condaforge/miniforge3:" in (repo / ".devcontainer" / "Dockerfile").read_text()
    assert main(["pin", "--check", str(repo)]) == 1  # tag-only until pinned


def test_never_destroys_work(
    init_base: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _repo(tmp_path / "repo", "python")
    folder = repo / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text('{"image": "mine"}\n')
    (repo / ".dockerignore").write_text("mine\n")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert main(["init", str(repo), "--image", init_base]) == 2
    assert "already exists" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before

    assert main(["init", str(repo), "--image", init_base, "--dry-run", "--force"]) == 0
    assert "--- " in capsys.readouterr().out
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before

    assert main(["init", str(repo), "--image", init_base, "--force"]) == 0
    assert (folder / "devcontainer.json.bak").read_text() == '{"image": "mine"}\n'
    assert (repo / ".dockerignore.bak").read_text() == "mine\n"
    assert "build" in json.loads(
        "\n".join(
            line
            for line in (folder / "devcontainer.json").read_text().splitlines()
            if not line.strip().startswith("//")
        )
    )


def test_interrupted_write_leaves_no_half_written_file(
    init_base: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _repo(tmp_path / "repo", "python")
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device", dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    assert main(["init", str(repo), "--image", init_base]) == 2
    assert "No space left" in capsys.readouterr().err
    leftovers = [p for p in repo.rglob("*") if p.name.endswith((".devcon", ".tmp"))]
    assert leftovers == []
    assert not (repo / ".devcontainer" / "devcontainer.json").exists()
    assert not (repo / ".devcontainer" / "Dockerfile").exists()
    assert not (repo / ".dockerignore").exists()
