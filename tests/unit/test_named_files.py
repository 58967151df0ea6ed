"""Files named one by one, as a pre-commit hook passes the changed files: a file devcon does
not judge on its own (requirements.txt, environment.yml, a `*.bak` copy, any other name) is
checked through the config or Dockerfile of the repository that uses it, or skipped with the
reason, never refused (exit 2); `pin --check` reads no registry for them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon.config import Settings
from devcon.errors import InputError
from devcon.named_files import Handling, plan_named
from devcon.pin import PinRequest, PinStatus, pin
from devcon.registry.client import RegistryClient
from devcon.validate import ValidateRequest, validate

DIGEST = "sha256:" + "0123456789abcdef" * 4


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository: a config building .devcontainer/Dockerfile from the root, which installs
    requirements.txt (one unpinned entry) and environment.yml; a backup of the Dockerfile."""
    (tmp_path / ".git").mkdir()
    _write(
        tmp_path / ".devcontainer" / "devcontainer.json",
        '{"build": {"dockerfile": "Dockerfile", "context": ".."}, "remoteUser": "dev"}\n',
    )
    dockerfile = (
        f"FROM python:3.12-slim@{DIGEST}\n"
        "COPY requirements.txt environment.yml /tmp/\n"
        "RUN pip install --no-cache-dir -r /tmp/requirements.txt\n"
        "RUN conda env update --file /tmp/environment.yml && conda clean -afy\n"
        "USER dev\n"
    )
    _write(tmp_path / ".devcontainer" / "Dockerfile", dockerfile)
    _write(tmp_path / "Dockerfile.bak", dockerfile.replace(f"@{DIGEST}", ""))
    _write(tmp_path / "requirements.txt", "requests\n")
    _write(tmp_path / "environment.yml", "name: x\ndependencies:\n  - numpy=1.26.4\n")
    _write(tmp_path / "docs" / "requirements-docs.txt", "mkdocs\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _validate(*names: str) -> object:
    return validate(ValidateRequest(paths=tuple(Path(n) for n in names), settings=Settings()))


def _no_registry() -> RegistryClient:
    raise AssertionError("pin --check asked for a registry client")


def test_requirement_file_is_checked_through_the_config_that_installs_it(repo: Path) -> None:
    plan = plan_named([Path("requirements.txt")])
    (named,) = plan.named
    assert named.handling is Handling.THROUGH
    assert named.through == (Path(".devcontainer/devcontainer.json"),)
    result = _validate("requirements.txt")
    assert [(f.path, f.rule) for f in result.findings] == [("requirements.txt", "unpinned-package")]
    assert result.named == plan.named


def test_environment_file_is_not_read_as_a_compose_file(repo: Path) -> None:
    (named,) = plan_named([Path("environment.yml")]).named
    assert named.handling is Handling.THROUGH
    assert named.through == (Path(".devcontainer/devcontainer.json"),)


def test_backup_and_unused_files_are_skipped_with_a_reason(repo: Path) -> None:
    plan = plan_named([Path("Dockerfile.bak"), Path("docs/requirements-docs.txt")])
    backup, docs = plan.named
    assert backup.handling is Handling.SKIPPED and "backup" in (backup.reason or "")
    assert docs.handling is Handling.SKIPPED and "installs it" in (docs.reason or "")
    assert plan.paths == ()
    result = _validate("Dockerfile.bak", "docs/requirements-docs.txt")
    assert result.findings == () and result.files == () and not result.failed
    assert [n.path for n in result.named] == [
        Path("Dockerfile.bak"),
        Path("docs/requirements-docs.txt"),
    ]


def test_a_backup_a_config_builds_is_checked_through_that_config(repo: Path) -> None:
    _write(
        repo / ".devcontainer" / "devcontainer.json",
        '{"build": {"dockerfile": "../Dockerfile.bak", "context": ".."}, "remoteUser": "dev"}\n',
    )
    (named,) = plan_named([Path("Dockerfile.bak")]).named
    assert named.handling is Handling.THROUGH
    assert named.through == (Path(".devcontainer/devcontainer.json"),)


def test_files_devcon_reads_and_folders_are_taken_as_they_are(repo: Path) -> None:
    plan = plan_named([Path(".devcontainer/Dockerfile"), Path(".devcontainer"), Path("nope.json")])
    assert plan.named == ()
    assert plan.paths == (
        Path(".devcontainer/Dockerfile"),
        Path(".devcontainer"),
        Path("nope.json"),
    )
    with pytest.raises(InputError, match="no such file"):
        _validate("nope.json")  # a missing config stays exit 2: a wrong path in CI


def test_a_missing_file_devcon_does_not_judge_is_skipped(repo: Path) -> None:
    (named,) = plan_named([Path("gone/requirements.txt")]).named
    assert named.handling is Handling.SKIPPED and "does not exist" in (named.reason or "")


def test_a_user_named_with_its_requirement_file_is_checked_once(repo: Path) -> None:
    result = _validate(".devcontainer/devcontainer.json", "requirements.txt", "Dockerfile.bak")
    assert [f.path for f in result.findings] == ["requirements.txt"]
    assert len(result.files) == len(set(result.files))


def test_pin_check_with_named_files_reads_no_registry(repo: Path) -> None:
    result = pin(
        PinRequest(paths=(Path("requirements.txt"), Path("Dockerfile.bak")), check=True),
        _no_registry,
    )
    assert [(i.path, i.status) for i in result.items] == [
        (".devcontainer/Dockerfile", PinStatus.ALREADY)
    ]
    assert [n.handling for n in result.named] == [Handling.THROUGH, Handling.SKIPPED]
    result = pin(PinRequest(paths=(Path("docs/requirements-docs.txt"),), check=True), _no_registry)
    assert result.items == () and len(result.named) == 1


def test_json_report_lists_the_files_checked_through_others_and_skipped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from devcon.cli.app import main

    assert main(["validate", "--format", "json", "requirements.txt", "Dockerfile.bak"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["named"] == [
        {
            "path": "requirements.txt",
            "handling": "checked through",
            "through": [".devcontainer/devcontainer.json"],
        },
        {
            "path": "Dockerfile.bak",
            "handling": "skipped",
            "reason": payload["named"][1]["reason"],
        },
    ]
    assert "backup" in payload["named"][1]["reason"]
    assert main(["pin", "--check", "--format", "json", "Dockerfile.bak"]) == 0
    assert json.loads(capsys.readouterr().out)["named"][0]["handling"] == "skipped"
