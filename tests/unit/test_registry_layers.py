"""The registry package in layers: transport (HTTP) under auth (credentials and the challenge
flow) under client (the OCI API), read from the modules' imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "devcon" / "registry"

# module -> the registry modules it may import
ALLOWED = {
    "errors": set(),
    "cache": set(),
    "transport": {"errors"},
    "auth": {"errors", "transport"},
    "client": {"auth", "cache", "errors", "transport"},
    "factory": {"auth", "cache", "client", "transport"},
}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether at run time: outside `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in node.body:
                type_only.update(id(n) for n in ast.walk(inner))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) not in type_only))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, id(node) not in type_only) for alias in node.names)
    return found


def test_every_registry_module_is_in_the_layer_table() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_registry_modules_import_only_the_layers_below(module: str) -> None:
    used = {
        name.removeprefix("devcon.registry.")
        for name, _ in _imports(PACKAGE / f"{module}.py")
        if name.startswith("devcon.registry.")
    }
    assert used <= ALLOWED[module], f"{module} imports {sorted(used - ALLOWED[module])}"


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_only_the_transport_uses_requests(module: str) -> None:
    at_run_time = {
        name.split(".")[0] for name, run_time in _imports(PACKAGE / f"{module}.py") if run_time
    }
    assert ("requests" in at_run_time) == (module == "transport")
