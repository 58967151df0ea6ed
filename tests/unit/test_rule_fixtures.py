"""Every rule against its good and bad fixtures (tests/fixtures/<rule>/{good,bad}/)."""

from __future__ import annotations

import datetime
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
    fixture_tools,
    fixture_trusted_registries,
    fixture_vscode,
)


def _run(rule: str, path: Path) -> list[Finding]:
    settings = Settings(
        select=frozenset({rule}),
        trusted_registries=fixture_trusted_registries(path),
        vscode=fixture_vscode(path),
        tools=fixture_tools(path),
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


def _facts_problems(rule_name: str, path: Path) -> list[str]:
    """Run an image rule on an image-facts fixture: a JSON ImageInfo plus `vscode`."""
    import json

    from devcon.compat.facts import ImageInfo
    from devcon.compat.knowledge import target_for
    from devcon.rules.base import ImageContext
    from devcon.rules.catalog import rules_by_name

    data = json.loads(path.read_text(encoding="utf-8"))
    vscode = data.pop("vscode", "stable")
    unavailable = data.pop("unavailable_platform", None)
    available = tuple(data.pop("available_platforms", ()))
    data.pop("expect", None)
    today_text = data.pop("today", None)
    info = ImageInfo(**data) if data.get("image") else None
    rule = rules_by_name().get(rule_name)
    assert rule is not None and rule.image is not None
    image = info.image if info else path.name
    today = datetime.date.fromisoformat(today_text) if today_text else datetime.date.today()
    ctx = ImageContext(image, info, target_for(vscode), 1, 1, unavailable, available, today=today)
    return [p.message for p in rule.image(ctx)]


@pytest.mark.parametrize(("rule", "path"), list(fixture_cases("good", facts=True)), ids=str)
def test_good_facts_fixture(rule: str, path: Path) -> None:
    assert _facts_problems(rule, path) == []


@pytest.mark.parametrize(("rule", "path"), list(fixture_cases("bad", facts=True)), ids=str)
def test_bad_facts_fixture(rule: str, path: Path) -> None:
    import json

    expect = json.loads(path.read_text(encoding="utf-8"))["expect"]
    messages = _facts_problems(rule, path)
    assert len(messages) == expect["count"], messages
    for fragment in expect.get("contains", []):
        assert any(fragment in m for m in messages), (fragment, messages)


def test_every_image_rule_has_facts_fixtures() -> None:
    for rule in all_rules():
        if rule.image is None:
            continue
        for kind in ("good", "bad"):
            folder = FIXTURES / rule.name / kind
            assert any(p.name.endswith(".facts.json") for p in folder.glob("*")), (
                f"{rule.name}: no {kind} *.facts.json fixture"
            )
