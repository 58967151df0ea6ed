"""`devcon init` on the real engine and registry (issue 14): the prod CMD names what the image
has, the build context keeps backups and the dev container out, the header stays true after
`devcon pin`, and a dry run works without the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerCLIError, DockerEngine
from tests.integration.test_init import init_base  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.engine, pytest.mark.registry]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _cmd_and_env(docker_engine: DockerEngine, tag: str) -> tuple[list[str], list[str]]:
    config = json.loads(docker_engine.docker("image", "inspect", tag))[0]["Config"]
    return list(config["Cmd"]), list(config.get("Env") or [])


def test_prod_cmd_names_a_module_the_image_has(
    init_base: str,  # noqa: F811
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _write(
        tmp_path / "ds_repo",
        {"requirements.txt": "numpy==2.1.3\n", "src/churn/__main__.py": "print('churn')\n"},
    )
    assert main(["init", str(repo), "--template", "python", "--image", init_base]) == 0
    capsys.readouterr()
    docker_engine.build_target(repo, "prod", "devcon-test/init-cmd:prod")
    cmd, env = _cmd_and_env(docker_engine, "devcon-test/init-cmd:prod")
    assert cmd == ["python", "-m", "churn"]
    [pythonpath] = [e.split("=", 1)[1] for e in env if e.startswith("PYTHONPATH=")]
    # the module python -m would import is in the image, on that path
    found = docker_engine.docker(
        "run", "--rm", "devcon-test/init-cmd:prod", "sh", "-c", f"ls {pythonpath}/churn"
    )
    assert "__main__.py" in found.split()


def test_prod_cmd_without_an_entry_point_fails_saying_what_to_set(
    init_base: str,  # noqa: F811
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _write(tmp_path / "ds_repo", {"requirements.txt": "", "src/churn/model.py": ""})
    assert main(["init", str(repo), "--template", "python", "--image", init_base]) == 0
    assert "note: no entry point found" in capsys.readouterr().out
    docker_engine.build_target(repo, "prod", "dc-t/nocmd:prod")
    cmd, _ = _cmd_and_env(docker_engine, "dc-t/nocmd:prod")
    assert "ds_repo" not in " ".join(cmd)
    with pytest.raises(DockerCLIError) as failed:
        docker_engine.docker("run", "--rm", "dc-t/nocmd:prod")
    assert failed.value.returncode == 1
    assert "set the CMD of the prod stage in .devcontainer/Dockerfile" in failed.value.stderr


def test_build_context_keeps_backups_and_the_dev_container_out(
    init_base: str,  # noqa: F811
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _write(
        tmp_path / "repo",
        {
            "requirements.txt": "",
            "main.py": "",
            ".dockerignore.bak": "old",
            "foo.bak": "old",
            "data/notes.txt.bak": "old",
            ".devcontainer/old/devcontainer.json": "{}",
            ".venv/bin/python": "",
            ".cache/pip/blob": "",
        },
    )
    assert main(["init", str(repo), "--template", "python", "--image", init_base, "--force"]) == 0
    capsys.readouterr()
    assert (repo / ".devcontainer" / "Dockerfile").is_file()
    docker_engine.build_target(repo, "prod", "dc-t/ctx:prod")
    listing = docker_engine.docker(
        "run", "--rm", "--entrypoint", "sh", "dc-t/ctx:prod", "-c", "cd /workspace && find ."
    ).split()
    assert "./main.py" in listing and "./requirements.txt" in listing
    for left_out in (".dockerignore.bak", "foo.bak", "data/notes.txt.bak"):
        assert f"./{left_out}" not in listing, listing
    # nothing of .devcontainer/ (the classic builder may leave the folder itself, empty: it
    # always sends the Dockerfile, then drops it)
    assert not [p for p in listing if p.startswith(("./.venv", "./.cache", "./.devcontainer/"))]


def test_header_is_still_true_after_devcon_pin(
    init_base: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _write(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n", "main.py": ""})
    args = ["init", str(repo), "--template", "python", "--image", init_base, "--no-pin"]
    assert main(args) == 0
    assert "WARNING: the base is not pinned" in capsys.readouterr().out
    assert main(["pin", str(repo)]) == 0
    capsys.readouterr()
    assert main(["pin", "--check", str(repo)]) == 0
    capsys.readouterr()
    dockerfile = (repo / ".devcontainer" / "Dockerfile").read_text()
    config = (repo / ".devcontainer" / "devcontainer.json").read_text()
    assert f"FROM {init_base}@sha256:" in dockerfile
    for text in (dockerfile, config):
        comments = " ".join(line for line in text.splitlines() if line.lstrip()[:2] in ("# ", "//"))
        # nothing says the base is unpinned once it is
        assert "not pinned" not in comments.lower() and "--no-pin" not in comments
        assert "tag-only" not in comments.lower()


def test_dry_run_works_without_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = _write(tmp_path / "repo", {"requirements.txt": "numpy==2.1.3\n"})
    offline = ["--registry-mirror", "127.0.0.1:9", "--timeout", "0.5"]
    assert main(["init", str(repo), "--dry-run", *offline]) == 0
    out = capsys.readouterr().out
    assert "FROM python:3.12-slim-bookworm AS base" in out and "@sha256:" not in out
    [line] = [ln for ln in out.splitlines() if ln.startswith("dry run without the registry")]
    assert "tag-only" in line and "cannot pin python:3.12-slim-bookworm" in line
    assert "WARNING: the base is not pinned (--no-pin)" not in out
    assert not (repo / ".devcontainer").exists() and not (repo / ".dockerignore").exists()
    # a real run still needs the registry
    assert main(["init", str(repo), *offline]) == 3
    assert "Nothing was written" in capsys.readouterr().err
    assert not (repo / ".devcontainer").exists()
