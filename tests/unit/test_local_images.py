"""The decisions of devcon.local_images without an engine: the dev container CLI's image
names, which images belong to a folder, and which are in use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devcon.local_images import (
    Belonging,
    ConfigUse,
    belonging_images,
    folder_image_name,
    to_docker_image_name,
)
from devcon.reference import parse_reference

FOLDER = "/home/u/My Project"
# computed by node running the dev container CLI's own getFolderImageName / toDockerImageName
# (src/spec-node/utils.ts, src/spec-shutdown/dockerUtils.ts) on FOLDER
VSC = "vsc-myproject-0a2da8d45b3d514bb0f997bf24a77809d87b4563d7ea87de9b25dcd3074cde14"
OTHER_VSC = folder_image_name("/home/u/other")
DIGEST = "sha256:" + "a" * 64
OLD_DIGEST = "sha256:" + "b" * 64


@pytest.mark.parametrize(
    ("name", "expected"),  # expected: node running toDockerImageName
    [("My Project", "myproject"), ("a..b", "a.b"), ("a-_b", "a-b"), ("a__-b", "a__b")],
)
def test_names_are_made_as_the_dev_container_cli_makes_them(name: str, expected: str) -> None:
    assert to_docker_image_name(name) == expected


def test_the_folder_image_name_is_the_clis() -> None:
    assert folder_image_name(FOLDER) == VSC


def _image(image_id: str, tags: list[str], digests: list[str] | None = None, **labels: str) -> Any:
    return {
        "Id": image_id,
        "RepoTags": tags or None,
        "RepoDigests": digests or [],
        "Size": 1000,
        "Created": 1_700_000_000,
        "Labels": labels or None,
    }


def _container(image_id: str, state: str, folder: str | None = None) -> Any:
    labels = {"devcontainer.local_folder": folder} if folder else {}
    return {
        "Id": "c-" + image_id,
        "Names": ["/c"],
        "ImageID": image_id,
        "State": state,
        "Labels": labels,
    }


def _use(text: str, line: int) -> tuple[Any, ConfigUse]:
    return parse_reference(text), ConfigUse(Path("Dockerfile"), line, 6, text)


def test_which_images_belong_and_which_are_used() -> None:
    images = [
        _image("vsc", [f"{VSC}:latest"], **{"devcontainer.metadata": "[]"}),
        _image("vsc-features-uid", [f"{VSC}-features-uid:latest"]),
        _image("vsc-podman", [f"docker.io/library/{VSC}-uid:latest"]),  # podman's API names
        _image("vsc-podman-local", [f"localhost/{VSC}:1"]),
        _image("not-a-suffix", [f"{VSC}x:latest"]),
        _image("other-folder", [f"{OTHER_VSC}:latest"], **{"devcontainer.metadata": "[]"}),
        _image(
            "metadata-only",
            ["mcr.microsoft.com/devcontainers/base:1"],
            **{"devcontainer.metadata": "[]"},
        ),
        _image("untagged-old-build", []),
        _image("pinned", [], [f"ghcr.io/o/base@{DIGEST}"]),
        _image("same-tag-old-digest", ["ghcr.io/o/base:1"], [f"ghcr.io/o/base@{OLD_DIGEST}"]),
        _image("python", ["python:3.12"], [f"python@{OLD_DIGEST}"]),
        _image("python-old", ["python:3.11"]),
        _image("node", ["node:20"]),
    ]
    containers = [
        _container("untagged-old-build", "exited", FOLDER),
        _container("other-folder", "running", "/home/u/other"),
    ]
    uses = [_use(f"ghcr.io/o/base:1@{DIGEST}", 1), _use("docker.io/library/python:3.12", 2)]
    found = {i.id: i for i in belonging_images(images, containers, uses, [FOLDER])}
    assert set(found) == {
        "vsc",
        "vsc-features-uid",
        "vsc-podman",
        "vsc-podman-local",
        "untagged-old-build",
        "pinned",
        "same-tag-old-digest",
        "python",
        "python-old",
    }
    assert found["vsc"].belongs == (Belonging.FOLDER_BUILD,)
    assert found["vsc"].built_for_dev_containers and not found["vsc"].in_use
    assert found["untagged-old-build"].belongs == (Belonging.FOLDER_CONTAINER,)
    assert found["untagged-old-build"].in_use  # a stopped container keeps it
    # a pinned reference uses the image with its digest, not the one its tag names now
    assert [u.line for u in found["pinned"].config_uses] == [1]
    assert not found["same-tag-old-digest"].in_use
    assert found["same-tag-old-digest"].belongs == (Belonging.REFERENCED,)
    # a tag reference (`python:3.12` is docker.io/library/python:3.12) uses that tag only
    assert [u.line for u in found["python"].config_uses] == [2]
    assert not found["python-old"].in_use
    unused = {i.id for i in found.values() if not i.in_use}
    assert unused == {
        "vsc",
        "vsc-features-uid",
        "vsc-podman",
        "vsc-podman-local",
        "same-tag-old-digest",
        "python-old",
    }


def test_a_container_of_any_folder_keeps_an_image_in_use() -> None:
    images = [_image("vsc", [f"{VSC}:latest"])]
    containers = [_container("vsc", "created", "/somewhere/else")]
    (image,) = belonging_images(images, containers, [], [FOLDER])
    assert image.in_use and image.belongs == (Belonging.FOLDER_BUILD,)
    assert image.containers[0].state == "created"


def test_a_containers_image_id_matches_with_or_without_sha256() -> None:
    """dockerd lists a container's ImageID as `sha256:<hex>`, podman's Docker API as `<hex>`."""
    images = [_image("sha256:" + "c" * 64, [])]
    containers = [_container("c" * 64, "exited", FOLDER)]
    (image,) = belonging_images(images, containers, [], [FOLDER])
    assert image.belongs == (Belonging.FOLDER_CONTAINER,) and image.in_use
