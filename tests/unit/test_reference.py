"""Image reference grammar and Docker Hub defaults."""

from __future__ import annotations

import pytest

from devcon.reference import ReferenceError, parse_reference

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest", "api_host"),
    [
        ("python", "docker.io", "library/python", None, None, "registry-1.docker.io"),
        (
            "python:3.12-slim",
            "docker.io",
            "library/python",
            "3.12-slim",
            None,
            "registry-1.docker.io",
        ),
        (
            "jupyter/scipy-notebook:2024",
            "docker.io",
            "jupyter/scipy-notebook",
            "2024",
            None,
            "registry-1.docker.io",
        ),
        ("docker.io/python", "docker.io", "library/python", None, None, "registry-1.docker.io"),
        ("index.docker.io/a/b", "docker.io", "a/b", None, None, "registry-1.docker.io"),
        ("ghcr.io/org/team/img:1", "ghcr.io", "org/team/img", "1", None, "ghcr.io"),
        ("localhost:5000/x", "localhost:5000", "x", None, None, "localhost:5000"),
        ("localhost/x:1", "localhost", "x", "1", None, "localhost"),
        ("127.0.0.1:5000/a/b:t", "127.0.0.1:5000", "a/b", "t", None, "127.0.0.1:5000"),
        (
            f"python:3.12@{DIGEST}",
            "docker.io",
            "library/python",
            "3.12",
            DIGEST,
            "registry-1.docker.io",
        ),
        (
            f"mcr.microsoft.com/devcontainers/python@{DIGEST}",
            "mcr.microsoft.com",
            "devcontainers/python",
            None,
            DIGEST,
            "mcr.microsoft.com",
        ),
    ],
)
def test_parse(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None, api_host: str
) -> None:
    ref = parse_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )
    assert ref.api_host == api_host
    assert ref.original == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Python",
        "a:b:c",
        "python:",
        "python@sha256:abc",
        "x/-y",
        " python",
        "py thon",
        "python:bad tag",
    ],
)
def test_invalid(text: str) -> None:
    with pytest.raises(ReferenceError):
        parse_reference(text)


def test_pinned_keeps_the_tag_and_replaces_an_old_digest() -> None:
    ref = parse_reference("python:3.12")
    assert ref.pinned(DIGEST) == f"python:3.12@{DIGEST}"
    other = "sha256:" + "cd" * 32
    assert parse_reference(f"python:3.12@{DIGEST}").pinned(other) == f"python:3.12@{other}"
    assert ref.manifest_ref() == "3.12"
    assert parse_reference("python").manifest_ref() == "latest"
