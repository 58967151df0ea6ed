"""A renamed rule keeps its old name as an alias: in `.devcon.toml` (select, ignore,
severity), on the command line and in `devcon-ignore` comments, each time with a note naming
the new name. No rule has been renamed yet, so these tests rename one for the test
(`catalog.RENAMED` patched: `latest-tag` is the old name of `image-latest`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.config import load_settings
from devcon.findings import Severity
from devcon.rules import catalog
from devcon.rules.base import Category

OLD, NEW = "latest-tag", "image-latest"
LATEST = '{\n  "name": "x",\n  "image": "python:latest"%s\n}\n'


@pytest.fixture
def renamed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "RENAMED", {OLD: NEW})


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _validate(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    code = main(["validate", "--format", "json", *argv])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _rules(report: dict) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["severity"], f["message"]) for f in report["findings"]]


def test_the_real_table_names_current_rules_only() -> None:
    """An old name is never a current rule or category; a new name is a rule that exists
    (a chain a -> b -> c is written a -> c)."""
    current = {rule.name for rule in catalog.all_rules()} | {c.value for c in Category}
    for old, new in catalog.RENAMED.items():
        assert old not in current, f"{old} is renamed but still a rule or category name"
        assert new in current and new not in catalog.RENAMED, f"{old} -> {new}"


def test_old_name_in_config_ignore_and_severity(renamed: None, tmp_path: Path) -> None:
    config = _write(
        tmp_path / ".devcon.toml",
        f'ignore = ["{OLD}"]\n\n[severity]\n{OLD} = "error"\n',
    )
    settings = load_settings(config)
    rule = catalog.rules_by_name()[NEW]
    assert not settings.is_enabled(rule)
    assert settings.severity_of(rule) is Severity.ERROR
    assert settings.notes == (  # one note a name, at its first place
        f"{config}:1:11: '{OLD}' is the old name of rule '{NEW}'; read as '{NEW}' (write '{NEW}')",
    )


def test_the_new_name_entry_wins_over_the_old_one(renamed: None, tmp_path: Path) -> None:
    config = _write(tmp_path / ".devcon.toml", f'[severity]\n{NEW} = "info"\n{OLD} = "error"\n')
    assert load_settings(config).severity_of(catalog.rules_by_name()[NEW]) is Severity.INFO


def test_old_name_in_config_silences_the_rule_with_a_note(
    renamed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(tmp_path / ".devcon.toml", f'ignore = ["{OLD}"]\n')
    target = _write(tmp_path / ".devcontainer" / "devcontainer.json", LATEST % "")
    code, report, err = _validate([str(target), "--config", str(config), "--select", NEW], capsys)
    assert code == 0 and _rules(report) == []
    assert err == (
        f"devcon: note: {config}:1:11: '{OLD}' is the old name of rule '{NEW}'; "
        f"read as '{NEW}' (write '{NEW}')\n"
    )


def test_old_name_on_the_command_line(
    renamed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _write(tmp_path / ".devcontainer" / "devcontainer.json", LATEST % "")
    code, report, err = _validate([str(target), "--no-config", "--select", OLD], capsys)
    assert code == 1 and [r for r, _, _ in _rules(report)] == [NEW]
    assert f"'{OLD}' is the old name of rule '{NEW}'" in err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".devcontainer/devcontainer.json", LATEST % f" // devcon-ignore: {OLD}"),
        ("Dockerfile", f"# devcon-ignore: {OLD}\nFROM python:latest\nUSER app\n"),
        (
            "compose.yml",
            f"services:\n  app:\n    # devcon-ignore: {OLD}\n    image: python:latest\n",
        ),
    ],
)
def test_old_name_in_a_suppression_comment_silences_the_rule_with_a_note(
    renamed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    target = _write(tmp_path / name, text)
    code, report, _ = _validate(
        [str(target), "--no-config", "--select", f"{NEW},unknown-suppression"], capsys
    )
    assert code == 0, report
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("unknown-suppression", "info")
    assert f"'{OLD}' is the old name of rule '{NEW}'" in finding["message"]
    assert f"write '{NEW}'" in finding["message"]


def test_without_the_rename_the_old_name_is_unknown(tmp_path: Path) -> None:
    config = _write(tmp_path / ".devcon.toml", f'ignore = ["{OLD}"]\n')
    with pytest.raises(Exception, match=f"unknown rule '{OLD}'"):
        load_settings(config)
