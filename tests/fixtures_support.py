"""Reading rule fixtures: `tests/fixtures/<rule>/{good,bad}/` with `expect:` marks.

A bad fixture marks each expected finding with a comment on the finding's line:
`// expect: rule-name@COLUMN` in JSON, `# expect: rule-name@COLUMN` in YAML and requirement
files. In Dockerfiles, where `#` starts a comment only at the start of a line, the mark goes on
its own line BEFORE the line holding the finding: `# expect-next: rule-name@COLUMN` (stacked
marks all apply to the next line that is not a comment or blank). The column is optional.
A fixture can set the profile it is checked with: `# fixture-profile: dev|prod` (default: what
validate chooses: dev for Dockerfiles a devcontainer.json uses, prod for files named directly).
`# fixture-trusted-registries: a, b` (or `//` in JSON) sets devcon's `trusted-registries`.
`# fixture-tools: codespaces` (or `//` in JSON) sets the supporting tools checked (`--tools`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"(?://|#)\s*expect(-next)?:\s*([a-z0-9-]+)(?:@(\d+))?")
PROFILE = re.compile(r"#\s*fixture-profile:\s*(dev|prod)")
TRUSTED = re.compile(r"(?://|#)\s*fixture-trusted-registries:[ \t]*([^\n]*)")


def fixture_inputs(path: Path) -> tuple[Path, ...]:
    """What to give `validate` for a fixture: the file itself; a folder with a dev container
    config, Feature or Template as a whole; otherwise every Dockerfile and compose file in
    the folder."""
    if path.is_file():
        return (path,)
    wholes = (
        "devcontainer.json",
        ".devcontainer.json",
        "devcontainer-feature.json",
        "devcontainer-template.json",
    )
    if any(any(path.rglob(name)) for name in wholes):
        return (path,)
    from devcon.discovery import FileKind, kind_of

    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file() and kind_of(p) in (FileKind.DOCKERFILE, FileKind.COMPOSE)
    ]
    assert files, f"{path}: no devcontainer.json, Dockerfile or compose file"
    return tuple(files)


def fixture_profile(path: Path) -> str | None:
    """`# fixture-profile: dev|prod` in any of the fixture's files."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        match = PROFILE.search(file.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    return None


def fixture_trusted_registries(path: Path) -> tuple[str, ...] | None:
    """`# fixture-trusted-registries: a, b` in any of the fixture's files (None: not set)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        match = TRUSTED.search(file.read_text(encoding="utf-8"))
        if match:
            return tuple(e.strip() for e in match.group(1).split(",") if e.strip())
    return None


VSCODE = re.compile(r"(?://|#)\s*fixture-vscode:\s*([0-9a-z.]+)")


def fixture_vscode(path: Path) -> str:
    """`# fixture-vscode: 1.37` in any of the fixture's files (default: stable)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        match = VSCODE.search(file.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    return "stable"


TOOLS = re.compile(r"(?://|#)\s*fixture-tools:[ \t]*([^\n]*)")


def fixture_tools(path: Path) -> frozenset[str]:
    """`# fixture-tools: codespaces` in any of the fixture's files (default: none)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        match = TOOLS.search(file.read_text(encoding="utf-8"))
        if match:
            return frozenset(e.strip() for e in match.group(1).split(",") if e.strip())
    return frozenset()


def fixture_cases(kind: str, facts: bool = False) -> Iterator[tuple[str, Path]]:
    """(rule, path) for every fixture under tests/fixtures/*/<kind>/: file fixtures, or
    with `facts=True` the `*.facts.json` image-facts fixtures of the compat rules."""
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        folder = rule_dir / kind
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if entry.name.endswith(".facts.json") == facts:
                    yield rule_dir.name, entry


def expected_marks(path: Path, rule: str) -> set[tuple[str, int, int | None]]:
    """(file, line, column or None) for every `expect: rule` mark in the files under path."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    marks: set[tuple[str, int, int | None]] = set()
    for file in files:
        lines = file.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            for match in EXPECT.finditer(line):
                if match.group(2) != rule:
                    continue
                column = int(match.group(3)) if match.group(3) else None
                target = number
                if match.group(1):  # expect-next
                    target = number + 1
                    while target <= len(lines) and (
                        not lines[target - 1].strip() or lines[target - 1].lstrip().startswith("#")
                    ):
                        target += 1
                marks.add((str(file.resolve()), target, column))
    return marks
