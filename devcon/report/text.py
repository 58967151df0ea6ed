"""Plain text: `path:line:col: rule-name: message [severity]`, then a summary line."""

from __future__ import annotations

from collections import Counter

from devcon.findings import Severity
from devcon.report import Report


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(report: Report) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.rule}: {f.message} [{f.severity.value}]"
        for f in report.findings
    ]
    counts = Counter(f.severity for f in report.findings)
    files = _plural(report.files, "file")
    if report.findings:
        parts = [
            _plural(counts[Severity.ERROR], "error"),
            _plural(counts[Severity.WARNING], "warning"),
            f"{counts[Severity.INFO]} info",
        ]
        summary = f"{', '.join(parts)} in {files}"
    else:
        summary = f"{files} checked: no findings"
    if report.suppressed:
        summary += f" ({report.suppressed} suppressed)"
    lines.append(summary)
    return "\n".join(lines) + "\n"
