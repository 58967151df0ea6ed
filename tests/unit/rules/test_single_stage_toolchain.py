"""single-stage-toolchain: compilers kept in a single-stage production image."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings
from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.single_stage_toolchain import RULE, is_toolchain
from devcon.validate import ValidateRequest, validate


def check(text: str) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.PROD)))


def test_toolchain_names() -> None:
    for name in (
        "build-essential",
        "gcc",
        "g++",
        "gcc-12",
        "clang-17",
        "make",
        "cmake",
        "gfortran",
        "python3-dev",
        "libpq-dev",
        "openssl-devel",
        "build-base",
        "musl-dev",
        "rustc",
        "cargo",
        "gcc=4:12.2.0-3",
        "libc6-dev:amd64",
    ):
        assert is_toolchain(name), name
    for name in ("curl", "git", "libpq5", "python3", "devscripts", "makedepend"):
        assert not is_toolchain(name), name


def test_reported_at_the_first_toolchain_package() -> None:
    (problem,) = check("FROM debian\nRUN apt-get install -y curl build-essential libpq-dev\n")
    assert (problem.line, problem.column) == (2, 29)
    assert "`build-essential`, `libpq-dev`" in problem.message
    assert "separate stage" in problem.message


def test_removed_in_the_same_run() -> None:
    assert check("FROM debian\nRUN apt-get install -y gcc && make && apt-get purge -y gcc\n") == []
    auto = "apt-mark auto '.*' && apt-get purge -y --auto-remove"
    assert check(f"FROM debian\nRUN apt-get install -y gcc && {auto}\n") == []
    assert check("FROM alpine\nRUN apk add --virtual .b gcc musl-dev && make && apk del .b\n") == []
    # a later RUN does not help, nor does removing only part of it
    assert len(check("FROM debian\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n")) == 1
    assert len(check("FROM debian\nRUN apt-get install -y gcc make && apt-get purge -y gcc\n")) == 1
    # autoremove without apt-mark auto leaves explicitly installed packages
    assert len(check("FROM debian\nRUN apt-get install -y gcc && apt-get autoremove -y\n")) == 1


def test_multi_stage_is_not_checked() -> None:
    assert check("FROM debian AS build\nRUN apt-get install -y gcc\nFROM debian\n") == []


def test_prod_profile_only(tmp_path: Path) -> None:
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text('{"build": {"dockerfile": "Dockerfile"}}')
    (folder / "Dockerfile").write_text("FROM debian\nRUN apt-get install -y gcc\n")
    settings = Settings(select=frozenset({"single-stage-toolchain"}))
    dev = validate(ValidateRequest(paths=(tmp_path,), settings=settings))
    assert dev.findings == ()
    # named on its own, the Dockerfile is still the one the config builds: dev, in any order
    for paths in ((folder / "Dockerfile",), (folder / "Dockerfile", tmp_path)):
        alone = validate(ValidateRequest(paths=paths, settings=settings))
        assert alone.findings == ()
    forced = ValidateRequest(
        paths=(folder / "Dockerfile",), settings=settings, profile=Profile.PROD
    )
    assert [f.rule for f in validate(forced).findings] == ["single-stage-toolchain"]
    # a Dockerfile no config uses is a production image
    (tmp_path / "Dockerfile").write_text((folder / "Dockerfile").read_text())
    prod = validate(ValidateRequest(paths=(tmp_path / "Dockerfile",), settings=settings))
    assert [f.rule for f in prod.findings] == ["single-stage-toolchain"]
