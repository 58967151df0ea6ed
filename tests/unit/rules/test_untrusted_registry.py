"""untrusted-registry: only with trusted-registries set; entries may carry a path prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.reference import parse_reference
from devcon.rules.untrusted_registry import is_trusted
from tests.unit.rules._support import run_rule

TRUSTED = ("ghcr.io", "mcr.microsoft.com")


def run(tmp_path: Path, name: str, text: str, trusted: tuple[str, ...] | None) -> list[str]:
    return run_rule(tmp_path, "untrusted-registry", text, name, trusted=trusted)


def test_silent_without_the_setting(tmp_path: Path) -> None:
    assert run(tmp_path, "Dockerfile", "FROM quay.io/a/b:1\n", None) == []


def test_dockerfile(tmp_path: Path) -> None:
    text = (
        "FROM ghcr.io/org/tool:1 AS tool\n"
        "FROM mcr.microsoft.com/devcontainers/base:bookworm\n"
        "COPY --from=tool /t /t\n"
        "COPY --from=python:3.12 /usr/local /usr/local\n"
    )
    (finding,) = run(tmp_path, "Dockerfile", text, TRUSTED)
    assert finding.startswith("4:13 ")
    assert "`python:3.12` comes from Docker Hub (docker.io)" in finding
    assert "ghcr.io, mcr.microsoft.com" in finding


def test_config_and_compose(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, "devcontainer.json", '{"image": "quay.io/x/y:1"}', TRUSTED)
    assert "quay.io" in finding
    compose = "services:\n  a:\n    image: ghcr.io/x/y:1\n  b:\n    image: redis:7\n"
    (finding,) = run(tmp_path, "compose.yml", compose, TRUSTED)
    assert finding.startswith("5:12 ")


def test_empty_list_trusts_nothing(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, "Dockerfile", "FROM ghcr.io/a/b:1\n", ())
    assert "(none)" in finding


@pytest.mark.parametrize(
    ("image", "entries", "trusted"),
    [
        ("python:3.12", ("docker.io",), True),
        ("python:3.12", ("index.docker.io",), True),
        ("python:3.12", ("docker.io/library",), True),
        ("python:3.12", ("docker.io/python",), True),
        ("bitnami/python:3.12", ("docker.io/library",), False),
        ("bitnami/python:3.12", ("docker.io/bitnami",), True),
        ("ghcr.io/myorg/tool:1", ("ghcr.io/myorg",), True),
        ("ghcr.io/myorg/sub/tool:1", ("ghcr.io/myorg/",), True),
        ("ghcr.io/myorganisation/tool:1", ("ghcr.io/myorg",), False),
        ("ghcr.io/other/tool:1", ("ghcr.io/myorg",), False),
        ("GHCR.io/myorg/tool:1", ("ghcr.io",), True),
        ("localhost:5000/a:1", ("localhost:5000",), True),
        ("localhost:5000/a:1", ("localhost",), False),
        ("mcr.microsoft.com/a:1", ("ghcr.io", "mcr.microsoft.com"), True),
    ],
)
def test_is_trusted(image: str, entries: tuple[str, ...], trusted: bool) -> None:
    assert is_trusted(parse_reference(image), entries) is trusted
