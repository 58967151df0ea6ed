"""SARIF 2.1.0, with rule metadata, fit for GitHub code scanning upload."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from devcon import __version__
from devcon.findings import Finding, Severity
from devcon.report import Report
from devcon.rules.base import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/devcon-dev/devcon"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_help_markdown(rule: Rule) -> str:
    doc = rule.doc
    return (
        f"## What it does\n{doc.what}\n\n## Why\n{doc.why}\n\n"
        f"## Example\n```\n{doc.example}\n```\n\n## Fix\n{doc.fix}\n"
    )


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.what},
        "help": {
            "text": f"{rule.doc.why}\nFix: {rule.doc.fix}",
            "markdown": rule_help_markdown(rule),
        },
        "defaultConfiguration": {
            "enabled": rule.enabled_by_default,
            "level": LEVEL[rule.default_severity],
        },
        "properties": {"tags": [t.value for t in rule.targets]},
    }


def _artifact(path: str) -> dict[str, str]:
    """A relative URI against %SRCROOT% (the working directory), or an absolute file URI."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": relative.as_posix(), "uriBaseId": "%SRCROOT%"}


def file_location(path: str, line: int, column: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(path),
            "region": {"startLine": line, "startColumn": column},
        }
    }


def image_location(image: str) -> dict[str, Any]:
    """An image named on the command line is in no file: a logical location naming it."""
    return {"logicalLocations": [{"fullyQualifiedName": image, "kind": "resource"}]}


def sarif_result(
    rule_id: str,
    level: str,
    message: str,
    location: dict[str, Any],
    index: dict[str, int],
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "level": level,
        "message": {"text": message},
        "locations": [location],
    }
    if rule_id in index:
        result["ruleIndex"] = index[rule_id]
    return result


def finding_result(
    f: Finding, index: dict[str, int], location: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A finding as a SARIF result, at its file position unless `location` is given."""
    where = location if location is not None else file_location(f.path, f.line, f.column)
    return sarif_result(f.rule, LEVEL[f.severity], f.message, where, index)


def rule_index(rules: Sequence[Rule]) -> dict[str, int]:
    return {rule.name: i for i, rule in enumerate(rules)}


def sarif_text(descriptors: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]]) -> str:
    """The SARIF log of one devcon run."""
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "devcon",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": list(descriptors),
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": list(results),
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def rule_descriptors(rules: Sequence[Rule]) -> list[dict[str, Any]]:
    return [_descriptor(rule) for rule in rules]


def render_sarif(report: Report, rules: Sequence[Rule] = ()) -> str:
    ran = list(report.rules)
    index = rule_index(ran)
    results = [finding_result(f, index) for f in report.findings]
    return sarif_text(rule_descriptors(ran), results)
