"""Compat results: text with the facts of each image, JSON with facts and findings."""

from __future__ import annotations

import json
from collections.abc import Sequence

from devcon.compat.check import CompatResult, ImageReport
from devcon.compat.knowledge import load as load_knowledge
from devcon.hints import plain
from devcon.report.finding_forms import finding_dict, finding_line, plural
from devcon.report.github import finding_annotation, lines_text
from devcon.report.gitlab import findings_text
from devcon.report.sarif import (
    finding_result,
    image_location,
    rule_descriptors,
    rule_index,
    sarif_text,
)
from devcon.rules.base import Rule


def _yes(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def facts_line(report: ImageReport) -> str:
    info = report.info
    if info is None:
        if report.unavailable_platform:
            return f"no image for {report.unavailable_platform}"
        if report.unreadable is not None:
            return "could not be read: no verdict"
        return "facts unknown"
    distro = f"{info.distro_id or '?'} {info.distro_version or ''}".strip()
    libc = f"{info.libc or 'no libc found'} {info.libc_version or ''}".strip()
    read = f", {report.layers_read} layer(s) read" if report.layers_read is not None else ""
    return (
        f"{distro}, {libc}, {info.architecture or '?'}, shell {_yes(info.has_shell)}, "
        f"tar {_yes(info.has_tar)} ({info.known_from}{read})"
    )


def render_compat_text(result: CompatResult, rules: Sequence[Rule] = ()) -> str:
    lines = [f"VS Code {result.target.label}"]
    for report in result.reports:
        lines.append(f"{report.image}: {facts_line(report)}")
        for note in report.notes:
            lines.append(f"  note: {plain(note)}")
        for f in result.findings:
            if (f.path, f.line, f.column) == (report.path, report.line, report.column):
                lines.append(f"  {finding_line(f)}")
    lines.append(f"{plural(len(result.findings), 'finding')} in {len(result.reports)} image(s)")
    return "\n".join(lines) + "\n"


def render_compat_findings(result: CompatResult, rules: Sequence[Rule] = ()) -> str:
    """`--quiet`: the finding lines only."""
    return "".join(finding_line(f) + "\n" for f in result.findings)


def render_compat_json(result: CompatResult, rules: Sequence[Rule] = ()) -> str:
    images = []
    for report in result.reports:
        info = report.info
        facts = None
        if info is not None:
            facts = {
                "distro_id": info.distro_id,
                "distro_version": info.distro_version,
                "distro_name": info.distro_name,
                "libc": info.libc,
                "libc_version": info.libc_version,
                "architecture": info.architecture,
                "libstdcxx": info.libstdcxx,
                "libstdcxx_version": info.libstdcxx_version,
                "shell": info.has_shell,
                "tar": info.has_tar,
            }
        images.append(
            {
                "image": report.image,
                "path": report.path,
                "line": report.line,
                "column": report.column,
                "source": info.source if info else None,
                "guessed": info.guessed if info else None,
                "layers_read": report.layers_read,
                "facts": facts,
                "notes": [plain(n) for n in report.notes] + (list(info.notes) if info else []),
                "unavailable_platform": report.unavailable_platform,
                "unreadable": None if report.unreadable is None else plain(report.unreadable),
                "findings": [
                    finding_dict(f)
                    for f in result.findings
                    if (f.path, f.line, f.column) == (report.path, report.line, report.column)
                ],
            }
        )
    table = load_knowledge()
    payload = {
        "version": 1,
        "vscode": {"version": result.target.version, "insiders": result.target.insiders},
        # the knowledge table judged against: its format and the day its rows were reviewed
        "knowledge": {"version": table.version, "reviewed": table.reviewed},
        "images": images,
        "findings": [finding_dict(f) for f in result.findings],
    }
    return json.dumps(payload, indent=2) + "\n"


def _in_no_file(result: CompatResult) -> frozenset[str]:
    """The images named on the command line: their findings are in no file."""
    return frozenset(r.path for r in result.reports if r.path == r.image)


def render_compat_sarif(result: CompatResult, rules: Sequence[Rule] = ()) -> str:
    """At the file and line that names the image (a config, Dockerfile FROM or compose file);
    an image named on the command line gets a logical location naming it instead."""
    direct = _in_no_file(result)
    index = rule_index(rules)
    results = [
        finding_result(f, index, image_location(f.path) if f.path in direct else None)
        for f in result.findings
    ]
    return sarif_text(rule_descriptors(rules), results)


def render_compat_github(result: CompatResult, rules: Sequence[Rule] = ()) -> str:
    """Annotations at the file that names the image; for an image named on the command line,
    an annotation without a file, its message starting with the image."""
    direct = _in_no_file(result)
    return lines_text(
        [finding_annotation(f, located=f.path not in direct) for f in result.findings]
    )


def render_compat_gitlab(result: CompatResult, rules: Sequence[Rule] = ()) -> str:
    """Code Quality issues at the file and line that names the image; an image named on the
    command line is in no file: its issues' path is the image."""
    return findings_text(result.findings, rules, _in_no_file(result))
