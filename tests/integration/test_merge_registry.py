"""`devcon validate --merge` with a real Feature artifact and a real image label (issue 8)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.oci import push_feature
from tests.harness.registry import Registry

pytestmark = [pytest.mark.engine, pytest.mark.registry]

METADATA = json.dumps(
    [
        {
            "mounts": [
                {"source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "type": "bind"}
            ]
        }
    ]
)


@pytest.fixture(scope="module")
def merge_world(
    docker_engine: DockerEngine, registry: Registry, base_image: object
) -> dict[str, str]:
    feature = registry.ref("devcon-test/features/needs-privilege")
    push_feature(
        registry.url,
        "devcon-test/features/needs-privilege",
        "1",
        {
            "id": "needs-privilege",
            "version": "1.0.0",
            "name": "Needs privilege",
            "privileged": True,
        },
    )
    docker_engine.build(
        "FROM devcon-test/busybox:base\n",
        "devcon-test/labelled:1",
        labels={"devcontainer.metadata": METADATA},
    )
    image = registry.ref("devcon-test/labelled:1")
    digest = docker_engine.push("devcon-test/labelled:1", image)
    return {"feature": f"{feature}:1", "image": f"{image}@{digest}"}


def _config(tmp_path: Path, world: dict[str, str]) -> Path:
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir(parents=True)
    config.write_text(
        "{\n"
        f'  "image": "{world["image"]}",\n'
        '  "features": {\n'
        f'    "{world["feature"]}": {{}}\n'
        "  }\n}\n"
    )
    return config


def _findings(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return json.loads(capsys.readouterr().out)["findings"]  # type: ignore[no-any-return]


def test_merge_reports_feature_and_image_origins(
    merge_world: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = _config(tmp_path, merge_world)
    rules = "privileged-container,docker-socket-mount"
    assert main(["validate", str(config), "--select", rules, "--format", "json"]) == 0
    assert _findings(capsys) == []  # without --merge neither appears
    main(["validate", str(config), "--merge", "--select", rules, "--format", "json"])
    found = {f["rule"]: f for f in _findings(capsys)}
    assert set(found) == {"privileged-container", "docker-socket-mount"}
    privileged = found["privileged-container"]
    assert f"set by Feature {merge_world['feature']}" in str(privileged["message"])
    assert privileged["line"] == 4  # the Feature's key in devcontainer.json
    socket = found["docker-socket-mount"]
    assert "set by the metadata of image" in str(socket["message"])
    assert socket["line"] == 2  # the image reference


def test_merge_of_a_feature_the_registry_does_not_have_is_exit_2(
    merge_world: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    registry: Registry,
) -> None:
    """The registry answers that the Feature does not exist: the config names a wrong
    Feature (a retry gives the same answer), so exit 2, not 3."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    world = dict(merge_world, feature=registry.ref("devcon-test/features/missing:1"))
    config = _config(tmp_path, world)
    assert main(["validate", str(config), "--merge"]) == 2
    err = capsys.readouterr().err
    assert "devcon-test/features/missing:1" in err and "not found" in err


def test_merge_fetch_failure_is_exit_3(
    merge_world: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A registry that does not answer: a retry may help, exit 3."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    world = dict(merge_world, feature=f"127.0.0.1:{port}/devcon-test/features/gone:1")
    config = _config(tmp_path, world)
    assert main(["validate", str(config), "--merge", "--timeout", "2"]) == 3
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}/devcon-test/features/gone:1" in err and "cannot fetch" in err
