"""codespaces-forward-port-host (--tools codespaces): "host:port" forwardPorts entries."""

from __future__ import annotations

from pathlib import Path

from tests.unit.rules._support import run_rule

RULE = "codespaces-forward-port-host"


def run(tmp_path: Path, text: str, tools: frozenset[str] = frozenset({"codespaces"})) -> list[str]:
    return run_rule(tmp_path, RULE, text, tools=tools)


TEXT = (
    '{\n  "dockerComposeFile": "c.yml",\n  "service": "app",\n'
    '  "forwardPorts": [3000, "3001", "db:5432"],\n'
    '  "portsAttributes": {"db:5432": {"label": "db"}, "40000-40010": {}}\n}'
)


def test_only_with_codespaces_tool(tmp_path: Path) -> None:
    assert run(tmp_path, TEXT, tools=frozenset()) == []


def test_host_port_entries(tmp_path: Path) -> None:
    first, second = run(tmp_path, TEXT)
    assert first.startswith('4:34 `forwardPorts` entry "db:5432" has the "host:port" form')
    assert second.startswith('5:23 `portsAttributes` key "db:5432"')
