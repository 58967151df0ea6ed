"""Paths a config or compose file names are reported folded (`a/../b` as `b`), as Docker
folds build paths, so findings and SARIF locations name the file once, one way."""

from __future__ import annotations

from pathlib import Path

from devcon.definition import DockerfileDocument, collect


def test_compose_build_context_dotdot_is_folded(tmp_path: Path) -> None:
    dev = tmp_path / ".devcontainer"
    dev.mkdir()
    (dev / "devcontainer.json").write_text(
        '{"dockerComposeFile": "compose.yml", "service": "app"}', encoding="utf-8"
    )
    (dev / "compose.yml").write_text(
        "services:\n  app:\n    build:\n      context: ..\n"
        "      dockerfile: .devcontainer/Dockerfile\n",
        encoding="utf-8",
    )
    (dev / "Dockerfile").write_text("FROM python:3.12\n", encoding="utf-8")
    items = collect((tmp_path,))
    (dockerfile,) = [i for i in items if isinstance(i, DockerfileDocument)]
    assert dockerfile.path == dev / "Dockerfile"
    assert dockerfile.context_dir == tmp_path


def test_config_dockerfile_dotdot_is_folded(tmp_path: Path) -> None:
    dev = tmp_path / ".devcontainer"
    dev.mkdir()
    (dev / "devcontainer.json").write_text(
        '{"build": {"dockerfile": "../Dockerfile", "context": "..", "target": "dev"}}',
        encoding="utf-8",
    )
    (tmp_path / "Dockerfile").write_text("FROM python:3.12 AS dev\n", encoding="utf-8")
    (dockerfile,) = [i for i in collect((tmp_path,)) if isinstance(i, DockerfileDocument)]
    assert dockerfile.path == tmp_path / "Dockerfile"
    assert dockerfile.context_dir == tmp_path
    assert dockerfile.target == "dev"
