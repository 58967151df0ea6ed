"""Shared helper for the rule tests that go through `devcon.validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devcon.config import Settings
from devcon.findings import Severity
from devcon.validate import ValidateRequest, validate


def run_rule(
    tmp_path: Path,
    rule: str,
    text: str,
    name: str = "devcontainer.json",
    *,
    merger: Any = None,
    tools: frozenset[str] = frozenset(),
    trusted: tuple[str, ...] | None = None,
    select: bool = True,
    severity: Severity | None = None,
    scan_folder: bool = False,
) -> list[str]:
    """Write `text` to `tmp_path / name` (parent folders created), validate it and return
    the findings as "line:column message".

    select: run only `rule` (True), or the default rule set with findings of other rules
    left out (False). severity: assert that every finding has it. scan_folder: validate
    all of `tmp_path` instead of the one file written.
    """
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settings = Settings(
        select=frozenset({rule}) if select else None,
        tools=tools,
        trusted_registries=trusted,
    )
    target = tmp_path if scan_folder else path
    result = validate(ValidateRequest(paths=(target,), settings=settings, merger=merger))
    if severity is not None:
        assert all(f.severity is severity for f in result.findings)
    findings = result.findings if select else [f for f in result.findings if f.rule == rule]
    return [f"{f.line}:{f.column} {f.message}" for f in findings]
