"""missing-container-def: no image, build.dockerfile or dockerComposeFile."""

from __future__ import annotations

from pathlib import Path

from tests.unit.rules._support import run_rule

RULE = "missing-container-def"


def run(tmp_path: Path, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text)


def test_nothing_to_create(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '// app\n{"name": "app"}')
    assert finding.startswith("2:1 no `image`, `build.dockerfile` or `dockerComposeFile`")


def test_build_without_dockerfile(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{"build": {"context": ".."}}')
    assert "`build` has no `dockerfile`" in finding


def test_any_definition_passes(tmp_path: Path) -> None:
    for text in (
        '{"image": "x"}',
        '{"build": {"dockerfile": "Dockerfile"}}',
        '{"dockerFile": "Dockerfile"}',
        '{"dockerComposeFile": "c.yml", "service": "a"}',
    ):
        assert run(tmp_path, text) == [], text


def test_syntax_errors_and_non_objects_are_not_judged(tmp_path: Path) -> None:
    assert run(tmp_path, '{"name": ') == []
    assert run(tmp_path, "[]") == []
