"""action.yml's parity gate against the real registry: two stages on one base pass (exit 0),
stages on different bases fail the gate (exit 1)."""

from __future__ import annotations

from pathlib import Path

from tests.ci_support import run_action
from tests.harness.registry import Registry


def test_parity_gate_passes_on_one_base_and_fails_on_another(
    tmp_path: Path, registry: Registry, base_image: object, build_image: object
) -> None:
    ref = base_image.ref  # type: ignore[attr-defined]
    other = build_image("FROM {base}\nRUN echo other > /other\n", push=True)  # type: ignore[operator]
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Dockerfile").write_text(
        f"FROM {ref} AS dev\nRUN echo dev\n"
        f"FROM {ref} AS prod\nRUN echo prod\n"
        f"FROM {other.ref} AS elsewhere\nRUN echo elsewhere\n",
        encoding="utf-8",
    )
    (repo / ".devcontainer").mkdir()
    (repo / ".devcontainer" / "devcontainer.json").write_text(
        '{"build": {"dockerfile": "../Dockerfile", "target": "dev"}}\n', encoding="utf-8"
    )
    same = run_action({"parity": "Dockerfile#dev Dockerfile#prod", "fail-on": "error"}, repo)
    assert same.outputs["parity-exit-code"] == "0", same.step("parity").stderr
    assert not same.failed
    assert "same-base" in same.step("parity").stdout
    differ = run_action({"parity": "Dockerfile#dev Dockerfile#elsewhere", "fail-on": "error"}, repo)
    assert differ.outputs["parity-exit-code"] == "1", differ.step("parity").stderr
    assert differ.step("gate").code == 1
    assert "devcon parity failed (exit 1)" in differ.step("gate").stdout
