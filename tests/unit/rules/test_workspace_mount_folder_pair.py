"""workspace-mount-folder-pair: only one of workspaceMount and workspaceFolder."""

from __future__ import annotations

from pathlib import Path

from tests.unit.rules._support import run_rule

RULE = "workspace-mount-folder-pair"


def run(tmp_path: Path, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text)


def test_folder_alone(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{\n  "image": "x",\n  "workspaceFolder": "/src"\n}')
    assert finding.startswith('3:3 `workspaceFolder` is "/src", but without `workspaceMount`')
    assert "target=/src" in finding


def test_mount_alone(tmp_path: Path) -> None:
    text = '{"build": {"dockerfile": "D"}, "workspaceMount": "type=bind,src=/a,target=/app"}'
    (finding,) = run(tmp_path, text)
    assert "`workspaceMount` mounts the workspace at /app" in finding
    assert 'set `workspaceFolder` to "/app"' in finding


def test_pairs_defaults_and_compose_pass(tmp_path: Path) -> None:
    both = (
        '{"image": "x", "workspaceMount": "source=a,target=/w,type=volume", '
        '"workspaceFolder": "/w"}'
    )
    assert run(tmp_path, both) == []
    default = '{"image": "x", "workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}"}'
    assert run(tmp_path, default) == []
    sub = '{"image": "x", "workspaceFolder": "${containerWorkspaceFolder}/api"}'
    assert run(tmp_path, sub) == []
    mount = (
        '{"image": "x", '
        '"workspaceMount": "source=${localWorkspaceFolder},target=/workspaces/p,type=bind"}'
    )
    assert run(tmp_path, mount) == []
    compose = '{"dockerComposeFile": "c.yml", "service": "a", "workspaceFolder": "/src"}'
    assert run(tmp_path, compose) == []
