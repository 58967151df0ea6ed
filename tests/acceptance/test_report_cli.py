"""Every reporting command takes --format (its choices from the one formatter registry) and
-o FILE; pin/outdated and compat reports in SARIF and GitHub annotations are located at the
file, line and column that name the image."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.report.registry import FORMATTERS, format_names, formats_for, load_formatter

REMOTE_ENGINE = "tcp://192.0.2.1:2376"  # never asked: --offline with a remote engine


def _sarif_results(path: Path) -> list[dict[str, object]]:
    log = json.loads(path.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    results: list[dict[str, object]] = log["runs"][0]["results"]
    return results


def _region(result: dict[str, object]) -> tuple[str, int, int]:
    location = result["locations"][0]["physicalLocation"]  # type: ignore[index]
    uri = location["artifactLocation"]["uri"]
    return uri, location["region"]["startLine"], location["region"]["startColumn"]


def test_every_registry_entry_names_a_formatter() -> None:
    for target in FORMATTERS.values():
        assert callable(load_formatter(target)), target


@pytest.mark.parametrize(
    ("result_type", "names"),
    [
        ("Report", "text, json, sarif, github or gitlab"),
        ("PinResult", "text, json, sarif, github or gitlab"),
        ("OutdatedResult", "text, json, sarif, github or gitlab"),
        ("CompatResult", "text, json, sarif, github or gitlab"),
        ("ParityResult", "text, json or github"),
    ],
)
def test_format_choices_come_from_the_registry(result_type: str, names: str) -> None:
    assert format_names(result_type) == names
    assert len(formats_for(result_type)) == names.count(",") + 2


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("validate", "text|json|sarif|github|gitlab"),
        ("pin", "text|json|sarif|github|gitlab"),
        ("outdated", "text|json|sarif|github|gitlab"),
        ("parity", "text|json|github"),
        ("compat", "text|json|sarif|github|gitlab"),
    ],
)
def test_help_shows_the_registry_s_choices_and_output(
    command: str, names: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"-f, --format {names} The report's format." in text
    assert "-o, --output" in text


def test_pin_check_sarif_and_github_at_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM alpine:3.19 AS base\nRUN true\n", encoding="utf-8")
    assert main(["pin", "--check", "--format", "sarif", "-o", "pin.sarif", "Dockerfile"]) == 1
    assert capsys.readouterr().out == ""
    (result,) = _sarif_results(tmp_path / "pin.sarif")
    assert result["ruleId"] == "pin/unpinned" and result["level"] == "error"
    assert _region(result) == ("Dockerfile", 1, 6)
    assert main(["pin", "--check", "--format", "github", "Dockerfile"]) == 1
    assert capsys.readouterr().out == (
        "::error file=Dockerfile,line=1,col=6,title=devcon pin::not pinned: alpine:3.19\n"
    )


def test_pin_text_to_a_file_is_what_stdout_gets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM alpine:3.19\n", encoding="utf-8")
    assert main(["pin", "--check", "Dockerfile"]) == 1
    printed = capsys.readouterr().out
    assert main(["pin", "--check", "-o", "report.txt", "Dockerfile"]) == 1
    assert capsys.readouterr().out == ""
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == printed
    assert printed.endswith("0 pinned, 0 already pinned, 1 unpinned, 0 skipped\n")


def test_outdated_json_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM alpine:3.19\n", encoding="utf-8")  # nothing pinned
    assert main(["outdated", "--offline", "--format", "json", "-o", "o.json", "Dockerfile"]) == 0
    assert json.loads((tmp_path / "o.json").read_text()) == {"version": 1, "references": []}
    assert main(["outdated", "--offline", "--format", "sarif", "Dockerfile"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"][0]["results"] == []


def test_parity_rejects_sarif_naming_its_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parity", "a:1", "b:1", "--format", "sarif"]) == 2
    assert "choose from text, json, github" in capsys.readouterr().err


def test_compat_sarif_is_located_at_the_config_that_names_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCKER_HOST", REMOTE_ENGINE)
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir()
    config.write_text('{\n  "name": "x",\n  "image": "centos:7"\n}\n', encoding="utf-8")
    args = ["compat", "--offline", ".devcontainer", "centos:7"]
    assert main([*args, "--format", "sarif", "-o", "c.sarif"]) == 1
    results = _sarif_results(tmp_path / "c.sarif")
    in_file = [r for r in results if "physicalLocation" in r["locations"][0]]  # type: ignore[index]
    direct = [r for r in results if "logicalLocations" in r["locations"][0]]  # type: ignore[index]
    assert in_file and direct and len(in_file) == len(direct)
    assert {_region(r) for r in in_file} == {(".devcontainer/devcontainer.json", 3, 13)}
    for result in direct:
        (logical,) = result["locations"][0]["logicalLocations"]  # type: ignore[index]
        assert logical == {"fullyQualifiedName": "centos:7", "kind": "resource"}
    capsys.readouterr()
    assert main([*args, "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("::") and "file=.devcontainer/devcontainer.json,line=3,col=13," in line
        for line in lines
    )
    assert any("file=" not in line and "::centos%3A7: " not in line for line in lines)
    assert any(line.split("::")[2].startswith("centos:7: ") for line in lines)
