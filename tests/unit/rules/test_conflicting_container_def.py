"""conflicting-container-def: more than one container definition."""

from __future__ import annotations

from pathlib import Path

from devcon.findings import Severity
from tests.unit.rules._support import run_rule

RULE = "conflicting-container-def"


def run(tmp_path: Path, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text, severity=Severity.WARNING)


def test_image_and_dockerfile(tmp_path: Path) -> None:
    text = '{\n  "image": "x",\n  "build": {"dockerfile": "Dockerfile"}\n}'
    (finding,) = run(tmp_path, text)
    assert finding.startswith("2:3 `image` and the Dockerfile are both set")
    assert "spec leaves the combination undefined" in finding
    assert "build the Dockerfile: `image` is not used" in finding


def test_image_and_compose(tmp_path: Path) -> None:
    text = '{\n  "dockerComposeFile": "c.yml",\n  "service": "a",\n  "image": "x"\n}'
    (finding,) = run(tmp_path, text)
    assert finding.startswith("2:3 `dockerComposeFile` and `image` are both set")
    assert "use `image`: `dockerComposeFile` is ignored" in finding


def test_legacy_dockerfile_wins(tmp_path: Path) -> None:
    text = '{\n  "dockerFile": "A",\n  "build": {"dockerfile": "B"}\n}'
    (finding,) = run(tmp_path, text)
    assert finding.startswith("3:13 both `dockerFile` and `build.dockerfile`")


def test_one_definition_passes(tmp_path: Path) -> None:
    assert run(tmp_path, '{"image": "x", "build": {"args": {"A": "1"}}}') == []
    assert run(tmp_path, '{"build": {"dockerfile": "D", "context": ".."}}') == []
