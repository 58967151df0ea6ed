"""alpine-data-science: compiled Python packages or a toolchain on an Alpine base."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.dockerfile.stages import is_alpine
from devcon.rules.alpine_data_science import RULE
from devcon.rules.base import DockerfileContext, Problem, Profile


def check(text: str, context: Path | None = None) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.PROD, context)))


def test_alpine_bases() -> None:
    for base in (
        "alpine",
        "alpine:3.20",
        "python:3.12-alpine",
        "node:22-alpine3.20",
        "docker.io/library/alpine:3",
        "ghcr.io/acme/alpine-python:1",
    ):
        df = parse_dockerfile(f"FROM {base}\n")
        assert is_alpine(df.stages[0]), base
    for base in ("python:3.12-slim", "debian", "alpine.example.com/python:3.12"):
        df = parse_dockerfile(f"FROM {base}\n")
        assert not is_alpine(df.stages[0]), base


def test_compiled_package_once_per_run() -> None:
    (problem,) = check(
        "FROM python:3.12-alpine\nRUN pip install flask numpy pandas && pip install scipy\n"
    )
    assert (problem.line, problem.column) == (2, 23)
    assert "`numpy`, `pandas`" in problem.message
    assert "musl" in problem.message and "musllinux" in problem.message
    assert "python:3.12-slim" in problem.message


def test_not_alpine_or_not_compiled() -> None:
    assert check("FROM python:3.12-slim\nRUN pip install numpy\n") == []
    assert check("FROM python:3.12-alpine\nRUN pip install flask requests\n") == []


def test_toolchain_with_pip_in_the_stage() -> None:
    text = (
        "FROM python:3.12-alpine\n"
        "RUN apk add --no-cache build-base musl-dev\n"
        "RUN pip install flask\n"
    )
    (problem,) = check(text)
    assert problem.line == 2 and "`build-base`, `musl-dev`" in problem.message
    # no pip: a C toolchain on Alpine is not this rule's business
    assert check("FROM alpine\nRUN apk add --no-cache build-base\n") == []
    # Fortran and BLAS headers are about scientific builds
    assert len(check("FROM alpine\nRUN apk add --no-cache gfortran openblas-dev\n")) == 1


def test_parent_stage_on_alpine() -> None:
    text = "FROM python:3.12-alpine AS base\nFROM base\nRUN pip install torch\n"
    (problem,) = check(text)
    assert problem.line == 3 and "`python:3.12-alpine`" in problem.message


def test_requirements_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask==3.1.0\npyarrow==18.0.0\n")
    text = "FROM python:3.12-alpine\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    (problem,) = check(text, tmp_path)
    assert (problem.line, problem.column) == (3, 20)
    assert "`pyarrow` (from `requirements.txt`)" in problem.message
