"""Core code names no devcon command-line flag; the CLI (devcon/cli/) words them (issue 12).

The flags are read from the typer app itself (every option of every command), and every
string constant of every module outside devcon/cli/ is searched for them. Docstrings are not
output and are left out; so is devcon/dockerfile/, whose strings are Docker's and pip's own
flags (`FROM --platform`, `pip --timeout`): data the parsers read, not devcon's options.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer.main

import devcon
from devcon.cli.app import app
from devcon.cli.flags import flag_words
from devcon.errors import OptionError, UsageError

ROOT = Path(devcon.__file__).parent
_FLAG = re.compile(r"--[a-z][a-z0-9-]*")

# (module, flag) pairs still worded in core code, each kept on purpose or left to do
ALLOWED: dict[tuple[str, str], str] = {
    # rule documentation (rendered into docs/rules.md) tells how to run devcon
    **{
        (f"rules/{name}.py", flag): "rule documentation"
        for name, flag in (
            ("codespaces_bind_mount", "--tools"),
            ("codespaces_bind_mount", "--merge"),
            ("codespaces_forward_port_host", "--tools"),
            ("docker_socket_mount", "--merge"),
            ("extension_not_pinned", "--merge"),
            ("no_new_privileges_missing", "--merge"),
            ("privileged_container", "--merge"),
            ("remote_user_root", "--merge"),
            ("feature_not_pinned", "--features"),
            ("platform_unavailable", "--platform"),
            ("dockerfile_syntax", "--platform"),  # Docker's FROM --platform, in the doc
        )
    },
    ("rules/docs.py", "--format"): "docs/rules.md's header names the command that made it",
    # advice in messages and reports, not yet worded by the CLI (left to do in issue 12)
    ("rules/base.py", "--tools"): "to do: a finding's advice",
    ("rules/feature_not_pinned.py", "--features"): "to do: a finding's advice",
    ("rules/platform_unavailable.py", "--platform"): "to do: a finding's message",
    ("compat/check.py", "--offline"): "to do: compat's advice and report",
    ("compat/sources.py", "--max-download"): "to do: compat's advice",
    ("parity/check.py", "--platform"): "to do: parity's advice",
    ("parity/compare.py", "--base"): "to do: parity's explanation",
    ("parity/compare.py", "--strict"): "to do: parity's explanation",
    ("registry/auth.py", "--insecure-registry"): "to do: the registry error's hint",
    ("registry/client.py", "--offline"): "to do: the registry error's hint",
    ("registry/factory.py", "--insecure-registry"): "to do: the registry error's hint",
    ("registry/transport.py", "--insecure-registry"): "to do: the registry error's hint",
    ("scaffold.py", "--force"): "to do: init's advice",
    ("scaffold.py", "--no-pin"): "to do: init's report",
}


def devcon_flags() -> set[str]:
    flags: set[str] = set()

    def walk(command: object) -> None:
        for param in getattr(command, "params", ()):
            flags.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("--"))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return flags


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def flags_in_core(root: Path, flags: set[str]) -> set[tuple[str, str]]:
    found = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("cli", "dockerfile"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ):
                found.update(
                    (relative.as_posix(), f) for f in _FLAG.findall(node.value) if f in flags
                )
    return found


def test_the_flags_come_from_the_app() -> None:
    assert {"--base", "--select", "--offline", "--platform", "--format"} <= devcon_flags()


def test_no_core_module_names_a_devcon_flag() -> None:
    assert sorted(flags_in_core(ROOT, devcon_flags()) - set(ALLOWED)) == []


def test_the_check_sees_a_flag_in_a_message_not_in_a_docstring(tmp_path: Path) -> None:
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "a.py").write_text('X = "--base"\n')
    (tmp_path / "core.py").write_text('"""--base in a docstring"""\nX = f"{1} --base REF"\n')
    (tmp_path / "data.py").write_text('X = "pip --no-cache-dir"\n')
    assert flags_in_core(tmp_path, {"--base"}) == {("core.py", "--base")}


@pytest.mark.parametrize(
    ("option", "worded"),
    [
        ("base", "--base must be an image"),
        ("select", "--select: must be an image"),
        ("ignore", "--ignore: must be an image"),
        ("image", "--image: must be an image"),
    ],
)
def test_the_cli_words_an_option_error_with_its_flag(option: str, worded: str) -> None:
    with pytest.raises(UsageError) as info, flag_words():
        raise OptionError(option, "must be an image")
    assert info.value.message == worded
