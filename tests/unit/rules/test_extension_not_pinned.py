"""extension-not-pinned (off by default): VS Code extensions without @version."""

from __future__ import annotations

from pathlib import Path

from devcon.rules.catalog import rules_by_name
from tests.unit.rules._support import run_rule

RULE = "extension-not-pinned"


def run(tmp_path: Path, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text)


def test_off_by_default() -> None:
    rule = rules_by_name().get(RULE)
    assert rule is not None and not rule.enabled_by_default


def test_unpinned(tmp_path: Path) -> None:
    text = (
        '{\n  "image": "x",\n  "customizations": {"vscode": {"extensions": [\n'
        '    "ms-python.python",\n    "ms-python.black-formatter@2024.2.0",\n'
        '    "-ms-python.autopep8"\n  ]}}\n}'
    )
    (finding,) = run(tmp_path, text)
    assert finding.startswith("4:5 extension `ms-python.python` has no version")
    assert "`ms-python.python@<version>`" in finding


def test_legacy_top_level_list(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, '{"image": "x", "extensions": ["ms-toolsai.jupyter"]}')
    assert "`ms-toolsai.jupyter`" in finding


def test_other_shapes_pass(tmp_path: Path) -> None:
    assert run(tmp_path, '{"image": "x", "customizations": {"vscode": []}}') == []
    text = '{"image": "x", "customizations": {"vscode": {"extensions": [1, "${x}"]}}}'
    assert run(tmp_path, text) == []
