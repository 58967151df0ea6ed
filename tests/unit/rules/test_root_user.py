"""root-user: the final stage runs as root (prod only)."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings
from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import DockerfileContext, Problem, Profile
from devcon.rules.root_user import RULE
from devcon.validate import ValidateRequest, validate


def check(text: str) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.PROD)))


def test_no_user_reported_at_final_from() -> None:
    (problem,) = check("FROM python:3.12\nRUN true\n")
    assert (problem.line, problem.column) == (1, 1)
    assert "unless the base image `python:3.12` sets a non-root USER" in problem.message


def test_unknown_base_still_reported() -> None:
    (problem,) = check("ARG BASE\nFROM $BASE\n")
    assert "unless the base image sets a non-root USER" in problem.message


def test_scratch_has_no_caveat() -> None:
    (problem,) = check("FROM scratch\nCOPY a /a\n")
    assert "unless" not in problem.message


def test_user_in_parent_stage_carries_over() -> None:
    assert check("FROM debian AS base\nUSER app\nFROM base\nRUN true\n") == []
    assert check("FROM debian AS a\nUSER app\nFROM a AS b\nFROM b\n") == []


def test_user_in_unrelated_stage_does_not() -> None:
    (problem,) = check("FROM debian AS a\nUSER app\nFROM debian\n")
    assert problem.line == 3


def test_last_user_root_variants() -> None:
    for user in ("root", "0", "0:0", "root:root", "ROOT", "0:1000"):
        (problem,) = check(f"FROM debian\nUSER app\nUSER {user}\n")
        assert (problem.line, problem.column) == (3, 6), user
        assert f"`USER {user}`" in problem.message


def test_root_then_non_root() -> None:
    assert check("FROM debian\nUSER root\nRUN apt-get update\nUSER 1000\n") == []
    assert check("FROM debian\nUSER rootless\n") == []


def test_variables() -> None:
    assert check("FROM debian\nARG U=app\nUSER ${U}\n") == []
    assert len(check("FROM debian\nARG U=root\nUSER $U\n")) == 1
    assert len(check("FROM debian\nENV U=0\nUSER $U\n")) == 1
    assert len(check("ARG U=root\nFROM debian\nARG U\nUSER $U\n")) == 1
    assert check("FROM debian\nARG U\nUSER $U\n") == []  # unknown: not reported


def test_prod_profile_only(tmp_path: Path) -> None:
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text('{"build": {"dockerfile": "Dockerfile"}}')
    (folder / "Dockerfile").write_text("FROM debian\n")
    settings = Settings(select=frozenset({"root-user"}))
    dev = validate(ValidateRequest(paths=(tmp_path,), settings=settings))
    assert dev.findings == ()
    # named on its own, the Dockerfile is still the one the config builds: dev, in any order
    for paths in ((folder / "Dockerfile",), (folder / "Dockerfile", tmp_path)):
        alone = validate(ValidateRequest(paths=paths, settings=settings))
        assert alone.findings == ()
    forced = ValidateRequest(
        paths=(folder / "Dockerfile",), settings=settings, profile=Profile.PROD
    )
    assert [f.rule for f in validate(forced).findings] == ["root-user"]
    # a Dockerfile no config uses is a production image
    (tmp_path / "Dockerfile").write_text((folder / "Dockerfile").read_text())
    prod = validate(ValidateRequest(paths=(tmp_path / "Dockerfile",), settings=settings))
    assert [f.rule for f in prod.findings] == ["root-user"]
