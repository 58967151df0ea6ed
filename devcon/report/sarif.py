"""SARIF 2.1.0, with rule metadata, fit for GitHub code scanning upload."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from devcon import __version__
from devcon.findings import Severity
from devcon.report import Report
from devcon.rules.base import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/devcon-dev/devcon"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


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
            "level": _LEVEL[rule.default_severity],
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


def render_sarif(report: Report) -> str:
    rules = list(report.rules)
    index = {rule.name: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path),
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        results.append(result)
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
                        "rules": [_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
