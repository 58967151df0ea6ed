"""GitLab's Code Quality report (`artifacts:reports:codequality`): a JSON array of issues,
each `{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}`,
the path relative to the working directory (a job's is the repository root)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from devcon.findings import Finding, Severity
from devcon.report import Report
from devcon.report.locations import fingerprints, relative_path
from devcon.rules.base import Category, Rule

#: devcon's severity -> GitLab's (info, minor, major, critical, blocker); a security rule's
#: findings rank one step higher. `blocker` is left for what stops a merge outright: devcon
#: leaves that decision to --fail-on and the exit code.
GITLAB_SEVERITY = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}
GITLAB_SECURITY_SEVERITY = {
    Severity.INFO: "minor",
    Severity.WARNING: "major",
    Severity.ERROR: "critical",
}


def issues_text(
    issues: Iterable[tuple[str, str, str, str, int]], in_no_file: frozenset[str] = frozenset()
) -> str:
    """The report of (check name, severity, description, path, line) issues, each given its
    fingerprint (locations.fingerprints: rule, relative path, message without line numbers,
    occurrence). A path in `in_no_file` (an image named on the command line) is kept as it is."""
    rows = [
        (check, severity, text, path if path in in_no_file else relative_path(path), line)
        for check, severity, text, path, line in issues
    ]
    prints = fingerprints((check, path, text) for check, _, text, path, _ in rows)
    payload: list[dict[str, Any]] = [
        {
            "description": text,
            "check_name": check,
            "fingerprint": fingerprint,
            "severity": severity,
            "location": {"path": path, "lines": {"begin": max(line, 1)}},
        }
        for (check, severity, text, path, line), fingerprint in zip(rows, prints, strict=True)
    ]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def finding_severity(f: Finding, categories: dict[str, Category]) -> str:
    table = (
        GITLAB_SECURITY_SEVERITY if categories.get(f.rule) is Category.SECURITY else GITLAB_SEVERITY
    )
    return table[f.severity]


def findings_text(
    findings: Sequence[Finding], rules: Sequence[Rule], in_no_file: frozenset[str] = frozenset()
) -> str:
    """The Code Quality report of findings judged by `rules` (for their categories)."""
    categories = {rule.name: rule.category for rule in rules}
    return issues_text(
        ((f.rule, finding_severity(f, categories), f.message, f.path, f.line) for f in findings),
        in_no_file,
    )


def render_gitlab(report: Report, rules: Sequence[Rule] = ()) -> str:
    return findings_text(report.findings, report.rules)
