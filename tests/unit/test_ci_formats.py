"""What CI systems read of a report: SARIF's security-severity, partialFingerprints and helpUri
(GitHub code scanning), GitHub annotations' paths, and GitLab's Code Quality report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from devcon.cli.app import main
from devcon.findings import Finding, Severity
from devcon.report import OutputFormat, Report, render
from devcon.rules.base import Category
from devcon.rules.catalog import all_rules

REPO = Path(__file__).resolve().parents[2]


def _sarif(findings: list[Finding]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(Report(findings, 1, all_rules()), OutputFormat.SARIF))
    return log


def _rules_by_id(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}


# --- SARIF: security-severity --------------------------------------------------------------


def test_security_rules_carry_a_security_severity_in_github_s_range() -> None:
    rules = _rules_by_id(_sarif([]))
    security = [r for r in all_rules() if r.category is Category.SECURITY]
    assert security, "the catalog has security rules"
    expected = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
    for rule in all_rules():
        props = rules[rule.name]["properties"]
        if rule.category is Category.SECURITY:
            value = props["security-severity"]
            assert isinstance(value, str)
            assert re.fullmatch(r"\d{1,2}\.\d", value)
            assert 0.1 <= float(value) <= 10.0
            assert value == expected[rule.default_severity]
            assert "security" in props["tags"]
        else:
            assert "security-severity" not in props, rule.name
            assert "security" not in props["tags"]
    # an error-level security rule ranks above a warning-level one (GitHub: high vs medium)
    assert float(rules["secret-in-dockerfile"]["properties"]["security-severity"]) >= 7.0
    assert 4.0 <= float(rules["privileged-container"]["properties"]["security-severity"]) < 7.0


# --- SARIF: helpUri ------------------------------------------------------------------------


def _github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation but '-' and '_'
    dropped, spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_each_rule_s_help_uri_is_its_section_of_docs_rules_md() -> None:
    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {_github_anchor(h) for h in re.findall(r"^## (.+)$", doc, flags=re.MULTILINE)}
    rules = _rules_by_id(_sarif([]))
    for rule in all_rules():
        uri = rules[rule.name]["helpUri"]
        base, _, fragment = uri.partition("#")
        assert base.startswith("https://") and base.endswith("/docs/rules.md"), uri
        assert fragment == rule.name and fragment in anchors, uri


# --- SARIF: partialFingerprints ------------------------------------------------------------


def _fingerprints(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir(exist_ok=True)
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out.sarif"
    main(["validate", "--format", "sarif", "-o", str(out), ".devcontainer"])
    capsys.readouterr()
    log = json.loads(out.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for result in log["runs"][0]["results"]:
        (key,) = result["partialFingerprints"]
        assert key == "devconFindingHash/v1"
        found[result["ruleId"]] = result["partialFingerprints"][key]
    return found


def test_a_fingerprint_survives_a_line_move_and_changes_with_the_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before = _fingerprints(tmp_path, '{\n  "image": "python:latest"\n}\n', capsys)
    assert "image-latest" in before
    moved = _fingerprints(
        tmp_path, '{\n  "name": "x",\n\n\n    "image":   "python:latest"\n}\n', capsys
    )
    assert moved["image-latest"] == before["image-latest"]
    changed = _fingerprints(tmp_path, '{\n  "image": "node:latest"\n}\n', capsys)
    assert changed["image-latest"] != before["image-latest"]


def test_fingerprints_tell_apart_same_findings_and_ignore_line_numbers_in_messages() -> None:
    same = Finding("Dockerfile", 1, 6, "image-latest", Severity.WARNING, "image `a` is :latest")
    again = Finding("Dockerfile", 9, 6, "image-latest", Severity.WARNING, "image `a` is :latest")
    other_file = Finding("b/Dockerfile", 1, 6, "image-latest", Severity.WARNING, same.message)
    log = _sarif([same, again, other_file])
    prints = [r["partialFingerprints"]["devconFindingHash/v1"] for r in log["runs"][0]["results"]]
    assert len(set(prints)) == 3
    at_line = Finding("D", 3, 1, "dependencies-after-code", Severity.WARNING, "x (line 3: `a`)")
    moved = Finding("D", 7, 1, "dependencies-after-code", Severity.WARNING, "x (line 7: `a`)")
    one, two = (
        _sarif([f])["runs"][0]["results"][0]["partialFingerprints"] for f in (at_line, moved)
    )
    assert one == two


def test_pin_sarif_results_carry_fingerprints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM alpine:3.19\n", encoding="utf-8")
    assert main(["pin", "--check", "--format", "sarif", "-o", "pin.sarif", "Dockerfile"]) == 1
    (result,) = json.loads(Path("pin.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert set(result["partialFingerprints"]) == {"devconFindingHash/v1"}


# --- GitHub annotations: paths relative to the working directory ---------------------------


def _annotation_files(text: str) -> set[str]:
    return set(re.findall(r"file=([^,]+),", text))


def test_github_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    (repo / ".devcontainer").mkdir(parents=True)
    (repo / "sub").mkdir()
    (repo / ".devcontainer" / "devcontainer.json").write_text(
        '{"image": "python:latest"}\n', encoding="utf-8"
    )
    monkeypatch.chdir(repo)
    main(["validate", "--format", "github", str(repo)])
    assert _annotation_files(capsys.readouterr().out) == {".devcontainer/devcontainer.json"}
    monkeypatch.chdir(repo / "sub")
    main(["validate", "--format", "github", str(repo)])
    assert _annotation_files(capsys.readouterr().out) == {"../.devcontainer/devcontainer.json"}
    monkeypatch.chdir(tmp_path)
    main(["validate", "--format", "github", str(repo)])
    assert _annotation_files(capsys.readouterr().out) == {"repo/.devcontainer/devcontainer.json"}


# --- GitLab Code Quality --------------------------------------------------------------------

# GitLab's Code Quality report: a JSON array of issues, each with these fields (GitLab docs,
# "Code Quality report format"); severity is one of GitLab's five.
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32,64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_code_quality_shape_and_severities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    findings = [
        Finding("a/devcontainer.json", 3, 5, "schema", Severity.ERROR, "bad"),
        Finding(str(tmp_path / "Dockerfile"), 4, 1, "image-latest", Severity.WARNING, "latest"),
        Finding("b.json", 1, 1, "deprecated-property", Severity.INFO, "old"),
        Finding("Dockerfile", 2, 1, "secret-in-dockerfile", Severity.ERROR, "secret"),
    ]
    text = render(Report(findings, 2, all_rules()), OutputFormat.GITLAB)
    issues = json.loads(text)
    jsonschema.Draft202012Validator(CODE_QUALITY).validate(issues)
    assert [i["severity"] for i in issues] == ["major", "minor", "info", "critical"]
    assert [i["check_name"] for i in issues] == [f.rule for f in findings]
    assert [i["location"]["path"] for i in issues] == [
        "a/devcontainer.json",
        "Dockerfile",
        "b.json",
        "Dockerfile",
    ]
    assert issues[0]["location"]["lines"]["begin"] == 3
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert json.loads(render(Report([], 1, all_rules()), OutputFormat.GITLAB)) == []


def test_gitlab_format_in_validate_and_compat_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("validate", "compat"):
        assert main([command, "--help"]) == 0
        assert "gitlab" in capsys.readouterr().out, command


def test_validate_writes_a_gitlab_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "repo" / ".devcontainer").mkdir(parents=True)
    (tmp_path / "repo" / ".devcontainer" / "devcontainer.json").write_text(
        '{"image": "python:latest", "remoteUser": "root"}\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path / "repo")
    out = tmp_path / "gl-code-quality.json"
    assert main(["validate", "--format", "gitlab", "-o", str(out), str(tmp_path / "repo")]) == 1
    assert capsys.readouterr().out == ""
    issues = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(CODE_QUALITY).validate(issues)
    assert {i["location"]["path"] for i in issues} == {".devcontainer/devcontainer.json"}
    assert {i["check_name"] for i in issues} >= {"image-latest", "remote-user-root"}
