"""feature-not-pinned: Features without a version, or by latest."""

from __future__ import annotations

import json
from pathlib import Path

from devcon.rules.feature_not_pinned import problem_with
from tests.unit.rules._support import run_rule

RULE = "feature-not-pinned"


def run(folder: Path, features: dict[str, object]) -> list[str]:
    return run_rule(folder, RULE, json.dumps({"image": "x", "features": features}, indent=2))


def test_judgements() -> None:
    assert "has no version" in str(problem_with("ghcr.io/devcontainers/features/python"))
    assert "follows `latest`" in str(problem_with("ghcr.io/devcontainers/features/go:latest"))
    for fine in (
        "ghcr.io/devcontainers/features/python:1",
        "ghcr.io/devcontainers/features/python:1.6.3",
        "ghcr.io/devcontainers/features/python@sha256:" + "a" * 64,
        "./local-feature",
        "../shared/feature",
        "terraform",  # legacy id: the tools map it to :1
        "https://example.com/releases/download/v1/devcontainer-feature-x.tgz",
        "ghcr.io/${templateOption:owner}/features/x",
    ):
        assert problem_with(fine) is None, fine
    latest_url = "https://github.com/o/r/releases/latest/download/devcontainer-feature-x.tgz"
    assert "latest release" in str(problem_with(latest_url))


def test_reported_at_the_key(tmp_path: Path) -> None:
    found = run(tmp_path, {"ghcr.io/devcontainers/features/python": {}, "x.io/a/b:2": {}})
    (finding,) = found
    assert finding.startswith("4:5 Feature `ghcr.io/devcontainers/features/python` has no version")
    assert "`:1`" in finding and "@sha256:" in finding and "devcon pin --features" in finding


def test_lock_file_pins_it(tmp_path: Path) -> None:
    feature = "ghcr.io/devcontainers/features/python"
    lock = {"features": {feature: {"version": "1.6.3", "resolved": "r", "integrity": "i"}}}
    (tmp_path / "devcontainer-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    assert run(tmp_path, {feature: {}}) == []
    assert len(run(tmp_path, {feature + ":latest": {}})) == 1  # a different id
