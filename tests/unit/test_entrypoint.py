"""devcon.entrypoint: the prod CMD comes from what the repository has, never from its name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devcon.entrypoint import MAX_ENTRIES, EntryPoint, find_entry_point


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_src_package_of_a_repository_named_otherwise(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ds_repo", {"src/churn/__main__.py": "", "src/churn/__init__.py": ""})
    assert find_entry_point(repo, None, False) == EntryPoint(
        ("python", "-m", "churn"), "src/churn/__main__.py", "src"
    )


def test_src_package_named_unlike_the_project(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"src/mypkg/__main__.py": ""})
    entry = find_entry_point(repo, {"name": "my_pkg"}, True)
    assert entry is not None and entry.command == ("python", "-m", "mypkg")
    assert entry.pythonpath == "src"


def test_flat_package_runs_from_the_workdir(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"tool/__main__.py": "", "docs/readme.md": ""})
    assert find_entry_point(repo, None, False) == EntryPoint(
        ("python", "-m", "tool"), "tool/__main__.py", None
    )


def test_the_package_named_like_the_project_wins(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"src/aaa/__main__.py": "", "src/my_pkg/__main__.py": ""})
    entry = find_entry_point(repo, {"name": "My-Pkg"}, False)
    assert entry is not None and entry.command == ("python", "-m", "my_pkg")


def test_script_when_the_project_is_installed(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"src/churn/cli.py": "", "src/churn/__main__.py": ""})
    project = {"name": "churn", "scripts": {"churn-train": "churn.cli:main"}}
    entry = find_entry_point(repo, project, True)
    assert entry == EntryPoint(("churn-train",), "[project.scripts] churn-train = churn.cli:main")


def test_script_function_called_when_the_project_is_not_installed(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"src/churn/cli.py": ""})
    project = {"scripts": {"train": "churn.cli:app.run"}}
    entry = find_entry_point(repo, project, False)
    assert entry is not None
    assert entry.command == (
        "python",
        "-c",
        "import sys; from churn.cli import app; sys.exit(app.run())",
    )
    assert entry.pythonpath == "src"


def test_script_whose_module_is_missing_is_not_used(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"main.py": ""})
    project = {"scripts": {"x": "nowhere.cli:main"}}
    assert find_entry_point(repo, project, True) == EntryPoint(("python", "main.py"), "main.py")


@pytest.mark.parametrize(
    "target",
    [
        "os; rm -rf /:main",
        "churn.cli:main()",
        "churn.cli",
        "churn.cli:class",
        'churn.cli:main"]',
        "churn..cli:main",
        "ch\u00fcrn.cli:main",
    ],
)
def test_hostile_script_targets_are_refused(tmp_path: Path, target: str) -> None:
    repo = _repo(tmp_path / "repo", {"src/churn/cli.py": ""})
    assert find_entry_point(repo, {"scripts": {"x": target}}, True) is None


def test_hostile_script_names_are_refused(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"src/churn/cli.py": ""})
    project = {"scripts": {'x"; rm -rf /': "churn.cli:main", "-x": "churn.cli:main"}}
    assert find_entry_point(repo, project, True) is None


def test_root_modules(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"app.py": ""})
    assert find_entry_point(repo, None, False) == EntryPoint(("python", "app.py"), "app.py")


def test_nothing_is_invented_from_the_folder_name(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ds_repo", {"requirements.txt": "", "src/churn/model.py": ""})
    assert find_entry_point(repo, {"name": "ds_repo"}, False) is None


def test_names_that_are_not_identifiers_are_skipped(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path / "repo",
        {"src/my-pkg/__main__.py": "", "src/class/__main__.py": "", "2fast/__main__.py": ""},
    )
    assert find_entry_point(repo, None, False) is None


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = _repo(tmp_path / "outside", {"pkg/__main__.py": "", "main.py": "", "m.py": ""})
    repo = _repo(tmp_path / "repo", {"lib/__init__.py": ""})
    os.symlink(outside / "pkg", repo / "linked")  # a package folder linked out of the repo
    (repo / "own").mkdir()
    os.symlink(outside / "pkg" / "__main__.py", repo / "own" / "__main__.py")
    os.symlink(outside / "main.py", repo / "main.py")
    os.symlink(outside, repo / "src")
    os.symlink(outside / "m.py", repo / "lib" / "cli.py")
    assert find_entry_point(repo, {"scripts": {"x": "lib.cli:main"}}, False) is None


def test_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    for index in range(MAX_ENTRIES + 50):
        (repo / "src" / f"p{index:05d}").mkdir()
    read: list[str] = []
    real_scandir = os.scandir

    class Counting:
        def __init__(self, path: Path) -> None:
            self._inner = real_scandir(path)

        def __enter__(self) -> Counting:
            return self

        def __exit__(self, *exc: object) -> None:
            self._inner.close()

        def __iter__(self) -> Counting:
            return self

        def __next__(self) -> os.DirEntry[str]:
            entry = next(self._inner)
            read.append(entry.name)
            return entry

    monkeypatch.setattr("devcon.entrypoint.os.scandir", Counting)
    assert find_entry_point(repo, None, False) is None
    # src/ cut at the bound (one entry past it is read to know), and the root's one entry
    assert MAX_ENTRIES <= len(read) <= MAX_ENTRIES + 2
