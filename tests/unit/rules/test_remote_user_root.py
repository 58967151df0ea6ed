"""remote-user-root: remoteUser (or containerUser when remoteUser is unset) is root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devcon.definition import ConfigDocument
from devcon.merge import Layer, merge
from devcon.rules.base import MergedConfig, Origin
from tests.unit.rules._support import run_rule

RULE = "remote-user-root"


def run(tmp_path: Path, text: str, merger: Any = None) -> list[str]:
    return run_rule(tmp_path, RULE, text, merger=merger)


def test_remote_user(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{\n  "image": "x",\n  "remoteUser": "root"\n}')
    assert finding.startswith("3:17 `remoteUser` is `root`: VS Code")
    assert "`vscode`" in finding


def test_container_user_when_remote_user_unset(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{"image": "x", "containerUser": "0"}')
    assert "`containerUser` is `0`: `remoteUser` is not set" in finding
    assert run(tmp_path, '{"image": "x", "containerUser": "root", "remoteUser": "dev"}') == []


def test_non_root_unset_and_variables(tmp_path: Path) -> None:
    assert run(tmp_path, '{"image": "x", "remoteUser": "vscode"}') == []
    assert run(tmp_path, '{"image": "x"}') == []
    assert run(tmp_path, '{"image": "x", "remoteUser": "${templateOption:user}"}') == []
    assert run(tmp_path, '{"image": "x", "remoteUser": "rootless"}') == []


def test_root_from_image_metadata(tmp_path: Path) -> None:
    def merger(item: ConfigDocument) -> MergedConfig:
        assert item.doc is not None
        origin = Origin("the metadata of image x", 2, 12)
        layers = [Layer(origin.label, origin, {"remoteUser": "root"})]
        return merge([*layers, Layer(str(item.path), None, item.doc.value)])

    (finding,) = run(tmp_path, '{\n  "image": "x"\n}', merger)
    assert finding.startswith("2:12 `remoteUser` is `root`")
    assert finding.endswith("(set by the metadata of image x)")
