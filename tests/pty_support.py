"""Run devcon as a child on a real pseudo-terminal (python's `pty`), or piped, and get what it
wrote: for the tests of what devcon shows on a terminal only (progress, colour)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

DEVCON = [sys.executable, "-m", "devcon"]


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update({"COLUMNS": "100", "TERM": "xterm-256color"})
    env.update(extra or {})
    return env


def on_tty(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> tuple[int, bytes]:
    """(exit code, everything written to the terminal) of `devcon ARGS` with stdin, stdout
    and stderr on one pty."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: never returns
        try:
            os.chdir(cwd)
            os.execve(sys.executable, [*DEVCON, *args], _env(env))
        finally:
            os._exit(127)
    out = bytearray()
    import select
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), bytes(out)


def piped(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """`devcon ARGS` with stdout and stderr piped (no terminal)."""
    return subprocess.run(
        [*DEVCON, *args],
        cwd=cwd,
        env=_env(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
