"""dependencies-after-code: the whole context copied before the dependency install."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.dependencies_after_code import RULE


def check(text: str) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.DEV)))


def test_reported_at_the_copy_with_the_install_line() -> None:
    (problem,) = check(
        "FROM python:3\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    )
    assert (problem.line, problem.column) == (3, 1)
    assert "line 4: `pip install -r requirements.txt`" in problem.message
    assert "`requirements.txt`" in problem.message


def test_whole_context_forms() -> None:
    for copy in (
        "COPY . .",
        "COPY ./ ./",
        "COPY . /app",
        "ADD . .",
        "COPY --chown=a:b . .",
        'COPY [".", "/app"]',
        "COPY --link . /srv/",
    ):
        assert len(check(f"FROM node\n{copy}\nRUN npm ci\n")) == 1, copy
    assert check("FROM node\nCOPY --from=build . .\nRUN npm ci\n") == []
    assert check("FROM node\nCOPY src/ ./src/\nRUN npm ci\n") == []


def test_installs() -> None:
    installs = {
        "pip install -e .": "pyproject.toml",
        "conda env create -f environment.yml": "environment.yml",
        "poetry install": "poetry.lock",
        "uv sync --frozen": "uv.lock",
        "pipenv install --deploy": "Pipfile",
        "yarn install --frozen-lockfile": "yarn.lock",
        "yarn": "yarn.lock",
        "bundle install": "Gemfile",
        "go mod download": "go.sum",
    }
    for install, manifest in installs.items():
        (problem,) = check(f"FROM x\nCOPY . .\nRUN {install}\n")
        assert manifest in problem.message, install
    for other in (
        "npm install -g eslint",
        "pip install --no-deps -e .",
        "pip install flask==3",
        "poetry install --only-root",
        "npm run build",
    ):
        assert check(f"FROM x\nCOPY . .\nRUN {other}\n") == [], other


def test_manifests_first_then_project() -> None:
    text = (
        "FROM python:3\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        "COPY . .\nRUN pip install -e .\n"
    )
    assert check(text) == []


def test_parent_stage_copy_reported_once() -> None:
    text = "FROM node AS base\nCOPY . .\nFROM base AS a\nRUN npm ci\nFROM base\nRUN npm ci\n"
    (problem,) = check(text)
    assert problem.line == 2
