"""seccomp-unconfined: seccomp=unconfined in securityOpt, runArgs, Features and compose."""

from __future__ import annotations

from pathlib import Path

from devcon.container_options import split_security_opt
from tests.unit.rules._support import run_rule

RULE = "seccomp-unconfined"


def run(tmp_path: Path, name: str, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text, name)


def test_split() -> None:
    assert split_security_opt("seccomp=unconfined") == ("seccomp", "unconfined")
    assert split_security_opt("seccomp:unconfined") == ("seccomp", "unconfined")
    assert split_security_opt("no-new-privileges") == ("no-new-privileges", None)


def test_security_opt_and_run_args(tmp_path: Path) -> None:
    text = (
        '{\n  "image": "x",\n  "securityOpt": ["seccomp:unconfined"],\n'
        '  "runArgs": ["--security-opt", "seccomp=unconfined"]\n}'
    )
    first, second = run(tmp_path, "devcontainer.json", text)
    assert first.startswith("3:19 `securityOpt` `seccomp:unconfined` turns off Docker's seccomp")
    assert "`SYS_PTRACE`" in first
    assert second.startswith("4:33 `runArgs` --security-opt `seccomp=unconfined`")


def test_other_options_pass(tmp_path: Path) -> None:
    text = (
        '{"image": "x", "securityOpt": ["seccomp=./p.json", "apparmor=unconfined", '
        '"no-new-privileges"]}'
    )
    assert run(tmp_path, "devcontainer.json", text) == []


def test_compose(tmp_path: Path) -> None:
    text = 'services:\n  app:\n    image: x\n    security_opt: ["seccomp:unconfined"]\n'
    (finding,) = run(tmp_path, "compose.yml", text)
    assert finding.startswith("4:21 service `app` `security_opt` `seccomp:unconfined`")
