"""Progress on stderr, on a terminal only: `compat` reading layers from the real registry
(bytes read of the download cap) and `pin` resolving several references (n of m), shown on a
real pseudo-terminal, erased at the end; never when piped, never in a machine format, never
with --quiet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.harness.oci import copy_image
from tests.harness.registry import Registry
from tests.pty_support import on_tty, piped

pytestmark = [pytest.mark.registry]


_BYTES = re.compile(rb"\r[^\r\n]*: \d+\.\d MiB of 1024 MiB cap read")
_ERASED = re.compile(rb"\r +\r")


def _no_engine(tmp_path: Path) -> dict[str, str]:
    return {
        "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock",  # the registry's copy only
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


def test_compat_shows_bytes_read_of_the_cap_on_a_terminal_only(
    base_image: object, registry: Registry, tmp_path: Path
) -> None:
    ref = registry.ref("devcon-test/busybox:base")
    env = _no_engine(tmp_path)
    code, out = on_tty(["compat", ref], tmp_path, env)
    assert code in (0, 1), out
    assert _BYTES.search(out), out
    assert _ERASED.search(out), out  # the line is wiped before the report
    assert b"\x1b" not in out
    assert b"VS Code" in out
    # machine formats and --quiet: never, even on a terminal
    for extra in (["--format", "json"], ["--format", "sarif"], ["--quiet"]):
        code, out = on_tty(["compat", *extra, ref], tmp_path, env)
        assert code in (0, 1), out
        assert b"MiB of" not in out and b"\r " not in out, extra
    # piped: never
    done = piped(["compat", ref], tmp_path, env)
    assert done.returncode in (0, 1), done.stderr
    assert b"MiB of" not in done.stderr and b"\r" not in done.stderr
    assert b"VS Code" in done.stdout
    # --quiet: the finding lines only; --verbose: where the image was read from, on stderr
    loud = [line for line in done.stdout.decode().splitlines() if line.startswith("  ")]
    quiet = piped(["compat", "--quiet", ref], tmp_path, env)
    assert quiet.stdout.decode().splitlines() == [
        line.strip() for line in loud if not line.startswith("  note:")
    ]
    verbose = piped(["compat", "--verbose", ref], tmp_path, env)
    assert re.search(
        rf"^devcon: image: {re.escape(ref)}: read from the registry \(\d+ layer\(s\)\)$",
        verbose.stderr.decode(),
        re.MULTILINE,
    ), verbose.stderr


def test_pin_shows_n_of_m_references_on_a_terminal_only(
    base_image: object, registry: Registry, tmp_path: Path
) -> None:
    for tag in ("prog-1", "prog-2", "prog-3"):
        copy_image(registry.url, registry.url, "devcon-test/busybox", "base", dst_tag=tag)
    lines = [f"FROM {registry.ref(f'devcon-test/busybox:prog-{n}')} AS s{n}" for n in (1, 2, 3)]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("\n".join(lines) + "\n")
    env = _no_engine(tmp_path)
    code, out = on_tty(["pin", "--dry-run", "Dockerfile"], tmp_path, env)
    assert code == 0, out
    assert re.search(rb"\r[^\r\n]*: [0-3] of 3", out), out
    assert re.search(rb"\r[^\r\n]*: 3 of 3", out), out
    assert _ERASED.search(out), out
    code, out = on_tty(["pin", "--dry-run", "--format", "json", "Dockerfile"], tmp_path, env)
    assert code == 0, out
    assert b" of 3" not in out and b"\r " not in out
    done = piped(["pin", "--dry-run", "Dockerfile"], tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert b" of 3" not in done.stderr and b"\r" not in done.stderr
    assert "3 pinned" in done.stdout.decode()
