"""app-port-legacy: appPort instead of forwardPorts."""

from __future__ import annotations

from pathlib import Path

from devcon.findings import Severity
from tests.unit.rules._support import run_rule

RULE = "app-port-legacy"


def run(tmp_path: Path, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text, severity=Severity.INFO)


def test_app_port(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{\n  "image": "x",\n  "appPort": 3000\n}')
    assert finding.startswith("3:3 `appPort` publishes ports with Docker")
    assert "`forwardPorts`" in finding


def test_compose_ignores_it(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{"dockerComposeFile": "c.yml", "service": "a", "appPort": [1]}')
    assert "not used with Docker Compose" in finding


def test_forward_ports_pass(tmp_path: Path) -> None:
    assert run(tmp_path, '{"image": "x", "forwardPorts": [3000]}') == []
