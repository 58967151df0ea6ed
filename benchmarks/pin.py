"""Figures for `devcon pin` (issue 4).

Starts a private `docker-registry` on loopback, pushes 20 small images over the registry API,
and puts a front before it that adds 100 ms to every request (a slow network). Then:
1. one request's latency through the front;
2. `devcon pin` of 20 references (cold cache): wall time and requests made;
3. a second run over the now-pinned files: requests made (target 0);
4. `devcon pin --offline` of the original files from the cache: requests made (target 0);
5. `skopeo inspect` of the same 20 references one by one (same front): wall time.
Target: (2) under 3x (1).
Run: python benchmarks/pin.py [--count 20] [--delay 0.1]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devcon.pin import PinRequest, pin  # noqa: E402
from devcon.registry.factory import RegistrySettings, make_client  # noqa: E402
from tests.harness.front import started  # noqa: E402
from tests.harness.registry import start_registry  # noqa: E402


def _blob(url: str, name: str, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    location = requests.post(f"{url}/v2/{name}/blobs/uploads/", timeout=10).headers["Location"]
    location = location if location.startswith("http") else url + location
    joiner = "&" if "?" in location else "?"
    requests.put(f"{location}{joiner}digest={digest}", data=data, timeout=10).raise_for_status()
    return digest


def push_small_image(url: str, name: str, tag: str, seed: int) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        payload = f"image {seed}\n".encode()
        info = tarfile.TarInfo(f"seed-{seed}.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    layer = buffer.getvalue()
    layer_digest = _blob(url, name, layer)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
            "config": {},
        }
    ).encode()
    config_digest = _blob(url, name, config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": len(config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": layer_digest,
                "size": len(layer),
            }
        ],
    }
    requests.put(
        f"{url}/v2/{name}/manifests/{tag}",
        data=json.dumps(manifest).encode(),
        headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
        timeout=10,
    ).raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description="devcon pin benchmark")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.1)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dc-bench-pin-", dir="/tmp"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    os.environ["DOCKER_CONFIG"] = str(work / "docker-config")
    registry = start_registry()
    front = None
    try:
        for i in range(args.count):
            push_small_image(registry.url, f"bench/img{i}", "1", i)
        front = started(registry.addr, delay=args.delay)
        refs = [f"{front.addr}/bench/img{i}:1" for i in range(args.count)]

        session = requests.Session()
        start = time.perf_counter()
        session.head(f"http://{front.addr}/v2/bench/img0/manifests/1", timeout=10)
        one = time.perf_counter() - start
        session.close()
        print(f"one request through the front:      {one * 1000:7.0f} ms")

        compose = work / "compose.yml"
        original = "services:\n" + "".join(
            f"  s{i}:\n    image: {ref}\n" for i, ref in enumerate(refs)
        )
        compose.write_text(original)
        settings = RegistrySettings()
        front.reset_counts()
        start = time.perf_counter()
        result = pin(PinRequest(paths=(compose,)), lambda: make_client(settings))
        wall = time.perf_counter() - start
        pinned = sum(1 for item in result.items if item.new_text)
        print(
            f"devcon pin, {pinned} references:       {wall * 1000:7.0f} ms wall, "
            f"{front.request_count} requests ({wall / one:.1f}x one request; target < 3x)"
        )
        front.reset_counts()
        pin(PinRequest(paths=(compose,)), lambda: make_client(settings))
        print(f"second run over the pinned file:    {front.request_count:7d} requests (target 0)")
        compose.write_text(original)
        front.reset_counts()
        offline = RegistrySettings(offline=True)
        result = pin(PinRequest(paths=(compose,)), lambda: make_client(offline))
        offline_pinned = sum(1 for item in result.items if item.new_text)
        print(
            f"--offline from the cache:           {front.request_count:7d} requests "
            f"({offline_pinned} pinned; target 0)"
        )

        skopeo = shutil.which("skopeo")
        if skopeo:
            front.reset_counts()
            start = time.perf_counter()
            for ref in refs:
                done = subprocess.run(
                    [skopeo, "inspect", "--tls-verify=false", "--raw", f"docker://{ref}"],
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    raise SystemExit(f"skopeo inspect failed: {done.stderr.strip()}")
            skopeo_wall = time.perf_counter() - start
            print(
                f"skopeo inspect --raw, one by one:   {skopeo_wall * 1000:7.0f} ms wall, "
                f"{front.request_count} requests ({skopeo_wall / wall:.1f}x devcon's time)"
            )
        else:
            print("skopeo not installed (apt-get install skopeo) : comparison skipped")
        met = wall < 3 * one
        print(f"target (pin wall < 3x one request): {'met' if met else 'NOT met'}")
    finally:
        if front is not None:
            front.stop()
        registry.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
