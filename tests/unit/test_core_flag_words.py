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
from devcon.cli.hints import WORDS, worded
from devcon.errors import OptionError, UsageError
from devcon.hints import Hint, hinted
from devcon.registry.errors import RegistryUnavailable
from devcon.registry.factory import check_mirror

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
            # its fix; its findings' advice (`devcon pin --features`) too: left to do, a
            # Finding's message is a plain (ordered) string with no place for a hint yet
            ("feature_not_pinned", "--features"),
            ("platform_unavailable", "--platform"),  # its doc and summary
            ("dockerfile_syntax", "--platform"),  # Docker's FROM --platform, in the doc
        )
    },
    ("rules/docs.py", "--format"): "docs/rules.md's header names the command that made it",
    # conda's own `--yes` (`conda clean --all --yes`) in the rule's advice, not devcon prune's
    ("rules/package_cache_kept.py", "--yes"): "conda's flag, in the rule's doc and message",
    ("rules/base.py", "--tools"): "rule documentation: Rule.applies_to, for docs and listings",
    # advice in messages and reports: none; core says which hint (devcon.hints) and
    # devcon/cli/hints.py words it
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


def test_every_allowed_pair_is_still_there() -> None:
    """The allow-list hides nothing that is gone: each entry is still found."""
    assert sorted(set(ALLOWED) - flags_in_core(ROOT, devcon_flags())) == []


def test_every_hint_has_its_words_and_they_name_a_flag() -> None:
    assert set(WORDS) == set(Hint)
    flags = devcon_flags()
    for hint, words in WORDS.items():
        assert any(f in flags for f in _FLAG.findall(words)), hint


def test_core_says_which_hint_and_the_cli_words_it() -> None:
    with pytest.raises(UsageError) as info:
        check_mirror("http://mirror.example:5000", "--registry-mirror")
    assert "--insecure-registry" not in info.value.message  # core names no flag
    assert info.value.hinted
    assert worded(info.value.text).endswith(
        "give HOST[:PORT] only. devcon uses HTTPS, and plain HTTP only for loopback hosts "
        "and hosts named with --insecure-registry"
    )


def test_the_cli_words_a_hinted_error_and_keeps_its_type() -> None:
    with pytest.raises(RegistryUnavailable) as info, flag_words():
        raise RegistryUnavailable(hinted("x:1: not in the cache and ", Hint.OFFLINE_IS_SET))
    assert info.value.message == str(info.value) == "x:1: not in the cache and --offline is set"


def test_a_text_without_hints_stays_a_plain_string() -> None:
    assert hinted("a", "b") == "ab"
    assert worded(hinted("(", hinted("in ", Hint.GIVEN_BASE), ")")) == "(in --base)"


def test_a_result_is_worded_for_the_formatters_without_changing_anything_else() -> None:
    import dataclasses

    from devcon.cli.hints import WORDS, worded_result
    from devcon.hints import Hint, hinted

    @dataclasses.dataclass(frozen=True)
    class Inner:
        reasons: tuple[object, ...]
        count: int

    @dataclasses.dataclass(frozen=True)
    class Outer:
        inner: Inner
        notes: list[object]
        by_name: dict[str, object]
        untouched: Inner

    keep = Inner(("plain",), 1)
    result = Outer(
        Inner(("a", hinted("see ", Hint.USE_FORCE)), 2),
        [hinted(Hint.OFFLINE_IS_SET)],
        {"x": hinted("(", Hint.GIVEN_BASE, ")")},
        keep,
    )
    worded = worded_result(result)
    assert worded.inner == Inner(("a", "see " + WORDS[Hint.USE_FORCE]), 2)
    assert worded.notes == [WORDS[Hint.OFFLINE_IS_SET]]
    assert worded.by_name == {"x": f"({WORDS[Hint.GIVEN_BASE]})"}
    assert worded.untouched is keep  # nothing to word: the same object
    assert result.notes != worded.notes  # the result itself is not changed
