"""`devcon validate` in-process through main(argv): exit codes, formats, config, suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon import __version__
from devcon.cli.app import main

PINNED = "python:3.12@sha256:" + "0123456789abcdef" * 4
BAD = (
    f"""{{
  "image": "{PINNED}",
  "extensions": ["ms-python.python"],
  "forwardPorts": [8000,],
}}
"""
)


def _project(
    tmp_path: Path, text: str = BAD, name: str = ".devcontainer/devcontainer.json"
) -> Path:
    config = tmp_path / name
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"devcon {__version__}"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "validate" in out and "rules" in out


def test_clean_config_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, f'{{"name": "ok", "image": "{PINNED}"}}')
    assert main(["validate"]) == 0
    assert "1 file checked: no findings" in capsys.readouterr().out


def test_findings_text_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path)
    assert main(["validate", "."]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        ".devcontainer/devcontainer.json:3:3: deprecated-property: `/extensions` is deprecated: "
        "use `customizations.vscode.extensions` [warning]"
    )
    assert out[1].startswith(".devcontainer/devcontainer.json:4:24: trailing-comma:")
    assert out[2].startswith(".devcontainer/devcontainer.json:4:26: trailing-comma:")
    assert out[-1] == "0 errors, 3 warnings, 0 info in 1 file"


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path)
    assert main(["validate", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["version"] == 1 and payload["files"] == 1
    first = payload["findings"][0]
    assert set(first) == {"path", "line", "column", "rule", "severity", "message"}
    assert first["rule"] == "deprecated-property" and first["severity"] == "warning"
    assert (first["line"], first["column"]) == (3, 3)


def test_github_format_escapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, f'{{"image": "{PINNED}", "zz,y": 1}}')
    assert main(["validate", "--format", "github"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith(
        "::error file=.devcontainer/devcontainer.json,line=1,col=98,title=devcon schema::"
    )
    assert "zz,y" in line  # data part: commas are not escaped there


def test_missing_path_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "nope/"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "devcon: nope: no such file or directory"


def test_unknown_format_and_option_are_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "xml"]) == 2
    assert main(["validate", "--no-such-option"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_not_utf8_is_exit_2_with_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "devcontainer.json"
    config.write_bytes(b'{\n  "name": "caf\xe9"\n}')
    assert main(["validate", str(config)]) == 2
    assert f"{config}:2:15: not UTF-8 text" in capsys.readouterr().err


def test_syntax_error_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, "{\n  'name': 1\n}")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert ".devcontainer/devcontainer.json:2:3: json-syntax: single-quoted" in out


def test_select_ignore_and_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path)
    assert main(["validate", "--select", "deprecated-property", "--format", "json"]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert rules == {"deprecated-property"}
    assert main(["validate", "--ignore", "trailing-comma,deprecated-property"]) == 0
    assert main(["validate", "--fail-on", "error"]) == 0  # only warnings
    assert main(["validate", "--select", "no-such-rule"]) == 2
    assert "unknown rule 'no-such-rule'" in capsys.readouterr().err


def test_config_file_severity_and_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    (tmp_path / ".devcon.toml").write_text(
        'ignore = ["deprecated-property"]\nfail-on = "error"\n\n'
        '[severity]\n"trailing-comma" = "info"\n'
    )
    assert main(["validate", "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {(f["rule"], f["severity"]) for f in findings} == {("trailing-comma", "info")}


def test_pyproject_config_found_from_subfolder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.devcon]\nselect = ["trailing-comma"]\n'
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert main(["validate", "..", "--format", "json"]) == 1
    assert {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]} == {
        "trailing-comma"
    }
    assert main(["validate", "..", "--no-config", "--format", "json"]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert rules == {"trailing-comma", "deprecated-property"}


@pytest.mark.parametrize(
    ("content", "where", "fragment"),
    [
        (
            'select = ["trailing-coma"]\n',
            ":1:11",
            "unknown rule 'trailing-coma' (did you mean 'trailing-comma'?)",
        ),
        (
            '[severity]\nschemaa = "info"\n',
            ":2:1",
            "unknown rule 'schemaa' (did you mean 'schema'?)",
        ),
        ('fail-on = "fatal"\n', ":1:1", "fail-on"),
        ('selects = ["schema"]\n', ":1:1", "unknown setting 'selects' (did you mean 'select'?)"),
        ('select = ["schema"\n', ":2:1", "invalid TOML: Unclosed array"),
        ("select = 3 3\n", ":1:12", "invalid TOML"),
    ],
)
def test_bad_config_is_exit_2_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, where: str, fragment: str
) -> None:
    _project(tmp_path)
    (tmp_path / ".devcon.toml").write_text(content)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert f".devcon.toml{where}: " in err, err
    assert fragment in err
    assert "Traceback" not in err


def test_inline_suppression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(
        tmp_path,
        f"""{{
  "image": "{PINNED}",
  // devcon-ignore: deprecated-property
  // (an explanation may follow on further comment lines)
  "extensions": ["ms-python.python"],
  "settings": {{}}, // devcon-ignore: deprecated-property, trailing-comma
  "devPort": 1, // devcon-ignore: schema
  "forwardPorts": [1,], // devcon-ignore: deprecated-property
}}
""",
    )
    assert main(["validate", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    got = {(f["rule"], f["line"]) for f in payload["findings"]}
    assert got == {("deprecated-property", 7), ("trailing-comma", 8)}
    assert payload["suppressed"] == 2


def test_file_level_suppression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, "// devcon-ignore-file: trailing-comma, deprecated-property\n" + BAD)
    assert main(["validate"]) == 0
    assert "(3 suppressed)" in capsys.readouterr().out


def test_output_file_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path)
    assert main(["validate", "--format", "sarif", "--output", "report.sarif"]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"


def test_discovery_finds_all_spec_locations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = f'{{"image": "{PINNED}"}}'
    _project(tmp_path, ok)
    _project(tmp_path, ok, ".devcontainer.json")
    _project(tmp_path, ok, ".devcontainer/gpu/devcontainer.json")
    _project(tmp_path, ok, "services/api/.devcontainer/devcontainer.json")
    _project(tmp_path, ok, "node_modules/pkg/.devcontainer/devcontainer.json")
    _project(tmp_path, ok, "elsewhere/devcontainer.json")
    assert main(["validate", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == 4


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    for name in ("json-syntax", "trailing-comma", "schema", "deprecated-property", "missing-file"):
        assert name in listing
    rows = {line.split()[0]: line.split()[1:3] for line in listing.splitlines()}
    assert rows["trailing-comma"] == ["style", "warning"]
    assert rows["privileged-container"] == ["security", "warning"]
    assert rows["schema"] == ["correctness", "error"]
    assert main(["rules", "trailing-comma"]) == 0
    doc = capsys.readouterr().out
    for heading in ("What it does", "Why", "Example", "Fix"):
        assert heading in doc
    assert main(["rules", "nope"]) == 2


def test_local_workspace_folder_with_relative_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${localWorkspaceFolder}` is the project folder however the config was named."""
    project = tmp_path / "proj"
    (project / ".devcontainer").mkdir(parents=True)
    (project / ".devcontainer" / "devcontainer.json").write_text(
        '{"build": {"dockerfile": "${localWorkspaceFolder}/Dockerfile",'
        ' "context": "${localWorkspaceFolder}"}}',
        encoding="utf-8",
    )
    (project / "Dockerfile").write_text("FROM python:3.12\n", encoding="utf-8")
    for cwd, arg in ((tmp_path, "proj"), (project, "."), (project / ".devcontainer", "..")):
        monkeypatch.chdir(cwd)
        assert main(["validate", arg, "--format", "json"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert report["files"] == 2, (cwd, arg)
        assert {f["rule"] for f in report["findings"]} == {"image-not-pinned"}, (cwd, arg)


def test_checking_nothing_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong path or an empty selection in CI must not pass by checking nothing."""
    empty = tmp_path / "empty"
    (empty / "src").mkdir(parents=True)
    assert main(["validate", str(empty)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(empty) in err and "no dev container files" in err
    monkeypatch.chdir(empty)
    assert main(["validate"]) == 2
    capsys.readouterr()
    ok = tmp_path / "ok" / ".devcontainer.json"
    ok.parent.mkdir()
    ok.write_text('{"image": "x"}', encoding="utf-8")
    assert main(["validate", str(ok), "--select", ""]) == 2
    assert "--select: no rule or category named" in capsys.readouterr().err
    assert main(["validate", str(ok), "--select", " , "]) == 2


def test_output_to_a_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = tmp_path / ".devcontainer.json"
    ok.write_text('{"image": "x"}', encoding="utf-8")
    assert main(["validate", str(ok), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["validate", str(ok), "-o", str(tmp_path / "missing" / "r.txt")]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--format", "json"],
        ["pin", "--check"],
        ["outdated", "--offline"],
        ["compat", "--offline", "--format", "json"],
    ],
)
@pytest.mark.parametrize("folder", [".devcontainer", ".devcontainer/gpu", "proj/.devcontainer"])
def test_the_folder_users_type_is_that_configs_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    folder: str,
) -> None:
    """CI path filters and pre-commit pass `.devcontainer` (or `.devcontainer/<name>`): a
    folder that holds a devcontainer.json is that config's folder, not an empty one."""
    for root in (tmp_path, tmp_path / "proj"):
        _project(root, f'{{"image": "{PINNED}"}}')
        _project(root, f'{{"image": "{PINNED}"}}', ".devcontainer/gpu/devcontainer.json")
    code = main([*command, folder])
    out, err = capsys.readouterr()
    assert "no dev container files" not in err
    if command[0] == "outdated":  # found the config's image, and --offline has no cache
        assert (code, "python:3.12") == (3, err.split(": ")[1]), err
    elif command[0] == "compat":  # found the config's image; offline, its name says nothing
        assert code == 3 and err.startswith(f"devcon: no verdict for {PINNED} ("), err
    else:
        assert code in (0, 1), (code, err)
    if command[0] == "validate":
        expected = 1 if folder.endswith("gpu") else 2  # .devcontainer holds its own and gpu's
        assert json.loads(out)["files"] == expected
