"""JSON: `{"version": 1, "files": N, "findings": [...]}` (a stable, versioned shape)."""

from __future__ import annotations

import json

from devcon.report import Report

JSON_REPORT_VERSION = 1


def render_json(report: Report) -> str:
    payload = {
        "version": JSON_REPORT_VERSION,
        "files": report.files,
        "suppressed": report.suppressed,
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
            }
            for f in report.findings
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
