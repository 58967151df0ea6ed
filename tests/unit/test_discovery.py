"""Which configs a folder named by the user stands for (devcon.discovery)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devcon.discovery import FileKind, configs_of_folder, discover_files
from devcon.errors import InputError
from devcon.imagefacts import Source
from devcon.parity import parse_side


def _write(root: Path, relative: str, text: str = '{"image": "x"}') -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_holding_a_devcontainer_json_is_that_configs_folder(tmp_path: Path) -> None:
    main = _write(tmp_path, ".devcontainer/devcontainer.json")
    gpu = _write(tmp_path, ".devcontainer/gpu/devcontainer.json")
    _write(tmp_path, ".devcontainer/gpu/deeper/devcontainer.json")  # not a spec location
    dot = tmp_path / ".devcontainer"
    assert configs_of_folder(dot) == [main]
    assert discover_files([dot]) == [(FileKind.CONFIG, main), (FileKind.CONFIG, gpu)]
    assert discover_files([dot / "gpu"]) == [(FileKind.CONFIG, gpu)]
    # the project folder still finds both, once each
    assert [p for _, p in discover_files([tmp_path, dot])] == [main, gpu]


def test_a_folder_with_nothing_is_still_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / ".devcontainer").mkdir()
    with pytest.raises(InputError, match="no dev container files"):
        discover_files([tmp_path / ".devcontainer"])


def test_parity_takes_the_devcontainer_folder_as_its_config(tmp_path: Path) -> None:
    config = _write(tmp_path, ".devcontainer/devcontainer.json", '{"image": "python:3.12"}')
    side = parse_side(str(config.parent))
    assert side.kind is Source.REGISTRY
    _write(tmp_path, ".devcontainer/gpu/devcontainer.json")
    assert parse_side(str(config.parent)) == side  # the folder's own config
    with pytest.raises(InputError, match=r"give the devcontainer\.json itself"):
        parse_side(str(tmp_path))  # the project has two: which one is not for devcon to guess
