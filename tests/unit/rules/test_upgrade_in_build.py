"""upgrade-in-build: RUN commands that upgrade packages at build time."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.upgrade_in_build import RULE


def check(text: str, context: Path | None = None) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.DEV, context)))


def test_apt_upgrades() -> None:
    for action in ("upgrade", "dist-upgrade", "full-upgrade"):
        (problem,) = check(f"FROM debian\nRUN apt-get update && apt-get -y {action}\n")
        assert (problem.line, problem.column) == (2, 23)
        assert f"`apt-get {action}`" in problem.message
    assert len(check("FROM debian\nRUN apt upgrade -y\n")) == 1
    assert check("FROM debian\nRUN apt-get update && apt-get install -y x=1\n") == []


def test_apk() -> None:
    assert len(check("FROM alpine\nRUN apk upgrade --no-cache\n")) == 1
    assert len(check("FROM alpine\nRUN apk add --no-cache --upgrade curl\n")) == 1
    # -U is --update-cache, not an upgrade
    assert check("FROM alpine\nRUN apk add --no-cache -U curl\n") == []


def test_pip_tooling_and_pinned_are_not_reported() -> None:
    assert check("FROM python:3\nRUN pip install -U pip setuptools wheel\n") == []
    assert check("FROM python:3\nRUN pip install --upgrade gitpython==3.1.43\n") == []
    (problem,) = check("FROM python:3\nRUN python3 -m pip install --upgrade pip requests\n")
    assert "`requests`" in problem.message and "`pip`" not in problem.message


def test_pip_requirement_files(tmp_path: Path) -> None:
    (tmp_path / "pinned.txt").write_text("requests==2.32.3\n")
    (tmp_path / "loose.txt").write_text("requests\n")
    copy = "FROM python:3\nCOPY pinned.txt loose.txt /tmp/\n"
    assert check(copy + "RUN pip install -U -r /tmp/pinned.txt\n", tmp_path) == []
    (problem,) = check(copy + "RUN pip install -U -r /tmp/loose.txt\n", tmp_path)
    assert "`-r /tmp/loose.txt`" in problem.message
    # a file devcon cannot read may hold anything
    assert len(check("FROM python:3\nRUN pip install -U -r /opt/r.txt\n", tmp_path)) == 1


def test_conda() -> None:
    assert check("FROM c\nRUN conda update -n base -c defaults conda -y\n") == []
    (problem,) = check("FROM c\nRUN conda update --all -y\n")
    assert "`conda update --all`" in problem.message
    (problem,) = check("FROM c\nRUN mamba update -y numpy scipy\n")
    assert "`numpy`, `scipy`" in problem.message
    assert check("FROM c\nRUN conda env update -f environment.yml\n") == []
