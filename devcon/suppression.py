"""Inline suppression comments.

`// devcon-ignore: rule-a, rule-b` (or `# devcon-ignore: ...` in Dockerfiles) on the line of
a finding, or on its own line before it, silences those rules there;
`devcon-ignore-file: rule-a` anywhere silences them in the whole file. `all` matches every rule.
Text after the list of names is a reason, for readers: `// devcon-ignore: root-user -- CI only`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from devcon.dockerfile.model import Dockerfile
from devcon.findings import Finding
from devcon.jsonc import JsoncDocument

_NAME = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
DIRECTIVE = re.compile(
    rf"devcon-ignore(?P<file>-file)?[ \t]*:[ \t]*(?P<rules>{_NAME}(?:[ \t]*,[ \t]*{_NAME})*)"
)


@dataclass(frozen=True)
class Suppressions:
    by_line: Mapping[int, frozenset[str]] = field(default_factory=dict)
    whole_file: frozenset[str] = frozenset()

    def covers(self, finding: Finding, former_names: frozenset[str] = frozenset()) -> bool:
        """Whether a directive names the finding's rule, one of its rule's former names (a
        renamed rule keeps its old name as an alias) or `all`."""
        names = self.whole_file | self.by_line.get(finding.line, frozenset())
        return finding.rule in names or "all" in names or not former_names.isdisjoint(names)


def parse_directive(comment: str) -> tuple[bool, frozenset[str]] | None:
    """(whole_file, rule names) for a suppression comment, None for any other comment."""
    match = DIRECTIVE.search(comment)
    if not match:
        return None
    names = frozenset(n.strip() for n in match.group("rules").split(",") if n.strip())
    return bool(match.group("file")), names


def directive_names(comment: str) -> list[tuple[int, str]]:
    """(offset in `comment`, name) of every rule name a suppression comment gives."""
    match = DIRECTIVE.search(comment)
    if not match:
        return []
    start = match.start("rules")
    return [(start + m.start(), m.group()) for m in re.finditer(_NAME, match.group("rules"))]


def _collect(
    directives: Iterable[tuple[int, bool, str]], covered: Callable[[int, bool], Iterable[int]]
) -> Suppressions:
    """From (line, own_line, comment text); `covered(line, own_line)`: the lines a directive
    written there silences."""
    by_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    for line, own_line, text in directives:
        parsed = parse_directive(text)
        if parsed is None:
            continue
        whole_file, names = parsed
        if whole_file:
            whole |= names
            continue
        for target in covered(line, own_line):
            by_line.setdefault(target, set()).update(names)
    return Suppressions({k: frozenset(v) for k, v in by_line.items()}, frozenset(whole))


def build(directives: Iterable[tuple[int, bool, str]], code_lines: list[int]) -> Suppressions:
    """From (line, own_line, comment text) and the sorted lines that hold code: a directive
    on its own line covers the next line of code, at the end of a line that line."""

    def covered(line: int, own_line: bool) -> tuple[int]:
        if not own_line:
            return (line,)
        index = bisect.bisect_right(code_lines, line)
        return (code_lines[index] if index < len(code_lines) else line + 1,)

    return _collect(directives, covered)


def for_jsonc(doc: JsoncDocument) -> Suppressions:
    if not any("devcon-ignore" in c.text for c in doc.comments):
        return Suppressions()
    code_lines = sorted({doc.position(tok.start)[0] for tok in doc.tokens})
    return build(((c.line, c.own_line, c.text) for c in doc.comments), code_lines)


def for_dockerfile(dockerfile: Dockerfile) -> Suppressions:
    """`# devcon-ignore: rule` before an instruction covers all of its lines."""
    if not any("devcon-ignore" in c.text for c in dockerfile.comments):
        return Suppressions()
    starts = [i.line for i in dockerfile.instructions]

    def covered(line: int, _own_line: bool) -> range:
        index = bisect.bisect_right(starts, line)
        if index >= len(starts):
            return range(0)
        target = dockerfile.instructions[index]
        return range(target.line, max(target.end_line, target.line) + 1)

    return _collect(((c.line, c.own_line, c.text) for c in dockerfile.comments), covered)


def hash_comments(text: str) -> tuple[list[tuple[int, int, bool, str]], list[int]]:
    """`#` comments of YAML and similar files, as (line, column of `#`, own line, text from
    `#`), and the lines that hold code. An end-of-line comment starts at ` #`."""
    comments: list[tuple[int, int, bool, str]] = []
    code_lines: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            comments.append((number, line.index("#") + 1, True, stripped))
            continue
        code_lines.append(number)
        hash_at = line.find(" #")
        if hash_at >= 0:
            comments.append((number, hash_at + 2, False, line[hash_at + 1 :]))
    return comments, code_lines


def for_hash_comments(text: str) -> Suppressions:
    """`# devcon-ignore: rule` in YAML and similar files (own line, or end of line)."""
    if "devcon-ignore" not in text:
        return Suppressions()
    comments, code_lines = hash_comments(text)
    return build(((line, own, body) for line, _, own, body in comments), code_lines)
