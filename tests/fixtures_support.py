"""Reading rule fixtures: `tests/fixtures/<rule>/{good,bad}/` with `expect:` marks.

A bad fixture marks each expected finding with a comment on its line:
`// expect: rule-name@COLUMN` (or `# expect: ...` in Dockerfiles, YAML and requirement files).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"(?://|#)\s*expect:\s*([a-z0-9-]+)(?:@(\d+))?")


def fixture_cases(kind: str) -> Iterator[tuple[str, Path]]:
    """(rule, path) for every fixture under tests/fixtures/*/<kind>/."""
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        folder = rule_dir / kind
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                yield rule_dir.name, entry


def expected_marks(path: Path, rule: str) -> set[tuple[str, int, int | None]]:
    """(file, line, column or None) for every `expect: rule` mark in the files under path."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    marks: set[tuple[str, int, int | None]] = set()
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            for match in EXPECT.finditer(line):
                if match.group(1) == rule:
                    column = int(match.group(2)) if match.group(2) else None
                    marks.add((str(file.resolve()), number, column))
    return marks
