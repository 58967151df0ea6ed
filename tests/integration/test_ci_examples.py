"""The recipes of examples/ci/ run: every devcon command line of the GitHub workflow and the
GitLab job, and the workflow's action step (through action.yml's own steps), in a copy of
examples/python-project whose base is the harness registry's image (so `parity` reads a real
registry). Installing (`pip install devcon-toolkit`, `actions/*`) is left out: this venv's
devcon is on PATH."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.ci_support import REPO, clean_env, run_action, run_bash
from tests.unit.test_ci_formats import CODE_QUALITY
from tests.unit.test_report_formats import SARIF_STRUCTURE

EXAMPLES = REPO / "examples" / "ci"


def _repo(tmp_path: Path, base_ref: str, base_digest: str) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "examples" / "python-project", repo)
    dockerfile = repo / ".devcontainer" / "Dockerfile"
    lines = dockerfile.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("FROM "))
    lines[first] = f"FROM {base_ref}@{base_digest} AS base\n"
    dockerfile.write_text("".join(lines), encoding="utf-8")
    return repo


def _devcon_lines(commands: list[str]) -> list[str]:
    return [line for text in commands for line in text.splitlines() if line.startswith("devcon ")]


def _run_lines(lines: list[str], repo: Path) -> None:
    assert lines
    for line in lines:
        done = run_bash(line + "\n", repo, clean_env(repo.parent))
        assert done.returncode == 0, (line, done.stdout, done.stderr)


def test_github_workflow_recipe_runs(tmp_path: Path, base_image: Any) -> None:
    repo = _repo(tmp_path, base_image.ref, base_image.digest)
    workflow = yaml.safe_load((EXAMPLES / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = _devcon_lines([s["run"] for s in steps if "run" in s])
    assert any(line.startswith("devcon parity ") for line in runs)
    _run_lines(runs, repo)
    (action_step,) = [s for s in steps if str(s.get("uses", "")).startswith("devcon-dev/devcon@")]
    run = run_action({k: str(v) for k, v in action_step["with"].items()}, repo)
    assert not run.failed, [(s.id, s.code, s.stdout, s.stderr) for s in run.steps]
    (upload,) = [s for s in steps if "upload-sarif" in str(s.get("uses", ""))]
    log = json.loads((repo / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SARIF_STRUCTURE).validate(log)


def test_gitlab_recipe_runs_and_writes_a_code_quality_report(
    tmp_path: Path, base_image: Any
) -> None:
    repo = _repo(tmp_path, base_image.ref, base_image.digest)
    jobs = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))
    scripts = [line for job in jobs.values() for line in job["script"]]
    _run_lines(_devcon_lines(scripts), repo)
    report = repo / jobs["devcon"]["artifacts"]["reports"]["codequality"]
    issues = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(CODE_QUALITY).validate(issues)
    assert issues == []
    (repo / ".devcontainer" / "devcontainer.json").write_text(
        '{"image": "python:latest"}\n', encoding="utf-8"
    )
    validate = next(line for line in _devcon_lines(scripts) if "--format gitlab" in line)
    done = run_bash(validate + "\n", repo, clean_env(tmp_path))
    assert done.returncode == 1
    issues = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(CODE_QUALITY).validate(issues)
    assert {i["location"]["path"] for i in issues} == {".devcontainer/devcontainer.json"}
