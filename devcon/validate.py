"""`devcon validate`: the core, free of any CLI concern.

paths -> discovery -> parse -> rules -> suppression and settings -> ValidateResult.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devcon import jsonc, suppression
from devcon.config import Settings
from devcon.discovery import discover
from devcon.errors import InputError
from devcon.findings import Finding, Severity
from devcon.rules.base import ConfigContext, Rule, Target
from devcon.rules.catalog import all_rules


@dataclass(frozen=True)
class ValidateRequest:
    paths: tuple[Path, ...]
    settings: Settings


@dataclass(frozen=True)
class ValidateResult:
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]
    suppressed: int
    fail_on: Severity

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.findings)


def read_text(path: Path) -> str:
    """A file's text, or InputError (exit 2) saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError("not UTF-8 text", f"{path}:{line}:{column}") from None


def check_config(
    path: Path, text: str, settings: Settings, rules: Sequence[Rule]
) -> tuple[list[Finding], int]:
    """Findings for one devcontainer.json, and how many were suppressed inline."""
    try:
        doc: jsonc.JsoncDocument | None = jsonc.parse(text)
        error = None
    except jsonc.JsoncSyntaxError as exc:
        doc, error = None, exc
    ctx = ConfigContext(path=path, text=text, doc=doc, syntax_error=error)
    display = str(path)
    found: list[Finding] = []
    for rule in rules:
        if rule.target is not Target.DEVCONTAINER or not settings.is_enabled(rule):
            continue
        severity = settings.severity_of(rule)
        for problem in rule.check(ctx):
            where = str(problem.path) if problem.path is not None else display
            found.append(
                Finding(where, problem.line, problem.column, rule.name, severity, problem.message)
            )
    if doc is None:
        return sorted(set(found)), 0
    marks = suppression.for_jsonc(doc)
    kept = [f for f in set(found) if not (f.path == display and marks.covers(f))]
    return sorted(kept), len(set(found)) - len(kept)


def validate(request: ValidateRequest) -> ValidateResult:
    paths = discover(request.paths) if request.paths else discover([Path(".")])
    rules = all_rules()
    findings: list[Finding] = []
    suppressed = 0
    for path in paths:
        found, hidden = check_config(path, read_text(path), request.settings, rules)
        findings.extend(found)
        suppressed += hidden
    return ValidateResult(
        files=tuple(paths),
        findings=tuple(findings),
        suppressed=suppressed,
        fail_on=request.settings.fail_on,
    )
