"""No two modules of devcon define the same public top-level name (issue 12).

A public name is a top-level class, function or assigned name not starting with `_`. Two
modules defining the same one means a reader (and an import) can mix up two things; the only
exceptions are protocols, where the same name in many modules is the point.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import devcon

ROOT = Path(devcon.__file__).parent

# name -> the folder every module defining it must sit in, and why the name repeats
ALLOWED: dict[str, tuple[str, str]] = {
    # each rule module's entry points, read by rules/catalog.py and rules/_knowledge_rule.py
    "RULE": ("rules", "every rule module exports its Rule as RULE"),
    "check": ("rules", "a rule's one check function"),
    "check_config": ("rules", "a rule's devcontainer.json check"),
    "check_compose": ("rules", "a rule's compose file check"),
    "check_dockerfile": ("rules", "a rule's Dockerfile check"),
    # each command module's hook that cli/app.py calls to add its command(s) to the app
    "register": ("cli", "every cli/*_cmd.py adds its commands through register(app)"),
}


def _public_names(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names.extend(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [n for n in names if not n.startswith("_")]


def definitions(root: Path) -> dict[str, list[Path]]:
    """Public top-level name -> the modules below `root` that define it."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name in sorted(set(_public_names(tree))):
            found[name].append(path.relative_to(root))
    return found


def collisions(found: dict[str, list[Path]]) -> list[str]:
    out = []
    for name, paths in sorted(found.items()):
        if len(paths) < 2:
            continue
        allowed = ALLOWED.get(name)
        if allowed and all(p.parts[0] == allowed[0] for p in paths):
            continue
        out.append(f"{name}: " + ", ".join(str(p) for p in paths))
    return out


def test_no_two_modules_define_the_same_public_name() -> None:
    assert collisions(definitions(ROOT)) == []


def test_the_check_sees_a_collision_and_the_allowed_scope(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.py").write_text("RULE = 1\ndef check(): ...\nclass Target: ...\n")
    (tmp_path / "rules" / "b.py").write_text("RULE = 2\ndef check(): ...\n_private = 1\n")
    (tmp_path / "other.py").write_text("class Target: ...\n_private = 2\n")
    assert collisions(definitions(tmp_path)) == ["Target: other.py, rules/a.py"]
    (tmp_path / "core.py").write_text("def check(): ...\n")  # outside rules/: not the protocol
    assert collisions(definitions(tmp_path)) == [
        "Target: other.py, rules/a.py",
        "check: core.py, rules/a.py, rules/b.py",
    ]
