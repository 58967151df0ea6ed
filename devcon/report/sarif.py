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
from devcon.report.locations import fingerprints
from devcon.rules.base import Category, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/devcon-dev/devcon"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: each rule's section of docs/rules.md is `RULES_DOC#<rule-name>` (the page's `## name` heading);
#: the project publishes no documentation site, so this is the page in its repository
RULES_DOC = f"{INFORMATION_URI}/blob/main/docs/rules.md"
#: GitHub code scanning's `security-severity` (a score 0.1-10.0 as a string: 0.1-3.9 low,
#: 4.0-6.9 medium, 7.0-8.9 high, 9.0 and over critical) for security rules, by their severity
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
#: the key of devcon's fingerprint in each result's partialFingerprints (locations.fingerprints)
FINGERPRINT_KEY = "devconFindingHash/v1"


def rule_help_markdown(rule: Rule) -> str:
    doc = rule.doc
    return (
        f"## What it does\n{doc.what}\n\n## Why\n{doc.why}\n\n"
        f"## Example\n```\n{doc.example}\n```\n\n## Fix\n{doc.fix}\n"
    )


def _rule_properties(rule: Rule) -> dict[str, Any]:
    tags = [t.value for t in rule.targets]
    if rule.category is not Category.SECURITY:
        return {"tags": tags}
    # GitHub shows a security-severity only for rules tagged `security`
    return {
        "tags": [*tags, "security"],
        "security-severity": SECURITY_SEVERITY[rule.default_severity],
    }


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
        "helpUri": f"{RULES_DOC}#{rule.name}",
        "defaultConfiguration": {
            "enabled": rule.enabled_by_default,
            "level": LEVEL[rule.default_severity],
        },
        "properties": _rule_properties(rule),
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


def _where(result: dict[str, Any]) -> str:
    """The file URI (or, in no file, the logical name) a result is at."""
    location = result["locations"][0]
    if "physicalLocation" in location:
        uri: str = location["physicalLocation"]["artifactLocation"]["uri"]
        return uri
    name: str = location["logicalLocations"][0]["fullyQualifiedName"]
    return name


def _fingerprinted(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each result with `partialFingerprints` (rule, file, message without line numbers, and
    occurrence: see locations.fingerprints), so an alert survives its line moving."""
    keys = [(r["ruleId"], _where(r), r["message"]["text"]) for r in results]
    return [
        {**result, "partialFingerprints": {FINGERPRINT_KEY: value}}
        for result, value in zip(results, fingerprints(keys), strict=True)
    ]


def sarif_text(descriptors: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]]) -> str:
    """The SARIF log of one devcon run, every result fingerprinted."""
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
                "results": _fingerprinted(results),
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
