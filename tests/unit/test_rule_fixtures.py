"""Every rule against its good and bad fixtures (tests/fixtures/<rule>/{good,bad}/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.config import Settings
from devcon.findings import Finding
from devcon.rules.base import Profile
from devcon.rules.catalog import all_rules
from devcon.validate import ValidateRequest, validate
from tests.fixtures_support import (
    FIXTURES,
    expected_marks,
    fixture_cases,
    fixture_inputs,
    fixture_profile,
    fixture_trusted_registries,
)


def _run(rule: str, path: Path) -> list[Finding]:
    settings = Settings(
        select=frozenset({rule}), trusted_registries=fixture_trusted_registries(path)
    )
    profile = fixture_profile(path)
    request = ValidateRequest(
        paths=fixture_inputs(path),
        settings=settings,
        profile=Profile(profile) if profile else None,
    )
    result = validate(request)
    assert result.files, f"no file found under {path}"
    return [f for f in result.findings if f.rule == rule]


def test_every_rule_has_good_and_bad_fixtures() -> None:
    for rule in all_rules():
        for kind in ("good", "bad"):
            folder = FIXTURES / rule.name / kind
            assert folder.is_dir() and any(folder.iterdir()), f"missing {folder}"


@pytest.mark.parametrize(("rule", "path"), list(fixture_cases("good")), ids=str)
def test_good_fixture_has_no_finding(rule: str, path: Path) -> None:
    assert _run(rule, path) == []


@pytest.mark.parametrize(("rule", "path"), list(fixture_cases("bad")), ids=str)
def test_bad_fixture_has_exactly_the_marked_findings(rule: str, path: Path) -> None:
    expected = expected_marks(path, rule)
    assert expected, f"{path} marks no expected finding"
    found = _run(rule, path)
    got = {(str(Path(f.path).resolve()), f.line, f.column) for f in found}
    want_lines = {(p, line) for p, line, _ in expected}
    assert {(p, line) for p, line, _ in got} == want_lines
    for p, line, column in expected:
        if column is not None:
            assert (p, line, column) in got, f"expected {rule} at {p}:{line}:{column}, got {got}"
