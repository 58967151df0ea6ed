"""GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`, the file
relative to the working directory (a job's is the repository root, where GitHub resolves it)."""

from __future__ import annotations

from collections.abc import Sequence

from devcon.findings import Finding, Severity
from devcon.report import Report
from devcon.report.locations import relative_path
from devcon.rules.base import Rule

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, properties: Sequence[tuple[str, object]], message: str) -> str:
    """One workflow command line: `::command k=v,...::message`, escaped."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{command} {props}::{escape_data(message)}"


def finding_annotation(f: Finding, located: bool = True) -> str:
    """A finding's annotation; `located=False` for a finding in no file (an image named on the
    command line, in `path`): no file/line/col, and the message starts with it."""
    title = ("title", f"devcon {f.rule}")
    if not located:
        return annotation(COMMAND[f.severity], [title], f"{f.path}: {f.message}")
    where: list[tuple[str, object]] = [
        ("file", relative_path(f.path)),
        ("line", f.line),
        ("col", f.column),
    ]
    return annotation(COMMAND[f.severity], [*where, title], f.message)


def lines_text(lines: Sequence[str]) -> str:
    return "\n".join(lines) + ("\n" if lines else "")


def render_github(report: Report, rules: Sequence[Rule] = ()) -> str:
    return lines_text([finding_annotation(f) for f in report.findings])
