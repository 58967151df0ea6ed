"""The wheel users install (built from the source, installed into a fresh venv, run from
outside the repository), and the editable install finding the same data.

How, offline and in seconds: `pip wheel --no-deps --no-build-isolation` builds devcon's wheel
from a copy of the source (so nothing is written into the working tree) with the setuptools
already in the test venv, asking no package index. A fresh venv is made without pip
(`python -m venv --without-pip`) and the test venv's pip installs only the wheel into it
(`pip --python FRESH install --no-deps --no-index`). Its dependencies (typer, jsonschema, ...)
are not installed a second time: a `.pth` file in the fresh venv names the test venv's
site-packages as a plain path. Python adds such a line to sys.path without running that
folder's own `.pth` files, so the editable install's import hook there stays off, the fresh
venv's own site-packages comes first, and `import devcon` finds the wheel's copy (checked:
devcon.__file__ is in the fresh venv). The installed command then runs with a temporary folder
as its working directory and no PYTHONPATH, so the source tree cannot be what runs.
"""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import devcon

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "python-project"

PROBE = """
import json, devcon, devcon.resources as r
print(devcon.__file__)
print(sorted(p.name for p in r.schemas_root().iterdir() if p.name.endswith('.json')))
print((r.templates_root() / 'README.md').is_file())
print(json.loads(r.schema_text('devcontainer.schema.json'))['$schema'])
"""
DISTRIBUTION = "devcon-toolkit"
# what the build reads: the code and data the wheel ships, the readme and license of its metadata
_SOURCE = ("pyproject.toml", "README.md", "LICENSE", "devcon", "schemas", "templates")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
        env["NO_COLOR"] = "1"
        return subprocess.run(
            [str(self.venv / "bin" / args[0]), *args[1:]],
            cwd=self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in _SOURCE:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.is_file():
            shutil.copy2(path, source / name)
    dist = base / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, source],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("*.whl")
    venv = base / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    fresh_python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", fresh_python, "install", "--no-deps", "--no-index", wheel],
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh_site = subprocess.run(
        [fresh_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(fresh_site) / "_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    workdir = base / "elsewhere"
    (workdir / "repo" / ".devcontainer").mkdir(parents=True)
    yield Installed(wheel, venv, workdir)


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def test_the_wheel_is_devcon_toolkit_with_complete_metadata(installed: Installed) -> None:
    assert installed.wheel.name.startswith("devcon_toolkit-")
    meta = _metadata(installed.wheel)
    assert meta["Name"] == DISTRIBUTION
    assert meta["Version"] == devcon.__version__
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in meta.get_all("License-File", [])
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta["Requires-Python"] == ">=3.11"
    assert "pip install devcon-toolkit" in (meta.get_payload() or "")
    classifiers = set(meta.get_all("Classifier", []))
    assert {
        "Environment :: Console",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Topic :: Software Development :: Quality Assurance",
    } <= classifiers
    assert meta["Author"] == "devcon developers"
    assert "devcontainer" in (meta["Keywords"] or "")


def test_the_wheel_ships_every_module_and_data_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    wanted = {
        f"devcon/{p.relative_to(ROOT / 'devcon').as_posix()}"
        for p in (ROOT / "devcon").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in {".py", ".json", ".typed"}
    }
    wanted |= {f"devcon/schemas/{p.name}" for p in (ROOT / "schemas").glob("*.json")}
    wanted |= {
        f"devcon/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert {"devcon/py.typed", "devcon/compat/knowledge.json"} <= wanted
    assert sorted(wanted - names) == []
    entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert len(entry_points) == 1


def test_the_installed_command_runs_from_the_wheel(installed: Installed) -> None:
    where = subprocess.run(
        [
            installed.venv / "bin" / "python",
            "-c",
            PROBE + f"import importlib.metadata as m; print(m.version('{DISTRIBUTION}'))",
        ],
        cwd=installed.workdir,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    ).stdout.split("\n")
    assert Path(where[0]).is_relative_to(installed.venv), "the wheel's copy must be imported"
    assert "devcontainer.schema.json" in where[1] and "devcon-config.schema.json" in where[1]
    assert where[2] == "True"
    assert "json-schema.org" in where[3]
    assert where[4] == devcon.__version__

    version = installed.run("devcon", "--version")
    assert (version.returncode, version.stdout) == (0, f"devcon {devcon.__version__}\n")

    config = installed.workdir / "repo" / ".devcontainer" / "devcontainer.json"
    config.write_text(
        '{\n  "name": "x",\n'
        '  "image": "mcr.microsoft.com/devcontainers/base:bookworm@sha256:' + "a" * 64 + '"\n}\n',
        encoding="utf-8",
    )
    good = installed.run("devcon", "validate", "repo")
    assert (good.returncode, good.stderr) == (0, ""), good.stdout
    config.write_text('{\n  "image": "python:latest",\n}\n', encoding="utf-8")
    bad = installed.run("devcon", "validate", "repo", "--format", "json")
    assert bad.returncode == 1, bad.stderr
    assert '"image-latest"' in bad.stdout and '"trailing-comma"' in bad.stdout

    example = installed.run("devcon", "validate", str(EXAMPLE))
    assert (example.returncode, example.stdout) == (0, "2 files checked: no findings\n")

    templates = installed.run("devcon", "init", "--list-templates")
    assert templates.returncode == 0, templates.stderr
    assert "python" in templates.stdout and "jupyter" in templates.stdout


def test_editable_install_reads_the_repository_files(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    lines = probe.stdout.splitlines()
    assert lines[0] == str(ROOT / "devcon" / "__init__.py")
    assert lines[2] == "True"
    root = subprocess.run(
        [sys.executable, "-c", "import devcon.resources as r; print(r.schemas_root())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(root.stdout.strip()) == ROOT / "schemas"


def test_help_does_not_import_heavy_modules(tmp_path: Path) -> None:
    code = (
        "import sys; from devcon.cli.app import main; main(['--help']);"
        "print(sorted(m for m in ('jsonschema', 'docker', 'requests', 'yaml') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip().splitlines()[-1] == "[]"
