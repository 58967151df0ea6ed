"""Help that helps: `-h` everywhere, no `<str>` metavar, choices shown, one name/help/choices
per option across commands, and init's help listing the templates' options."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

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


# -- one option, one meaning -------------------------------------------------------------

#: same-named options whose metavar may differ between commands, and why: `--format` lists
#: the formats the command's result renders in (the formatter registry's, per result type)
METAVAR_DIFFERS = {"--format": "the formats each command's result renders in"}


def _options() -> Iterator[tuple[str, object]]:
    """(command path, click option) for every visible option of every command."""
    for path, command in _commands():
        for param in getattr(command, "params", []):
            if param.param_type_name == "option" and not param.hidden:
                yield " ".join(path) or "devcon", param


def _choices(param: object) -> tuple[str, ...] | None:
    choices = getattr(getattr(param, "type", None), "choices", None)
    return tuple(str(c) for c in choices) if choices is not None else None


def test_same_named_options_mean_the_same_in_every_command() -> None:
    """One name, one help, one metavar (its choices), one default, one set of aliases:
    what differs between commands goes in each command's description."""
    seen: dict[str, tuple[str, dict[str, object]]] = {}
    differ: list[str] = []
    for where, param in _options():
        name = max(param.opts, key=len)  # type: ignore[attr-defined]
        facts: dict[str, object] = {
            "opts": sorted([*param.opts, *param.secondary_opts]),  # type: ignore[attr-defined]
            "help": param.help,  # type: ignore[attr-defined]
            "default": param.default,  # type: ignore[attr-defined]
            "choices": _choices(param),
        }
        if name not in METAVAR_DIFFERS:
            facts["metavar"] = param.metavar  # type: ignore[attr-defined]
        if name not in seen:
            seen[name] = (where, facts)
            continue
        first, known = seen[name]
        for key, value in facts.items():
            if known[key] != value:
                differ.append(f"{name} {key}: {first}={known[key]!r} vs {where}={value!r}")
    assert differ == []


def test_the_shared_options_are_used_where_they_are_named() -> None:
    """The options made one in this issue are still on the commands that take them (a
    command dropping one would make the test above pass for nothing)."""
    where: dict[str, set[str]] = {}
    for command, param in _options():
        where.setdefault(max(param.opts, key=len), set()).add(command)  # type: ignore[attr-defined]
    assert {"init", "pin", "outdated", "prune"} <= where["--dry-run"]
    assert {"pin", "outdated"} <= where["--check"]
    assert {"pin", "compat", "parity"} <= where["--platform"]
    assert {"pin", "compat"} <= where["--offline"]
    assert {"init", "config init"} <= where["--force"]
    assert {"rules", "validate", "images"} <= where["--format"]


# -- defaults ----------------------------------------------------------------------------

#: value options whose help need not say a default, and why
NO_DEFAULT = {
    "--show-completion": "its value is the shell, detected when not given",
    "--install-completion": "its value is the shell, detected when not given",
}


def test_every_value_option_says_its_default() -> None:
    from typer._click import Context

    silent = []
    for path, command in _commands():
        ctx = Context(command, info_name="devcon")  # type: ignore[arg-type]
        for param in getattr(command, "params", []):
            if param.param_type_name != "option" or param.hidden or param.is_flag:
                continue
            name = max(param.opts, key=len)
            if name in NO_DEFAULT:
                continue
            record = param.get_help_record(ctx)
            text = " ".join(record[1].split()) if record else ""
            if "[default: " not in text and "(default: " not in text:
                silent.append(f"{' '.join(path) or 'devcon'} {name}: {text}")
    assert silent == []


# -- init's template options ----------------------------------------------------------------


def test_init_help_lists_every_template_option(capsys: pytest.CaptureFixture[str]) -> None:
    from devcon.scaffold import load_templates

    text = _help(["init", "-h"], capsys)
    assert "Template options" in text
    section = " ".join(text.split("Template options", 1)[1].split())
    for template in load_templates().values():
        for option in template.options:
            flag = f"--{option.name.replace('_', '-')}"
            assert flag in section, flag
            assert option.default in section, (flag, option.default)
            after = section.split(flag, 1)[1]
            assert template.id in after.split(" --", 1)[0], (flag, template.id)


def test_init_help_reads_the_templates_only_when_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list comes from the templates' definitions at help time (a template option added
    shows up), and no other command loads the templates to start."""
    from devcon import scaffold

    real = scaffold.load_templates()
    python = real["python"]
    extra = scaffold.TemplateOption("zeta_tag", "7.7", r"^[0-9.]+$", "a test-only option")
    calls: list[int] = []

    def fake() -> dict[str, scaffold.Template]:
        calls.append(1)
        return {**real, "python": replace(python, options=(*python.options, extra))}

    monkeypatch.setattr(scaffold, "load_templates", fake)
    _help(["validate", "-h"], capsys)
    _help(["-h"], capsys)
    assert calls == []
    text = " ".join(_help(["init", "-h"], capsys).split())
    assert calls != []
    assert "--zeta-tag ZETA_TAG a test-only option" in text
    assert "default: 7.7" in text.split("--zeta-tag", 1)[1]


# -- shell completion ------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script_for_devcon(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`devcon --show-completion SHELL` (without SHELL typer detects the shell from the
    process tree) prints the script that asks devcon (`_DEVCON_COMPLETE`) for completions."""
    code = main(["--show-completion", shell])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "_DEVCON_COMPLETE" in captured.out and "devcon" in captured.out.replace("_DEVCON", "")


def test_completion_answers_for_devcon(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the script runs: devcon with _DEVCON_COMPLETE set answers with the commands."""
    monkeypatch.setenv("_DEVCON_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "devcon va")
    monkeypatch.setenv("COMP_CWORD", "1")
    code = main([])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.split() == ["validate"]


def test_root_help_offers_completion(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(["-h"], capsys)
    assert "--install-completion" in text and "--show-completion" in text


# -- renamed rules -----------------------------------------------------------------------------


def test_rules_old_name_shows_the_new_rule_with_a_note(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from devcon.rules import catalog

    monkeypatch.setattr(catalog, "RENAMED", {"latest-tag": "image-latest"})
    new = _help(["rules", "image-latest"], capsys)
    code = main(["rules", "latest-tag"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == new
    assert captured.err == (
        "devcon: note: 'latest-tag' is the old name of rule 'image-latest'; read as "
        "'image-latest' (write 'image-latest')\n"
    )
