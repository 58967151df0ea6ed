"""app-port-legacy: appPort instead of forwardPorts."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings
from devcon.findings import Severity
from devcon.validate import ValidateRequest, validate

RULE = "app-port-legacy"


def run(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "devcontainer.json"
    path.write_text(text, encoding="utf-8")
    settings = Settings(select=frozenset({RULE}))
    result = validate(ValidateRequest(paths=(path,), settings=settings))
    assert all(f.severity is Severity.INFO for f in result.findings)
    return [f"{f.line}:{f.column} {f.message}" for f in result.findings]


def test_app_port(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{\n  "image": "x",\n  "appPort": 3000\n}')
    assert finding.startswith("3:3 `appPort` publishes ports with Docker")
    assert "`forwardPorts`" in finding


def test_compose_ignores_it(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{"dockerComposeFile": "c.yml", "service": "a", "appPort": [1]}')
    assert "not used with Docker Compose" in finding


def test_forward_ports_pass(tmp_path: Path) -> None:
    assert run(tmp_path, '{"image": "x", "forwardPorts": [3000]}') == []
