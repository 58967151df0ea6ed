"""image-not-pinned: references without an @sha256 digest."""

from __future__ import annotations

from pathlib import Path

from devcon import jsonc
from devcon.compose import parse_compose
from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import ComposeContext, ConfigContext, DockerfileContext, Problem, Profile
from devcon.rules.image_not_pinned import RULE

DIGEST = "sha256:" + "0" * 64


def dockerfile(text: str, build_args: dict[str, str] | None = None) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile", build_args)
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.PROD)))


def config(text: str) -> list[Problem]:
    ctx = ConfigContext(Path("devcontainer.json"), text, jsonc.parse(text), None)
    assert RULE.config is not None
    return list(RULE.config(ctx))


def compose(text: str) -> list[Problem]:
    assert RULE.compose is not None
    return list(RULE.compose(ComposeContext(Path("compose.yml"), parse_compose(text))))


def test_tag_without_digest_is_reported_with_pin_advice() -> None:
    (problem,) = dockerfile("FROM python:3.12-slim\n")
    assert (problem.line, problem.column) == (1, 6)
    assert "`python:3.12-slim`" in problem.message
    assert "devcon pin" in problem.message


def test_digest_pins() -> None:
    assert dockerfile(f"FROM python:3.12@{DIGEST}\nCOPY --from=alpine@{DIGEST} / /\n") == []


def test_arg_default_is_applied_and_shown() -> None:
    (problem,) = dockerfile("ARG VARIANT=3.12\nFROM python:${VARIANT}\n")
    assert "`python:${VARIANT}` (= `python:3.12`)" in problem.message


def test_build_args_are_applied() -> None:
    (problem,) = dockerfile("ARG VARIANT\nFROM python:${VARIANT}\n", {"VARIANT": "3.11"})
    assert "python:3.11" in problem.message


def test_stages_scratch_and_unresolved_variables_are_not_findings() -> None:
    text = (
        "ARG BASE\n"
        "FROM $BASE AS a\n"
        "FROM mcr.microsoft.com/devcontainers/go:1-${templateOption:imageVariant} AS b\n"
        "FROM scratch AS c\n"
        "FROM a\n"
        "COPY --from=b /x /x\n"
        "COPY --from=0 /y /y\n"
    )
    assert dockerfile(text) == []


def test_copy_from_and_mount_from_images() -> None:
    problems = dockerfile(
        f"FROM python:3.12@{DIGEST}\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv\n"
        "RUN --mount=type=bind,from=busybox:1.36,target=/bb true\n"
    )
    assert [(p.line, p.column) for p in problems] == [(2, 13), (3, 28)]
    assert "COPY --from image" in problems[0].message


def test_config_image() -> None:
    (problem,) = config('{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm"\n}')
    assert (problem.line, problem.column) == (2, 13)
    assert config(f'{{"image": "node:22@{DIGEST}"}}') == []
    assert config('{"image": "node:${templateOption:v}"}') == []


def test_compose_image() -> None:
    problems = compose(f"services:\n  a:\n    image: redis:7\n  b:\n    image: redis:7@{DIGEST}\n")
    assert [(p.line, p.column) for p in problems] == [(3, 12)]


# -- issue 11: a digest must never freeze a variable ---------------------------------------

ADVICE = "put the whole reference in an ARG default (`ARG BASE=python:3.12-slim` + `FROM ${BASE}`)"


def test_a_variable_inside_the_reference_gets_the_arg_default_advice_not_pin() -> None:
    (problem,) = dockerfile("ARG PYVER=3.12\nFROM python:${PYVER}-slim\n")
    assert (problem.line, problem.column) == (2, 6)
    assert ADVICE in problem.message
    assert "run `devcon pin` to add" not in problem.message


def test_a_digest_after_a_variable_is_reported_as_frozen() -> None:
    (problem,) = dockerfile(f"ARG V=3.12\nFROM python:${{V}}@{DIGEST}\n")
    assert "its digest is frozen" in problem.message and ADVICE in problem.message
    # with no value for the variable, the advice still applies
    (problem,) = dockerfile("FROM scratch\nARG V\nCOPY --from=python:${V} / /\n")
    assert "`COPY --from=${BASE}`" in problem.message


def test_a_whole_variable_names_the_arg_line_pin_writes() -> None:
    (problem,) = dockerfile("ARG BASE=python:3.12\nFROM ${BASE}\n")
    assert (problem.line, problem.column) == (2, 6)
    assert "the `ARG BASE` default (line 1)" in problem.message
    assert dockerfile(f"ARG BASE=python:3.12@{DIGEST}\nFROM ${{BASE}}\n") == []


def test_compose_variable_inside_gets_the_compose_advice() -> None:
    problems = compose("services:\n  a:\n    image: redis:${TAG:-7}\n  b:\n    image: ${IMAGE}\n")
    assert [(p.line, p.column) for p in problems] == [(3, 12)]
    assert "write the whole reference" in problems[0].message
