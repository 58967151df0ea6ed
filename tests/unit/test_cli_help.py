"""Help that helps: `-h` everywhere, no `<str>` metavar, choices shown, one name/help/choices
per option across commands, and init's help listing the templates' options."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devcon.cli.app import cli_command, main


def _commands() -> Iterator[tuple[list[str], object]]:
    """(path of words, click command) for the root and every command and sub-command."""
    stack: list[tuple[list[str], object]] = [([], cli_command())]
    while stack:
        path, command = stack.pop()
        yield path, command
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            stack.append(([*path, name], sub))


COMMANDS = [path for path, _ in _commands()]


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "devcon")
def test_dash_h_is_help_everywhere(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    short = _help([*path, "-h"], capsys)
    assert short.startswith("Usage: devcon") and "-h, --help" in short
    assert short == _help([*path, "--help"], capsys)


def test_no_option_shows_a_bare_type_metavar() -> None:
    bare = []
    for path, command in _commands():
        for param in getattr(command, "params", []):
            if param.param_type_name != "option" or param.is_flag or param.hidden:
                continue
            metavar = param.metavar
            if metavar is None or "<" in metavar:
                bare.append(f"{' '.join(path)} {param.opts[0]}: {metavar}")
    assert bare == []


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "devcon")
def test_help_text_has_no_angle_bracket_type(
    path: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help([*path, "--help"], capsys)
    for bare in ("<str>", "<float>", "<int>", "<path>", "<text>"):
        assert bare not in text, f"{' '.join(path)}: {bare}"


def test_choices_come_from_their_sources(capsys: pytest.CaptureFixture[str]) -> None:
    from devcon.findings import Severity
    from devcon.profile import Profile
    from devcon.report.registry import FORMATTERS

    validate = _help(["validate", "-h"], capsys)
    formats = sorted({fmt.value for (kind, fmt) in FORMATTERS if kind == "Report"})
    for name in formats:
        assert name in validate.split("--format", 1)[1].split("\n  -")[0]
    for severity in Severity:
        assert severity.name.lower() in validate
    for profile in Profile:
        assert profile.value in validate
    assert "stable|insiders|X.Y" in validate
