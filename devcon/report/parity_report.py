"""Parity results as text, JSON (for deploy pipelines) and GitHub annotations."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from devcon.hints import plain
from devcon.imagefacts import Source
from devcon.parity import (
    BaseInfo,
    Basis,
    Divergence,
    ParityResult,
    PlatformResult,
    SideInfo,
    Verdict,
)
from devcon.report.finding_forms import plural
from devcon.report.github import annotation
from devcon.rules.base import Rule


def _short(digest: str | None) -> str:
    return digest[:19] if digest else "-"


_FRACTION = re.compile(r"(\d{2}:\d{2}:\d{2})\.\d+")


def _when(created: str | None) -> str:
    return _FRACTION.sub(r"\1", created) if created else ""


def layer_line(
    side: SideInfo, index: int, created_by: str | None, created: str | None = None
) -> str:
    """What made layer `index` of a side, for people."""
    if created_by:
        return created_by
    if created_by == "":
        when = f", created {_when(created)}" if created else ""
        return f"(an imported layer{when}: no command recorded)"
    if side.source is Source.DOCKERFILE:
        return "(the stage's own layers: not built, so not known)"
    if side.layers is not None and index >= side.layers:
        return "(no such layer)"
    return "(no history recorded for this layer)"


def headline(p: PlatformResult) -> str:
    if p.verdict is Verdict.UNKNOWN:
        return "unknown"
    if p.basis is Basis.INFERRED:
        return (
            f"{p.verdict.value} (inferred: {plural(p.shared_layers, 'shared layer')}; not proven)"
        )
    return f"{p.verdict.value} ({p.basis.value})"


def _base_text(base: BaseInfo) -> str:
    parts = [base.label]
    if base.digest and base.digest not in base.label:
        parts.append(_short(base.digest))
    details = [plain(base.origin)] if base.origin else []
    if base.layers:
        details.append(plural(base.layers, "layer"))
    if base.created:
        details.append(f"created {_when(base.created)}")
    return " ".join(parts) + (f" ({', '.join(details)})" if details else "")


def _side_lines(name: str, side: SideInfo) -> list[str]:
    pad = " " * (6 - len(name))
    if side.source is Source.DOCKERFILE:
        where = f"stage {side.stage!r} of {side.dockerfile}" if side.stage else "a Dockerfile"
        head = f"  {name}{pad}{side.label}: {where}, read statically (not built)"
    else:
        details = []
        if side.layers is not None:
            details.append(plural(side.layers, "layer"))
        if side.created:
            details.append(f"created {_when(side.created)}")
        head = f"  {name}{pad}{side.label} {_short(side.digest)}"
        if details:
            head += f"  {', '.join(details)}"
    base = _base_text(side.base) if side.base is not None else "not known (none declared or proven)"
    return [head, f"        base: {base}"]


def _known_layers(side: SideInfo) -> bool:
    """Whether devcon read this side's layers (a stage's: those of its FROM image)."""
    if side.source is Source.DOCKERFILE:
        return side.base is not None and side.base.layers > 0
    return side.layers is not None


def _divergence_lines(p: PlatformResult, d: Divergence) -> list[str]:
    return [
        f"  first diverging layer: #{d.index + 1}",
        f"    dev:  {layer_line(p.dev, d.index, d.dev_created_by, d.dev_created)}",
        f"    prod: {layer_line(p.prod, d.index, d.prod_created_by, d.prod_created)}",
    ]


def render_parity_text(result: ParityResult, rules: Sequence[Rule] = ()) -> str:
    lines = [f"dev:  {result.dev}", f"prod: {result.prod}"]
    for p in result.platforms:
        lines.append("")
        lines.append(f"{p.platform}: {headline(p)}")
        lines += _side_lines("dev", p.dev)
        lines += _side_lines("prod", p.prod)
        shown = p.dev.base == p.base and p.prod.base == p.base
        if p.base is not None and p.basis is Basis.VERIFIED and not shown:
            lines.append(f"  checked against: {_base_text(p.base)}")
        if _known_layers(p.dev) and _known_layers(p.prod):
            lines.append(f"  shared layers: {p.shared_layers}")
        if p.divergence is not None:
            lines += _divergence_lines(p, p.divergence)
        for reason in p.reasons:
            lines.append(f"  why:  {plain(reason)}")
        if p.advice:
            lines.append(f"  do:   {plain(p.advice)}")
    overall = result.verdict.value + (" (inferred)" if result.inferred else "")
    lines.append("")
    lines.append(f"verdict: {overall}")
    return "\n".join(lines) + "\n"


def render_parity_findings(result: ParityResult, rules: Sequence[Rule] = ()) -> str:
    """`--quiet`: each platform whose verdict is not same-base, with why and what to do."""
    lines = []
    for p in result.platforms:
        if p.verdict is Verdict.SAME:
            continue
        lines.append(f"{p.platform}: {headline(p)}")
        lines += [f"  why:  {plain(reason)}" for reason in p.reasons]
        if p.advice:
            lines.append(f"  do:   {plain(p.advice)}")
    return "".join(line + "\n" for line in lines)


def _base_json(base: BaseInfo | None) -> dict[str, Any] | None:
    if base is None:
        return None
    return {
        "name": base.label,
        "digest": base.digest,
        "created": base.created,
        "layers": base.layers,
        "origin": plain(base.origin),
        "pin": base.pin,
    }


def _side_json(side: SideInfo) -> dict[str, Any]:
    return {
        "input": side.label,
        "source": side.source.value,
        "digest": side.digest,
        "layers": side.layers,
        "created": side.created,
        "base": _base_json(side.base),
    }


def render_parity_json(result: ParityResult, rules: Sequence[Rule] = ()) -> str:
    return json.dumps(parity_json(result), indent=2) + "\n"


def parity_json(result: ParityResult) -> dict[str, Any]:
    return {
        "version": 1,
        "dev": result.dev,
        "prod": result.prod,
        "verdict": result.verdict.value,
        "inferred": result.inferred,
        "platforms": [
            {
                "platform": p.platform,
                "verdict": p.verdict.value,
                "basis": p.basis.value,
                "inferred": p.basis is Basis.INFERRED and p.verdict is not Verdict.UNKNOWN,
                "shared_layers": p.shared_layers,
                "dev": _side_json(p.dev),
                "prod": _side_json(p.prod),
                "base": _base_json(p.base),
                "divergence": (
                    {
                        "layer": p.divergence.index + 1,
                        "dev_created_by": p.divergence.dev_created_by,
                        "prod_created_by": p.divergence.prod_created_by,
                        "dev_created": p.divergence.dev_created,
                        "prod_created": p.divergence.prod_created,
                    }
                    if p.divergence
                    else None
                ),
                "reasons": [plain(r) for r in p.reasons],
                "advice": None if p.advice is None else plain(p.advice),
            }
            for p in result.platforms
        ],
    }


def render_parity_github(result: ParityResult, rules: Sequence[Rule] = ()) -> str:
    lines = []
    for p in result.platforms:
        level = {Verdict.SAME: "notice", Verdict.DIFFERENT: "error", Verdict.UNKNOWN: "warning"}[
            p.verdict
        ]
        parts = [plain(r) for r in p.reasons]
        if p.divergence is not None:
            d = p.divergence
            parts.append(
                f"first diverging layer #{d.index + 1}: dev "
                f"{layer_line(p.dev, d.index, d.dev_created_by, d.dev_created)}, prod "
                f"{layer_line(p.prod, d.index, d.prod_created_by, d.prod_created)}"
            )
        if p.advice:
            parts.append(f"do: {plain(p.advice)}")
        message = f"{result.dev} vs {result.prod}: {headline(p)}: {'; '.join(parts)}"
        lines.append(annotation(level, [("title", f"devcon parity {p.platform}")], message))
    return "\n".join(lines) + "\n"
