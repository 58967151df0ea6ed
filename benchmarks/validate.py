"""Figures for `devcon validate`.

1. files/second validating every dev container config of the shared corpus in one process
   (cold first pass, which loads the schema, and warm passes);
2. wall time of one `devcon validate` process on a single repository (median of runs).

Targets (issue 2): >= 300 files/s; single-repo wall < 0.3 s.
Run: python benchmarks/validate.py [--corpus ../shared/corpus] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus_throughput(corpus: Path, repeat: int) -> tuple[int, float, float]:
    """(files, cold files/s, warm files/s)."""
    from devcon.config import Settings
    from devcon.validate import ValidateRequest, validate

    request = ValidateRequest(paths=(corpus,), settings=Settings())
    start = time.perf_counter()
    result = validate(request)
    cold = time.perf_counter() - start
    files = len(result.files)
    start = time.perf_counter()
    for _ in range(repeat):
        validate(request)
    warm = (time.perf_counter() - start) / repeat
    return files, files / cold, files / warm


def single_repo_wall(repo: Path, runs: int, bytecode: bool = True) -> list[float]:
    """Wall times of `devcon validate REPO` processes. With `bytecode` (the default), Python
    may cache compiled modules as on a user's machine (one warm-up run fills the cache; these
    build machines set PYTHONDONTWRITEBYTECODE=1, which would compile every module from
    source on every run)."""
    exe = shutil.which("devcon") or ""
    command = [exe] if exe else [sys.executable, "-m", "devcon"]
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([*command, "validate", str(repo)], capture_output=True, env=env)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "validate", str(repo)], capture_output=True, text=True, env=env
        )
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"devcon validate failed: {done.stderr}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--repo", type=Path, default=REPO / "examples" / "python-project")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    files, cold, warm = corpus_throughput(args.corpus, args.repeat)
    kinds = "configs, Dockerfiles, compose, Feature and Template files"
    print(f"corpus: {files} files ({kinds}) under {args.corpus}")
    print(f"corpus throughput, first pass (loads the schema): {cold:8.0f} files/s")
    print(f"corpus throughput, warm passes (x{args.repeat}):        {warm:8.0f} files/s")
    times = single_repo_wall(args.repo, args.runs)
    print(
        f"single repo ({args.repo.name}) wall, bytecode cached: median "
        f"{statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
        f"over {args.runs} runs"
    )
    ok = min(cold, warm) >= 300 and statistics.median(times) < 0.3
    print(f"targets (>= 300 files/s, < 0.3 s): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
