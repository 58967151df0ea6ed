"""no-new-privileges-missing (off by default): securityOpt / runArgs lack no-new-privileges."""

from __future__ import annotations

from pathlib import Path

from devcon.rules.catalog import rules_by_name
from tests.unit.rules._support import run_rule

RULE = "no-new-privileges-missing"


def run(tmp_path: Path, text: str, select: bool = True) -> list[str]:
    return run_rule(tmp_path, RULE, text, select=select)


def test_off_by_default(tmp_path: Path) -> None:
    rule = rules_by_name().get(RULE)
    assert rule is not None and not rule.enabled_by_default
    assert run(tmp_path, '{"image": "x"}', select=False) == []


def test_missing(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{\n  "image": "x"\n}')
    assert finding.startswith("2:3 no `no-new-privileges` security option")
    assert "sudo" in finding


def test_reported_at_security_opt_when_present(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{\n  "image": "x",\n  "securityOpt": ["label=disable"]\n}')
    assert finding.startswith("3:3 ")


def test_set_in_any_form(tmp_path: Path) -> None:
    for opt in ("no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"):
        assert run(tmp_path, '{"image": "x", "securityOpt": ["' + opt + '"]}') == []
    text = '{"image": "x", "runArgs": ["--security-opt", "no-new-privileges"]}'
    assert run(tmp_path, text) == []


def test_turned_off(tmp_path: Path) -> None:
    text = '{"image": "x", "securityOpt": ["no-new-privileges:false"]}'
    (finding,) = run(tmp_path, text)
    assert "`securityOpt` `no-new-privileges:false` lets processes" in finding


def test_compose_and_undefined_configs(tmp_path: Path) -> None:
    assert run(tmp_path, '{"dockerComposeFile": "c.yml", "service": "a"}') == []
    assert run(tmp_path, '{"name": "nothing to create"}') == []
