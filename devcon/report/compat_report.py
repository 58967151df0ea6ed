"""Compat results: text with the facts of each image, JSON with facts and findings."""

from __future__ import annotations

import json
from typing import Any

from devcon.compat.check import CompatResult, ImageReport
from devcon.findings import Finding


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
    how = "guessed from the name" if info.guessed else f"read from the {info.source}"
    read = f", {report.layers_read} layer(s) read" if report.layers_read is not None else ""
    return (
        f"{distro}, {libc}, {info.architecture or '?'}, shell {_yes(info.has_shell)}, "
        f"tar {_yes(info.has_tar)} ({how}{read})"
    )


def render_compat_text(result: CompatResult) -> str:
    lines = [f"VS Code {result.target.label}"]
    for report in result.reports:
        lines.append(f"{report.image}: {facts_line(report)}")
        for note in report.notes:
            lines.append(f"  note: {note}")
        for f in result.findings:
            if (f.path, f.line, f.column) == (report.path, report.line, report.column):
                lines.append(
                    f"  {f.path}:{f.line}:{f.column}: {f.rule}: {f.message} [{f.severity.value}]"
                )
    count = len(result.findings)
    lines.append(f"{count} finding{'s' if count != 1 else ''} in {len(result.reports)} image(s)")
    return "\n".join(lines) + "\n"


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
    }


def render_compat_json(result: CompatResult) -> str:
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
                "notes": list(report.notes) + (list(info.notes) if info else []),
                "unavailable_platform": report.unavailable_platform,
                "unreadable": report.unreadable,
                "findings": [
                    _finding(f)
                    for f in result.findings
                    if (f.path, f.line, f.column) == (report.path, report.line, report.column)
                ],
            }
        )
    payload = {
        "version": 1,
        "vscode": {"version": result.target.version, "insiders": result.target.insiders},
        "images": images,
        "findings": [_finding(f) for f in result.findings],
    }
    return json.dumps(payload, indent=2) + "\n"
