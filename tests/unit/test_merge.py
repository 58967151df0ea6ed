"""The spec's merge logic, with origins."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.merge import (
    Layer,
    MergeOptions,
    _install_order,
    _variables,
    merge,
    substitute_variables,
)
from devcon.rules.base import Origin

IMAGE = Origin("the metadata of image x:1", 2, 12)
FEATURE = Origin("Feature ghcr.io/a/b:1", 5, 5)


def test_merge_order_and_rules() -> None:
    merged = merge(
        [
            Layer(
                "image",
                IMAGE,
                {
                    "remoteUser": "root",
                    "capAdd": ["SYS_PTRACE"],
                    "mounts": ["source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind"],
                    "containerEnv": {"A": "image", "B": "image"},
                },
            ),
            Layer(
                "feature",
                FEATURE,
                {
                    "privileged": True,
                    "capAdd": ["SYS_PTRACE", "NET_ADMIN"],
                    "containerEnv": {"B": "feature"},
                    "customizations": {"vscode": {"extensions": ["a.b"]}},
                },
            ),
            Layer(
                "config",
                None,
                {
                    "remoteUser": "vscode",
                    "privileged": False,
                    "containerEnv": {"A": "config"},
                    "customizations": {"vscode": {"extensions": ["c.d"]}},
                },
            ),
        ]
    )
    value = merged.value
    assert value["remoteUser"] == "vscode" and ("remoteUser",) not in merged.origins
    assert value["privileged"] is True and merged.origins[("privileged",)] == FEATURE
    assert value["capAdd"] == ["SYS_PTRACE", "NET_ADMIN"]
    assert merged.origins[("capAdd", 0)] == IMAGE and merged.origins[("capAdd", 1)] == FEATURE
    assert merged.origins[("mounts", 0)] == IMAGE
    assert value["containerEnv"] == {"A": "config", "B": "feature"}
    assert merged.origins[("containerEnv", "B")] == FEATURE
    assert ("containerEnv", "A") not in merged.origins
    assert value["customizations"]["vscode"]["extensions"] == ["a.b", "c.d"]


def test_variables(tmp_path: Path) -> None:
    config = tmp_path / "proj" / ".devcontainer" / "devcontainer.json"
    lookup = _variables(config, {}, MergeOptions({"TOKEN": "from-config"}))
    out = substitute_variables(
        {
            "a": "${localEnv:TOKEN}",
            "b": "${localEnv:NOPE:fallback}",
            "c": "${localEnv:NOPE}",
            "d": "${localWorkspaceFolderBasename}",
            "e": ["${containerWorkspaceFolder}/x"],
            "f": "${containerEnv:PATH}",
        },
        lookup,
    )
    assert out == {
        "a": "from-config",
        "b": "fallback",
        "c": "${localEnv:NOPE}",
        "d": "proj",
        "e": ["/workspaces/proj/x"],
        "f": "${containerEnv:PATH}",
    }


def test_install_order_follows_installs_after() -> None:
    loaded = [
        ("ghcr.io/x/node:1", {"installsAfter": ["ghcr.io/x/common"]}),
        ("ghcr.io/x/common:2", {}),
    ]
    assert [fid for fid, _ in _install_order(loaded)] == ["ghcr.io/x/common:2", "ghcr.io/x/node:1"]


def test_a_feature_kind_merge_cannot_read_is_exit_2_at_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tarball-URL Feature cannot be merged yet: a limit of devcon's that a retry does not
    change, so exit 2 (not 3), at the Feature's key; no registry is asked."""

    def no_registry(settings: object) -> object:
        raise AssertionError("no registry is asked")

    monkeypatch.setattr("devcon.registry.factory.make_client", no_registry)
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY x /x\n")
    config = tmp_path / ".devcontainer.json"
    config.write_text(
        '{\n  "build": {"dockerfile": "Dockerfile"},\n  "features": {\n'
        '    "https://example.invalid/f.tgz": {}\n  }\n}\n'
    )
    capsys.readouterr()
    assert main(["validate", "--merge", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}:4:5: Feature https://example.invalid/f.tgz: only OCI" in err, err
