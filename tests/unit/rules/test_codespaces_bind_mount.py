"""codespaces-bind-mount (--tools codespaces): bind mounts Codespaces ignores."""

from __future__ import annotations

from pathlib import Path

from tests.unit.rules._support import run_rule

RULE = "codespaces-bind-mount"


def run(tmp_path: Path, text: str, tools: frozenset[str] = frozenset({"codespaces"})) -> list[str]:
    return run_rule(tmp_path, RULE, text, tools=tools)


TEXT = (
    '{\n  "image": "x",\n  "mounts": [\n'
    '    "source=${localEnv:HOME}/.aws,target=/home/vscode/.aws,type=bind",\n'
    '    "source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind",\n'
    '    "source=cache,target=/cache"\n  ],\n'
    '  "runArgs": ["-v", "${localWorkspaceFolder}/data:/data", "-v", "vol:/vol"]\n}'
)


def test_only_with_codespaces_tool(tmp_path: Path) -> None:
    assert run(tmp_path, TEXT, tools=frozenset()) == []


def test_bind_mounts_but_the_socket(tmp_path: Path) -> None:
    first, second = run(tmp_path, TEXT)
    assert first.startswith("4:5 a `mounts` entry is a bind mount of ${localEnv:HOME}/.aws")
    assert "Codespaces ignores bind mounts" in first
    assert second.startswith("8:21 `runArgs` -v is a bind mount")
