"""Figures for `devcon parity` (issue 5): what its registry check transfers, next to `docker pull`.

Starts a private dockerd and docker-registry on loopback, builds a dev/prod pair on one busybox
base whose layers total at least 100 MB (random bytes, so compression cannot shrink them), pushes
them, and puts a counting front before the registry. Then, through the front:
1. `devcon parity REG/dev REG/prod`: requests and bytes (target: <= 8 requests and < 64 KB per
   platform);
2. `docker pull` of both images into the emptied engine: requests and bytes.
Run: python benchmarks/parity.py [--mb 110]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devcon.parity import ParityRequest, parity  # noqa: E402
from devcon.registry.factory import RegistrySettings, make_client  # noqa: E402
from devcon.services import Services  # noqa: E402
from tests.harness.engine import start_engine  # noqa: E402
from tests.harness.front import started  # noqa: E402
from tests.harness.registry import start_registry  # noqa: E402
from tests.harness.rootfs import make_rootfs_tar  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description="devcon parity benchmark")
    parser.add_argument("--mb", type=int, default=110, help="total MB of the dev+prod layers")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dc-bench-par-", dir="/tmp"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    engine = start_engine()
    registry = start_registry()
    front = None
    try:
        engine.import_rootfs(make_rootfs_tar(work / "base.tar"), "bench/base:1")
        dev_mb = args.mb * 6 // 11
        prod_mb = args.mb - dev_mb
        engine.build(
            f"FROM bench/base:1\nRUN head -c {dev_mb * 1000 * 1000} /dev/urandom > /tools.bin\n",
            "bench/dev:1",
        )
        engine.build(
            f"FROM bench/base:1\nRUN head -c {prod_mb * 1000 * 1000} /dev/urandom > /app.bin\n",
            "bench/prod:1",
        )
        for name in ("dev", "prod"):
            engine.push(f"bench/{name}:1", registry.ref(f"bench/{name}:1"))
        front = started(registry.addr)  # reads go through the counting front
        print(f"dev + prod layers: about {args.mb} MB of random bytes on a busybox base")

        front.reset_counts()
        settings = RegistrySettings(use_cache=False)
        start = time.perf_counter()
        result = parity(
            ParityRequest(dev=f"{front.addr}/bench/dev:1", prod=f"{front.addr}/bench/prod:1"),
            Services(registry=lambda: make_client(settings)),
        )
        wall = time.perf_counter() - start
        platforms = max(1, len(result.platforms))
        devcon_requests, devcon_bytes = front.request_count, front.config.bytes_sent
        print(
            f"devcon parity: {result.verdict.value}; {devcon_requests} requests, "
            f"{devcon_bytes} bytes ({devcon_bytes / 1024:.1f} KB), {wall * 1000:.0f} ms, "
            f"{platforms} platform(s)"
        )

        engine.docker("rmi", "-f", "bench/dev:1", "bench/prod:1", "bench/base:1")
        engine.docker("rmi", "-f", registry.ref("bench/dev:1"), registry.ref("bench/prod:1"))
        front.reset_counts()
        start = time.perf_counter()
        for name in ("dev", "prod"):
            engine.docker("pull", f"{front.addr}/bench/{name}:1")
        pull_wall = time.perf_counter() - start
        pull_requests, pull_bytes = front.request_count, front.config.bytes_sent
        print(
            f"docker pull of both: {pull_requests} requests, {pull_bytes} bytes "
            f"({pull_bytes / 1024 / 1024:.1f} MB), {pull_wall:.1f} s"
        )
        ratio = pull_bytes / max(1, devcon_bytes)
        per_platform_requests = devcon_requests / platforms
        per_platform_bytes = devcon_bytes / platforms
        print(f"devcon transfers {ratio:,.0f}x fewer bytes than pulling")
        met = per_platform_requests <= 8 and per_platform_bytes < 64 * 1024 and ratio > 1000
        print(
            f"targets (<= 8 requests and < 64 KB per platform, > 1000x less): "
            f"{'met' if met else 'NOT met'} "
            f"({per_platform_requests:.0f} requests, "
            f"{per_platform_bytes / 1024:.1f} KB per platform)"
        )
    finally:
        if front is not None:
            front.stop()
        registry.stop()
        engine.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
