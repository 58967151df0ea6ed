"""squash-build: --squash in build.options or runArgs."""

from __future__ import annotations

from pathlib import Path

from devcon import jsonc
from devcon.rules.base import ConfigContext, Problem
from devcon.rules.squash_build import RULE


def config(text: str) -> list[Problem]:
    assert RULE.config is not None
    return list(RULE.config(ConfigContext(Path("d.json"), text, jsonc.parse(text), None)))


def test_build_options_item() -> None:
    (problem,) = config('{\n  "build": {"options": ["--pull", "--squash"]}\n}')
    assert (problem.line, problem.column) == (2, 35)
    assert "/build/options" in problem.message
    assert "devcon parity" in problem.message


def test_run_args_and_true_value() -> None:
    (problem,) = config('{"runArgs": ["--init", "--squash=true"]}')
    assert "/runArgs" in problem.message


def test_not_squash() -> None:
    assert config('{"build": {"options": ["--squash=false", "--pull"]}, "runArgs": []}') == []
    assert config('{"build": {"options": "--squash"}}') == []  # not an array: schema's job
    assert config('{"runArgs": ["--squashed"]}') == []
