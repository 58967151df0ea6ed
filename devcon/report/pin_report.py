"""`pin` and `outdated` results: text (lines / a table), JSON, SARIF and GitHub annotations,
each reference at its path:line:col."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from devcon.findings import Severity
from devcon.pin import OutdatedResult, PinItem, PinResult, PinStatus
from devcon.report.github import annotation, lines_text
from devcon.report.gitlab import GITLAB_SEVERITY, issues_text
from devcon.report.locations import relative_path
from devcon.report.sarif import file_location, sarif_result, sarif_text
from devcon.rules.base import Rule

#: what SARIF and GitHub report of each status (level, summary); other statuses need nothing
_PIN_KINDS = {
    PinStatus.UNPINNED: ("error", "an image reference is not pinned by digest"),
    PinStatus.SKIPPED: ("warning", "an image reference devcon cannot pin (the reason says why)"),
    PinStatus.PINNED: ("note", "an image reference pinned by digest (or to be, in a dry run)"),
}
_OUTDATED_KINDS = {
    PinStatus.OUTDATED: ("warning", "the tag of a pinned reference now names another digest"),
    PinStatus.UPDATED: ("note", "a pinned reference re-pinned to the digest its tag names now"),
    PinStatus.SKIPPED: ("note", "a reference whose tag cannot be compared (the reason says why)"),
}


def _location(item: PinItem) -> str:
    return f"{item.path}:{item.line}:{item.column}"


def _pin_message(item: PinItem, dry_run: bool) -> str:
    if item.status is PinStatus.PINNED:
        return f"{'would pin' if dry_run else 'pinned'} {item.written} -> {item.new_text}"
    if item.status is PinStatus.UNPINNED:
        return f"not pinned: {item.written}" + (f" ({item.reason})" if item.reason else "")
    return f"skipped {item.written}: {item.reason}"


def _outdated_message(item: PinItem) -> str:
    text = f"{item.status.value} {item.written}"
    if item.old_digest and item.digest and item.old_digest != item.digest:
        text += f": pinned {item.old_digest[7:19]}, now {item.digest[7:19]}"
    return text + (f": {item.reason}" if item.reason else "")


def _kinds(result: PinResult) -> dict[PinStatus, tuple[str, str]]:
    return _OUTDATED_KINDS if isinstance(result, OutdatedResult) else _PIN_KINDS


def _command(result: PinResult) -> str:
    return "outdated" if isinstance(result, OutdatedResult) else "pin"


def _message(result: PinResult, item: PinItem) -> str:
    if isinstance(result, OutdatedResult):
        return _outdated_message(item)
    return _pin_message(item, result.dry_run)


def _pin_lines(result: PinResult) -> list[str]:
    lines = [
        f"{_location(item)}: {_pin_message(item, result.dry_run)}"
        for item in result.items
        if item.status in _PIN_KINDS
    ]
    if result.dry_run:
        lines.extend(d.rstrip("\n") for d in result.diffs)
    return lines


def _text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def render_pin_findings(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    """`--quiet`: each reference pinned, unpinned or skipped (and a dry run's diff); no count."""
    return _text(_pin_lines(result))


def render_outdated_findings(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    """`--quiet`: each reference that moved, was updated or was skipped; no table, no count."""
    return _text(
        [
            f"{_location(item)}: {_outdated_message(item)}"
            for item in result.items
            if item.status in _OUTDATED_KINDS
        ]
        + ([d.rstrip("\n") for d in result.diffs] if result.dry_run else [])
    )


def render_pin_text(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    lines = _pin_lines(result)
    counts = {s: sum(1 for i in result.items if i.status is s) for s in PinStatus}
    lines.append(
        f"{counts[PinStatus.PINNED]} pinned, {counts[PinStatus.ALREADY]} already pinned, "
        f"{counts[PinStatus.UNPINNED]} unpinned, {counts[PinStatus.SKIPPED]} skipped"
        + (f"; {len(result.changed)} files changed" if result.changed else "")
        + (" (dry run: nothing written)" if result.dry_run else "")
    )
    return "\n".join(lines) + "\n"


def render_outdated_text(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    rows = [("LOCATION", "REFERENCE", "STATUS", "PINNED", "CURRENT")]
    notes = []
    for item in result.items:
        if item.reason:
            notes.append(f"{_location(item)}: {item.status.value} {item.written}: {item.reason}")
        rows.append(
            (
                _location(item),
                item.written.split("@")[0],
                item.status.value,
                (item.old_digest or "")[7:19],
                (item.digest or "")[7:19],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines += notes
    if result.dry_run:
        lines += [diff.rstrip("\n") for diff in result.diffs]
    moved = [i for i in result.items if i.status in (PinStatus.OUTDATED, PinStatus.UPDATED)]
    compared = [i for i in result.items if i.status is not PinStatus.SKIPPED]
    skipped = len(result.items) - len(compared)
    lines.append(
        f"{len(moved)} of {len(compared)} pinned references moved"
        + (f"; {skipped} skipped" if skipped else "")
        + (" (dry run: nothing written)" if result.dry_run else "")
    )
    return "\n".join(lines) + "\n"


def render_pin_json(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    references: list[dict[str, Any]] = [
        {
            "path": item.path,
            "line": item.line,
            "column": item.column,
            "reference": item.written,
            "status": item.status.value,
            "digest": item.digest,
            "previous_digest": item.old_digest,
            "new": item.new_text,
            "reason": item.reason,
        }
        for item in result.items
    ]
    payload: dict[str, Any] = {"version": 1, "references": references}
    if result.named:
        from devcon.report.json_report import named_dicts

        payload["named"] = named_dicts(result.named)
    return json.dumps(payload, indent=2) + "\n"


def render_pin_sarif(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    """One result per reference that needs attention (or was changed), at its path:line:col;
    the rule ids are `pin/<status>` and `outdated/<status>`."""
    kinds = _kinds(result)
    command = _command(result)
    ids = [f"{command}/{status.value}" for status in kinds]
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    descriptors = [
        {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": summary},
            "help": {"text": summary},
            "defaultConfiguration": {"level": level},
        }
        for rule_id, (level, summary) in zip(ids, kinds.values(), strict=True)
    ]
    results = [
        sarif_result(
            f"{command}/{item.status.value}",
            kinds[item.status][0],
            _message(result, item),
            file_location(item.path, item.line, item.column),
            index,
        )
        for item in result.items
        if item.status in kinds
    ]
    return sarif_text(descriptors, results)


_GITHUB_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def render_pin_github(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    kinds = _kinds(result)
    command = _command(result)
    return lines_text(
        [
            annotation(
                _GITHUB_COMMAND[kinds[item.status][0]],
                [
                    ("file", relative_path(item.path)),
                    ("line", item.line),
                    ("col", item.column),
                    ("title", f"devcon {command}"),
                ],
                _message(result, item),
            )
            for item in result.items
            if item.status in kinds
        ]
    )


_LEVEL_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING, "note": Severity.INFO}


def render_pin_gitlab(result: PinResult, rules: Sequence[Rule] = ()) -> str:
    """Code Quality issues `pin/<status>` / `outdated/<status>` at each reference, for the
    statuses SARIF reports (an error is `major`, a warning `minor`, a note `info`)."""
    kinds = _kinds(result)
    command = _command(result)
    return issues_text(
        (
            f"{command}/{item.status.value}",
            GITLAB_SEVERITY[_LEVEL_SEVERITY[kinds[item.status][0]]],
            _message(result, item),
            item.path,
            item.line,
        )
        for item in result.items
        if item.status in kinds
    )
