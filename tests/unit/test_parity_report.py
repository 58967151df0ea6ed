"""Parity output: the explanation in text, the JSON a pipeline reads, GitHub annotations."""

from __future__ import annotations

import json
from dataclasses import replace

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
from devcon.report import OutputFormat, render

B1 = BaseInfo(
    "reg.example/b1:1",
    "sha256:" + "b" * 64,
    created="2024-01-02T03:04:05.999999999Z",
    layers=1,
    origin="--base",
    pin="reg.example/b1:1@sha256:" + "b" * 64,
)
DEV = SideInfo(
    "reg.example/dev:1", Source.REGISTRY, "sha256:" + "d" * 64, 3, "2024-02-01T00:00:00Z", B1
)
OTHER = SideInfo(
    "reg.example/other:1", Source.REGISTRY, "sha256:" + "e" * 64, 2, "2024-03-01T00:00:00Z", None
)
DIFFERENT = PlatformResult(
    platform="linux/amd64",
    verdict=Verdict.DIFFERENT,
    basis=Basis.VERIFIED,
    shared_layers=0,
    dev=DEV,
    prod=OTHER,
    base=B1,
    divergence=Divergence(0, "", "", "2024-01-02T03:04:05Z", "2024-01-09T00:00:00Z"),
    reasons=("reg.example/other:1: its layers do not start with the 1 layer of b1",),
    advice=f"rebuild reg.example/other:1 FROM {B1.pin}; then run devcon parity again",
)
RESULT = ParityResult("reg.example/dev:1", "reg.example/other:1", (DIFFERENT,))


def test_text_explains_each_side_the_divergence_and_what_to_do() -> None:
    text = render(RESULT, OutputFormat.TEXT)
    lines = text.splitlines()
    assert "linux/amd64: different-base (verified)" in lines
    assert (
        "  dev   reg.example/dev:1 sha256:dddddddddddd  3 layers, created 2024-02-01T00:00:00Z"
        in lines
    )
    assert (
        "        base: reg.example/b1:1 sha256:bbbbbbbbbbbb (--base, 1 layer, "
        "created 2024-01-02T03:04:05Z)" in lines
    )
    assert "        base: not known (none declared or proven)" in lines
    assert any(line.startswith("  checked against: reg.example/b1:1") for line in lines)
    assert "  shared layers: 0" in lines
    assert "  first diverging layer: #1" in lines
    assert (
        "    dev:  (an imported layer, created 2024-01-02T03:04:05Z: no command recorded)" in lines
    )
    assert (
        f"  do:   rebuild reg.example/other:1 FROM {B1.pin}; then run devcon parity again" in lines
    )
    assert lines[-1] == "verdict: different-base"


def test_a_stage_side_and_unknown_layers() -> None:
    stage = SideInfo(
        "Dockerfile#dev",
        Source.DOCKERFILE,
        None,
        None,
        None,
        BaseInfo("reg.example/b1:1", None, origin="FROM in stage 'base'"),
        "Dockerfile",
        "dev",
    )
    same = PlatformResult(
        "any", Verdict.SAME, Basis.DECLARED, 0, stage, stage, None, None, ("both FROM base",)
    )
    text = render(ParityResult("a", "b", (same,)), OutputFormat.TEXT)
    assert "any: same-base (declared)" in text
    assert "  dev   Dockerfile#dev: stage 'dev' of Dockerfile, read statically (not built)" in text
    assert "        base: reg.example/b1:1 (FROM in stage 'base')" in text
    assert "shared layers" not in text  # nothing was read
    short = SideInfo("x", Source.REGISTRY, "sha256:" + "1" * 64, 1, None, None)
    gap = PlatformResult(
        "linux/amd64",
        Verdict.SAME,
        Basis.INFERRED,
        1,
        DEV,
        short,
        None,
        Divergence(1, "RUN a", None),
        (),
    )
    text = render(ParityResult("a", "b", (gap,)), OutputFormat.TEXT)
    assert "same-base (inferred: 1 shared layer; not proven)" in text
    assert "    prod: (no such layer)" in text
    assert text.rstrip().endswith("verdict: same-base (inferred)")


def test_json_carries_each_side_and_its_base() -> None:
    payload = json.loads(render(RESULT, OutputFormat.JSON))
    assert payload["verdict"] == "different-base" and payload["inferred"] is False
    (platform,) = payload["platforms"]
    assert platform["dev"] == {
        "input": "reg.example/dev:1",
        "source": "registry",
        "digest": DEV.digest,
        "layers": 3,
        "created": "2024-02-01T00:00:00Z",
        "base": {
            "name": "reg.example/b1:1",
            "digest": B1.digest,
            "created": B1.created,
            "layers": 1,
            "origin": "--base",
            "pin": B1.pin,
        },
    }
    assert platform["prod"]["base"] is None
    assert platform["divergence"]["layer"] == 1
    assert platform["divergence"]["prod_created"] == "2024-01-09T00:00:00Z"
    assert platform["advice"] == DIFFERENT.advice


def test_github_annotation_is_one_escaped_line() -> None:
    multiline = replace(DIFFERENT, reasons=("line one\nline two: 100%",))
    out = render(ParityResult("d", "p", (multiline,)), OutputFormat.GITHUB)
    assert out.count("\n") == 1
    assert out.startswith("::error title=devcon parity linux/amd64::d vs p: different-base")
    assert "line one%0Aline two: 100%25" in out and "do: rebuild" in out
