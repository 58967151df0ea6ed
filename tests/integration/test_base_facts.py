"""base_facts.read_base against the real engine and registry: what init learns of a base
(system, users, tools) from the engine's copy, or from the registry's layers when the engine
lacks the image; layers read top down until every question is answered; a cap ends the
reading with complete=False."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.base_facts import BaseUser, read_base
from devcon.engine import Engine
from devcon.registry.factory import RegistrySettings, make_client
from devcon.services import Services
from tests.harness.engine import DockerEngine
from tests.harness.oci import get_manifest
from tests.harness.registry import Registry
from tests.harness.rootfs import File, Symlink, fake_glibc, fake_musl, make_rootfs_tar, os_release

pytestmark = [pytest.mark.engine, pytest.mark.registry]

ASKED = ("useradd", "adduser", "bash", "sh", "conda", "mamba", "python", "R")
ELF = File(b"\x7fELF\x02\x01\x01 stand-in", mode=0o755)
STD_PATH = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Bases:
    reg: Registry
    local: dict[str, str]  # short name -> tag in the engine
    remote: dict[str, str]  # short name -> registry reference the engine does NOT have


@pytest.fixture(scope="module")
def bases(docker_engine: DockerEngine, registry: Registry) -> Iterator[Bases]:
    work = Path(tempfile.mkdtemp(prefix="dc-basefacts-", dir="/tmp"))
    variants = {
        "debian": (
            {
                "etc/os-release": os_release(id="debian", version_id="12"),
                **fake_glibc("2.36"),
                "usr/sbin/useradd": ELF,
                "bin/bash": ELF,
                "usr/local/bin/python3": ELF,
                "usr/local/bin/python": Symlink("python3"),
            },
            [STD_PATH],
        ),
        "alpine": (
            {
                "etc/os-release": os_release(id="alpine", version_id="3.20.3"),
                **fake_musl("1.2.5"),
                "etc/passwd": (
                    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/sbin/nologin\n"
                ),
                "usr/sbin/adduser": Symlink("/bin/busybox"),  # a busybox applet
            },
            [STD_PATH],
        ),
        "jupyter": (
            {
                "etc/os-release": os_release(
                    id="ubuntu", version_id="22.04", id_like="debian", name="Ubuntu"
                ),
                **fake_glibc("2.35"),
                "etc/passwd": (
                    "root:x:0:0:root:/root:/bin/bash\njovyan:x:1000:100::/home/jovyan:/bin/bash\n"
                ),
                "usr/bin/bash": ELF,
                "usr/sbin/useradd": ELF,
                "opt/conda/bin/conda": ELF,
                "opt/conda/bin/mamba": ELF,
                "opt/conda/bin/python3.11": ELF,
                "opt/conda/bin/python": Symlink("python3.11"),
            },
            ["ENV PATH=/opt/conda/bin:/usr/local/bin:/usr/bin:/bin", "USER 1000"],
        ),
    }
    local: dict[str, str] = {}
    remote: dict[str, str] = {}
    try:
        for short, (files, changes) in variants.items():
            tag = f"devcon-test/basefacts-{short}:1"
            tarball = make_rootfs_tar(
                work / f"{short}.tar",
                extra_files=files,  # type: ignore[arg-type]
                without_applets=["bash"],
            )
            docker_engine.import_rootfs(tarball, tag, changes=changes)
            local[short] = tag
        # a tool in a lower layer, another hidden by a whiteout, a big top layer
        docker_engine.build(
            f"FROM {local['debian']}\nRUN rm /usr/sbin/useradd\n"
            "RUN head -c 3000000 /dev/urandom > /big.bin\n",
            "devcon-test/basefacts-layers:1",
        )
        local["layers"] = "devcon-test/basefacts-layers:1"
        # every answer in the top layer: the layers below are not downloaded
        docker_engine.build(
            f"FROM {local['alpine']}\nRUN head -c 2000000 /dev/urandom > /unneeded.bin\n"
            "RUN cp /etc/os-release /etc/os-release.new && mv /etc/os-release.new /etc/os-release"
            " && cp /etc/passwd /etc/passwd.new && mv /etc/passwd.new /etc/passwd"
            " && cp /lib/ld-musl-x86_64.so.1 /lib/x && mv /lib/x /lib/ld-musl-x86_64.so.1"
            " && cp /bin/busybox /usr/local/bin/sh\n",
            "devcon-test/basefacts-top:1",
        )
        local["top"] = "devcon-test/basefacts-top:1"
        for short, tag in local.items():
            ref = registry.ref(tag)
            docker_engine.push(tag, ref)
            docker_engine.docker("rmi", ref)  # the engine keeps only the local tag
            remote[short] = ref
        yield Bases(registry, local, remote)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def services(
    docker_engine: DockerEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Services]:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    settings = RegistrySettings(cache_dir=tmp_path / "cache")
    with Services(registry=lambda: make_client(settings), engine=Engine) as made:
        yield made


SOURCES = ("engine", "registry")


@pytest.mark.parametrize("source", SOURCES)
def test_a_debian_like_base(bases: Bases, source: str, services: Services) -> None:
    facts = read_base(
        bases.local["debian"] if source == "engine" else bases.remote["debian"], services, ASKED
    )
    assert facts.source == source and facts.complete
    assert (facts.distro_id, facts.distro_version, facts.libc) == ("debian", "12", "glibc")
    assert facts.user_with_uid(1000) == BaseUser("vscode", 1000, 1000, "/home/vscode", "/bin/sh")
    assert facts.user("root") is not None and facts.user("nobody") is not None
    assert facts.tools == {"useradd", "bash", "sh", "python"}
    assert facts.where("useradd") == "/usr/sbin/useradd"
    assert facts.where("sh") == "/bin/sh"  # a busybox applet link
    assert facts.lacks("conda") and facts.lacks("adduser") and not facts.is_musl
    assert facts.config_user in (None, "")
    assert facts.architecture == "x86_64"


@pytest.mark.parametrize("source", SOURCES)
def test_an_alpine_like_base(bases: Bases, source: str, services: Services) -> None:
    facts = read_base(
        bases.local["alpine"] if source == "engine" else bases.remote["alpine"], services, ASKED
    )
    assert facts.source == source and facts.complete
    assert facts.is_musl and facts.libc == "musl" and facts.distro_version == "3.20.3"
    assert facts.user_with_uid(1000) is None and [u.name for u in facts.users] == [
        "root",
        "nobody",
    ]
    assert facts.tools == {"adduser", "sh"}
    assert facts.where("adduser") == "/usr/sbin/adduser"
    assert facts.lacks("bash") and facts.lacks("useradd")


@pytest.mark.parametrize("source", SOURCES)
def test_a_jupyter_like_base(bases: Bases, source: str, services: Services) -> None:
    facts = read_base(
        bases.local["jupyter"] if source == "engine" else bases.remote["jupyter"], services, ASKED
    )
    assert facts.source == source and facts.complete
    assert facts.distro_id == "ubuntu" and facts.distro_like == ("debian",)
    assert facts.user("jovyan") == BaseUser("jovyan", 1000, 100, "/home/jovyan", "/bin/bash")
    assert facts.config_user == "1000"
    assert facts.path[0] == "/opt/conda/bin"
    assert facts.tools == {"useradd", "bash", "sh", "conda", "mamba", "python"}
    assert facts.where("python") == "/opt/conda/bin/python"


@pytest.mark.parametrize("source", SOURCES)
def test_a_whiteout_hides_a_lower_layers_tool(
    bases: Bases, source: str, services: Services
) -> None:
    facts = read_base(
        bases.local["layers"] if source == "engine" else bases.remote["layers"], services, ASKED
    )
    assert facts.complete and facts.distro_id == "debian"
    assert facts.tools == {"bash", "sh", "python"}  # bash lies in the lowest layer
    assert facts.lacks("useradd")  # removed in an upper layer
    if source == "registry":
        assert facts.layers_read == 3  # absent tools need every layer


def _layers(bases: Bases, short: str) -> list[str]:
    repo = bases.remote[short].split("/", 1)[1].split(":")[0]
    manifest = json.loads(get_manifest(bases.reg.url, repo, "1")[2])
    return [layer["digest"] for layer in manifest["layers"]]


def test_reading_stops_once_every_question_is_answered(bases: Bases, services: Services) -> None:
    layers = _layers(bases, "top")
    assert len(layers) == 3
    mark = bases.reg.mark()
    facts = read_base(bases.remote["top"], services, ("sh",))
    assert facts.source == "registry" and facts.complete and facts.layers_read == 1
    assert facts.tools == {"sh"} and facts.is_musl and facts.user("root") is not None
    fetched = bases.reg.blob_fetches(mark)
    assert layers[-1] in fetched and layers[0] not in fetched and layers[1] not in fetched
    # a tool the top layer lacks: the layers below are read for it
    facts = read_base(bases.remote["top"], services, ("sh", "adduser"))
    assert facts.layers_read == 3 and facts.tools == {"sh", "adduser"}


def test_a_cap_stops_the_reading_without_failing(bases: Bases, services: Services) -> None:
    layers = _layers(bases, "layers")
    mark = bases.reg.mark()
    facts = read_base(bases.remote["layers"], services, ASKED, max_download=1024 * 1024)
    assert facts.source == "registry" and not facts.complete and facts.layers_read == 0
    assert facts.stopped is not None and "download cap" in str(facts.stopped)
    assert facts.distro_id is None and facts.users == () and facts.tools == frozenset()
    assert not facts.lacks("useradd")  # not known: the reading stopped short
    assert layers[-1] not in bases.reg.blob_fetches(mark), "refused before downloading it"
    # with room for the big layer, every layer is read
    facts = read_base(bases.remote["layers"], services, ASKED, max_download=16 * 1024 * 1024)
    assert facts.complete and facts.layers_read == 3 and facts.distro_id == "debian"


def test_a_layer_that_is_not_a_tar_is_a_registry_error(bases: Bases, services: Services) -> None:
    """A malformed base: one clear RegistryError (exit 3), never a traceback."""
    import hashlib

    from devcon.registry.errors import RegistryError
    from tests.harness.oci import copy_blob, put_manifest, upload_blob

    url, repo = bases.reg.url, "devcon-test/basefacts-broken"
    source = bases.remote["debian"].split("/", 1)[1].split(":")[0]
    media_type, body = get_manifest(url, source, "1")[1:]
    manifest = json.loads(body)
    copy_blob(url, url, source, repo, manifest["config"]["digest"], None)
    junk = b"this is not a tar archive at all" * 40
    digest = upload_blob(url, repo, junk)
    assert digest == "sha256:" + hashlib.sha256(junk).hexdigest()
    manifest["layers"] = [
        {"mediaType": manifest["layers"][0]["mediaType"], "digest": digest, "size": len(junk)}
    ]
    put_manifest(url, repo, "1", json.dumps(manifest).encode(), media_type)
    with pytest.raises(RegistryError, match="is not a tar archive"):
        read_base(bases.reg.ref(f"{repo}:1"), services, ASKED)
