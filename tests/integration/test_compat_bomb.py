"""Issue 13 (8): a gzip bomb layer (2 MB expanding to 2 GiB) took 95 s of CPU in `compat`;
`--max-download` counted compressed bytes only. Decompressed bytes are bounded too (a quarter
of the download cap plus 64 times what was downloaded), and so is what is read from the
engine for one file; the reason says which bound stopped the read."""

from __future__ import annotations

import hashlib
import json
import struct
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.oci import put_manifest, upload_blob
from tests.harness.registry import Registry

pytestmark = [pytest.mark.engine, pytest.mark.registry]

GIB = 1 << 30
MIB = 1 << 20


def gzip_bomb(size: int) -> tuple[bytes, str]:
    """(a gzip'd tar holding one file of `size` zero bytes, the tar's sha256 diff id), made in
    a second: one full-flushed deflate block of a MiB of zeros, repeated."""
    info = tarfile.TarInfo("zeros.bin")
    info.size = size
    head = info.tobuf(format=tarfile.GNU_FORMAT)
    tail = bytes(-size % 512 + 1024)
    zero = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)]
    block = deflate.compress(zero) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    diff = hashlib.sha256(head)
    for _ in range(size // MIB):
        parts.append(block)
        crc = zlib.crc32(zero, crc)
        diff.update(zero)
    parts.append(deflate.compress(tail) + deflate.flush(zlib.Z_FINISH))
    crc = zlib.crc32(tail, crc)
    diff.update(tail)
    total = len(head) + (size // MIB) * MIB + len(tail)
    gz = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + b"".join(parts)
    gz += struct.pack("<II", crc & 0xFFFFFFFF, total & 0xFFFFFFFF)
    return gz, "sha256:" + diff.hexdigest()


def _push_bomb(registry: Registry, name: str, size: int) -> tuple[str, str]:
    """Push an image whose one layer is a gzip bomb; (reference, layer digest)."""
    layer, diff_id = gzip_bomb(size)
    url = registry.url
    layer_digest = upload_blob(url, name, layer)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "config": {},
        }
    ).encode()
    config_digest = upload_blob(url, name, config)
    media = "application/vnd.oci.image.manifest.v1+json"
    manifest = {
        "schemaVersion": 2,
        "mediaType": media,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": len(config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": layer_digest,
                "size": len(layer),
            }
        ],
    }
    put_manifest(url, name, "1", json.dumps(manifest).encode(), media)
    return registry.ref(f"{name}:1"), layer_digest


def _compat(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str, float]:
    start = time.monotonic()
    code = main(["compat", "--format", "json", *args])
    took = time.monotonic() - start
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err, took


def test_gzip_bomb_layer_from_the_registry(
    registry: Registry,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ref, digest = _push_bomb(registry, "devcon-test/bomb", 2 * GIB)
    code, payload, err, took = _compat([ref], capsys)
    assert took < 5, f"{took:.1f} s reading a 2 MB layer"
    image = payload["images"][0]
    assert code == 3 and image["facts"] is None and image["unreadable"]
    notes = " ".join(image["notes"])
    assert "decompressed cap" in notes and digest in notes and "--max-download" in notes
    assert "download cap" not in notes.replace("decompressed cap", "")
    assert "no verdict for " + ref in err and "decompressed cap" in err and "Traceback" not in err


def test_download_cap_and_decompressed_cap_are_told_apart(
    registry: Registry,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # 64 MiB of zeros (65 KiB compressed): under the default caps, the layer is read whole
    ref, _ = _push_bomb(registry, "devcon-test/zeros", 64 * MIB)
    _, payload, _, _ = _compat([ref], capsys)
    image = payload["images"][0]
    assert "decompressed cap" not in " ".join(image["notes"])
    assert image["layers_read"] == 1
    # --max-download 1: a quarter MiB plus 64 times 65 KiB is less than 64 MiB
    code, payload, _, _ = _compat(["--max-download", "1", ref], capsys)
    notes = " ".join(payload["images"][0]["notes"])
    assert code == 3 and "decompressed cap" in notes
    assert "download cap (" not in notes and "over the download cap" not in notes


def test_huge_file_through_the_engine(
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The engine sends a path's archive uncompressed: what is read of it is bounded too (an
    /etc/os-release of 200 MiB was read whole into memory)."""
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = Path(tempfile.mkdtemp(prefix="dc-bomb-", dir="/tmp"))
    tarball = work / "rootfs.tar"
    with tarfile.open(tarball, "w") as archive:
        info = tarfile.TarInfo("etc/os-release")
        info.size = 200 * MIB
        with open("/dev/zero", "rb") as zeros:
            archive.addfile(info, zeros)
    docker_engine.import_rootfs(tarball, "devcon-test/bigfile:1")
    tarball.unlink()
    work.rmdir()
    code, _, err, took = _compat(["docker:devcon-test/bigfile:1"], capsys)
    assert took < 5, f"{took:.1f} s"
    assert code == 3, err
    assert "decompressed cap" in err and "/etc/os-release" in err and "Traceback" not in err
