"""`--quiet` (findings only) and `--verbose` (what was read, from where, what was skipped, on
stderr), added to every reporting command by `reporting_command`; and no colour, ever: no ANSI
escape on a real terminal (python's `pty`), with NO_COLOR, or piped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.pty_support import on_tty, piped

PINNED = "python:3.12@sha256:" + "0123456789abcdef" * 4
BAD = f'{{\n  "image": "{PINNED}",\n  "extensions": ["ms-python.python"],\n}}\n'
CLEAN = f'{{"name": "ok", "image": "{PINNED}"}}\n'


def _project(tmp_path: Path, text: str = BAD) -> Path:
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_validate_quiet_prints_findings_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    assert main(["validate", "."]) == 1
    loud = capsys.readouterr().out.splitlines()
    assert main(["validate", "--quiet", "."]) == 1
    quiet = capsys.readouterr()
    assert quiet.out.splitlines() == loud[:-1]  # every finding, no summary
    assert quiet.out and "in 1 file" not in quiet.out and quiet.err == ""
    _project(tmp_path, CLEAN)
    assert main(["validate", "-q", "."]) == 0
    assert capsys.readouterr().out == ""  # clean: nothing at all


def test_quiet_keeps_machine_formats_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    assert main(["validate", "--format", "json", "."]) == 1
    loud = capsys.readouterr().out
    assert main(["validate", "--format", "json", "--quiet", "."]) == 1
    assert capsys.readouterr().out == loud


def test_pin_and_outdated_quiet_drop_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM python:3.12\nFROM {PINNED}\n")
    assert main(["pin", "--check", "Dockerfile"]) == 1
    assert "1 unpinned" in capsys.readouterr().out
    assert main(["pin", "--check", "--quiet", "Dockerfile"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == ["Dockerfile:1:6: not pinned: python:3.12"]
    # outdated: the reference pinned by digest only is skipped; quiet shows it, no table
    dockerfile.write_text("FROM python@sha256:" + "0123456789abcdef" * 4 + "\n")
    assert main(["outdated", "--quiet", "Dockerfile"]) == 0
    out = capsys.readouterr().out
    assert "LOCATION" not in out and "pinned references moved" not in out
    assert out.startswith("Dockerfile:1:6: skipped")


def test_quiet_and_verbose_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    assert main(["validate", "--quiet", "--verbose", "."]) == 2
    assert "--quiet and --verbose" in capsys.readouterr().err


def test_validate_verbose_says_what_was_read_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _project(tmp_path)
    (tmp_path / "notes.bak").write_text("x\n")
    assert main(["validate", "--verbose", str(config), "notes.bak"]) == 1
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert "devcon: config: none found (defaults)" in err
    assert f"devcon: read: {config}" in err
    assert any(line.startswith("devcon: skipped: notes.bak: ") for line in err), err
    assert "notes.bak" not in captured.out  # the report itself is unchanged
    (tmp_path / ".devcon.toml").write_text('ignore = ["deprecated-property", "trailing-comma"]\n')
    assert main(["validate", "-v", "."]) == 0
    err = capsys.readouterr().err
    assert f"devcon: config: {tmp_path / '.devcon.toml'}" in err
    assert main(["validate", "--no-config", "-v", "."]) == 1
    assert "devcon: config: none (--no-config)" in capsys.readouterr().err


def test_pin_verbose_lists_files_and_skipped_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("ARG V\nFROM python:${V}-slim\n")
    assert main(["pin", "--check", "--verbose", "Dockerfile"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "devcon: read: Dockerfile" in err
    assert any(re.match(r"devcon: skipped: Dockerfile:2:6: python:\$\{V\}-slim: ", x) for x in err)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--help"],
        ["validate", "--no-such-option"],
        ["validate", "--verbose", "."],
        ["pin", "--check", "."],
    ],
)
def test_no_colour_on_a_terminal_with_no_color_or_piped(tmp_path: Path, args: list[str]) -> None:
    """devcon colours nothing: no ANSI escape on a real terminal, with or without NO_COLOR
    (or FORCE_COLOR), and none piped."""
    _project(tmp_path)
    for env in ({}, {"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}):
        code, out = on_tty(args, tmp_path, env)
        assert code in (0, 1, 2), out
        assert out.strip() and b"\x1b" not in out, (env, out)
    done = piped(args, tmp_path)
    assert b"\x1b" not in done.stdout + done.stderr
