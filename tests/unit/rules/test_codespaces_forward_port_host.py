"""codespaces-forward-port-host (--tools codespaces): "host:port" forwardPorts entries."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings
from devcon.validate import ValidateRequest, validate

RULE = "codespaces-forward-port-host"


def run(tmp_path: Path, text: str, tools: frozenset[str] = frozenset({"codespaces"})) -> list[str]:
    path = tmp_path / "devcontainer.json"
    path.write_text(text, encoding="utf-8")
    settings = Settings(select=frozenset({RULE}), tools=tools)
    result = validate(ValidateRequest(paths=(path,), settings=settings))
    return [f"{f.line}:{f.column} {f.message}" for f in result.findings]


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
