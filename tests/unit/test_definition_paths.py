"""Paths a config or compose file names are reported folded (`a/../b` as `b`), as Docker
folds build paths, so findings and SARIF locations name the file once, one way."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.definition import DockerfileDocument, collect
from tests.corpus_support import corpus_files


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


def _compose_repo(tmp_path: Path) -> dict[str, Path]:
    """Two compose dev containers: the attached service `app` builds a Dockerfile running as
    root (a dev image), the sidecar `db` builds another (a production-like image)."""
    dot = tmp_path / "a" / ".devcontainer"
    (dot / "db").mkdir(parents=True)
    (dot / "devcontainer.json").write_text(
        '{"dockerComposeFile": ["docker-compose.yml"], "service": "app",'
        ' "workspaceFolder": "/workspace"}'
    )
    (dot / "docker-compose.yml").write_text(
        "services:\n"
        "  app:\n    build:\n      context: ..\n      dockerfile: .devcontainer/Dockerfile\n"
        "  db:\n    build: ./db\n"
    )
    (dot / "Dockerfile").write_text("FROM debian:12\nRUN true\n")
    (dot / "db" / "Dockerfile").write_text("FROM postgres:16\n")
    b = tmp_path / "b"
    (b / ".devcontainer").mkdir(parents=True)
    (b / "docker" / "dev").mkdir(parents=True)
    (b / ".devcontainer" / "devcontainer.json").write_text(
        '{"dockerComposeFile": "../compose.yaml", "service": "dev", "workspaceFolder": "/w"}'
    )
    (b / "compose.yaml").write_text(
        "services:\n  dev:\n    build:\n      context: .\n"
        "      dockerfile: docker/dev/Dockerfile\n      target: dev\n"
    )
    (b / "docker" / "dev" / "Dockerfile").write_text("FROM debian:12 AS dev\nRUN true\n")
    return {
        "app": dot / "Dockerfile",
        "db": dot / "db" / "Dockerfile",
        "dev": b / "docker" / "dev" / "Dockerfile",
    }


def test_a_dockerfile_the_attached_compose_service_builds_is_dev_named_alone(
    tmp_path: Path,
) -> None:
    from devcon.config import Settings
    from devcon.profile import Profile
    from devcon.validate import ValidateRequest, validate

    files = _compose_repo(tmp_path)
    settings = Settings(select=frozenset({"root-user"}))
    for name in ("app", "dev"):
        (doc,) = collect((files[name],))
        assert isinstance(doc, DockerfileDocument)
        assert doc.default_profile is Profile.DEV, name
        assert validate(ValidateRequest(paths=(files[name],), settings=settings)).findings == ()
    (dev,) = collect((files["dev"],))
    assert isinstance(dev, DockerfileDocument) and dev.target == "dev"
    # the sidecar's Dockerfile named on its own stays a production image
    (db,) = collect((files["db"],))
    assert isinstance(db, DockerfileDocument) and db.default_profile is Profile.PROD
    found = validate(ValidateRequest(paths=(files["db"],), settings=settings)).findings
    assert [f.rule for f in found] == ["root-user"]


@pytest.mark.corpus
def test_corpus_dockerfiles_of_attached_compose_services_are_dev_named_alone(
    corpus: Path,
) -> None:
    """Every Dockerfile that the service a corpus config attaches to builds is held to the dev
    profile when named on its own (18 in the corpus changed from prod, with a false
    root-user each)."""
    from devcon import jsonc
    from devcon.compose import parse_compose
    from devcon.discovery import references
    from devcon.profile import Profile

    checked = 0
    for config in corpus_files():
        try:
            value = jsonc.parse(config.read_text(encoding="utf-8")).value
        except jsonc.JsoncSyntaxError:
            continue
        if not isinstance(value, dict) or not isinstance(value.get("service"), str):
            continue
        for compose in references(config, value).compose_files:
            if not compose.is_file():
                continue
            for service in parse_compose(compose.read_text(encoding="utf-8"), compose).services:
                build = service.build
                if service.name.value != value["service"] or build is None:
                    continue
                context = compose.parent / (build.context or ".")
                dockerfile = (context / (build.dockerfile or "Dockerfile")).resolve()
                if not dockerfile.is_file():
                    continue
                docs = [d for d in collect((dockerfile,)) if isinstance(d, DockerfileDocument)]
                assert [d.default_profile for d in docs] == [Profile.DEV], dockerfile
                checked += 1
    assert checked >= 18
