"""devcon.progress: core tells a `Progress` passed in how far it got (default: nobody), and
never prints; validate --merge tells each Feature fetched."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from devcon.definition import ConfigDocument, collect
from devcon.merge import MergeOptions, Merger
from devcon.progress import Step, Tally, Unit, no_progress


def test_tally_counts_n_of_m_from_threads() -> None:
    steps: list[Step] = []
    tally = Tally(steps.append, "work", 40)
    tally.start()
    threads = [threading.Thread(target=tally.tick) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert steps[0] == Step("work", 0, 40)
    assert sorted(s.done for s in steps[1:]) == list(range(1, 41))
    assert {s.unit for s in steps} == {Unit.ITEMS}
    no_progress(steps[-1])  # the default takes a step and does nothing


def _no_client() -> object:
    raise AssertionError("local Features need no registry")


def test_merge_tells_each_feature_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".devcontainer"
    for name in ("one", "two"):
        feature = folder / name
        feature.mkdir(parents=True)
        (feature / "devcontainer-feature.json").write_text(f'{{"id": "{name}"}}')
    (folder / "devcontainer.json").write_text(
        '{"image": "x:1@sha256:' + "0" * 64 + '", "features": {"./one": {}, "./two": {}}}'
    )
    steps: list[Step] = []
    merger = Merger(_no_client, MergeOptions({}), steps.append)  # type: ignore[arg-type]
    (config,) = [d for d in collect([folder]) if isinstance(d, ConfigDocument)]
    merger._feature_layers(config, config.doc.value)  # type: ignore[union-attr]
    assert [(s.done, s.total) for s in steps] == [(0, 2), (1, 2), (2, 2)]
    assert all(s.what.endswith("fetching Features") for s in steps)
    assert capsys.readouterr() == ("", "")
