"""docker-socket-mount: the Docker socket in mounts, runArgs, Features and compose volumes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devcon.definition import ConfigDocument
from devcon.merge import Layer, merge, substitute_variables
from devcon.mounts import is_docker_socket, parse_volume
from devcon.rules.base import MergedConfig, Origin
from tests.unit.rules._support import run_rule

RULE = "docker-socket-mount"


def run(tmp_path: Path, name: str, text: str, merger: Any = None) -> list[str]:
    return run_rule(tmp_path, RULE, text, name, merger=merger)


def test_socket_paths() -> None:
    for path in ("/var/run/docker.sock", "/run/docker.sock", "//var/run/docker.sock"):
        assert is_docker_socket(path)
    assert is_docker_socket("/run/user/1000/docker.sock")
    assert not is_docker_socket("/var/run/docker")
    assert not is_docker_socket("docker-data")


def test_volume_strings() -> None:
    mount = parse_volume("${localEnv:HOME}/.ssh:/home/vscode/.ssh:ro")
    assert (mount.type, mount.source, mount.target) == (
        "bind",
        "${localEnv:HOME}/.ssh",
        "/home/vscode/.ssh",
    )
    assert parse_volume("C:\\Users\\me:/host").source == "C:\\Users\\me"
    assert parse_volume("cache:/cache").type == "volume"


def test_mounts_string_and_object(tmp_path: Path) -> None:
    text = (
        '{\n  "image": "x",\n  "mounts": [\n'
        '    "source=/var/run/docker.sock,target=/var/run/docker-host.sock,type=bind",\n'
        '    {"source": "/run/docker.sock", "target": "/s", "type": "bind"}\n  ]\n}'
    )
    first, second = run(tmp_path, "devcontainer.json", text)
    assert first.startswith("4:5 a `mounts` entry mounts the host's Docker socket")
    assert "(/var/run/docker.sock)" in first and "root on the host" in first
    assert second.startswith("5:16 ")


def test_run_args_forms(tmp_path: Path) -> None:
    text = (
        '{"image": "x", "runArgs": ["-v", "/var/run/docker.sock:/var/run/docker.sock", '
        '"--mount=type=bind,src=/var/run/docker.sock,dst=/d", "-v", "cache:/cache"]}'
    )
    found = run(tmp_path, "devcontainer.json", text)
    assert len(found) == 2
    assert "`runArgs` -v mounts" in found[0] and "`runArgs` --mount mounts" in found[1]


def test_compose_volumes(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    build: .\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker-host.sock\n"
        "      - type: bind\n        source: /var/run/docker.sock\n        target: /s\n"
        "      - data:/data\n"
    )
    first, second = run(tmp_path, "compose.yml", text)
    assert first.startswith("5:9 service `app` mounts the host's Docker socket")
    assert second.startswith("7:17 ")


def test_merge_maps_file_entries_to_their_line(tmp_path: Path) -> None:
    """A Feature's mount comes first in the merged list; the file's own entry must still be
    reported on its own line, not on the line of the file's first entry."""
    feature = "ghcr.io/devcontainers/features/docker-outside-of-docker:1"
    text = (
        '{\n  "image": "x",\n  "features": {"' + feature + '": {}},\n  "mounts": [\n'
        '    "source=cache,target=/cache,type=volume",\n'
        '    "source=${localEnv:SOCK_DIR}/docker.sock,target=/var/run/docker.sock,type=bind"\n'
        "  ]\n}"
    )
    metadata = {"mounts": [{"source": "/var/run/docker.sock", "target": "/h", "type": "bind"}]}

    def merger(item: ConfigDocument) -> MergedConfig:
        assert item.doc is not None
        line, column = item.doc.key_position(("features", feature))
        origin = Origin(f"Feature {feature}", line, column)
        own = substitute_variables(item.doc.value, lambda name, arg: "/run/user/1000")
        return merge([Layer(origin.label, origin, metadata), Layer(str(item.path), None, own)])

    first, second = run(tmp_path, "devcontainer.json", text, merger)
    assert "(/run/user/1000/docker.sock)" in second  # the merged value, variables resolved
    assert first.startswith("3:16 ") and first.endswith(f"(set by Feature {feature})")
    assert second.startswith("6:5 ")
