"""Every input the fuzzer (benchmarks/fuzz.py) found a fault with, kept as a regression.

Each folder under tests/fixtures/fuzz/ is a workspace: it is copied to a temporary folder and
run through `devcon validate` in every format and `devcon pin --dry-run --offline` (an empty
cache: no network), in-process with DEVCON_DEBUG=1 so that a bug raises instead of becoming
exit 70, and with strict UTF-8 output as a terminal has. Each run must exit 0-3, raise
nothing, write nothing and take under 2 seconds.

The fuzzer's own contract is tested here too: an input depends on (seed, number) only, and
its worker reports a traceback however devcon shows one.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import shutil
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

import pytest

from devcon.cli.app import main

FUZZ = Path(__file__).resolve().parents[1] / "fixtures" / "fuzz"
FORMATS = ("text", "json", "sarif", "github")
MAX_SECONDS = 2.0
CASES = sorted(p.name for p in FUZZ.iterdir() if p.is_dir())
DEFINITION_NAMES = ("devcontainer-feature.json", "devcontainer-template.json")

# Faults found by the fuzzer in areas other engineers are fixing now (issue 13); each entry
# goes when its fix lands (the test then passes: strict=False keeps their work green until
# the entry is removed).
OPEN: dict[str, str] = {
}


def _targets(workspace: Path) -> list[str]:
    """The workspace when it holds a devcontainer.json, else each definition file in it."""
    files = sorted(p for p in workspace.rglob("*") if p.is_file())
    if any(p.name in ("devcontainer.json", ".devcontainer.json") for p in files):
        return [str(workspace)]
    return [
        str(p)
        for p in files
        if p.name in DEFINITION_NAMES or "Dockerfile" in p.name or p.suffix in (".yml", ".yaml")
    ]


def _snapshot(workspace: Path) -> dict[str, str]:
    return {
        str(p.relative_to(workspace)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(workspace.rglob("*"))
        if p.is_file()
    }


def _run(argv: list[str]) -> tuple[int, float, str]:
    """(exit code, seconds, traceback or '') of one in-process run."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
            out.flush()
            err.flush()
    except Exception:
        return 70, time.perf_counter() - start, traceback.format_exc()
    return code, time.perf_counter() - start, ""


def test_there_are_fuzz_regressions() -> None:
    assert CASES, f"no fixture under {FUZZ}"
    assert set(OPEN) <= set(CASES), "OPEN names a fixture that does not exist"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=OPEN[n], strict=False))
        if n in OPEN
        else n
        for n in CASES
    ],
)
def test_fuzz_regression(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(FUZZ / name, workspace)
    monkeypatch.setenv("DEVCON_DEBUG", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.chdir(tmp_path)
    targets = _targets(workspace)
    assert targets, f"{name}: nothing to run"
    before = _snapshot(workspace)
    toml = workspace / ".devcon.toml"
    config = ["--config", str(toml)] if toml.is_file() else ["--no-config"]
    argvs = [["validate", *config, "-f", fmt, *targets] for fmt in FORMATS]
    argvs.append(["pin", *config, "--dry-run", "--offline", *targets])
    problems = []
    for argv in argvs:
        code, seconds, tb = _run(argv)
        command = "devcon " + " ".join(argv[:5])
        if tb:
            problems.append(f"{command}: traceback\n{tb}")
        elif code not in (0, 1, 2, 3):
            problems.append(f"{command}: exit {code}")
        if seconds > MAX_SECONDS:
            problems.append(f"{command}: {seconds:.2f} s (over {MAX_SECONDS:g} s)")
            break  # one slow run says it; the others would only make the suite slow
    assert _snapshot(workspace) == before, "pin --dry-run changed a file"
    assert not problems, "\n".join(problems)


def _fuzzer() -> ModuleType:
    """benchmarks/fuzz.py as a module (benchmarks/ is not a package)."""
    path = FUZZ.parents[2] / "benchmarks" / "fuzz.py"
    spec = importlib.util.spec_from_file_location("devcon_benchmarks_fuzz", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_fuzz_inputs_depend_on_seed_and_number_only() -> None:
    fuzz = _fuzzer()
    seeds = [dict(p) for p in fuzz.GENERATED]

    def inputs(seed: int, numbers: list[int]) -> dict[int, object]:
        return {
            n: (case.files, case.argvs, case.mutations)
            for n in numbers
            for case in [fuzz.make_case(n, seed, seeds, False)]
        }

    forward = inputs(7, list(range(40)))
    assert inputs(7, list(reversed(range(40)))) == forward  # order (or --jobs) changes nothing
    assert inputs(7, [23]) == {23: forward[23]}  # --case 23 alone is the same input
    assert inputs(8, list(range(40))) != forward


def test_fuzz_worker_sees_every_kind_of_crash() -> None:
    fuzz = _fuzzer()

    def raises(argv: list[str]) -> int:
        raise ValueError("boom")

    def internal(argv: list[str]) -> int:
        print("devcon: internal error: ValueError: boom (a bug)", file=sys.stderr)
        return 70

    def exits(argv: list[str]) -> int:
        raise SystemExit(2)

    def printed(argv: list[str]) -> int:
        print("Traceback (most recent call last):\n  ...")
        return 1

    def clean(argv: list[str]) -> int:
        print("ok")
        return 1

    results = {f.__name__: fuzz._run_one(f, ["validate"]) for f in (raises, internal, exits,
                                                                    printed, clean)}
    assert "ValueError: boom" in results["raises"]["traceback"]
    assert results["raises"]["code"] == 70
    assert results["internal"]["traceback"] and results["internal"]["code"] == 70
    assert (results["exits"]["code"], results["exits"]["traceback"]) == (2, "")
    assert results["printed"]["traceback"]
    assert (results["clean"]["code"], results["clean"]["traceback"]) == (1, "")
