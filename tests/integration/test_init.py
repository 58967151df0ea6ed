"""`devcon init`: every template validates, pins and passes parity; dev and prod build."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.scaffold import load_templates
from tests.harness.engine import DockerEngine
from tests.harness.oci import copy_image
from tests.harness.registry import Registry
from tests.harness.rootfs import DEFAULT_GROUP, DEFAULT_PASSWD, Dir, File, make_rootfs_tar

pytestmark = [pytest.mark.engine, pytest.mark.registry]


TEMPLATES = sorted(load_templates())

# The templates' RUN lines need a few tools. The user tools are the host's real shadow
# utilities (useradd, usermod, groupmod, with their libraries), so the user creation of every
# template runs for real; the package managers are stand-ins that record their arguments.
SHADOW_TOOLS = ("/usr/sbin/useradd", "/usr/sbin/usermod", "/usr/sbin/groupmod")
RECORDER = '#!/bin/sh\necho "$0 $*" >> /tmp/tools.log\n'


def _host_binaries(paths: tuple[str, ...]) -> dict[str, File]:
    """The binaries and the shared libraries they load (from ldd), as rootfs entries."""
    files: dict[str, File] = {}
    for binary in paths:
        files[binary.lstrip("/")] = File(Path(binary).read_bytes(), mode=0o755)
        out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
        for lib in re.findall(r"(/\S+\.so[.\d]*)", out):
            files[lib.lstrip("/")] = File(Path(lib).resolve().read_bytes(), mode=0o755)
    for config in ("/etc/login.defs", "/etc/default/useradd"):
        if Path(config).is_file():
            files[config.lstrip("/")] = File(Path(config).read_text())
    return files


def _tools() -> dict[str, File]:
    return {
        **_host_binaries(SHADOW_TOOLS),
        **{
            f"usr/local/bin/{t}": File(RECORDER, mode=0o755)
            for t in ("pip", "conda", "R", "python", "uv", "jupyter")
        },
    }


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
        # the harness rootfs has a uid-1000 `vscode` user, as devcontainers/base does: the r
        # template (user rstudio) must rename it, not fail to add a second uid 1000
        tarball = make_rootfs_tar(work / "init.tar", extra_files=_tools())
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
        docker_engine.build_target(repo, target, tag)
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    assert main(["parity", f"docker:{dev_tag}", f"docker:{prod_tag}"]) == 0
    assert "same-base" in capsys.readouterr().out
    # jupyter too: on a base without jovyan, init uses the base's uid-1000 user (issue 14)
    _assert_runs_as_remote_user(docker_engine, dev_tag, config)


def _remote_user(config: Path) -> str:
    text = "\n".join(
        line for line in config.read_text().splitlines() if not line.strip().startswith("//")
    )
    user = json.loads(text)["remoteUser"]
    assert isinstance(user, str)
    return user


def _assert_runs_as_remote_user(docker_engine: DockerEngine, tag: str, config: Path) -> None:
    """The dev image's user is devcontainer.json's remoteUser, uid 1000, with its own home."""
    user = _remote_user(config)
    out = docker_engine.docker(
        "run", "--rm", tag, "sh", "-c", 'id -un; id -u; stat -c %u "$HOME"; echo "$HOME"'
    ).split()
    assert out == [user, "1000", "1000", f"/home/{user}"]


@pytest.fixture(scope="module")
def ubuntu_like_base(docker_engine: DockerEngine, registry: Registry) -> str:
    """A base whose uid-1000 user is `ubuntu` (as in ubuntu:24.04), not the template's user."""
    work = Path(tempfile.mkdtemp(prefix="dc-init-", dir="/tmp"))
    try:
        passwd = DEFAULT_PASSWD.replace(
            "vscode:x:1000:1000:vscode:/home/vscode", "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu"
        )
        files = {
            **_tools(),
            "etc/passwd": File(passwd),
            "etc/group": File(DEFAULT_GROUP.replace("vscode:x:1000:", "ubuntu:x:1000:")),
            "etc/shadow": File(
                "root:*:19000:0:99999:7:::\nubuntu:*:19000:0:99999:7:::\n", mode=0o640
            ),
            "home/ubuntu": Dir(uid=1000, gid=1000),
        }
        tarball = make_rootfs_tar(work / "ubuntu.tar", extra_files=files, omit=["home/vscode"])
        docker_engine.import_rootfs(tarball, "devcon-test/init-ubuntu:1")
        ref = registry.ref("devcon-test/init-ubuntu:1")
        docker_engine.push("devcon-test/init-ubuntu:1", ref)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ref


@pytest.mark.parametrize("template", ["python", "conda", "r", "cuda", "minimal"])
def test_dev_user_reuses_an_existing_uid_1000_user(
    template: str,
    ubuntu_like_base: str,
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _repo(tmp_path / "repo", template)
    assert main(["init", str(repo), "--template", template, "--image", ubuntu_like_base]) == 0
    capsys.readouterr()
    tag = f"devcon-test/init-ubuntu-{template}:dev"
    docker_engine.build_target(repo, "dev", tag)
    _assert_runs_as_remote_user(docker_engine, tag, repo / ".devcontainer" / "devcontainer.json")
    docker_engine.build_target(repo, "prod", f"devcon-test/init-ubuntu-{template}:prod")


PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-app"
version = "0.1.0"
dependencies = ["numpy==2.1.3", "pandas==2.2.3"]
"""


@pytest.mark.parametrize(
    ("template", "lock"),
    [
        ("python", False),
        ("python", True),
        ("cuda", False),
        ("cuda", True),
        ("jupyter", False),  # jupyter has no uv.lock variant
    ],
)
def test_pyproject_repository_installs_dependencies_before_the_code(
    template: str,
    lock: bool,
    init_base: str,
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    (repo / "src" / "demo_app").mkdir(parents=True)  # a src layout
    (repo / "src" / "demo_app" / "__main__.py").write_text("print('hello')\n")
    (repo / "pyproject.toml").write_text(
        PYPROJECT.replace('"numpy==2.1.3"', '"torch==2.4.1", "numpy==2.1.3"')
        if template == "cuda"
        else PYPROJECT
    )
    if lock:
        (repo / "uv.lock").write_text('version = 1\nrequires-python = ">=3.11"\n')
    if template == "jupyter":
        (repo / "eda.ipynb").write_text("{}")
    assert main(["init", str(repo), "--image", init_base]) == 0
    out = capsys.readouterr().out
    assert f"template: {template} (detected: " in out
    assert not (repo / "requirements.txt").exists()
    config = repo / ".devcontainer" / "devcontainer.json"
    dockerfile = repo / ".devcontainer" / "Dockerfile"
    text = dockerfile.read_text()
    assert "COPY pyproject.toml uv.lock ./" in text if lock else "COPY pyproject.toml ./" in text
    assert "requirements.txt ./" not in text

    assert main(["validate", "--profile", "dev", str(config), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["validate", "--profile", "prod", str(dockerfile), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["pin", "--check", str(repo)]) == 0
    assert main(["parity", f"{dockerfile}#dev", f"{dockerfile}#prod"]) == 0
    assert "same-base" in capsys.readouterr().out

    name = f"devcon-test/init-{template}-{'uv' if lock else 'pyproject'}"
    docker_engine.build_target(repo, "dev", f"{name}:dev")
    docker_engine.build_target(repo, "prod", f"{name}:prod")
    # what ran, in order, in the prod image: the dependencies first, then the project itself
    log = docker_engine.docker(
        "run", "--rm", "--user", "0", f"{name}:prod", "cat", "/tmp/tools.log"
    )
    steps = [line.split(" ", 1)[0].rsplit("/", 1)[-1] for line in log.splitlines()]
    if template == "jupyter":  # the notebooks are copied, not installed as a package
        assert steps == ["python", "pip"], log
    else:
        expected = ["python", "pip", "pip"] if not lock else ["pip", "uv", "pip", "pip", "pip"]
        assert steps == expected, log
        assert log.splitlines()[-1].endswith("install --no-cache-dir --no-deps .")
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    assert main(["parity", f"docker:{name}:dev", f"docker:{name}:prod"]) == 0
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


def test_an_image_the_registry_does_not_have_is_exit_2_not_3(
    registry: Registry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tag the registry answers 404 for is not an environment error a retry may fix: exit 2
    naming it, nothing written."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    missing = registry.ref("devcon-test/init-no-such-image:1")
    code = main(["init", str(repo), "--template", "minimal", "--image", missing])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not found" in err and missing in err and "Traceback" not in err
    assert not (repo / ".devcontainer").exists()


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


def _generated_files(repo: Path) -> list[Path]:
    return [
        repo / ".devcontainer" / "devcontainer.json",
        repo / ".devcontainer" / "Dockerfile",
        repo / "Dockerfile",
        repo / ".dockerignore",
        repo / "requirements.txt",
    ]


def _failing_rename(repo: Path, fail_at: int) -> Callable[[str, str], None]:
    """os.replace that fails on the `fail_at`-th rename into the repository (devcon's
    registry cache, outside the repository, renames freely)."""
    real_replace = os.replace
    calls = {"n": 0}

    def replace(src: str, dst: str) -> None:
        if Path(dst).resolve().is_relative_to(repo.resolve()):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OSError(28, "No space left on device", dst)
        real_replace(src, dst)

    return replace


# init renames devcontainer.json, the Dockerfile, .dockerignore, then requirements.txt: failing
# on the 2nd leaves one file renamed inside the new .devcontainer/, failing on the 4th leaves
# .dockerignore (at the root) renamed too
@pytest.mark.parametrize("fail_at", [2, 4])
@pytest.mark.parametrize("at_root", [False, True], ids=["devcontainer", "dockerfile-at-root"])
def test_interrupted_write_leaves_no_half_written_file(
    fail_at: int,
    at_root: bool,
    init_base: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "setup.py").write_text("")  # python, requirements variant: requirements.txt is made
    (repo / "app").mkdir()
    before = {p: p.read_bytes() if p.is_file() else None for p in repo.rglob("*")}
    monkeypatch.setattr("devcon.rewrite.os.replace", _failing_rename(repo, fail_at))
    args = ["init", str(repo), "--image", init_base] + (["--dockerfile-at-root"] if at_root else [])
    assert main(args) == 2
    assert "No space left" in capsys.readouterr().err
    # nothing init would write is there, not even empty; no temporary file; no .devcontainer/
    assert [p for p in _generated_files(repo) if p.exists()] == []
    assert [p for p in repo.rglob("*") if p.name.endswith((".devcon", ".tmp", ".bak"))] == []
    assert not (repo / ".devcontainer").exists()
    assert {p: p.read_bytes() if p.is_file() else None for p in repo.rglob("*")} == before


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_interrupted_forced_write_puts_every_file_back(
    fail_at: int,
    init_base: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _repo(tmp_path / "repo", "python")
    (repo / ".devcontainer").mkdir()
    (repo / ".devcontainer" / "devcontainer.json").write_text('{"image": "mine"}\n')
    (repo / ".devcontainer" / "notes.txt").write_text("keep me\n")
    (repo / ".dockerignore").write_text("mine\n")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    monkeypatch.setattr("devcon.rewrite.os.replace", _failing_rename(repo, fail_at))
    assert main(["init", str(repo), "--image", init_base, "--force"]) == 2
    assert "No space left" in capsys.readouterr().err
    # the user's files are as they were, the new Dockerfile is not there, no backups remain
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert after == before
