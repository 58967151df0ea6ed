"""schemas/ and templates/ are found at run time from a wheel install and an editable one."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "python-project"

PROBE = """
import json, devcon, devcon.resources as r
print(devcon.__file__)
print(sorted(p.name for p in r.schemas_root().iterdir() if p.name.endswith('.json')))
print((r.templates_root() / 'README.md').is_file())
print(json.loads(r.schema_text('devcontainer.schema.json'))['$schema'])
"""


def _pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-build-isolation", "--no-deps", "-w", str(out), str(REPO))
    (built,) = out.glob("devcon-*.whl")
    return built


def test_wheel_contains_schemas_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "devcon/schemas/devcontainer.schema.json" in names
    assert "devcon/schemas/devcon-config.schema.json" in names
    assert "devcon/templates/README.md" in names
    assert "devcon/py.typed" in names


def test_wheel_has_every_package_of_the_source_tree(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (REPO / "devcon").rglob("__init__.py"):
        relative = init.relative_to(REPO).as_posix()
        assert relative in names, f"{relative} is missing from the wheel (pyproject packages)"
    assert "devcon/compat/knowledge.json" in names


def test_wheel_install_finds_data_and_validates(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    _pip("install", "--no-deps", "--target", str(target), str(wheel))
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = probe.stdout.splitlines()
    assert lines[0].startswith(str(target)), "the wheel's copy must be the one imported"
    assert "devcontainer.schema.json" in lines[1] and "devcon-config.schema.json" in lines[1]
    assert lines[2] == "True"
    assert "json-schema.org" in lines[3]
    run = subprocess.run(
        [sys.executable, "-m", "devcon", "validate", str(EXAMPLE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no findings" in run.stdout


def test_editable_install_reads_the_repository_files(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    lines = probe.stdout.splitlines()
    assert lines[0] == str(REPO / "devcon" / "__init__.py")
    assert lines[2] == "True"
    root = subprocess.run(
        [sys.executable, "-c", "import devcon.resources as r; print(r.schemas_root())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(root.stdout.strip()) == REPO / "schemas"


def test_help_does_not_import_heavy_modules(tmp_path: Path) -> None:
    code = (
        "import sys; from devcon.cli.app import main; main(['--help']);"
        "print(sorted(m for m in ('jsonschema', 'docker', 'requests', 'yaml') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip().splitlines()[-1] == "[]"
