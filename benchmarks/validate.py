"""Figures for `devcon validate`, measured the way users run it.

1. Whole repositories: every dev container definition of the shared corpus validated as users
   validate a repository (each config with the Dockerfiles and compose files it uses, and the
   Feature / Template files), as one `devcon validate` of every workspace folder: files/second
   cold (a fresh process: imports, schema, everything) and warm (in-process, repeated).
2. Lone configs: the same devcontainer.json files copied alone into a temporary folder
   (no Dockerfile or compose file beside them), cold and warm.
3. One repository: wall time of one `devcon validate` process in a repository holding one
   devcontainer.json and one Dockerfile (median of runs), next to `devcon --version`, with the
   heaviest imports of that run (`python -X importtime`).

Targets (issue 12): whole repositories >= 1,000 files/s warm and >= 600 cold; one repository
<= 0.15 s median as a process.
Run: python benchmarks/validate.py [--corpus ../shared/corpus] [--repeat 5] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG_NAMES = ("devcontainer.json", ".devcontainer.json")

_IN_PROCESS = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from devcon.config import Settings
from devcon.validate import ValidateRequest, validate
paths = tuple(Path(p) for p in json.loads(sys.argv[1]))
result = validate(ValidateRequest(paths=paths, settings=Settings()))
print(json.dumps({"files": len(result.files), "seconds": time.perf_counter() - start}))
"""


def _command() -> list[str]:
    """The `devcon` installed beside this Python (the venv's), else `python -m devcon`."""
    exe = Path(sys.executable).with_name("devcon")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "devcon"]


def _env(bytecode: bool = True) -> dict[str, str]:
    """Python may cache compiled modules as on a user's machine (these build machines set
    PYTHONDONTWRITEBYTECODE=1, which would compile every module on every run)."""
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def configs(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.name in CONFIG_NAMES and p.is_file())


def workspaces(corpus: Path) -> list[Path]:
    """The folders users run `devcon validate` in: each config's workspace folder, and the
    Feature / Template collections."""
    from devcon.discovery import workspace_folder

    folders = {workspace_folder(p) for p in configs(corpus)}
    for name in ("devcontainer-feature.json", "devcontainer-template.json"):
        folders.update(p.parent for p in corpus.rglob(name))
    # a folder below another one is validated with it
    kept = sorted(folders)
    return [f for f in kept if not any(o != f and o in f.parents for o in kept)]


def cold(paths: list[Path]) -> tuple[int, float]:
    """(files, seconds) of one fresh process validating `paths`, imports included."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, json.dumps([str(p) for p in paths])],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    wall = time.perf_counter() - start
    return json.loads(done.stdout)["files"], wall


def warm(paths: list[Path], repeat: int) -> tuple[int, float]:
    from devcon.config import Settings
    from devcon.validate import ValidateRequest, validate

    request = ValidateRequest(paths=tuple(paths), settings=Settings())
    files = len(validate(request).files)  # the first pass loads what the next ones reuse
    start = time.perf_counter()
    for _ in range(repeat):
        validate(request)
    return files, (time.perf_counter() - start) / repeat


def lone_copies(corpus: Path, into: Path) -> list[Path]:
    out = []
    for index, config in enumerate(configs(corpus)):
        target = into / f"{index:04d}" / ".devcontainer.json"
        target.parent.mkdir(parents=True)
        shutil.copyfile(config, target)
        out.append(target.parent)
    return out


def one_repository(into: Path) -> Path:
    repo = into / "repo"
    (repo / ".devcontainer").mkdir(parents=True)
    digest = "sha256:" + "0123456789abcdef" * 4
    (repo / ".devcontainer" / "devcontainer.json").write_text(
        '{\n  // one config, one Dockerfile\n  "name": "app",\n'
        '  "build": {"dockerfile": "Dockerfile", "context": ".."},\n'
        '  "forwardPorts": [8000],\n  "remoteUser": "vscode"\n}\n',
        encoding="utf-8",
    )
    (repo / ".devcontainer" / "Dockerfile").write_text(
        f"FROM python:3.12-slim@{digest}\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0 "
        "&& rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements.txt /tmp/\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n"
        "USER vscode\n",
        encoding="utf-8",
    )
    (repo / "requirements.txt").write_text("pandas==2.2.3\n", encoding="utf-8")
    return repo


def process_times(args: list[str], cwd: Path, runs: int) -> list[float]:
    command = _command()
    env = _env()
    subprocess.run([*command, *args], cwd=cwd, capture_output=True, env=env)  # fill caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"devcon {' '.join(args)} failed: {done.stderr}")
    return times


def heaviest_imports(cwd: Path, count: int) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the slowest top-level imports of one run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "devcon", "validate", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 2:  # top-level and first-level imports
            rows.append((int(match.group(1)), match.group(3)))
    return sorted(rows, reverse=True)[:count]


def _line(label: str, files: int, seconds: float) -> float:
    rate = files / seconds
    print(f"  {label:<40} {files:5d} files in {seconds:6.3f} s = {rate:7.0f} files/s")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not (corpus / "SOURCES.md").is_file():
        raise SystemExit(f"{corpus}: not the shared corpus (give --corpus)")

    repos = workspaces(corpus)
    print(f"shared corpus {corpus}: {len(configs(corpus))} configs in {len(repos)} repositories")
    print(
        "whole repositories (configs with their Dockerfiles and compose files, Features, "
        "Templates):"
    )
    repo_cold = _line("cold (fresh process, imports included)", *cold(repos))
    repo_warm = _line(f"warm (in process, x{args.repeat})", *warm(repos, args.repeat))
    with tempfile.TemporaryDirectory(prefix="devcon-bench-") as tmp:
        lone = lone_copies(corpus, Path(tmp) / "lone")
        print("lone devcontainer.json files (copied without what they use):")
        _line("cold (fresh process, imports included)", *cold(lone))
        _line(f"warm (in process, x{args.repeat})", *warm(lone, args.repeat))

        repo = one_repository(Path(tmp))
        times = process_times(["validate"], repo, args.runs)
        version = process_times(["--version"], repo, args.runs)
        median = statistics.median(times)
        print(
            f"one repository (1 config + 1 Dockerfile), `devcon validate` as a process: median "
            f"{median:.3f} s (min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs); "
            f"`devcon --version`: median {statistics.median(version):.3f} s"
        )
        print("  heaviest imports of that run (cumulative ms):")
        for micros, module in heaviest_imports(repo, 8):
            print(f"    {micros / 1000:7.1f}  {module}")
    ok = repo_warm >= 1000 and repo_cold >= 600 and median <= 0.15
    print(
        "targets (whole repositories >= 1000 files/s warm, >= 600 cold; one repository <= "
        f"0.15 s): {'met' if ok else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
