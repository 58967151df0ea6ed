"""What differs on podman's Docker API service (`podman system service`), on the real
service the harness starts: its archive stat, its imported layers' history, and the base
annotations of the images podman pushes. (Every other integration module runs on podman
too, through the `docker_engine` fixture.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devcon.cli.app import main
from devcon.compat.sources import from_engine
from devcon.engine import Engine
from tests.harness import make_rootfs_tar
from tests.harness.podman import PodmanEngine
from tests.harness.registry import Registry
from tests.harness.rootfs import fake_glibc, os_release

pytestmark = [pytest.mark.engine, pytest.mark.registry]


@dataclass(frozen=True)
class Pushed:
    base: str  # the local base tag (localhost/...)
    dev: str  # registry refs of two images podman built FROM it and pushed
    prod: str
    other: str  # an image built FROM another local base


def _build(engine: PodmanEngine, tmp: Path, dockerfile: str, tag: str) -> None:
    context = tmp / tag.replace("/", "_").replace(":", "_")
    context.mkdir()
    (context / "Dockerfile").write_text(dockerfile)
    engine.podman("build", "--network", "host", "-t", tag, str(context))


@pytest.fixture(scope="module")
def podman_images(
    podman_engine: PodmanEngine, registry: Registry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pushed]:
    tmp = tmp_path_factory.mktemp("podman")
    files = {**fake_glibc(), "etc/os-release": os_release(id="debian", version_id="12")}
    tar = make_rootfs_tar(tmp / "glibc.tar", extra_files=files)
    podman_engine.podman("import", str(tar), "localhost/devcon-test/pod-base:1")
    other = make_rootfs_tar(tmp / "other.tar", extra_files={"etc/other": "other\n"})
    podman_engine.podman("import", str(other), "localhost/devcon-test/pod-other:1")
    refs = {}
    for name, base, step in (
        ("dev", "pod-base", "RUN echo dev > /dev-only"),
        ("prod", "pod-base", "RUN echo prod > /prod-only"),
        ("other", "pod-other", "RUN echo other > /other-only"),
    ):
        tag = f"localhost/devcon-test/pod-{name}:1"
        _build(podman_engine, tmp, f"FROM localhost/devcon-test/{base}:1\n{step}\n", tag)
        refs[name] = registry.ref(f"devcon-test/pod-{name}:1")
        podman_engine.podman("push", tag, refs[name])
    yield Pushed("localhost/devcon-test/pod-base:1", refs["dev"], refs["prod"], refs["other"])


def test_compat_reads_files_on_podman(podman_engine: PodmanEngine, podman_images: Pushed) -> None:
    # podman's path stat sets linkTarget on every path, a regular file's own path included:
    # only the symlink bit of its mode makes a path a link
    engine = Engine(podman_engine.client())
    image = engine.image(podman_images.base)
    info = from_engine(engine, image, podman_images.base)
    assert (info.distro_id, info.distro_version) == ("debian", "12")
    assert (info.libc, info.libc_version) == ("glibc", "2.36")
    assert info.has_shell is True and info.has_tar is True


def test_podman_imported_layer_looks_flattened(
    podman_engine: PodmanEngine, podman_images: Pushed
) -> None:
    # podman: created_by "/bin/sh -c #(nop) ADD file:... in /", comment "imported from tarball"
    facts = Engine(podman_engine.client()).facts(podman_images.base, "base")
    assert any("imported from tarball" in (h.comment or "") for h in facts.history)
    assert facts.looks_flattened


def _parity(capsys: pytest.CaptureFixture[str], dev: str, prod: str) -> tuple[int, Any]:
    code = main(["parity", dev, prod, "--format", "json"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code != 3, captured.err
    return code, json.loads(captured.out)


def test_parity_on_images_podman_pushed(
    podman_images: Pushed, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    # podman declares the base by its local name (localhost/...): no registry has it, so the
    # layers decide, with the base digest declared on both sides, and the result says what
    # was not verified
    annotations = registry.manifest("devcon-test/pod-dev", "1").json()["annotations"]
    assert annotations["org.opencontainers.image.base.name"] == podman_images.base
    code, payload = _parity(capsys, podman_images.dev, podman_images.prod)
    assert code == 0 and payload["verdict"] == "same-base"
    [platform] = payload["platforms"]
    reasons = " ".join(platform["reasons"])
    assert f"{podman_images.base}" in reasons and "not verified" in reasons
    digest = annotations["org.opencontainers.image.base.digest"]
    assert digest in reasons
    # another base: the declared digests differ, and so do the layers
    code, payload = _parity(capsys, podman_images.dev, podman_images.other)
    assert code == 1 and payload["verdict"] == "different-base"
    reasons = " ".join(payload["platforms"][0]["reasons"])
    assert "not verified" in reasons
