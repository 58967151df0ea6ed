"""The forms of one finding every formatter shares: its JSON object and its text line;
and `plural`, for counts in summaries."""

from __future__ import annotations

from typing import Any

from devcon.findings import Finding
from devcon.output_safety import escape_controls


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def finding_line(f: Finding) -> str:
    """`path:line:col: rule: message [severity]`: one line, a newline in the message shown
    as `\x0a`."""
    message = escape_controls(f.message)
    return f"{f.path}:{f.line}:{f.column}: {f.rule}: {message} [{f.severity.value}]"


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
    }
