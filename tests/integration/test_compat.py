"""`devcon compat` against images built here, from the engine and from the registry."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from devcon.cli.app import main
from tests.harness.engine import DockerEngine
from tests.harness.oci import get_manifest
from tests.harness.registry import Registry
from tests.harness.rootfs import (
    File,
    fake_glibc,
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
            },
        },
        "nosh": {
            "extra_files": {
                "etc/os-release": os_release(id="debian", version_id="12"),
                **fake_glibc("2.36"),
            },
            "without_applets": ["sh"],
        },
        "notar": {
            "extra_files": {
                "etc/os-release": os_release(id="debian", version_id="12"),
                **fake_glibc("2.36"),
            },
            "without_applets": ["tar"],
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
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Zoo(registry, names)


EXPECTED = {
    # short name: (rules expected with --vscode stable, facts checks)
    "alpine": ({"musl-too-old", "eol-distro"}, {"libc": "musl", "distro_id": "alpine"}),
    "centos7": ({"glibc-too-old", "eol-distro"}, {"libc": "glibc", "libc_version": "2.17"}),
    "hostglibc": (set(), {"libc": "glibc", "distro_version": "12"}),
    "nosh": ({"no-shell"}, {"shell": False, "tar": True}),
    "notar": ({"missing-tar"}, {"shell": True, "tar": False}),
    # debian 9 (end of life) lies below a whiteout: only its old glibc shows
    "whiteout": ({"glibc-too-old"}, {"distro_id": "debian", "distro_version": "12"}),
}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["compat", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


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
    _, payload = _run([f"docker:{zoo.names[short]}"], capsys)
    image = payload["images"][0]  # type: ignore[index]
    assert image["source"] == "engine"
    for key, value in facts.items():
        assert image["facts"][key] == value, (key, image["facts"])
    assert {f["rule"] for f in image["findings"]} == rules


def test_vscode_version_changes_the_alpine_verdict(
    zoo: Zoo,
    capsys: pytest.CaptureFixture[str],
    docker_engine: DockerEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_engine.host)
    image = f"docker:{zoo.names['alpine']}"
    _, old = _run(["--vscode", "1.37", image], capsys)
    _, new = _run(["--vscode", "stable", image], capsys)
    old_rules = {f["rule"] for f in old["findings"]}  # type: ignore[union-attr]
    new_rules = {f["rule"] for f in new["findings"]}  # type: ignore[union-attr]
    assert "alpine-needs-insiders" in old_rules and "alpine-preview" not in old_rules
    # today Alpine 3.12 is no longer "insiders only" but too old (musl 1.1.24 < 1.2.3)
    assert "musl-too-old" in new_rules and "alpine-needs-insiders" not in new_rules
    current = f"docker:{zoo.names['toplayer']}"  # Alpine 3.20, musl 1.2.5
    _, old_current = _run(["--vscode", "1.37", current], capsys)
    _, new_current = _run(["--vscode", "stable", current], capsys)
    assert {f["rule"] for f in old_current["findings"]} == {"alpine-needs-insiders", "eol-distro"}  # type: ignore[union-attr]
    assert {f["rule"] for f in new_current["findings"]} == {"alpine-preview", "eol-distro"}  # type: ignore[union-attr]
    _, insiders = _run(["--vscode", "insiders", image], capsys)
    assert "alpine-needs-insiders" not in {f["rule"] for f in insiders["findings"]}  # type: ignore[union-attr]


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
