"""JSON: `{"version": 1, "files": N, "findings": [...]}` (a stable, versioned shape)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from devcon.report import Report
from devcon.report.finding_forms import finding_dict
from devcon.rules.base import Rule

JSON_REPORT_VERSION = 1


def render_json(report: Report, rules: Sequence[Rule] = ()) -> str:
    payload = {
        "version": JSON_REPORT_VERSION,
        "files": report.files,
        "suppressed": report.suppressed,
        "findings": [finding_dict(f) for f in report.findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
