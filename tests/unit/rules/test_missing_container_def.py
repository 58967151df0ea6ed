"""missing-container-def: no image, build.dockerfile or dockerComposeFile."""

from __future__ import annotations

from pathlib import Path

from devcon.config import Settings
from devcon.validate import ValidateRequest, validate

RULE = "missing-container-def"


def run(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "devcontainer.json"
    path.write_text(text, encoding="utf-8")
    settings = Settings(select=frozenset({RULE}))
    result = validate(ValidateRequest(paths=(path,), settings=settings))
    return [f"{f.line}:{f.column} {f.message}" for f in result.findings]


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
