"""The pre-commit hooks (.pre-commit-hooks.yaml) run for real: `pre-commit try-repo` on a copy
of this working tree, in a temporary git repository with good and bad files.

try-repo clones the hook repository at HEAD (with a dirty tree: HEAD plus the staged and
tracked changes, never untracked files), and installs it into a virtualenv of its own temporary
store (PRE_COMMIT_HOME does not apply to try-repo). The test commits a copy of the working tree
(tracked and untracked files, .gitignore honoured) so the hooks run exactly the code under
test, and runs both hooks in ONE try-repo: one install from the package index per run (about
17 s here with pip's cache warm).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIGEST = "sha256:" + "0123456789abcdef" * 4
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "devcon tests",
    "GIT_AUTHOR_EMAIL": "tests@devcon.invalid",
    "GIT_COMMITTER_NAME": "devcon tests",
    "GIT_COMMITTER_EMAIL": "tests@devcon.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **_GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _working_tree_copy(target: Path) -> Path:
    """This repository's working tree as a one-commit repository: what try-repo installs."""
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "working tree")
    return target


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _project(root: Path) -> list[str]:
    """A repository with a config whose Dockerfile installs requirements.txt (one unpinned
    entry), a bad config (a deprecated property), a good one, and a `.bak` copy of a
    Dockerfile with an unpinned base; every image that devcon reads is pinned."""
    _git(root, "init", "-q")
    _write(
        root / ".devcontainer" / "devcontainer.json",
        '{"build": {"dockerfile": "Dockerfile", "context": ".."}, "remoteUser": "dev"}\n',
    )
    _write(
        root / ".devcontainer" / "Dockerfile",
        f"FROM python:3.12-slim@{DIGEST}\nCOPY requirements.txt /tmp/\n"
        "RUN pip install --no-cache-dir -r /tmp/requirements.txt\nUSER dev\n",
    )
    _write(root / "requirements.txt", "requests\n")
    _write(
        root / ".devcontainer" / "bad" / "devcontainer.json",
        f'{{"image": "python:3.12@{DIGEST}", "extensions": ["ms-python.python"]}}\n',
    )
    _write(
        root / "good" / ".devcontainer.json",
        f'{{"image": "python:3.12@{DIGEST}", "remoteUser": "vscode"}}\n',
    )
    _write(root / "Dockerfile.bak", "FROM python:3.12\n")
    _write(root / "README.md", "not a file the hooks take\n")
    _git(root, "add", "-A")
    return [
        "requirements.txt",
        ".devcontainer/bad/devcontainer.json",
        "good/.devcontainer.json",
        "Dockerfile.bak",
        "README.md",
    ]


def test_pre_commit_try_repo_runs_both_hooks_on_the_files_passed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    hooks = _working_tree_copy(tmp_path_factory.mktemp("hook-repo"))
    project = tmp_path_factory.mktemp("project")
    files = _project(project)
    env = {
        **os.environ,
        **_GIT_ENV,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("DEVCON_DEBUG", None)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "--color=never"]
    done = subprocess.run(
        [*command, "--files", *files],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    # pin --check: every reference it reads is pinned; the .bak copy (unpinned) is skipped,
    # requirements.txt is checked through the config that installs it: no exit 2
    assert "devcon pin --check" in out
    pin_line = next(line for line in out.splitlines() if line.startswith("devcon pin --check"))
    assert pin_line.endswith("Passed"), out
    # validate: the bad config's finding, and the requirement file's through its Dockerfile
    validate_line = next(line for line in out.splitlines() if line.startswith("devcon validate"))
    assert validate_line.endswith("Failed"), out
    assert "- exit code: 1" in out and "exit code: 2" not in out, out
    assert ".devcontainer/bad/devcontainer.json:1:" in out and "deprecated-property" in out
    assert "requirements.txt:1:1: unpinned-package" in out, out
    assert "good/.devcontainer.json:" not in out, out
    assert "Dockerfile.bak:" not in out and "README.md" not in out, out
    assert "Traceback" not in out, out


def test_readme_snippet_takes_the_files_the_shipped_hooks_take() -> None:
    """README's `.pre-commit-config.yaml` snippet is valid YAML whose hooks match the shipped
    .pre-commit-hooks.yaml: the same ids, entries, language and `files` pattern."""
    import yaml

    shipped = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### pre-commit\n", 1)[1]
    snippet = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (repo,) = yaml.safe_load(snippet)["repos"]
    documented = {hook["id"]: hook for hook in repo["hooks"]}
    assert documented.keys() == shipped.keys() == {"devcon-validate", "devcon-pin-check"}
    for hook_id, hook in documented.items():
        for key in ("entry", "language", "files", "require_serial"):
            assert hook[key] == shipped[hook_id][key], (hook_id, key)
