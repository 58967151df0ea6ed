"""`devcon compat` reads an image's architecture and libstdc++ (issue 16), on images made here
(docker import of a small rootfs, pushed to the loopback registry), from the engine and from
the registry.

An image of another architecture: the engine's `docker import --platform` is not honoured by
every engine (dockerd 20.10 ignores it), so the imported image is pushed, its config rewritten
with that `architecture`/`variant` under a new tag, and pulled back into the engine."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.oci import get_manifest, put_manifest, upload_blob
from tests.harness.registry import Registry
from tests.harness.rootfs import (
    EntryLike,
    File,
    Symlink,
    fake_glibc,
    fake_libstdcxx,
    fake_musl,
    make_rootfs_tar,
    os_release,
)

pytestmark = [pytest.mark.engine, pytest.mark.registry]


HOST_LIBDIR = "usr/lib/x86_64-linux-gnu"


def _host_file(*candidates: str) -> Path:
    for candidate in candidates:
        if Path(candidate).exists():
            return Path(candidate).resolve()
    raise AssertionError(f"none of {candidates} on this host")


def _newest_glibcxx(data: bytes) -> str:
    """The newest GLIBCXX_3.4.N of a real libstdc++, counted here without devcon's code."""
    words = [w for w in data.split(b"\x00") if w.startswith(b"GLIBCXX_3.4.")]
    return "3.4." + str(max(int(w.rsplit(b".", 1)[1]) for w in words if w[12:].isdigit()))


DEBIAN = {"etc/os-release": os_release(id="debian", version_id="12")}
GOOD_GLIBC = {**DEBIAN, **fake_glibc("2.36"), **fake_libstdcxx(30)}

# short name: (the image's platform, rootfs files, expected architecture, expected rules)
ARCH_IMAGES: dict[str, tuple[str, dict[str, EntryLike], str, set[str]]] = {
    "i386": ("linux/386", GOOD_GLIBC, "i386", {"unsupported-arch"}),
    "ppc64le": ("linux/ppc64le", GOOD_GLIBC, "ppc64le", {"unsupported-arch"}),
    "s390x": ("linux/s390x", GOOD_GLIBC, "s390x", {"unsupported-arch"}),
    "riscv64": ("linux/riscv64", GOOD_GLIBC, "riscv64", {"unsupported-arch"}),
    "armv7": ("linux/arm/v7", GOOD_GLIBC, "armv7l", {"unsupported-arch"}),
    "alpine-armv7": (
        "linux/arm/v7",
        {
            "etc/os-release": os_release(id="alpine", version_id="3.22.1", name="Alpine Linux"),
            **fake_musl("1.2.5", arch="armhf"),
        },
        "armv7l",
        {"unsupported-arch", "alpine-preview"},
    ),
    "arm64": ("linux/arm64", GOOD_GLIBC, "aarch64", set()),
}


@dataclass(frozen=True)
class Images:
    reg: Registry
    names: dict[str, str]  # short name -> the engine's name (also REG/<name> in the registry)
    host_glibcxx: str


def _retarget(registry: Registry, repository: str, platform: str) -> str:
    """Push, under the tag `other`, the image REG/repository:1 with its config saying
    `platform` (`linux/arm/v7`): the same layers, another architecture."""
    import requests

    url = registry.url
    _, media_type, body = get_manifest(url, repository, "1")
    manifest = json.loads(body)
    config = requests.get(
        f"{url}/v2/{repository}/blobs/{manifest['config']['digest']}", timeout=10
    ).json()
    _, arch, *variant = platform.split("/")
    config["architecture"] = arch
    config.pop("variant", None)
    if variant:
        config["variant"] = variant[0]
    data = json.dumps(config).encode()
    manifest["config"] = {
        **manifest["config"],
        "digest": upload_blob(url, repository, data),
        "size": len(data),
    }
    put_manifest(url, repository, "other", json.dumps(manifest).encode(), media_type)
    return f"{repository}:other"


@pytest.fixture(scope="module")
def images(docker_engine: DockerEngine, registry: Registry) -> Images:
    work = Path(tempfile.mkdtemp(prefix="dc-compat-facts-", dir="/tmp"))
    libc = _host_file("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6")
    cxx = _host_file(f"/{HOST_LIBDIR}/libstdc++.so.6")
    host_libc = {f"{HOST_LIBDIR}/libc.so.6": File(libc.read_bytes(), mode=0o755)}
    made: dict[str, tuple[str | None, dict[str, EntryLike]]] = {
        short: (platform, files) for short, (platform, files, _, _) in ARCH_IMAGES.items()
    }
    # a new glibc (the host's) without libstdc++: busybox:glibc, distroless/base
    made["nolibstdcxx"] = (None, {**DEBIAN, **host_libc})
    # the same with the host's own libstdc++ copied in (the link and the file it names)
    made["hostlibstdcxx"] = (
        None,
        {
            **DEBIAN,
            **host_libc,
            f"{HOST_LIBDIR}/libstdc++.so.6": Symlink(cxx.name),
            f"{HOST_LIBDIR}/{cxx.name}": File(cxx.read_bytes(), mode=0o644),
        },
    )
    # glibc 2.36 but a libstdc++ from GCC 7 (GLIBCXX_3.4.24)
    made["oldlibstdcxx"] = (None, {**DEBIAN, **host_libc, **fake_libstdcxx(24)})
    names = {}
    try:
        for short, (platform, files) in made.items():
            tag = f"devcon-test/compat-facts-{short}:1"
            tarball = make_rootfs_tar(work / f"{short}.tar", extra_files=files)
            docker_engine.import_rootfs(tarball, tag)
            docker_engine.push(tag, registry.ref(tag))
            if platform is not None:
                tag = _retarget(registry, tag.split(":")[0], platform)
                docker_engine.docker("pull", "--platform", platform, registry.ref(tag))
                docker_engine.docker("tag", registry.ref(tag), tag)
            names[short] = tag
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Images(registry, names, _newest_glibcxx(cxx.read_bytes()))


def _compat(image: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["compat", "--format", "json", *args, image])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


@pytest.fixture(params=["engine", "registry"])
def name_of(
    request: pytest.FixtureRequest,
    images: Images,
    docker_engine: DockerEngine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> dict[str, str]:
    """short name -> what to give compat: `docker:TAG` (engine) or the registry reference."""
    if request.param == "engine":
        monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
        return {short: f"docker:{tag}" for short, tag in images.names.items()}
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")  # registry only
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return {short: images.reg.ref(tag) for short, tag in images.names.items()}


@pytest.mark.parametrize("short", sorted(ARCH_IMAGES))
def test_architecture_is_read_and_judged(
    name_of: dict[str, str], short: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, arch, rules = ARCH_IMAGES[short]
    code, payload = _compat(name_of[short], capsys)
    (image,) = payload["images"]
    assert image["facts"]["architecture"] == arch
    assert {f["rule"] for f in image["findings"]} == rules
    assert code == (1 if rules - {"alpine-preview"} else 0)


def test_32_bit_arm_passes_up_to_1_122(
    name_of: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, payload = _compat(name_of["armv7"], capsys, "--vscode", "1.122")
    assert payload["findings"] == [] and code == 0
    code, payload = _compat(name_of["alpine-armv7"], capsys, "--vscode", "1.122")
    assert {f["rule"] for f in payload["findings"]} == {"unsupported-arch", "alpine-preview"}


def test_libstdcxx_is_read_from_the_image(
    name_of: dict[str, str], images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    code, payload = _compat(name_of["nolibstdcxx"], capsys)
    (image,) = payload["images"]
    assert image["facts"]["libc"] == "glibc" and image["facts"]["libstdcxx"] is False
    assert [f["rule"] for f in payload["findings"]] == ["libstdcxx-too-old"] and code == 1
    assert "no libstdc++" in payload["findings"][0]["message"]

    code, payload = _compat(name_of["hostlibstdcxx"], capsys)
    (image,) = payload["images"]
    assert image["facts"]["libstdcxx"] is True
    assert image["facts"]["libstdcxx_version"] == images.host_glibcxx
    assert payload["findings"] == [] and code == 0

    code, payload = _compat(name_of["oldlibstdcxx"], capsys)
    (image,) = payload["images"]
    assert image["facts"]["libstdcxx_version"] == "3.4.24"
    assert [f["rule"] for f in payload["findings"]] == ["libstdcxx-too-old"] and code == 1
    # before VS Code 1.86 the server needed 3.4.18
    assert _compat(name_of["oldlibstdcxx"], capsys, "--vscode", "1.85")[1]["findings"] == []
