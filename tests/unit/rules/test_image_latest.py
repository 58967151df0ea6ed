"""image-latest: `:latest` or no tag."""

from __future__ import annotations

from pathlib import Path

from devcon import jsonc
from devcon.compose import parse_compose
from devcon.dockerfile.parser import parse_dockerfile
from devcon.rules.base import ComposeContext, ConfigContext, DockerfileContext, Problem, Profile
from devcon.rules.image_latest import RULE

DIGEST = "sha256:" + "1" * 64


def dockerfile(text: str) -> list[Problem]:
    df = parse_dockerfile(text, "Dockerfile")
    assert RULE.dockerfile is not None
    return list(RULE.dockerfile(DockerfileContext(Path("Dockerfile"), df, Profile.PROD)))


def test_no_tag_means_latest() -> None:
    (problem,) = dockerfile("FROM debian\n")
    assert "no tag" in problem.message
    assert "`debian:<version>`" in problem.message


def test_latest_tag() -> None:
    (problem,) = dockerfile("FROM ubuntu:latest\n")
    assert "`:latest`" in problem.message
    assert "`ubuntu:<version>`" in problem.message


def test_latest_from_arg_default() -> None:
    (problem,) = dockerfile("ARG TAG=latest\nFROM ubuntu:${TAG}\n")
    assert "(= `ubuntu:latest`)" in problem.message


def test_version_tags_are_fine() -> None:
    assert dockerfile("FROM debian:bookworm\nCOPY --from=ghcr.io/a/b:1 / /\n") == []


def test_a_digest_pins_whatever_the_tag() -> None:
    assert dockerfile(f"FROM python@{DIGEST}\nFROM python:latest@{DIGEST}\n") == []


def test_registry_port_is_not_a_tag() -> None:
    (problem,) = dockerfile("FROM localhost:5000/tools/lint\n")
    assert "no tag" in problem.message
    assert dockerfile("FROM localhost:5000/tools/lint:2\n") == []


def test_skipped_references() -> None:
    assert dockerfile("ARG BASE\nFROM $BASE AS b\nFROM scratch\nFROM b\nCOPY --from=0 / /\n") == []


def test_config_and_compose() -> None:
    text = '{"image": "node"}'
    assert RULE.config is not None and RULE.compose is not None
    (problem,) = RULE.config(ConfigContext(Path("d.json"), text, jsonc.parse(text), None))
    assert "`node`" in problem.message
    compose = parse_compose("services:\n  a:\n    image: redis:latest\n  b:\n    image: redis:7\n")
    problems = list(RULE.compose(ComposeContext(Path("c.yml"), compose)))
    assert [(p.line, p.column) for p in problems] == [(3, 12)]
