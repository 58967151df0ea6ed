"""Parity results as text, JSON (for deploy pipelines) and GitHub annotations."""

from __future__ import annotations

import enum
import json
from typing import Any, assert_never

from devcon.parity import Basis, ParityResult, PlatformResult, Verdict


class ParityFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def render_parity(fmt: ParityFormat, result: ParityResult) -> str:
    match fmt:
        case ParityFormat.TEXT:
            return _text(result)
        case ParityFormat.JSON:
            return json.dumps(parity_json(result), indent=2) + "\n"
        case ParityFormat.GITHUB:
            return _github(result)
        case _:
            assert_never(fmt)


def _short(digest: str | None) -> str:
    return digest[:19] if digest else "-"


def _layer(created_by: str | None) -> str:
    if created_by is None:
        return "(no such layer)"
    return created_by or "(no command recorded: an imported layer)"


def _headline(p: PlatformResult) -> str:
    if p.basis is Basis.INFERRED:
        layers = f"{p.shared_layers} shared layer{'s' if p.shared_layers != 1 else ''}"
        return f"{p.verdict.value} (inferred: {layers}; not proven)"
    return f"{p.verdict.value} ({p.basis.value})"


def _text(result: ParityResult) -> str:
    lines = [f"dev:  {result.dev}", f"prod: {result.prod}"]
    for p in result.platforms:
        lines.append("")
        lines.append(f"{p.platform}: {_headline(p)}")
        if p.dev_layers is not None:
            lines.append(f"  dev   {_short(p.dev_digest)}  {p.dev_layers} layers")
        if p.prod_layers is not None:
            lines.append(f"  prod  {_short(p.prod_digest)}  {p.prod_layers} layers")
        if p.base is not None:
            created = f", created {p.base.created}" if p.base.created else ""
            lines.append(f"  base  {p.base.label} {_short(p.base.digest)}{created}")
        if p.divergence is not None:
            d = p.divergence
            lines.append(f"  first diverging layer: #{d.index + 1}")
            lines.append(f"    dev:  {_layer(d.dev_created_by)}")
            lines.append(f"    prod: {_layer(d.prod_created_by)}")
        for reason in p.reasons:
            lines.append(f"  why:  {reason}")
        if p.advice:
            lines.append(f"  do:   {p.advice}")
    overall = result.verdict.value + (" (inferred)" if result.inferred else "")
    lines.append("")
    lines.append(f"verdict: {overall}")
    return "\n".join(lines) + "\n"


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
                "inferred": p.basis is Basis.INFERRED,
                "shared_layers": p.shared_layers,
                "dev": {"digest": p.dev_digest, "layers": p.dev_layers},
                "prod": {"digest": p.prod_digest, "layers": p.prod_layers},
                "base": (
                    {
                        "name": p.base.label,
                        "digest": p.base.digest,
                        "created": p.base.created,
                        "layers": p.base.layers,
                    }
                    if p.base
                    else None
                ),
                "divergence": (
                    {
                        "layer": p.divergence.index + 1,
                        "dev_created_by": p.divergence.dev_created_by,
                        "prod_created_by": p.divergence.prod_created_by,
                    }
                    if p.divergence
                    else None
                ),
                "reasons": list(p.reasons),
                "advice": p.advice,
            }
            for p in result.platforms
        ],
    }


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(result: ParityResult) -> str:
    lines = []
    for p in result.platforms:
        level = {Verdict.SAME: "notice", Verdict.DIFFERENT: "error", Verdict.UNKNOWN: "warning"}[
            p.verdict
        ]
        detail = "; ".join(p.reasons) + (f"; {p.advice}" if p.advice else "")
        lines.append(
            f"::{level} title=devcon parity {p.platform}::"
            + _escape(f"{result.dev} vs {result.prod}: {_headline(p)}: {detail}")
        )
    return "\n".join(lines) + "\n"
