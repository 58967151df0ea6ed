"""Plain text: `path:line:col: rule-name: message [severity]`, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from devcon.findings import Severity
from devcon.report import Report
from devcon.report.finding_forms import finding_line, plural
from devcon.rules.base import Rule


def render_text_findings(report: Report, rules: Sequence[Rule] = ()) -> str:
    """The finding lines only (`--quiet`)."""
    return "".join(finding_line(f) + "\n" for f in report.findings)


def render_text(report: Report, rules: Sequence[Rule] = ()) -> str:
    lines = [finding_line(f) for f in report.findings]
    counts = Counter(f.severity for f in report.findings)
    files = plural(report.files, "file")
    if report.findings:
        parts = [
            plural(counts[Severity.ERROR], "error"),
            plural(counts[Severity.WARNING], "warning"),
            f"{counts[Severity.INFO]} info",
        ]
        summary = f"{', '.join(parts)} in {files}"
    else:
        summary = f"{files} checked: no findings"
    if report.suppressed:
        summary += f" ({report.suppressed} suppressed)"
    lines.append(summary)
    return "\n".join(lines) + "\n"
