"""Formatters: each takes a Report and returns text. The format enum is handled exhaustively."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from devcon.findings import Finding
from devcon.rules.base import Rule


class OutputFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"


@dataclass(frozen=True)
class Report:
    """What formatters see of a run."""

    findings: Sequence[Finding]
    files: int
    rules: Sequence[Rule]
    suppressed: int = 0


def render(fmt: OutputFormat, report: Report) -> str:
    match fmt:
        case OutputFormat.TEXT:
            from devcon.report.text import render_text

            return render_text(report)
        case OutputFormat.JSON:
            from devcon.report.json_report import render_json

            return render_json(report)
        case OutputFormat.SARIF:
            from devcon.report.sarif import render_sarif

            return render_sarif(report)
        case OutputFormat.GITHUB:
            from devcon.report.github import render_github

            return render_github(report)
        case _:
            assert_never(fmt)
