"""package-cache-kept: installs that leave the package manager's cache in the layer."""

from __future__ import annotations

from pathlib import Path

from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.package_cache_kept import RULE


def check(text: str) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.DEV)))


def test_apt_clean_alone_is_not_enough() -> None:
    (problem,) = check(
        "FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get clean\n"
    )
    assert (problem.line, problem.column) == (2, 23)
    assert "rm -rf /var/lib/apt/lists/*" in problem.message
    assert "`apt-get clean` does not remove them" in problem.message


def test_apt_lists_removed_after_the_install() -> None:
    clean = "rm -rf /var/lib/apt/lists/*"
    assert check(f"FROM debian\nRUN apt-get update && apt-get install -y x && {clean}\n") == []
    # removed before a second update + install: the second install keeps them
    (problem,) = check(
        "FROM debian\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/* "
        "&& apt-get update && apt install -y y\n"
    )
    assert problem.message.startswith("`apt install`")


def test_apt_cache_mounts() -> None:
    for target in ("/var/lib/apt", "/var/cache/apt", "/var/lib/apt/lists"):
        text = f"FROM debian\nRUN --mount=type=cache,target={target} apt-get install -y x\n"
        assert check(text) == [], target
    text = "FROM debian\nRUN --mount=type=cache,target=/root/.cache apt-get install -y x\n"
    assert len(check(text)) == 1


def test_pip_no_cache_dir_and_environment() -> None:
    assert len(check("FROM python:3\nRUN pip install x==1\n")) == 1
    assert check("FROM python:3\nRUN pip install --no-cache-dir x==1\n") == []
    # pip disables the cache for any valid boolean value, 0/false/off included
    for value in ("1", "true", "on", "yes", "0", "false", "off", "no"):
        assert check(f"FROM python:3\nENV PIP_NO_CACHE_DIR={value}\nRUN pip install x==1\n") == []
    assert len(check("FROM python:3\nENV PIP_NO_CACHE_DIR=maybe\nRUN pip install x==1\n")) == 1
    assert check("FROM python:3\nARG PIP_NO_CACHE_DIR=1\nRUN pip install x==1\n") == []
    assert check("FROM python:3\nRUN export PIP_NO_CACHE_DIR=1 && pip install x==1\n") == []
    assert check("FROM python:3\nRUN PIP_NO_CACHE_DIR=1 pip install x==1\n") == []


def test_pip_env_from_parent_stage() -> None:
    assert check("FROM python:3 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM a\nRUN pip install x==1\n") == []
    # ARGs do not cross stages
    assert (
        len(check("FROM python:3 AS a\nARG PIP_NO_CACHE_DIR=1\nFROM a\nRUN pip install x==1\n"))
        == 1
    )
    # nor does ENV of an unrelated stage
    assert (
        len(
            check(
                "FROM python:3 AS a\nENV PIP_NO_CACHE_DIR=1\nFROM python:3\nRUN pip install x==1\n"
            )
        )
        == 1
    )


def test_pip_cache_mount_and_cleanup() -> None:
    assert (
        check("FROM python:3\nRUN --mount=type=cache,target=/root/.cache/pip pip install x==1\n")
        == []
    )
    assert check("FROM python:3\nRUN pip install x==1 && pip cache purge\n") == []
    assert check("FROM python:3\nRUN pip install x==1 && rm -rf ~/.cache/pip\n") == []
    assert len(check("FROM python:3\nRUN pip download x==1 && pip install x==1\n")) == 1


def test_uv() -> None:
    (problem,) = check("FROM python:3\nRUN uv pip install --system x==1\n")
    assert "--no-cache" in problem.message
    assert check("FROM python:3\nRUN uv pip install --no-cache --system x==1\n") == []
    assert check("FROM python:3\nENV UV_NO_CACHE=1\nRUN uv pip install --system x==1\n") == []
    assert (
        check("FROM python:3\nRUN --mount=type=cache,target=/root/.cache/uv uv pip install x\n")
        == []
    )


def test_conda() -> None:
    (problem,) = check("FROM c\nRUN conda env create -f /tmp/environment.yml\n")
    assert "`conda env create`" in problem.message and "conda clean --all --yes" in problem.message
    assert check("FROM c\nRUN conda install -y x=1 && conda clean -afy\n") == []
    assert check("FROM c\nRUN mamba install -y x=1 && mamba clean --all -y\n") == []
    (problem,) = check("FROM c\nRUN micromamba install -y x=1\n")
    assert "micromamba clean" in problem.message


def test_apk() -> None:
    (problem,) = check("FROM alpine\nRUN apk add curl\n")
    assert "--no-cache" in problem.message
    assert check("FROM alpine\nRUN apk add --no-cache curl\n") == []
    assert check("FROM alpine\nRUN apk add curl && rm -rf /var/cache/apk/*\n") == []
    assert check("FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n") == []


def test_one_finding_per_command_at_its_line() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y curl \\\n"
        "    && pip install x==1 \\\n"
        "    && apk add y\n"
    )
    problems = check(text)
    assert [(p.line, p.column) for p in problems] == [(3, 8), (4, 8), (5, 8)]


def test_commands_inside_if_and_shell_c() -> None:
    text = 'FROM python:3\nRUN if true; then pip install x==1; fi && su app -c "pip install y==1"\n'
    assert [(p.line, p.column) for p in check(text)] == [(2, 19), (2, 54)]


def test_stage_only_copied_from_is_skipped() -> None:
    text = "FROM python:3 AS build\nRUN pip install x==1\nFROM python:3\nCOPY --from=build /x /x\n"
    assert check(text) == []
    # a stage used as a FROM parent is checked
    assert len(check("FROM python:3 AS base\nRUN pip install x==1\nFROM base\n")) == 1
