"""`devcon init` (issue 14): the prod CMD runs what the repository has, and the notes name
every manifest problem `devcon validate` reports right after init.

A fake digest resolver stands in for the registry (tests/integration/test_init.py builds the
images on the real engine).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.dockerfile.packages import pip_name
from devcon.scaffold import InitRequest, InitResult, plan_and_write

DIGEST = "sha256:" + "0123456789abcdef" * 4


def _resolve(reference: str) -> str:
    return DIGEST


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _init(root: Path, **kwargs: object) -> InitResult:
    return plan_and_write(InitRequest(root=root, **kwargs), _resolve)  # type: ignore[arg-type]


def _dockerfile(root: Path) -> str:
    return (root / ".devcontainer" / "Dockerfile").read_text()


# -- the prod CMD -------------------------------------------------------------------------


def test_cmd_runs_the_src_package_not_the_folder_name(tmp_path: Path) -> None:
    root = _repo(
        tmp_path / "ds_repo",
        {"requirements.txt": "numpy==2.1.3\n", "src/churn/__main__.py": "print('hi')\n"},
    )
    result = _init(root, template="python")
    text = _dockerfile(root)
    assert "ds_repo" not in text
    assert 'CMD ["python", "-m", "churn"]' in text
    assert "ENV PYTHONPATH=/workspace/src" in text  # the requirements.txt image does not install
    assert not any("entry point" in n for n in result.notes)


def test_cmd_uses_the_package_not_the_project_name(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "my_pkg"\nversion = "1"\ndependencies = ["numpy==2.1.3"]\n'
    root = _repo(tmp_path / "repo", {"pyproject.toml": pyproject, "src/mypkg/__main__.py": ""})
    _init(root, template="python")
    text = _dockerfile(root)
    assert 'CMD ["python", "-m", "mypkg"]' in text and "my_pkg" not in text


def test_cmd_runs_the_console_script_the_image_installs(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "churn"\nversion = "1"\ndependencies = []\n'
        '[project.scripts]\nchurn-serve = "churn.serve:main"\n'
    )
    root = _repo(tmp_path / "repo", {"pyproject.toml": pyproject, "src/churn/serve.py": ""})
    _init(root, template="python")
    text = _dockerfile(root)
    assert "RUN pip install --no-cache-dir --no-deps ." in text
    assert 'CMD ["churn-serve"]' in text


def test_without_an_entry_point_the_cmd_fails_saying_where_to_set_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path / "ds_repo", {"requirements.txt": "", "src/churn/model.py": ""})
    result = _init(root, template="python")
    text = _dockerfile(root)
    assert "ds_repo" not in text and '"-m"' not in text
    cmd = json.loads(text.split("\nCMD ", 1)[1].splitlines()[0])
    assert cmd[:2] == ["sh", "-c"] and "exit 1" in cmd[2]
    assert "set the CMD of the prod stage in .devcontainer/Dockerfile" in cmd[2]
    assert any(n.startswith("no entry point found") for n in result.notes)
    for target in ("dev", "prod"):  # the failing CMD passes devcon's own checks
        assert main(["validate", "--profile", target, str(root), "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["findings"] == []


def test_dockerfile_at_root_names_its_own_path(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"requirements.txt": ""})
    _init(root, template="python", dockerfile_at_root=True)
    assert "set the CMD of the prod stage in Dockerfile'" in (root / "Dockerfile").read_text()


# -- notes on every manifest ---------------------------------------------------------------


def test_unpinned_requirements_are_named(tmp_path: Path) -> None:
    root = _repo(
        tmp_path / "repo",
        {
            "requirements.txt": "numpy==2.1.3\npandas\nscikit-learn>=1.5\n-r extra.txt\n",
            "extra.txt": "seaborn\n",
            "poetry.lock": "",
            "Pipfile.lock": "{}",
            "pdm.lock": "",
            "conda-lock.yml": "",
        },
    )
    notes = _init(root, template="python").notes
    [requirements] = [n for n in notes if n.startswith("requirements.txt:")]
    assert "pandas" in requirements and "scikit-learn>=1.5" in requirements
    assert "numpy" not in requirements and "unpinned-package" in requirements
    assert any(n.startswith("extra.txt: 1 entry") and "seaborn" in n for n in notes)
    for lock in ("poetry.lock", "Pipfile.lock", "pdm.lock", "conda-lock.yml"):
        assert f"{lock} is not read: the image installs requirements.txt" in notes


def test_unpinned_environment_yml_is_named(tmp_path: Path) -> None:
    env = "name: base\ndependencies:\n  - python=3.12\n  - numpy\n  - pip:\n    - requests\n"
    root = _repo(tmp_path / "repo", {"environment.yml": env})
    notes = _init(root, template="conda").notes
    [note] = [n for n in notes if n.startswith("environment.yml:")]
    assert "numpy" in note and "requests" in note and "python" not in note.split("(")[1]


def test_a_credential_in_a_requirement_is_not_repeated(tmp_path: Path) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0" * 2
    requirement = f"git+https://user:{token}@github.com/org/lib.git\n"
    root = _repo(tmp_path / "repo", {"requirements.txt": requirement})
    notes = _init(root, template="python").notes
    assert notes and not any(token in n for n in notes)


DATA_SCIENCE_REPOS = {
    "requirements": {
        "requirements.txt": "numpy\npandas>=2\nscikit-learn==1.5.2\nmatplotlib\n",
        "src/churn/__main__.py": "",
        "notebooks/eda.ipynb": "{}",
    },
    "environment": {
        "environment.yml": (
            "name: base\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n"
            "  - pandas\n  - pip\n  - pip:\n    - xgboost\n"
        ),
        "train.ipynb": "{}",
        "main.py": "",
    },
    "pyproject": {
        "pyproject.toml": (
            '[project]\nname = "churn-model"\nversion = "0.1"\n'
            'dependencies = ["pandas", "numpy>=2"]\n'
        ),
        "src/churn/__main__.py": "",
        "poetry.lock": "",
    },
}


@pytest.mark.parametrize("repo", sorted(DATA_SCIENCE_REPOS))
@pytest.mark.parametrize("template", [None, "python"])
def test_validate_after_init_reports_only_what_init_named(
    tmp_path: Path, repo: str, template: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path / "repo", DATA_SCIENCE_REPOS[repo])
    notes = _init(root, template=template).notes
    code = main(["validate", str(root), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == (1 if findings else 0)
    for finding in findings:
        quoted = re.search(r"`([^`]+)`", finding["message"])
        name = pip_name(quoted.group(1)) if quoted else finding["path"]
        assert any(finding["rule"] in n and name in n for n in notes), (finding, notes)


# -- .dockerignore ---------------------------------------------------------------------------

KEPT_OUT = (
    ".dockerignore.bak",
    "foo.bak",
    "notebooks/old.ipynb.bak",
    "requirements.txt.bak2",
    ".devcontainer/devcontainer.json",
    ".devcontainer/Dockerfile",
    ".git/config",
    ".venv/bin/python",
    "sub/venv/bin/python",
    "src/pkg/__pycache__/m.cpython-312.pyc",
    ".cache/pip/x",
    ".tox/py312/x",
    ".mypy_cache/x",
)


def test_dockerignore_keeps_backups_the_dev_container_caches_and_venvs_out(
    tmp_path: Path,
) -> None:
    from devcon.rules.secret_file_copied import is_ignored, parse_dockerignore

    root = _repo(tmp_path / "repo", {"requirements.txt": ""})
    _init(root, template="python")
    patterns = parse_dockerignore((root / ".dockerignore").read_text())
    assert [p for p in KEPT_OUT if not is_ignored(p, patterns)] == []
    for kept in ("requirements.txt", "src/pkg/__main__.py", "notebooks/eda.ipynb", "main.py"):
        assert not is_ignored(kept, patterns)


def test_no_template_copies_what_the_dockerignore_leaves_out(tmp_path: Path) -> None:
    from devcon.resources import templates_root
    from devcon.rules.secret_file_copied import is_ignored, parse_dockerignore

    patterns = parse_dockerignore((templates_root() / "_common" / "dockerignore").read_text())
    copied = set()
    for dockerfile in templates_root().glob("*/Dockerfile*"):
        for line in dockerfile.read_text().splitlines():
            if line.startswith(("COPY ", "ADD ")):
                words = [w for w in line.split()[1:] if not w.startswith("--")]
                copied.update(words[:-1])
    assert copied >= {".", "requirements.txt", "pyproject.toml", "environment.yml"}
    assert [c for c in copied if c != "." and is_ignored(c, patterns)] == []
