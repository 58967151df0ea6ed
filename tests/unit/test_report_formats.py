"""Formatters: every OutputFormat renders; SARIF has the structure code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from devcon.findings import Finding, Severity
from devcon.report import OutputFormat, Report, render
from devcon.rules.catalog import all_rules

FINDINGS = [
    Finding("a/devcontainer.json", 3, 5, "schema", Severity.ERROR, "`/x`: bad, very bad: 100%"),
    Finding("a/devcontainer.json", 4, 1, "trailing-comma", Severity.WARNING, "trailing comma"),
    Finding("b.json", 1, 1, "deprecated-property", Severity.INFO, "line one\nline two"),
]

# The parts of the SARIF 2.1.0 schema (OASIS) that GitHub code scanning relies on,
# written from the standard's required properties and value ranges.
SARIF_STRUCTURE = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id", "shortDescription", "help"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "help": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {"$ref": "#/$defs/level"},
                                                        "enabled": {"type": "boolean"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations", "level"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": {"$ref": "#/$defs/level"},
                                "message": {"$ref": "#/$defs/message"},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string"}},
        },
    },
}


def _report() -> Report:
    return Report(findings=FINDINGS, files=2, rules=all_rules(), suppressed=1)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders(fmt: OutputFormat) -> None:
    text = render(_report(), fmt)
    assert text.endswith("\n")
    assert "trailing-comma" in text


def test_sarif_structure_and_rule_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sarif = json.loads(render(_report(), OutputFormat.SARIF))
    jsonschema.Draft202012Validator(SARIF_STRUCTURE).validate(sarif)
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.name for r in all_rules()]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = run["results"][0]
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "a/devcontainer.json",
        "uriBaseId": "%SRCROOT%",
    }
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert run["results"][2]["level"] == "note"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    for rule in rules:
        for heading in ("## What it does", "## Why", "## Example", "## Fix"):
            assert heading in rule["help"]["markdown"]


def test_sarif_path_outside_working_directory_is_an_absolute_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    finding = Finding(str(tmp_path / "x.json"), 1, 1, "schema", Severity.ERROR, "m")
    sarif = json.loads(render(Report([finding], 1, all_rules()), OutputFormat.SARIF))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": (tmp_path / "x.json").as_uri()}


def test_github_annotations_escape_data_and_properties() -> None:
    lines = render(_report(), OutputFormat.GITHUB).splitlines()
    assert lines[0] == (
        "::error file=a/devcontainer.json,line=3,col=5,title=devcon schema::"
        "`/x`: bad, very bad: 100%25"
    )
    assert lines[1].startswith("::warning file=a/devcontainer.json,line=4,col=1,")
    assert lines[2] == (
        "::notice file=b.json,line=1,col=1,title=devcon deprecated-property::line one%0Aline two"
    )


def test_json_shape() -> None:
    payload = json.loads(render(_report(), OutputFormat.JSON))
    assert payload["version"] == 1
    assert payload["files"] == 2
    assert payload["findings"][0] == {
        "path": "a/devcontainer.json",
        "line": 3,
        "column": 5,
        "rule": "schema",
        "severity": "error",
        "message": "`/x`: bad, very bad: 100%",
    }


def test_text_summary() -> None:
    text = render(_report(), OutputFormat.TEXT)
    assert text.splitlines()[-1] == "1 error, 1 warning, 1 info in 2 files (1 suppressed)"
    empty = render(Report([], 3, all_rules()), OutputFormat.TEXT)
    assert empty == "3 files checked: no findings\n"
