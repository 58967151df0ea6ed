"""cap-add-all: ALL (and SYS_ADMIN / SYS_MODULE) in capAdd, runArgs, Features and compose."""

from __future__ import annotations

from pathlib import Path

from devcon.container_options import capability
from tests.unit.rules._support import run_rule

RULE = "cap-add-all"


def run(tmp_path: Path, name: str, text: str) -> list[str]:
    return run_rule(tmp_path, RULE, text, name)


def test_capability_names() -> None:
    assert capability("cap_sys_admin") == "SYS_ADMIN"
    assert capability(" all ") == "ALL"


def test_all_and_its_equivalents(tmp_path: Path) -> None:
    text = (
        '{\n  "image": "x",\n  "capAdd": ["SYS_PTRACE", "ALL"],\n'
        '  "runArgs": ["--cap-add", "sys_admin", "--cap-add=CAP_SYS_MODULE"]\n}'
    )
    found = run(tmp_path, "devcontainer.json", text)
    assert len(found) == 3
    assert found[0].startswith("3:28 `capAdd` `ALL` gives the container every Linux capability")
    assert "`runArgs` --cap-add `sys_admin` amounts to `ALL`" in found[1]
    assert "load modules into the host's kernel" in found[2]
    assert all("SYS_PTRACE" in f for f in found)  # the fix names a narrow capability


def test_narrow_capabilities_pass(tmp_path: Path) -> None:
    text = '{"image": "x", "capAdd": ["SYS_PTRACE", "NET_ADMIN"], "runArgs": ["--cap-drop=ALL"]}'
    assert run(tmp_path, "devcontainer.json", text) == []


def test_compose_cap_add(tmp_path: Path) -> None:
    text = "services:\n  app:\n    image: x\n    cap_add:\n      - ALL\n    cap_drop: [ALL]\n"
    (finding,) = run(tmp_path, "compose.yml", text)
    assert finding.startswith("5:9 service `app` `cap_add` `ALL`")


def test_feature(tmp_path: Path) -> None:
    (tmp_path / "f").mkdir()
    text = '{"id": "f", "version": "1.0.0", "capAdd": ["SYS_ADMIN"]}'
    (finding,) = run(tmp_path, "f/devcontainer-feature.json", text)
    assert "(for every container that installs this Feature)" in finding
