"""Issue 13, items 10-12: no credential, no terminal control and no unbounded list in any
output; one seam (devcon/output_safety.py) that every output path goes through."""

from __future__ import annotations

import ast
import datetime
import json
import random
import string
from pathlib import Path

import pytest

from devcon.cli.app import main
from devcon.output_safety import bounded_join, escape_controls, safe_json, safe_line, safe_text
from devcon.rules import platform_unavailable
from devcon.rules.base import ImageContext
from devcon.secrets import redact_text

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("text", "json", "sarif", "github")
# raw characters no output may hold: ESC, CSI (C1), DEL, BEL, bidi override and isolate
FORBIDDEN = ("\x1b", "\x9b", "\x7f", "\x07", "\u202e", "\u2066")


def _token(prefix: str = "ghp_", length: int = 36) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(random.choice(alphabet) for _ in range(length))


def _key_body() -> str:
    # what a private key's body looks like (ASN.1 prefix, then random base64)
    alphabet = string.ascii_letters + string.digits + "+/"
    return "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "".join(random.choice(alphabet) for _ in range(8))


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_redact_text_hides_formats_cut_tokens_and_key_bodies() -> None:
    token = _token()
    body = _key_body()
    text = redact_text(f"not an instruction: '{token}' then {body} and {token[:14]}")
    assert token[4:16] not in text and body[20:32] not in text
    assert "ghp_…<40 chars>" in text
    # words, paths, digests, CamelCase names and npm's variables are not credentials
    plain = (
        "npm_config_cache /usr/lib/x86_64-linux-gnu/libFoo2 MicrosoftVisualStudio2022Tools "
        "sha256:" + "0123456789abcdef" * 4 + " mcr.microsoft.com/devcontainers/python:3.12"
    )
    assert redact_text(plain) == plain


def test_escape_controls() -> None:
    text = "a\x1b[2Jb\x9b1m\x7f\u202eevil\u2066\r\n\tz"
    assert escape_controls(text) == "a\\x1b[2Jb\\x9b1m\\x7f\\u202eevil\\u2066\\x0d\\x0a\\x09z"
    assert escape_controls(text, keep_newlines=True).endswith("\\x0d\n\\x09z")
    assert safe_line("x\ny") == "x\\x0ay" and safe_text("x\ny") == "x\ny"


def test_safe_json_keeps_the_document() -> None:
    token = _token()
    doc = {"a": f"{token} \x1b[31m \u202e \x9b", token: [1, 2.5, None, True]}
    for ascii_only in (True, False):
        text = json.dumps(doc, indent=2, ensure_ascii=ascii_only) + "\n"
        out = safe_json(text)
        assert token[4:16] not in out and not any(c in out for c in FORBIDDEN)
        back = json.loads(out)
        assert back["a"] == "ghp_…<40 chars> \x1b[31m \u202e \x9b"
        assert back["ghp_…<40 chars>"] == [1, 2.5, None, True]


def test_bounded_join() -> None:
    assert bounded_join([]) == "none"
    assert bounded_join(["a", "b"]) == "a, b"
    platforms = [f"linux/arch{i}" for i in range(10_001)]
    text = bounded_join(platforms)
    assert text.endswith(", linux/arch9, ... and 9,991 more") and len(text) < 200


def test_platform_list_in_a_message_is_bounded() -> None:
    """Issue repro: one error line of 159 KB listed 10,001 platforms."""
    platforms = tuple(f"linux/\x1b]0;arch{i}\x07" for i in range(10_001))
    ctx = ImageContext(
        "img:1",
        None,
        None,
        unavailable_platform="linux/s390x",  # type: ignore[arg-type]
        available_platforms=platforms,
        today=datetime.date(2026, 12, 3),
    )
    (problem,) = platform_unavailable.check(ctx)
    assert len(problem.message) < 500 and "... and 9,991 more" in problem.message


def _project(tmp_path: Path, token: str, body: str) -> None:
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "Dockerfile").write_text(
        f"FROM python:3.12\n{token}\nRUN pip install {body}\n", encoding="utf-8"
    )
    (folder / "devcontainer.json").write_text(
        json.dumps(
            {
                "build": {"dockerfile": "Dockerfile"},
                token: 1,
                "\u001b[2Jkey\u202e\u009b31m": 2,
                "dockerComposeFile": "compose.yml",
                "service": "web",
            }
        ),
        encoding="utf-8",
    )
    (folder / "compose.yml").write_text(
        'services:\n  "web\\e[2J\\u202e\\n::error ::x":\n    image: 3\n', encoding="utf-8"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_validate_output_has_no_secret_and_no_control(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """Issue repros (10, 11): a token alone on a Dockerfile line, 40 characters of a private
    key in a RUN line, a token as an object key; ESC[2J, C1 and bidi in keys and names."""
    token, body = _token(), _key_body()
    _project(tmp_path, token, body)
    main(["validate", "--format", fmt])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "schema" in out and "dockerfile-syntax" in out  # the findings are there
    for secret in (token, body):
        for i in range(len(secret) - 11):
            assert secret[i : i + 12] not in out, (fmt, secret[i : i + 12])
    assert not any(c in out for c in FORBIDDEN), fmt
    if fmt == "github":
        # a workflow command starts every line; nothing from input starts one
        assert all(line.startswith("::") for line in out.splitlines())
        assert out.count("\n") == len(out.splitlines())
        assert "::error ::x" not in out.replace("%0A::error ::x", "")
    if fmt in ("json", "sarif"):
        json.loads(captured.out)


def test_error_line_has_no_secret_and_no_control(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = _token()
    assert main(["validate", f"nope\x1b]0;title\x07{token}\u202e/"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("devcon: nope") and err.count("\n") == 1
    assert token[4:16] not in err and not any(c in err for c in FORBIDDEN)


# -- the seam: every output path goes through output_safety ---------------------------------

# (module, function) that may write to stdout/stderr: each passes its text through the seam
_WRITERS = {
    ("devcon/cli/options.py", "say"),
    ("devcon/cli/app.py", "_say"),
    ("devcon/cli/progress.py", "_show"),  # the progress line, drawn over itself
}
# write_output prints what report.render returned (checked below: its callers pass render(...))
_REPORT_WRITER = ("devcon/cli/options.py", "write_output")
# prints a constant of devcon's own (no input in it)
# (the version; the rule catalog's own documentation)
_CONSTANT = {("devcon/cli/app.py", "_version"), ("devcon/cli/rules_cmd.py", "rules_command")}


def _output_calls(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of each print/echo/stdout-or-stderr write in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = child.name
            if isinstance(child, ast.Call):
                func = child.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                target = ast.unparse(func)
                if called in {"print", "echo", "secho"} or target in {
                    "sys.stdout.write",
                    "sys.stderr.write",
                    "show",
                }:
                    found.append((name, child.lineno))
            visit(child, name)

    visit(tree, "<module>")
    return found


def test_every_output_path_goes_through_the_seam() -> None:
    """Fails when a new print/echo/stdout write appears outside the seam's writers, when a
    writer stops calling the seam, or when render stops passing formatters' output to it."""
    stray = []
    for path in sorted((ROOT / "devcon").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for function, line in _output_calls(path):
            if (rel, function) not in _WRITERS | _CONSTANT | {_REPORT_WRITER}:
                stray.append(f"{rel}:{line} in {function}")
    assert stray == [], "output outside devcon.output_safety's writers: " + ", ".join(stray)
    for rel, function in _WRITERS:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        (node,) = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function
        ]
        assert "safe_" in ast.unparse(node), f"{rel}:{function} does not call the seam"
    for path in sorted((ROOT / "devcon").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rendered = {  # names assigned a render(...) in this module
            target.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "render"
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "write_output":
                given = node.args[0]
                from_render = (
                    isinstance(given, ast.Call) and ast.unparse(given.func) == "render"
                ) or (isinstance(given, ast.Name) and given.id in rendered)
                assert from_render, f"{path}:{node.lineno}: write_output of text not from render"
    registry = (ROOT / "devcon/report/registry.py").read_text(encoding="utf-8")
    render = [
        n
        for n in ast.walk(ast.parse(registry))
        if isinstance(n, ast.FunctionDef) and n.name == "render"
    ]
    assert "safe_report(" in ast.unparse(render[0])
    # formatters are reached only through render (registry.FORMATTERS), never imported by cli
    for path in sorted((ROOT / "devcon/cli").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for module in (
            "text",
            "json_report",
            "sarif",
            "github",
            "pin_report",
            "compat_report",
            "parity_report",
        ):
            assert f"devcon.report.{module} import render" not in text, path


def test_findings_are_made_safe_where_they_are_made() -> None:
    from devcon.findings import Finding, Severity
    from devcon.report.finding_forms import finding_line
    from devcon.report.github import finding_annotation

    token = _token()
    f = Finding("a\x1b.json", 1, 1, "schema", Severity.ERROR, f"unknown '{token}'\n::error::x")
    assert token[4:16] not in f.message and "\x1b" not in f.path
    assert "\n" not in finding_line(f) and "%0A::error" in finding_annotation(f)
