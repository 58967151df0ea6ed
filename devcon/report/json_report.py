"""JSON: `{"version": 1, "files": N, "findings": [...]}` (a stable, versioned shape)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from devcon.report import Report
from devcon.report.finding_forms import finding_dict
from devcon.rules.base import Rule

if TYPE_CHECKING:
    from devcon.named_files import NamedFile

JSON_REPORT_VERSION = 1


def render_json(report: Report, rules: Sequence[Rule] = ()) -> str:
    payload = {
        "version": JSON_REPORT_VERSION,
        "files": report.files,
        "suppressed": report.suppressed,
        "findings": [finding_dict(f) for f in report.findings],
    }
    if report.named:
        payload["named"] = named_dicts(report.named)
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def named_dicts(named: Sequence[NamedFile]) -> list[dict[str, Any]]:
    """Files named that devcon does not read on its own: each with what was checked for it
    (`through`) or why it was skipped (`reason`)."""
    out: list[dict[str, Any]] = []
    for item in named:
        entry: dict[str, Any] = {"path": str(item.path), "handling": item.handling.value}
        if item.through:
            entry["through"] = [str(p) for p in item.through]
        if item.reason:
            entry["reason"] = item.reason
        out.append(entry)
    return out
