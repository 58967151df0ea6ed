"""Running the shell steps of CI files for real: action.yml's composite steps and the `run:` /
`script:` lines of examples/ci/, with bash, in a temporary repository, against the devcon of
this virtual environment.

`${{ ... }}` expressions are evaluated from the step's context (inputs, github, runner, steps'
outputs); only the forms the project's CI files use are understood (a name, `a == 'x'`,
`a != 'x'`, joined by `&&`), and anything else fails the test, so a new form is noticed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
#: the directory holding this environment's `devcon` command (the editable install)
VENV_BIN = Path(sys.executable).parent
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMPARISON = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")


def _lookup(name: str, context: Mapping[str, Any]) -> str:
    value: Any = context
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            if isinstance(value, Mapping) and name.startswith("steps."):
                return ""  # an output of a step that did not run (or set none) is empty
            raise AssertionError(f"expression names something unknown: {name}")
        value = value[part]
    return str(value)


def evaluate(expression: str, context: Mapping[str, Any]) -> str | bool:
    """The value of one `${{ }}` expression's inside."""
    parts = [p.strip() for p in expression.split("&&")]
    if len(parts) == 1 and not _COMPARISON.match(parts[0]):
        if not re.fullmatch(r"[\w.-]+", parts[0]):
            raise AssertionError(f"an expression form the test does not know: {expression}")
        return _lookup(parts[0], context)
    for part in parts:
        match = _COMPARISON.match(part)
        if match is None:
            raise AssertionError(f"an expression form the test does not know: {expression}")
        name, operator, literal = match.groups()
        equal = _lookup(name, context) == literal
        if equal != (operator == "=="):
            return False
    return True


def substitute(text: str, context: Mapping[str, Any]) -> str:
    """`text` with every `${{ }}` replaced by its value."""
    return _EXPRESSION.sub(lambda m: str(evaluate(m.group(1), context)), text)


def condition(text: str | bool | None, context: Mapping[str, Any]) -> bool:
    """A step's `if:` (GitHub adds `success()`: the runner below stops at the first failure)."""
    if text is None:
        return True
    if isinstance(text, bool):
        return text
    inner = _EXPRESSION.fullmatch(text.strip())
    value = evaluate(inner.group(1) if inner else text, context)
    return value if isinstance(value, bool) else value not in ("", "false", "0")


def clean_env(workdir: Path) -> dict[str, str]:
    """The environment a step runs in: this venv's devcon first on PATH, no DEVCON_* or
    GITHUB_* of the machine running the tests, a cache under the temporary folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "DEVCON_", "RUNNER_", "INPUT_"))
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["XDG_CACHE_HOME"] = str(workdir / ".cache")
    env["NO_COLOR"] = "1"
    return env


def run_bash(script: str, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """A script as GitHub's `shell: bash` runs it: `bash --noprofile --norc -eo pipefail`."""
    path = cwd.parent / f".step-{abs(hash(script))}.sh"
    path.write_text(script, encoding="utf-8")
    try:
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        path.unlink()


@dataclass
class StepRun:
    id: str
    ran: bool
    code: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]

    @property
    def failed(self) -> bool:
        return any(s.code not in (None, 0) for s in self.steps)

    def step(self, step_id: str) -> StepRun:
        (found,) = [s for s in self.steps if s.id == step_id]
        return found


def load_action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return action


def run_action(
    inputs: Mapping[str, str], repo: Path, skip: frozenset[str] = frozenset({"install"})
) -> ActionRun:
    """Run action.yml's composite steps in `repo` as the runner would: inputs with their
    defaults, each step's `if:` and `env:` evaluated, outputs through $GITHUB_OUTPUT, stopping
    at the first failing step. Steps whose id is in `skip` are not run (the install step: this
    venv's devcon is already on PATH)."""
    action = load_action()
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"action.yml has no inputs {unknown}"
    values.update(inputs)
    runner_temp = repo.parent / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    context: dict[str, Any] = {
        "inputs": values,
        "github": {"action_path": str(REPO), "workspace": str(repo)},
        "runner": {"temp": str(runner_temp)},
        "steps": {},
    }
    runs: list[StepRun] = []
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        assert step.get("shell") == "bash" and "run" in step, step_id
        if step_id in skip or any(r.code not in (None, 0) for r in runs):
            runs.append(StepRun(step_id, ran=False))
            continue
        if not condition(step.get("if"), context):
            runs.append(StepRun(step_id, ran=False))
            continue
        output_file = runner_temp / f"output-{step_id}"
        output_file.write_text("", encoding="utf-8")
        env = clean_env(repo.parent)
        env.update(
            GITHUB_OUTPUT=str(output_file),
            GITHUB_PATH=str(runner_temp / "path"),
            GITHUB_WORKSPACE=str(repo),
            RUNNER_TEMP=str(runner_temp),
        )
        env.update({k: substitute(str(v), context) for k, v in step.get("env", {}).items()})
        done = run_bash(substitute(step["run"], context), repo, env)
        outputs = dict(
            line.split("=", 1)
            for line in output_file.read_text(encoding="utf-8").splitlines()
            if "=" in line
        )
        context["steps"][step_id] = {"outputs": outputs}
        runs.append(StepRun(step_id, True, done.returncode, done.stdout, done.stderr, outputs))
    outputs = {
        name: substitute(str(spec["value"]), context) for name, spec in action["outputs"].items()
    }
    return ActionRun(runs, outputs)
