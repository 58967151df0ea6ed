"""seccomp-override: a custom seccomp profile in securityOpt, runArgs or compose."""

from __future__ import annotations

from pathlib import Path

from devcon.rules.seccomp_override import profile
from tests.unit.rules._support import run_rule

RULE = "seccomp-override"


def run(tmp_path: Path, name: str, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text, name)


def test_profile() -> None:
    assert profile("seccomp=/etc/docker/p.json") == "/etc/docker/p.json"
    assert profile("seccomp:./p.json") == "./p.json"
    assert profile("seccomp=unconfined") is None
    assert profile("seccomp=builtin") is None
    assert profile("apparmor=my-profile") is None


def test_config(tmp_path: Path) -> None:
    text = '{\n  "image": "x",\n  "runArgs": ["--security-opt=seccomp=/etc/p.json"]\n}'
    (finding,) = run(tmp_path, "devcontainer.json", text)
    assert finding.startswith("3:15 `runArgs` --security-opt `seccomp=/etc/p.json` replaces")
    assert "no looser than the default" in finding and "Docker client reads it" in finding


def test_unconfined_is_the_other_rules(tmp_path: Path) -> None:
    text = '{"image": "x", "securityOpt": ["seccomp=unconfined", "seccomp=builtin"]}'
    assert run(tmp_path, "devcontainer.json", text) == []


def test_compose(tmp_path: Path) -> None:
    text = "services:\n  app:\n    image: x\n    security_opt:\n      - seccomp:./p.json\n"
    (finding,) = run(tmp_path, "compose.yml", text)
    assert finding.startswith("5:9 service `app` `security_opt` `seccomp:./p.json`")
