"""`devcon compat` against images built here, from the engine and from the registry."""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.oci import (
    copy_blob,
    copy_image,
    get_manifest,
    push_index,
    put_manifest,
    upload_blob,
)
from tests.harness.registry import Registry
from tests.harness.rootfs import (
    File,
    fake_glibc,
    fake_libstdcxx,
    fake_musl,
    find_static_busybox,
    make_rootfs_tar,
    os_release,
)

pytestmark = [pytest.mark.engine, pytest.mark.registry]


def _host_libc() -> Path:
    for candidate in (
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/aarch64-linux-gnu/libc.so.6",
        "/lib64/libc.so.6",
    ):
        path = Path(candidate)
        if path.exists():
            return path.resolve()
    raise AssertionError("no host glibc found to copy")


def _content(entry: object) -> bytes:
    assert isinstance(entry, File)
    return entry.content if isinstance(entry.content, bytes) else entry.content.encode()


@dataclass(frozen=True)
class Zoo:
    reg: Registry
    names: dict[str, str]  # short name -> local tag (also pushed as REG/<tag>)

    def remote(self, short: str) -> str:
        return self.reg.ref(self.names[short])


@pytest.fixture(scope="module")
def zoo(docker_engine: DockerEngine, registry: Registry) -> Zoo:
    work = Path(tempfile.mkdtemp(prefix="dc-compat-", dir="/tmp"))
    host_libc = _host_libc()
    variants = {
        "alpine": {
            "extra_files": {
                "etc/os-release": os_release(
                    id="alpine", version_id="3.12.12", name="Alpine Linux"
                ),
                **fake_musl("1.1.24"),
            },
        },
        "centos7": {
            "extra_files": {
                "etc/os-release": os_release(id="centos", version_id="7", name="CentOS Linux"),
                **fake_glibc("2.17", libdir="lib64", distro="GNU libc"),
            },
        },
        "hostglibc": {
            "extra_files": {
                "etc/os-release": os_release(id="debian", version_id="12"),
                "lib/x86_64-linux-gnu/libc.so.6": File(host_libc.read_bytes(), mode=0o755),
                **fake_libstdcxx(30),
            },
        },
        "nosh": {
            "extra_files": {
                "etc/os-release": os_release(id="debian", version_id="12"),
                **fake_glibc("2.36"),
                **fake_libstdcxx(30),
            },
            "without_applets": ["sh"],
        },
        "notar": {
            "extra_files": {
                "etc/os-release": os_release(id="debian", version_id="12"),
                **fake_glibc("2.36"),
                **fake_libstdcxx(30),
            },
            "without_applets": ["tar"],
        },
        # busybox-static alone: a shell and tar, but no C library at all
        "nolibc": {
            "extra_files": {"etc/os-release": os_release(id="debian", version_id="12")},
        },
        "eolbase": {
            "extra_files": {
                "etc/os-release": os_release(id="debian", version_id="9"),
                **fake_glibc("2.24"),
            },
        },
    }
    names = {}
    try:
        for short, kwargs in variants.items():
            tag = f"devcon-test/compat-{short}:1"
            tarball = make_rootfs_tar(work / f"{short}.tar", **kwargs)  # type: ignore[arg-type]
            docker_engine.import_rootfs(tarball, tag)
            docker_engine.push(tag, registry.ref(tag))
            names[short] = tag
        # os-release of a lower layer removed by a whiteout in an upper one; a newer one in
        # /usr/lib: compat must see debian 12, not the (end-of-life) debian 9 below
        docker_engine.build(
            "FROM devcon-test/compat-eolbase:1\n"
            "RUN rm /etc/os-release && mkdir -p /usr/lib && "
            "printf 'ID=debian\\nVERSION_ID=\"12\"\\n' > /usr/lib/os-release\n",
            "devcon-test/compat-whiteout:1",
        )
        docker_engine.push(
            "devcon-test/compat-whiteout:1", registry.ref("devcon-test/compat-whiteout:1")
        )
        names["whiteout"] = "devcon-test/compat-whiteout:1"
        # every answer in the topmost layer: lower layers must not be downloaded
        busybox = find_static_busybox().read_bytes()
        docker_engine.build(
            "FROM devcon-test/compat-notar:1\n"
            "RUN head -c 2000000 /dev/urandom > /unneeded.bin\n"
            "COPY answers/ /\n",
            "devcon-test/compat-toplayer:1",
            files={
                "answers/etc/os-release": os_release(id="alpine", version_id="3.20.3"),
                "answers/lib/ld-musl-x86_64.so.1": _content(
                    fake_musl("1.2.5")["lib/ld-musl-x86_64.so.1"]
                ),
                "answers/bin/sh": busybox,
                "answers/bin/tar": busybox,
            },
        )
        docker_engine.push(
            "devcon-test/compat-toplayer:1", registry.ref("devcon-test/compat-toplayer:1")
        )
        names["toplayer"] = "devcon-test/compat-toplayer:1"
        # the answers lie below a ~3 MiB layer that holds none of them
        docker_engine.build(
            "FROM devcon-test/compat-hostglibc:1\nRUN head -c 3000000 /dev/urandom > /big.bin\n",
            "devcon-test/compat-bigtop:1",
        )
        docker_engine.push(
            "devcon-test/compat-bigtop:1", registry.ref("devcon-test/compat-bigtop:1")
        )
        names["bigtop"] = "devcon-test/compat-bigtop:1"
        names["multi"] = _push_multi(registry, docker_engine)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Zoo(registry, names)


def _push_multi(registry: Registry, docker_engine: DockerEngine) -> str:
    """An index with linux/amd64 (the host-glibc Debian image) and linux/arm64 (the Alpine
    image's layers under an arm64 config); the local engine has only the amd64 one under
    the same name."""
    url, multi = registry.url, "devcon-test/compat-multi"
    amd64 = copy_image(url, url, "devcon-test/compat-hostglibc", "1", multi, "amd64")
    _, media_type, body = get_manifest(url, "devcon-test/compat-alpine", "1")
    manifest = json.loads(body)
    for layer in manifest["layers"]:
        copy_blob(url, url, "devcon-test/compat-alpine", multi, layer["digest"], None)
    import requests

    config = requests.get(
        f"{url}/v2/devcon-test/compat-alpine/blobs/{manifest['config']['digest']}", timeout=10
    ).json()
    config["architecture"] = "arm64"
    config_bytes = json.dumps(config).encode()
    manifest["config"] = {
        **manifest["config"],
        "digest": upload_blob(url, multi, config_bytes),
        "size": len(config_bytes),
    }
    arm_body = json.dumps(manifest).encode()
    arm64 = put_manifest(url, multi, "arm64", arm_body, media_type)
    amd_media, amd_body = get_manifest(url, multi, "amd64")[1:]
    push_index(
        url,
        multi,
        "1",
        [
            ("linux/amd64", amd64, amd_media, len(amd_body)),
            ("linux/arm64", arm64, media_type, len(arm_body)),
        ],
    )
    docker_engine.docker("tag", "devcon-test/compat-hostglibc:1", registry.ref(f"{multi}:1"))
    return f"{multi}:1"


# "glibc 2.36": the version the host's own libc.so.6 (copied into an image) must show
HOST_GLIBC_VERSION = (os.confstr("CS_GNU_LIBC_VERSION") or "none ?").split()[1]


EXPECTED = {
    # short name: (rules expected with --vscode stable, facts checks)
    "alpine": ({"musl-too-old", "eol-distro"}, {"libc": "musl", "distro_id": "alpine"}),
    "centos7": ({"glibc-too-old", "eol-distro"}, {"libc": "glibc", "libc_version": "2.17"}),
    "hostglibc": (
        set(),
        {
            "libc": "glibc",
            "distro_version": "12",
            "libc_version": HOST_GLIBC_VERSION,
        },
    ),
    "nosh": ({"no-shell"}, {"shell": False, "tar": True}),
    "notar": ({"missing-tar"}, {"shell": True, "tar": False}),
    # no glibc, no musl loader: the VS Code server cannot run, an error, not a pass
    "nolibc": ({"no-libc"}, {"libc": None, "libc_version": None, "shell": True}),
    # debian 9 (end of life) lies below a whiteout: only its old glibc shows
    "whiteout": ({"glibc-too-old"}, {"distro_id": "debian", "distro_version": "12"}),
}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code, payload, _ = _run_err(args, capsys)
    return code, payload


def _run_err(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object], str]:
    """(exit code, the JSON report, stderr)."""
    code = main(["compat", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize("short", sorted(EXPECTED))
def test_from_the_registry(
    zoo: Zoo,
    short: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")  # registry path only
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules, facts = EXPECTED[short]
    code, payload = _run([zoo.remote(short)], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["source"] == "registry" and image["guessed"] is False
    for key, value in facts.items():
        assert image["facts"][key] == value, (key, image["facts"])
    assert {f["rule"] for f in image["findings"]} == rules
    assert code == (1 if rules - {"alpine-preview"} else 0)


@pytest.mark.parametrize("short", sorted(EXPECTED))
def test_from_the_engine(
    zoo: Zoo,
    short: str,
    capsys: pytest.CaptureFixture[str],
    docker_engine: DockerEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    rules, facts = EXPECTED[short]
    code, payload = _run([f"docker:{zoo.names[short]}"], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["source"] == "engine"
    for key, value in facts.items():
        assert image["facts"][key] == value, (key, image["facts"])
    assert {f["rule"] for f in image["findings"]} == rules
    assert code == (1 if rules - {"alpine-preview"} else 0)


@pytest.mark.parametrize("source", ["engine", "registry"])
def test_vscode_version_changes_the_alpine_verdict(
    zoo: Zoo,
    source: str,
    capsys: pytest.CaptureFixture[str],
    docker_engine: DockerEngine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    if source == "engine":
        monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
        name = {short: f"docker:{tag}" for short, tag in zoo.names.items()}
    else:
        monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        name = {short: zoo.remote(short) for short in zoo.names}

    def rules(vscode: str, image: str) -> set[str]:
        _, payload = _run(["--vscode", vscode, image], capsys)
        assert payload["images"][0]["source"] == source  # type: ignore[index]
        return {f["rule"] for f in payload["findings"]}  # type: ignore[union-attr]

    old = rules("1.37", name["alpine"])
    assert "alpine-needs-insiders" in old and "alpine-preview" not in old
    # today Alpine 3.12 is no longer "insiders only" but too old (musl 1.1.24 < 1.2.3)
    new = rules("stable", name["alpine"])
    assert "musl-too-old" in new and "alpine-needs-insiders" not in new
    # Alpine 3.20, musl 1.2.5
    assert rules("1.37", name["toplayer"]) == {"alpine-needs-insiders", "eol-distro"}
    assert rules("stable", name["toplayer"]) == {"alpine-preview", "eol-distro"}
    assert "alpine-needs-insiders" not in rules("insiders", name["alpine"])


def test_registry_reads_only_the_layers_it_needs(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    name = zoo.names["toplayer"]
    manifest = json.loads(get_manifest(zoo.reg.url, name.split(":")[0], "1")[2])
    layers = [layer["digest"] for layer in manifest["layers"]]
    assert len(layers) == 3
    mark = zoo.reg.mark()
    code, payload = _run([zoo.remote("toplayer")], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["facts"]["distro_version"] == "3.20.3" and image["facts"]["tar"] is True
    assert image["layers_read"] == 1
    fetched = zoo.reg.blob_fetches(mark, repository=name.split(":")[0])
    assert layers[-1] in fetched
    assert layers[1] not in fetched, "a layer without the files was fetched though the top answered"
    assert layers[0] not in fetched
    del code


def test_platform_unavailable(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    code, payload = _run(["--platform", "linux/arm64", zoo.remote("hostglibc")], capsys)
    assert code == 1
    assert [f["rule"] for f in payload["findings"]] == ["platform-unavailable"]  # type: ignore[index]


def test_platform_unavailable_in_an_index(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mark = zoo.reg.mark()
    code, payload = _run(["--platform", "linux/s390x", zoo.remote("multi")], capsys)
    findings = payload["findings"]  # type: ignore[index]
    assert [f["rule"] for f in findings] == ["platform-unavailable"]
    # the attestation-like unknown/unknown entry is not a platform
    assert "(it has: linux/amd64, linux/arm64)" in findings[0]["message"]
    assert payload["images"][0]["unavailable_platform"] == "linux/s390x"  # type: ignore[index]
    assert code == 1
    assert zoo.reg.blob_fetches(mark) == []  # judged from the index alone
    # the index's other platform is read when asked for
    code, payload = _run(["--platform", "linux/arm64", zoo.remote("multi")], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["facts"]["distro_id"] == "alpine" and image["facts"]["architecture"] == "aarch64"
    assert "musl-too-old" in {f["rule"] for f in image["findings"]} and code == 1


def test_download_cap(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = zoo.names["bigtop"].split(":")[0]
    manifest = json.loads(get_manifest(zoo.reg.url, repo, "1")[2])
    big = manifest["layers"][-1]
    assert big["size"] > 2 * 1024 * 1024
    mark = zoo.reg.mark()
    code, payload, err = _run_err(["--max-download", "1", zoo.remote("bigtop")], capsys)
    image = payload["images"][0]  # type: ignore[index]
    notes = " ".join(image["notes"])
    assert "download cap" in notes and "--max-download" in notes and big["digest"] in notes
    assert image["facts"] is None and image["unreadable"]
    # the name says nothing, so there is no verdict: an environment error, not a pass
    assert code == 3
    assert "no verdict for " + zoo.remote("bigtop") in err and "download cap" in err
    assert big["digest"] not in zoo.reg.blob_fetches(mark), "refused before downloading it"
    code, payload = _run(["--max-download", "16", zoo.remote("bigtop")], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["layers_read"] == 2 and image["facts"]["distro_version"] == "12"
    assert code == 0


def test_an_image_the_registry_does_not_have_is_exit_2_not_3(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The registry answers that the tag does not exist: no verdict, but an answer a retry
    gives again (the name is wrong), so exit 2 (unreadable input), not 3 (environment)."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    missing = zoo.reg.ref("myorg/tools:no-such-tag")
    code, payload, err = _run_err([missing], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["facts"] is None and "not found" in image["unreadable"]
    assert code == 2, err
    assert f"no verdict for {missing}" in err and "not found" in err
    assert "Traceback" not in err


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unreachable_registry_is_no_verdict(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    host = f"127.0.0.1:{_closed_port()}"
    silent, other = f"{host}/myorg/base:3", f"{host}/myorg/tools:1"
    code = main(["compat", "--timeout", "1", silent, other])
    out, err = capsys.readouterr()
    assert code == 3
    assert f"no verdict for {silent}: it could not be read ({host}: unreachable" in err
    # the registry is not asked again for the second image
    assert f"no verdict for {other}: it could not be read ({host} did not answer" in err
    assert "Traceback" not in err and "could not be read: no verdict" in out


def test_unreachable_registry_guess_from_the_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    image = f"127.0.0.1:{_closed_port()}/myorg/python:3.12-alpine3.15"
    code, payload = _run(["--timeout", "1", image], capsys)
    report = payload["images"][0]  # type: ignore[index]
    assert report["guessed"] is True and report["unreadable"] is None
    notes = " ".join(report["notes"])
    assert "could not be read" in notes and "a guess" in notes
    assert "musl-too-old" in {f["rule"] for f in report["findings"]}
    assert code == 1


def test_offline_guess_from_the_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    code, payload = _run(["--offline", "centos:7", "python:3.12-alpine3.19"], capsys)
    images = payload["images"]  # type: ignore[index]
    assert all(i["guessed"] for i in images)
    assert {f["rule"] for f in images[0]["findings"]} >= {"glibc-too-old"}
    assert "judged from the image name" in " ".join(images[0]["notes"])
    assert code == 1


def test_config_images_and_text_output(
    zoo: Zoo,
    tmp_path: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir()
    config.write_text(f'{{\n  "image": "{zoo.names["nosh"]}"\n}}\n')
    assert main(["compat", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{config}:2:13: no-shell:" in out
    assert "read from the engine" in out


def _compose_project(tmp_path: Path, zoo: Zoo, service: str) -> tuple[Path, Path]:
    folder = tmp_path / "project" / ".devcontainer"
    folder.mkdir(parents=True)
    (folder / "devcontainer.json").write_text(
        "{\n"
        '  "dockerComposeFile": "compose.yml",\n'
        f'  "service": "{service}",\n'
        '  "workspaceFolder": "/workspace"\n'
        "}\n"
    )
    compose = folder / "compose.yml"
    compose.write_text(
        "services:\n"
        "  app:\n"
        f"    image: {zoo.remote('hostglibc')}\n"
        "  db:\n"
        f"    image: {zoo.remote('alpine')}\n"
        "  worker:\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile: worker.Dockerfile\n"
        "    image: devcon-test/never-pushed:1\n"
    )
    (folder / "worker.Dockerfile").write_text(f"FROM {zoo.remote('centos7')}\n")
    return folder.parent, compose


def test_compose_only_the_attached_service_is_judged(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project, _ = _compose_project(tmp_path, zoo, "app")
    code, payload = _run([str(project)], capsys)
    # the Alpine `db` and the CentOS 7 `worker` sidecars are not where VS Code runs
    assert [i["image"] for i in payload["images"]] == [zoo.remote("hostglibc")]  # type: ignore[index]
    assert payload["findings"] == [] and code == 0


def test_compose_attached_alpine_service_is_judged(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project, compose = _compose_project(tmp_path, zoo, "db")
    assert main(["compat", str(project)]) == 1
    out = capsys.readouterr().out
    assert f"{compose}:5:12: musl-too-old:" in out
    assert zoo.remote("hostglibc") not in out and "glibc-too-old" not in out


def test_compose_attached_built_service_is_judged_by_its_dockerfile(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project, compose = _compose_project(tmp_path, zoo, "worker")
    code, payload = _run([str(project)], capsys)
    images = payload["images"]  # type: ignore[index]
    # the service's `image:` is what its build is tagged as (never pushed): not read
    assert [(i["image"], i["path"], i["line"], i["column"]) for i in images] == [
        (zoo.remote("centos7"), str(compose.parent / "worker.Dockerfile"), 1, 6)
    ]
    assert {f["rule"] for f in images[0]["findings"]} == {"glibc-too-old", "eol-distro"}
    assert code == 1


def test_dockerfile_stage_form(
    zoo: Zoo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        f"FROM {zoo.remote('alpine')} AS prod\nFROM {zoo.remote('hostglibc')} AS dev\n"
    )
    code, payload = _run([f"{dockerfile}#prod"], capsys)  # as `devcon parity` takes it
    images = payload["images"]  # type: ignore[index]
    assert [(i["image"], i["path"], i["line"], i["column"]) for i in images] == [
        (zoo.remote("alpine"), str(dockerfile), 1, 6)
    ]
    assert "musl-too-old" in {f["rule"] for f in images[0]["findings"]} and code == 1
    code, payload = _run([str(dockerfile)], capsys)  # the last stage is what is built
    assert [i["image"] for i in payload["images"]] == [zoo.remote("hostglibc")]  # type: ignore[index]
    assert code == 0
    assert main(["compat", f"{dockerfile}#nope"]) == 2
    assert "no stage 'nope' (stages: prod, dev)" in capsys.readouterr().err


def test_offline_reads_the_local_engine_never_the_registry(
    zoo: Zoo,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    local = zoo.remote("nosh")  # the engine has it under this name (it pushed it)
    guessable = f"{zoo.reg.host}/library/centos:7"
    unknown = f"{zoo.reg.host}/devcon-test/compat-unknown:1"
    mark = zoo.reg.mark()
    code, payload, err = _run_err(["--offline", local, guessable, unknown], capsys)
    images = payload["images"]  # type: ignore[index]
    assert images[0]["source"] == "engine" and images[0]["guessed"] is False
    assert {f["rule"] for f in images[0]["findings"]} == {"no-shell"}
    assert images[1]["guessed"] is True
    assert "glibc-too-old" in {f["rule"] for f in images[1]["findings"]}
    assert images[2]["facts"] is None
    assert "local engine does not have it" in images[2]["unreadable"]
    # neither read nor judged from its name: no verdict is exit 3, --offline or not
    assert code == 3 and f"no verdict for {unknown}" in err
    assert zoo.reg.access_log(mark) == [], "--offline reached the registry"


def test_platform_other_than_the_engine_copy(
    zoo: Zoo,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ref = zoo.remote("multi")  # index: amd64 Debian, arm64 Alpine; the engine has amd64
    for args in ([ref], ["--platform", "linux/amd64", ref]):
        code, payload = _run(args, capsys)
        image = payload["images"][0]  # type: ignore[index]
        assert image["source"] == "engine" and image["facts"]["distro_id"] == "debian"
        assert code == 0
    code, payload = _run(["--platform", "linux/arm64", ref], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["source"] == "registry" and image["facts"]["distro_id"] == "alpine"
    assert "the local engine's copy is linux/amd64, not linux/arm64: read from the registry" in (
        " ".join(image["notes"])
    )
    assert "musl-too-old" in {f["rule"] for f in image["findings"]} and code == 1
    # docker:NAME reads only the engine, which has no linux/arm64 image
    code, payload = _run(["--platform", "linux/arm64", f"docker:{ref}"], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert [f["rule"] for f in image["findings"]] == ["platform-unavailable"]
    assert "(it has: linux/amd64)" in image["findings"][0]["message"]
    assert "reads only the engine" in " ".join(image["notes"]) and code == 1
