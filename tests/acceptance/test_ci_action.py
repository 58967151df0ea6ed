"""action.yml, the composite GitHub Action: its shell steps run for real with bash in a
temporary repository (tests/ci_support.py), devcon from this virtual environment on PATH.

The install step is not run against the package index or a build: it runs with a stand-in
`python3` on PATH that records what it was asked and links this environment's devcon, so its
shell (which spec it installs, what it adds to $GITHUB_PATH) is exercised without a download."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.ci_support import (
    REPO,
    VENV_BIN,
    clean_env,
    load_action,
    run_action,
    run_bash,
    substitute,
)
from tests.unit.test_report_formats import SARIF_STRUCTURE

BAD_CONFIG = '{\n  "image": "python:latest",\n  "remoteUser": "root"\n}\n'


def _repo(tmp_path: Path, config: str | None = None) -> Path:
    repo = tmp_path / "repo"
    if config is None:
        shutil.copytree(REPO / "examples" / "python-project", repo)
    else:
        (repo / ".devcontainer").mkdir(parents=True)
        (repo / ".devcontainer" / "devcontainer.json").write_text(config, encoding="utf-8")
    return repo


def _sarif(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SARIF_STRUCTURE).validate(log)
    return log


def test_a_clean_repository_passes_with_a_valid_sarif_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    run = run_action({"pin-check": "true"}, repo)
    assert not run.failed, [(s.id, s.code, s.stdout, s.stderr) for s in run.steps]
    assert run.outputs == {
        "sarif-file": "devcon.sarif",
        "exit-code": "0",
        "pin-exit-code": "0",
        "parity-exit-code": "",
    }
    assert _sarif(repo / "devcon.sarif")["runs"][0]["results"] == []
    assert [s.id for s in run.steps if s.ran] == ["validate", "pin", "gate"]


def test_findings_fail_the_action_after_writing_sarif_and_annotations(tmp_path: Path) -> None:
    repo = _repo(tmp_path, BAD_CONFIG)
    run = run_action({"sarif-file": "out/devcon.sarif"}, repo)
    assert run.outputs["exit-code"] == "1"
    assert run.step("validate").code == 0  # the step records the findings, the gate fails
    gate = run.step("gate")
    assert gate.code == 1 and "devcon validate failed (exit 1)" in gate.stdout
    log = _sarif(repo / "out" / "devcon.sarif")
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert {"image-latest", "remote-user-root"} <= rules
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {".devcontainer/devcontainer.json"}
    assert "::warning file=.devcontainer/devcontainer.json,line=3," in run.step("validate").stdout


def test_fail_on_findings_false_finishes_and_reports_the_exit_code(tmp_path: Path) -> None:
    repo = _repo(tmp_path, BAD_CONFIG)
    run = run_action({"fail-on-findings": "false", "annotations": "false"}, repo)
    assert not run.failed
    assert run.outputs["exit-code"] == "1"
    assert "::" not in run.step("validate").stdout
    assert not run.step("gate").ran


def test_fail_on_lowers_the_threshold(tmp_path: Path) -> None:
    repo = _repo(tmp_path, '{"image": "python:3.12@sha256:' + "a" * 64 + '", "appPort": 3000}\n')
    assert run_action({}, repo).outputs["exit-code"] == "0"
    assert run_action({"fail-on": "info"}, repo).outputs["exit-code"] == "1"


def test_pin_check_gate_fails_on_an_unpinned_image(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "Dockerfile").write_text("FROM alpine:3.19\n", encoding="utf-8")
    run = run_action({"paths": "Dockerfile", "pin-check": "true"}, repo)
    assert run.outputs["pin-exit-code"] == "1"
    assert "::error file=Dockerfile,line=1,col=6,title=devcon pin::" in run.step("pin").stdout
    assert run.step("gate").code == 1
    assert "devcon pin --check failed (exit 1)" in run.step("gate").stdout


def test_a_parity_that_cannot_run_stops_the_action_with_its_exit_code(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    run = run_action({"parity": "missing/Dockerfile#dev missing/Dockerfile#prod"}, repo)
    assert run.step("parity").code == 2
    assert run.outputs["parity-exit-code"] == "2"
    assert "missing/Dockerfile" in run.step("parity").stderr
    assert not run.step("gate").ran


def test_unreadable_config_stops_validate_with_exit_2(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    config = repo / ".devcontainer" / "devcontainer.json"
    config.write_bytes(b"\xff\xfe not utf-8")
    run = run_action({}, repo)
    assert run.step("validate").code == 2
    assert run.outputs["exit-code"] == "2"
    assert "could not run (exit 2)" in run.step("validate").stdout


def _fake_python3(tmp_path: Path) -> tuple[Path, Path]:
    """A `python3` that makes the venv the step asks for, its `python` recording the pip
    arguments, its `devcon` this environment's."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    log = tmp_path / "pip-args"
    script = bin_dir / "python3"
    script.write_text(
        "#!/bin/bash\nset -e\n"
        '[ "$1 $2" = "-m venv" ] || exit 9\n'
        'mkdir -p "$3/bin"\n'
        f'printf \'#!/bin/bash\\necho "$*" > {log}\\n\' > "$3/bin/python"\n'
        'chmod +x "$3/bin/python"\n'
        f'ln -s {VENV_BIN / "devcon"} "$3/bin/devcon"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir, log


@pytest.mark.parametrize(("version", "spec"), [("", str(REPO)), ("1.2.3", "devcon-toolkit==1.2.3")])
def test_install_step_installs_from_the_checkout_or_the_index(
    tmp_path: Path, version: str, spec: str
) -> None:
    (install,) = [s for s in load_action()["runs"]["steps"] if s.get("id") == "install"]
    repo = tmp_path / "repo"
    repo.mkdir()
    bin_dir, log = _fake_python3(tmp_path)
    context = {
        "inputs": {"version": version},
        "github": {"action_path": str(REPO)},
    }
    env = clean_env(tmp_path)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env.update(RUNNER_TEMP=str(tmp_path / "rt"), GITHUB_PATH=str(tmp_path / "github-path"))
    env.update({k: substitute(str(v), context) for k, v in install["env"].items()})
    done = run_bash(substitute(install["run"], context), repo, env)
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8").split()[-1] == spec
    added = (tmp_path / "github-path").read_text(encoding="utf-8").strip()
    assert added == str(tmp_path / "rt" / "devcon-venv" / "bin")
    assert done.stdout.startswith("devcon ")
