"""privileged-container: privileged: true, runArgs --privileged, Features, compose, --merge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devcon.definition import ConfigDocument
from devcon.merge import Layer, merge
from devcon.rules.base import MergedConfig, Origin
from tests.unit.rules._support import run_rule

RULE = "privileged-container"


def run(tmp_path: Path, name: str, text: str, merger: Any = None) -> list[str]:
    return run_rule(tmp_path, RULE, text, name, merger=merger)


def with_feature(feature_id: str, metadata: dict[str, Any]) -> Any:
    """A --merge stand-in: the config merged with one Feature's metadata."""

    def merger(item: ConfigDocument) -> MergedConfig:
        assert item.doc is not None
        line, column = item.doc.key_position(("features", feature_id))
        origin = Origin(f"Feature {feature_id}", line, column)
        return merge(
            [Layer(origin.label, origin, metadata), Layer(str(item.path), None, item.doc.value)]
        )

    return merger


def test_property_and_run_args(tmp_path: Path) -> None:
    text = '{\n  "image": "x",\n  "privileged": true,\n  "runArgs": ["--init", "--privileged"]\n}'
    first, second = run(tmp_path, "devcontainer.json", text)
    assert first.startswith("3:17 `privileged: true`: the container runs privileged")
    assert "take over the host" in first and "`capAdd`" in first
    assert second.startswith("4:25 `runArgs` --privileged")


def test_false_values_and_compose_run_args_pass(tmp_path: Path) -> None:
    text = '{"image": "x", "privileged": false, "runArgs": ["--privileged=false"]}'
    assert run(tmp_path, "devcontainer.json", text) == []
    compose = '{"dockerComposeFile": "c.yml", "service": "a", "runArgs": ["--privileged"]}'
    assert run(tmp_path, "other.json", compose) == []


def test_compose_service(tmp_path: Path) -> None:
    text = "services:\n  app:\n    image: x\n    privileged: true\n  db:\n    image: y\n"
    (finding,) = run(tmp_path, "compose.yml", text)
    assert finding.startswith("4:17 service `app` runs privileged")


def test_feature_metadata(tmp_path: Path) -> None:
    text = '{\n  "id": "dind",\n  "version": "1.0.0",\n  "privileged": true\n}'
    (finding,) = run(tmp_path, "dind/devcontainer-feature.json", text)
    assert "every container that installs this Feature runs privileged" in finding


def test_merge_reports_at_the_feature(tmp_path: Path) -> None:
    feature = "ghcr.io/devcontainers/features/docker-in-docker:2"
    text = '{\n  "image": "x",\n  "features": {\n    "' + feature + '": {}\n  }\n}'
    merger = with_feature(feature, {"privileged": True})
    (finding,) = run(tmp_path, "devcontainer.json", text, merger)
    assert finding.startswith("4:5 `privileged: true`")
    assert finding.endswith(f"(set by Feature {feature})")
