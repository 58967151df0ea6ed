"""`devcon pin` / `devcon outdated` against a real registry (and a real engine's images)."""

from __future__ import annotations

import base64
import http.client
import http.server
import json
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devcon.cli.app import main
from tests.harness.engine import BaseImage, DockerEngine
from tests.harness.front import RegistryFront, started
from tests.harness.oci import copy_image, get_manifest, push_index
from tests.harness.registry import Registry, start_registry

pytestmark = [pytest.mark.engine, pytest.mark.registry]


@dataclass(frozen=True)
class World:
    registry: Registry
    a: str  # REG/devcon-test/pin-a:1
    b: str  # REG/devcon-test/pin-b:2
    multi: str  # REG/devcon-test/multi:1 (an OCI index: linux/amd64 -> a, linux/arm64 -> b)
    digests: dict[str, str]  # reference -> Docker-Content-Digest
    multi_arm64: str  # the arm64 manifest digest inside the index


@pytest.fixture(scope="module")
def world(registry: Registry, docker_engine: DockerEngine, base_image: BaseImage) -> World:
    workdir = Path(tempfile.mkdtemp(prefix="dc-pin-", dir="/tmp"))
    try:
        for name, content in (("pin-a", "a"), ("pin-b", "b")):
            docker_engine.build(
                f"FROM {base_image.tag}\nRUN echo {content} > /{content}.txt\n",
                f"devcon-test/{name}:build",
            )
        docker_engine.push("devcon-test/pin-a:build", registry.ref("devcon-test/pin-a:1"))
        docker_engine.push("devcon-test/pin-b:build", registry.ref("devcon-test/pin-b:2"))
        docker_engine.push("devcon-test/pin-a:build", registry.ref("devcon-test/multi:amd64"))
        docker_engine.push("devcon-test/pin-b:build", registry.ref("devcon-test/multi:arm64"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    entries = []
    for platform, tag in (("linux/amd64", "amd64"), ("linux/arm64", "arm64")):
        digest, media_type, body = get_manifest(registry.url, "devcon-test/multi", tag)
        entries.append((platform, digest, media_type, len(body)))
    push_index(registry.url, "devcon-test/multi", "1", entries)
    refs = {
        "a": registry.ref("devcon-test/pin-a:1"),
        "b": registry.ref("devcon-test/pin-b:2"),
        "multi": registry.ref("devcon-test/multi:1"),
    }
    digests = {}
    for ref in refs.values():
        name, tag = ref.split("/", 1)[1].rsplit(":", 1)
        digests[ref] = get_manifest(registry.url, name, tag)[0]
    return World(registry, refs["a"], refs["b"], refs["multi"], digests, entries[1][1])


def _project(root: Path, world: World) -> dict[str, str]:
    """A definition using every kind of reference; returns {relative path: original text}."""
    files = {
        ".devcontainer/devcontainer.json": (
            "// keep this comment\n{\n"
            '    "name": "pin-test",\n'
            f'    "image": "{world.a}", /* and this one */\n'
            '    "forwardPorts": [8000,],\n'
            "}\n"
        ),
        "docker/Dockerfile": (
            "# escape=\\\r\n"
            f"ARG TAG=2\r\n"
            f"FROM {world.b.rsplit(':', 1)[0]}:${{TAG}} AS base\r\n"
            "RUN echo hi\r\n"
            f"COPY --from={world.multi} /a.txt /a.txt\r\n"
            "FROM base AS dev\r\n"
            "FROM scratch\r\n"
            "FROM ${UNKNOWN}/thing:1\r\n"
        ),
        "compose.yml": (
            "services:\n"
            "  app:\n"
            f'    image: "{world.multi}"   # quoted\n'
            "  db:\n"
            f"    image: {world.a}\n"
        ),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return files


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))
    return home


def _read(root: Path, rel: str) -> str:
    return (root / rel).read_bytes().decode()


def test_pin_writes_the_registry_digests_and_nothing_else(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "proj"
    original = _project(root, world)
    dockerfile = str(root / "docker/Dockerfile")
    code = main(
        [
            "pin",
            str(root / ".devcontainer/devcontainer.json"),
            dockerfile,
            str(root / "compose.yml"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    a, b, multi = world.a, world.b, world.multi
    b_written = b.rsplit(":", 1)[0] + ":${TAG}"
    expected = {
        ".devcontainer/devcontainer.json": original[".devcontainer/devcontainer.json"].replace(
            f'"{a}"', f'"{a}@{world.digests[a]}"'
        ),
        # a variable inside a reference is never given a digest (it would freeze ${TAG})
        "docker/Dockerfile": original["docker/Dockerfile"].replace(
            f"--from={multi} ", f"--from={multi}@{world.digests[multi]} "
        ),
        "compose.yml": original["compose.yml"]
        .replace(f'"{multi}"', f'"{multi}@{world.digests[multi]}"')
        .replace(f"image: {a}\n", f"image: {a}@{world.digests[a]}\n"),
    }
    for rel, text in expected.items():
        assert _read(root, rel) == text, rel
    # the multi-arch tag is pinned to its index digest, not a platform manifest
    index = json.loads(get_manifest(world.registry.url, "devcon-test/multi", "1")[2])
    assert index["mediaType"] == "application/vnd.oci.image.index.v1+json"
    assert "skipped ${UNKNOWN}/thing:1" in out
    assert f"skipped {b_written}: a digest after a variable would freeze it" in out
    assert "4 pinned, 0 already pinned, 0 unpinned, 2 skipped" in out
    # every reference that can be pinned is; --check still fails on the ones that cannot
    files = [str(root / rel) for rel in original]
    assert main(["pin", "--check", *files]) == 1
    out = capsys.readouterr().out
    assert "skipped ${UNKNOWN}/thing:1: a digest after a variable would freeze it" in out
    assert "0 unpinned, 2 skipped" in out


@pytest.fixture(scope="module")
def versions(registry: Registry, docker_engine: DockerEngine, base_image: BaseImage) -> str:
    """Two different images pushed as tags 3.12 and 3.11 of one repository; its name."""
    for version in ("3.12", "3.11"):
        local = f"devcon-test/pyver:build-{version}"
        docker_engine.build(f"FROM {base_image.tag}\nRUN echo {version} > /version.txt\n", local)
        docker_engine.push(local, registry.ref(f"devcon-test/pyver:{version}"))
        docker_engine.docker("rmi", local, registry.ref(f"devcon-test/pyver:{version}"))
    return registry.ref("devcon-test/pyver")


def _built_on(engine: DockerEngine, dockerfile: str, build_args: dict[str, str]) -> str:
    """Build `dockerfile` (with these build args) and say which /version.txt it got."""
    tag = f"devcon-test/pyver-built:{secrets.token_hex(4)}"
    engine.build(dockerfile, tag, network="host", build_args=build_args, no_cache=True)
    try:
        return engine.docker("run", "--rm", tag, "cat", "/version.txt").strip()
    finally:
        engine.docker("rmi", tag)


def test_an_arg_default_is_pinned_and_build_args_still_choose_the_image(
    versions: str,
    registry: Registry,
    docker_engine: DockerEngine,
    tmp_path: Path,
    cache_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = versions
    digests = {v: get_manifest(registry.url, "devcon-test/pyver", v)[0] for v in ("3.12", "3.11")}
    assert digests["3.12"] != digests["3.11"]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"ARG BASE={repo}:3.12\nFROM ${{BASE}}\nRUN cat /version.txt\n")
    assert main(["pin", str(dockerfile)]) == 0
    out = capsys.readouterr().out
    pinned = f"ARG BASE={repo}:3.12@{digests['3.12']}\nFROM ${{BASE}}\nRUN cat /version.txt\n"
    assert dockerfile.read_text() == pinned
    assert f"{dockerfile}:1:10: pinned {repo}:3.12 -> {repo}:3.12@{digests['3.12']}" in out
    assert main(["pin", "--check", str(dockerfile)]) == 0  # a pinned ARG default is pinned
    capsys.readouterr()
    # the real engine: the default builds on 3.12 (by digest), --build-arg still picks 3.11
    assert _built_on(docker_engine, pinned, {}) == "3.12"
    assert _built_on(docker_engine, pinned, {"BASE": f"{repo}:3.11"}) == "3.11"

    # the variable-inside-the-tag form is never given a digest: it would freeze 3.12
    inside = tmp_path / "inside" / "Dockerfile"
    inside.parent.mkdir()
    text = f"ARG PYVER=3.12\nFROM {repo}:${{PYVER}}\n"
    inside.write_text(text)
    assert main(["pin", str(inside)]) == 0
    out = capsys.readouterr().out
    assert inside.read_text() == text
    assert f"{inside}:2:6: skipped {repo}:${{PYVER}}: a digest after a variable would freeze" in out
    assert "put the whole reference in an ARG default (`ARG BASE=python:3.12-slim`" in out
    assert "0 pinned, 0 already pinned, 0 unpinned, 1 skipped" in out
    assert main(["pin", "--check", str(inside)]) == 1
    assert f"skipped {repo}:${{PYVER}}" in capsys.readouterr().out
    # as written, it does follow --build-arg: which is what a digest would have broken
    assert _built_on(docker_engine, text, {"PYVER": "3.11"}) == "3.11"


def test_check_lists_unpinned_then_passes_after_pin(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "proj"
    original = _project(root, world)
    assert main(["pin", "--check", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"not pinned: {world.a}" in out
    assert {rel: _read(root, rel) for rel in original} == original  # --check writes nothing
    assert main(["pin", str(root)]) == 0
    capsys.readouterr()
    assert main(["pin", "--check", str(root)]) == 0


def test_dry_run_prints_a_diff_and_writes_nothing(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "proj"
    original = _project(root, world)
    assert main(["pin", "--dry-run", str(root)]) == 0
    out = capsys.readouterr().out
    assert f'+    "image": "{world.a}@{world.digests[world.a]}", /* and this one */' in out
    assert {rel: _read(root, rel) for rel in original} == original
    assert not list(root.rglob("*.devcon")) and not list(root.rglob(".*.tmp"))


def test_platform_pins_that_platforms_manifest(
    world: World, tmp_path: Path, cache_home: Path
) -> None:
    project = tmp_path / "compose.yml"
    project.write_text(f"services:\n  app:\n    image: {world.multi}\n")
    assert main(["pin", "--platform", "linux/arm64", str(project)]) == 0
    assert project.read_text() == (
        f"services:\n  app:\n    image: {world.multi}@{world.multi_arm64}\n"
    )
    other = tmp_path / "other" / "compose.yml"
    other.parent.mkdir()
    other.write_text(f"services:\n  app:\n    image: {world.multi}\n")
    # the index has no s390x manifest: an answer, not an environment error (exit 3 is for
    # what a retry may fix): the reference is skipped with the platforms it has, exit 1
    assert main(["pin", "--platform", "linux/s390x", str(other)]) == 1
    assert other.read_text() == f"services:\n  app:\n    image: {world.multi}\n"


def test_platform_missing_from_a_single_platform_image_is_a_skipped_item(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pin --platform linux/arm64` on a single-platform (amd64) image: that reference is
    skipped with the reason (exit 1), the others are still pinned; never exit 3."""
    compose = tmp_path / "compose.yml"
    compose.write_text(
        f"services:\n  app:\n    image: {world.a}\n  web:\n    image: {world.multi}\n"
    )
    capsys.readouterr()
    assert main(["pin", "--platform", "linux/arm64", str(compose)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert f"skipped {world.a}" in captured.out
    assert "single-platform image for linux/amd64, not linux/arm64" in captured.out
    assert compose.read_text() == (
        f"services:\n  app:\n    image: {world.a}\n"
        f"  web:\n    image: {world.multi}@{world.multi_arm64}\n"
    )
    # --format json says the same, item by item
    compose.write_text(f"services:\n  app:\n    image: {world.a}\n")
    assert main(["pin", "--platform", "linux/arm64", "--format", "json", str(compose)]) == 1
    items = json.loads(capsys.readouterr().out)["references"]
    assert [i["status"] for i in items] == ["skipped"]
    assert "linux/arm64" in items[0]["reason"]


def test_second_run_and_offline_make_no_request(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = started(world.registry.addr)
    try:
        root = tmp_path / "proj"
        compose = root / "compose.yml"
        root.mkdir()
        text = f"services:\n  app:\n    image: {front.addr}/devcon-test/pin-a:1\n"
        compose.write_text(text)
        assert main(["pin", str(compose)]) == 0
        assert front.request_count > 0
        pinned = compose.read_text()
        front.reset_counts()
        assert main(["pin", str(compose)]) == 0  # already pinned: nothing to ask
        assert front.request_count == 0
        compose.write_text(text)
        assert main(["pin", "--offline", str(compose)]) == 0
        assert front.request_count == 0
        assert compose.read_text() == pinned
        capsys.readouterr()
    finally:
        front.stop()


def test_offline_without_cache_is_exit_3(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compose = tmp_path / "compose.yml"
    compose.write_text(f"services:\n  app:\n    image: {world.b}\n")
    assert main(["pin", "--offline", str(compose)]) == 3
    assert "--offline" in capsys.readouterr().err
    assert "@" not in compose.read_text()


def test_mirror_resolves_docker_hub_references(
    world: World, tmp_path: Path, cache_home: Path
) -> None:
    copy_image(
        world.registry.url,
        world.registry.url,
        "devcon-test/pin-a",
        "1",
        dst_name="library/busybox",
        dst_tag="1.36",
    )
    digest = get_manifest(world.registry.url, "library/busybox", "1.36")[0]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM busybox:1.36\n")
    assert main(["pin", "--registry-mirror", world.registry.addr, str(dockerfile)]) == 0
    assert dockerfile.read_text() == f"FROM busybox:1.36@{digest}\n"


def test_outdated_reports_and_updates_moved_tags(
    world: World,
    tmp_path: Path,
    cache_home: Path,
    docker_engine: DockerEngine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    moving = world.registry.ref("devcon-test/moving:1")
    docker_engine.push("devcon-test/pin-a:build", moving)
    compose = tmp_path / "compose.yml"
    compose.write_text(f"services:\n  app:\n    image: {moving}\n  b:\n    image: {world.multi}\n")
    assert main(["pin", str(compose)]) == 0
    old = get_manifest(world.registry.url, "devcon-test/moving", "1")[0]
    assert main(["outdated", "--check", str(compose)]) == 0
    docker_engine.push("devcon-test/pin-b:build", moving)  # the tag moves
    new = get_manifest(world.registry.url, "devcon-test/moving", "1")[0]
    assert new != old
    capsys.readouterr()
    assert main(["outdated", "--check", str(compose)]) == 1
    table = capsys.readouterr().out
    assert "outdated" in table and "up-to-date" in table and "1 of 2" in table
    assert main(["outdated", "--format", "json", str(compose)]) == 0
    payload = json.loads(capsys.readouterr().out)
    moved = [r for r in payload["references"] if r["status"] == "outdated"]
    assert moved[0]["previous_digest"] == old and moved[0]["digest"] == new
    assert main(["outdated", "--update", str(compose)]) == 0
    assert f"{moving}@{new}" in compose.read_text()
    assert main(["outdated", "--check", str(compose)]) == 0


# -- authentication --------------------------------------------------------------------


@pytest.fixture(scope="module")
def htpasswd_registry(world: World) -> Iterator[Registry]:
    folder = Path(tempfile.mkdtemp(prefix="dc-htp-", dir="/tmp"))
    line = subprocess.run(
        ["htpasswd", "-Bbn", "alice", "wonder-land-9"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (folder / "htpasswd").write_text(line + "\n")
    reg = start_registry(
        extra_config={
            "auth": {"htpasswd": {"realm": "devcon-test", "path": str(folder / "htpasswd")}}
        }
    )
    try:
        copy_image(
            world.registry.url, reg.url, "devcon-test/pin-a", "1", auth=("alice", "wonder-land-9")
        )
        yield reg
    finally:
        reg.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _docker_config(folder: Path, host: str, user: str, password: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    (folder / "config.json").write_text(json.dumps({"auths": {host: {"auth": auth}}}))


def test_basic_auth_with_docker_config(
    world: World,
    htpasswd_registry: Registry,
    tmp_path: Path,
    cache_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ref = htpasswd_registry.ref("devcon-test/pin-a:1")
    digest = get_manifest(
        htpasswd_registry.url, "devcon-test/pin-a", "1", auth=("alice", "wonder-land-9")
    )[0]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {ref}\n")
    _docker_config(tmp_path / "dc", htpasswd_registry.addr, "alice", "wonder-land-9")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
    assert main(["pin", str(dockerfile)]) == 0
    assert dockerfile.read_text() == f"FROM {ref}@{digest}\n"
    assert "wonder-land-9" not in capsys.readouterr().out


def test_basic_auth_wrong_password_is_exit_3_without_secret(
    htpasswd_registry: Registry,
    tmp_path: Path,
    cache_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    text = f"FROM {htpasswd_registry.ref('devcon-test/pin-a:1')}\n"
    dockerfile.write_text(text)
    _docker_config(tmp_path / "dc", htpasswd_registry.addr, "alice", "not-the-Password-77")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
    assert main(["pin", str(dockerfile)]) == 3
    captured = capsys.readouterr()
    assert "authentication failed" in captured.err
    assert "not-the-Password-77" not in captured.out + captured.err
    assert dockerfile.read_text() == text


@pytest.fixture
def token_front(world: World) -> Iterator[RegistryFront]:
    front = started(world.registry.addr, users={"bob": "t0ken-pass-42"})
    yield front
    front.stop()


def test_token_auth_front(
    world: World,
    token_front: RegistryFront,
    tmp_path: Path,
    cache_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    compose = tmp_path / "compose.yml"
    refs = [f"{token_front.addr}/devcon-test/pin-a:1", f"{token_front.addr}/devcon-test/pin-b:2"]
    compose.write_text(
        "services:\n" + "".join(f"  s{i}:\n    image: {ref}\n" for i, ref in enumerate(refs))
    )
    _docker_config(tmp_path / "dc", token_front.addr, "bob", "t0ken-pass-42")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
    assert main(["pin", str(compose)]) == 0
    text = compose.read_text()
    assert f"{refs[0]}@{world.digests[world.a]}" in text
    assert f"{refs[1]}@{world.digests[world.b]}" in text
    # one token per repository scope, reused for that scope's requests
    assert token_front.config.token_requests == 2
    _docker_config(tmp_path / "dc", token_front.addr, "bob", "wrong-Secret-99")
    compose.write_text(f"services:\n  s:\n    image: {refs[0]}\n")
    capsys.readouterr()
    assert main(["pin", str(compose)]) == 3
    captured = capsys.readouterr()
    assert "refused the credentials" in captured.err
    assert "wrong-Secret-99" not in captured.out + captured.err


# -- faults ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("hang", "timed out"),
        ("500", "HTTP 500 after"),
        ("429", "rate limited (429)"),
        ("truncate", "cut off"),
        ("lie", "refused"),
    ],
)
def test_faults_end_in_exit_3_and_no_change(
    world: World,
    tmp_path: Path,
    cache_home: Path,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    message: str,
) -> None:
    front = started(world.registry.addr, fault=fault, hang_seconds=3.0, retry_after=1)
    try:
        good = tmp_path / "a" / "Dockerfile"
        bad = tmp_path / "b" / "Dockerfile"
        good.parent.mkdir()
        bad.parent.mkdir()
        good_text = f"FROM {world.a}\n"  # resolves fine, but must not be written either
        bad_text = f"FROM {front.addr}/devcon-test/pin-b:2\n"
        good.write_text(good_text)
        bad.write_text(bad_text)
        code = main(["pin", "--timeout", "0.5", str(good), str(bad)])
        captured = capsys.readouterr()
        assert code == 3, captured
        assert message in captured.err
        assert "Traceback" not in captured.err
        assert good.read_text() == good_text and bad.read_text() == bad_text
    finally:
        front.stop()


def test_retry_after_is_honoured_then_success(world: World, cache_home: Path) -> None:
    from devcon.reference import parse_reference
    from devcon.registry.client import RegistryClient
    from devcon.registry.transport import Transport, new_session

    front = started(world.registry.addr, fault="429", retry_after=2, fault_times=1)
    waits: list[float] = []
    try:
        client = RegistryClient(Transport(new_session(), sleep=waits.append))
        ref = parse_reference(f"{front.addr}/devcon-test/pin-a:1")
        resolution = client.resolve(ref)
        assert resolution.digest == world.digests[world.a]
        assert waits == [2.0]  # the server's Retry-After, not our own backoff
    finally:
        front.stop()


def test_retries_are_bounded_in_count(world: World, cache_home: Path) -> None:
    from devcon.reference import parse_reference
    from devcon.registry.client import RegistryClient
    from devcon.registry.errors import RegistryUnavailable
    from devcon.registry.transport import Transport, new_session

    front = started(world.registry.addr, fault="500")
    waits: list[float] = []
    try:
        client = RegistryClient(Transport(new_session(), sleep=waits.append, retries=3))
        with pytest.raises(RegistryUnavailable, match="HTTP 500 after 4 attempts"):
            client.resolve(parse_reference(f"{front.addr}/devcon-test/pin-a:1"))
        assert len(waits) == 3
        assert waits == sorted(waits)  # exponential backoff
        manifest_requests = [r for r in front.config.requests if "/manifests/" in r]
        assert len(manifest_requests) == 4
    finally:
        front.stop()


def test_credentials_never_sent_to_a_plain_http_realm_on_another_host() -> None:
    from devcon.reference import parse_reference
    from devcon.registry.auth import Authenticator, Challenge, Credentials
    from devcon.registry.errors import InsecureRefused
    from devcon.registry.transport import Transport, new_session

    transport = Transport(new_session())
    auth = Authenticator(transport)
    challenge = Challenge("bearer", {"realm": "http://auth.example.invalid/token"})
    creds = Credentials("u", "p")
    ref = parse_reference("registry.example.invalid/x:1")
    with pytest.raises(InsecureRefused, match="refusing to send credentials"):
        auth._token("registry.example.invalid", "repository:x:pull", challenge, creds)
    with pytest.raises(InsecureRefused, match="not an http"):
        auth._token(
            "registry.example.invalid", "s", Challenge("bearer", {"realm": "ftp://x/t"}), None
        )
    assert transport.requests_made == 0
    del ref


def test_pin_features_writes_the_lock_file(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.harness.oci import push_feature

    reg = world.registry
    hello = push_feature(
        reg.url,
        "devcon-test/features/hello",
        "1",
        {"id": "hello", "version": "1.2.3", "name": "Hello"},
    )
    tools = push_feature(
        reg.url,
        "devcon-test/features/tools",
        "2",
        {"id": "tools", "version": "2.0.1"},
        annotate=True,
    )
    config = tmp_path / ".devcontainer" / "devcontainer.json"
    config.parent.mkdir()
    text = (
        "{\n"
        f'  "image": "{world.a}",\n'
        '  "features": {\n'
        f'    "{reg.addr}/devcon-test/features/tools:2": {{}},\n'
        f'    "{reg.addr}/devcon-test/features/hello:1": {{"greeting": "hi"}},\n'
        '    "./local-feature": {}\n'
        "  }\n}\n"
    )
    config.write_text(text)
    assert main(["pin", "--features", "--check", str(config)]) == 1
    assert "Feature not in the lock file" in capsys.readouterr().out
    assert main(["pin", "--features", str(config)]) == 0
    lock_path = config.parent / "devcontainer-lock.json"
    hello_id = f"{reg.addr}/devcon-test/features/hello:1"
    tools_id = f"{reg.addr}/devcon-test/features/tools:2"
    # byte for byte what the official CLI writes: JSON.stringify(lockfile, null, 2), ids in
    # localeCompare order, only "features", no final newline
    assert (
        lock_path.read_bytes()
        == (
            "{\n"
            '  "features": {\n'
            f'    "{hello_id}": {{\n'
            '      "version": "1.2.3",\n'
            f'      "resolved": "{reg.addr}/devcon-test/features/hello@{hello}",\n'
            f'      "integrity": "{hello}"\n'
            "    },\n"
            f'    "{tools_id}": {{\n'
            '      "version": "2.0.1",\n'
            f'      "resolved": "{reg.addr}/devcon-test/features/tools@{tools}",\n'
            f'      "integrity": "{tools}"\n'
            "    }\n"
            "  }\n"
            "}"
        ).encode()
    )
    # the config itself only had its image pinned
    assert config.read_text() == text.replace(
        f'"{world.a}"', f'"{world.a}@{world.digests[world.a]}"'
    )
    capsys.readouterr()
    assert main(["pin", "--features", "--check", str(config)]) == 0


def test_locked_features_stay_until_outdated_update(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.harness.oci import push_feature

    reg = world.registry
    name = "devcon-test/features/moving"
    old = push_feature(reg.url, name, "1", {"id": "moving", "version": "1.0.0"})
    front = started(reg.addr)  # counts the requests
    try:
        feature_id = f"{front.addr}/{name}:1"
        config = tmp_path / ".devcontainer.json"
        text = f'{{"image": "{world.a}", "features": {{"{feature_id}": {{}}}}}}\n'
        config.write_text(text)
        assert main(["pin", "--features", str(config)]) == 0
        lock_path = tmp_path / ".devcontainer-lock.json"  # beside a .devcontainer.json
        locked = lock_path.read_bytes()
        assert json.loads(locked)["features"][feature_id]["integrity"] == old
        pinned_config = config.read_text()
        new = push_feature(reg.url, name, "1", {"id": "moving", "version": "1.0.1"})
        assert new != old
        capsys.readouterr()
        # the tag moved: pin leaves the locked Feature alone, without even asking for it
        front.reset_counts()
        assert main(["pin", "--features", str(config)]) == 0
        assert front.request_count == 0
        assert lock_path.read_bytes() == locked
        assert "0 pinned, 2 already pinned" in capsys.readouterr().out
        assert main(["pin", "--features", "--check", str(config)]) == 0
        capsys.readouterr()
        # outdated reports it; --update re-locks it
        assert main(["outdated", "--check", str(config)]) == 1
        table = capsys.readouterr().out
        assert feature_id in table and "outdated" in table
        assert old[7:19] in table and new[7:19] in table
        assert main(["outdated", "--format", "json", str(config)]) == 0
        payload = json.loads(capsys.readouterr().out)
        entry = next(r for r in payload["references"] if r["reference"] == feature_id)
        assert (entry["status"], entry["previous_digest"], entry["digest"]) == (
            "outdated",
            old,
            new,
        )
        assert lock_path.read_bytes() == locked  # no --update: nothing written
        assert main(["outdated", "--update", "--dry-run", str(config)]) == 0
        assert f'+      "integrity": "{new}"' in capsys.readouterr().out
        assert lock_path.read_bytes() == locked
        assert main(["outdated", "--update", str(config)]) == 0
        assert json.loads(lock_path.read_bytes()) == {
            "features": {
                feature_id: {
                    "version": "1.0.1",
                    "resolved": f"{front.addr}/{name}@{new}",
                    "integrity": new,
                }
            }
        }
        assert not lock_path.read_bytes().endswith(b"\n")
        assert config.read_text() == pinned_config  # re-locking leaves the config alone
        assert main(["outdated", "--check", str(config)]) == 0
    finally:
        front.stop()


# -- credentials never go where they should not ------------------------------------------

# A test CA and a certificate for registry.devcon.test and auth.devcon.test (valid 2000-2100),
# so a registry served over verified HTTPS can be told apart from its plain-http token realm.
_TEST_CA = """-----BEGIN CERTIFICATE-----
MIIBZTCCAQugAwIBAgIBATAKBggqhkjOPQQDAjAZMRcwFQYDVQQDDA5kZXZjb24g
dGVzdCBDQTAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowGTEXMBUG
A1UEAwwOZGV2Y29uIHRlc3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQU
gjcsUTy6s30thKNqXYYCFCj13nf1C6As6UZuE5NFntXR317ZRQJl2dKQ2fHqLvyM
jHh2LKIob2QVknRU9BY7o0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQE
AwIBBjAdBgNVHQ4EFgQUnVTUED9XU61lx2T+PKRcqRd/tYUwCgYIKoZIzj0EAwID
SAAwRQIhAMFbqM2lXc2xZQqbtWszd09/CnjLdhfb1GfzbtnSDCe0AiAKUXqTgUWd
ga/j9WomM2xUb7Q0j9LCfjhR+1hSBQq/ww==
-----END CERTIFICATE-----
"""
_TEST_CERT = """-----BEGIN CERTIFICATE-----
MIIB1DCCAXmgAwIBAgIBAjAKBggqhkjOPQQDAjAZMRcwFQYDVQQDDA5kZXZjb24g
dGVzdCBDQTAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowHzEdMBsG
A1UEAwwUcmVnaXN0cnkuZGV2Y29uLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAARUeM9Xp9uiY6lqUQsMi+SkSQDKotrOMdNy+40z7qvfLS6hazFhaDG0+2Au
654PZ1AFkqLOCE/+qIRh0XsBleFOo4GpMIGmMAwGA1UdEwEB/wQCMAAwDgYDVR0P
AQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMDEGA1UdEQQqMCiCFHJlZ2lz
dHJ5LmRldmNvbi50ZXN0ghBhdXRoLmRldmNvbi50ZXN0MB0GA1UdDgQWBBQ8TneQ
xiMoVQTLIIn+iBv+y4T6aTAfBgNVHSMEGDAWgBSdVNQQP1dTrWXHZP48pFypF3+1
hTAKBggqhkjOPQQDAgNJADBGAiEA8vR9AWvYYz8G5YcHRl8XJCtQ8Xmi22J4R4aw
cfClvGgCIQD82uk8tVBFSrhg0EbxS3lKVJ/FtqQ24LtF2sIfGiV2rg==
-----END CERTIFICATE-----
"""
_TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwyy4UkPmeiUQW+bR
wBJAQtyirB11iFDYoT/GZlmBBcKhRANCAARUeM9Xp9uiY6lqUQsMi+SkSQDKotrO
MdNy+40z7qvfLS6hazFhaDG0+2Au654PZ1AFkqLOCE/+qIRh0XsBleFO
-----END PRIVATE KEY-----
"""
_TEST_DOMAIN = ".devcon.test"


class _TokenRealm:
    """A plain-http token service: records each request and whether it carried credentials."""

    def __init__(self, users: dict[str, str]) -> None:
        self.requests: list[tuple[str, bool]] = []
        self.tokens: set[str] = set()
        realm = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                value = self.headers.get("Authorization", "")
                realm.requests.append((self.path, bool(value)))
                ok = False
                if value.startswith("Basic "):
                    user, _, password = base64.b64decode(value[6:]).decode().partition(":")
                    ok = users.get(user) == password
                body = b'{"details":"bad credentials"}'
                status = 401
                if ok:
                    token = secrets.token_hex(8)
                    realm.tokens.add(token)
                    body, status = json.dumps({"token": token}).encode(), 200
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _TlsRegistry:
    """Verified HTTPS in front of the real registry, asking for Bearer tokens from `realm_url`."""

    def __init__(self, upstream: str, realm: _TokenRealm, realm_url: str, folder: Path) -> None:
        (folder / "cert.pem").write_text(_TEST_CERT)
        (folder / "key.pem").write_text(_TEST_KEY)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_HEAD(self) -> None:
                self._handle("HEAD")

            def do_GET(self) -> None:
                self._handle("GET")

            def _handle(self, method: str) -> None:
                value = self.headers.get("Authorization", "")
                headers: dict[str, str] = {}
                if value.startswith("Bearer ") and value[7:] in realm.tokens:
                    connection = http.client.HTTPConnection(upstream, timeout=30)
                    connection.request(
                        method, self.path, headers={"Accept": self.headers.get("Accept", "")}
                    )
                    response = connection.getresponse()
                    body, status = response.read(), response.status
                    for key in ("Content-Type", "Docker-Content-Digest", "Content-Length"):
                        if response.getheader(key):
                            headers[key] = str(response.getheader(key))
                    connection.close()
                else:
                    status, body = 401, b'{"errors":[]}'
                    headers["WWW-Authenticate"] = (
                        f'Bearer realm="{realm_url}",service="devcon-test",'
                        'scope="repository:devcon-test/pin-a:pull"'
                    )
                headers.setdefault("Content-Length", str(len(body)))
                self.send_response(status)
                for key, item in headers.items():
                    self.send_header(key, item)
                self.end_headers()
                if method == "GET":
                    self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def test_domain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`*.devcon.test` resolves to 127.0.0.1 (names devcon does not know as loopback) and the
    test CA is trusted; returns the CA bundle path."""
    real = socket.getaddrinfo

    def resolve(host: object, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(_TEST_DOMAIN):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    bundle = tmp_path / "test-ca.pem"
    bundle.write_text(_TEST_CA)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return bundle


@pytest.mark.parametrize(
    ("realm_host", "insecure", "code", "message"),
    [
        # same host, plain http, the registry not named insecure: refused before any request
        ("registry.devcon.test", False, 3, "over plain http; name the registry with"),
        # another host over plain http: refused even for an --insecure-registry
        ("auth.devcon.test", True, 3, "over plain http (another host)"),
        # same host, and the user said this registry may use plain http: allowed
        ("registry.devcon.test", True, 0, ""),
    ],
)
def test_credentials_and_a_plain_http_token_realm(
    world: World,
    tmp_path: Path,
    cache_home: Path,
    test_domain: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    realm_host: str,
    insecure: bool,
    code: int,
    message: str,
) -> None:
    realm = _TokenRealm({"carol": "s3cret-Realm-5"})
    registry = None
    try:
        realm_url = f"http://{realm_host}:{realm.port}/token"
        registry = _TlsRegistry(world.registry.addr, realm, realm_url, tmp_path)
        host = f"registry.devcon.test:{registry.port}"
        _docker_config(tmp_path / "dc", host, "carol", "s3cret-Realm-5")
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
        dockerfile = tmp_path / "Dockerfile"
        text = f"FROM {host}/devcon-test/pin-a:1\n"
        dockerfile.write_text(text)
        argv = ["pin", *(["--insecure-registry", host] if insecure else []), str(dockerfile)]
        assert main(argv) == code
        captured = capsys.readouterr()
        assert "s3cret-Realm-5" not in captured.out + captured.err
        if code == 0:
            assert (
                dockerfile.read_text()
                == f"FROM {host}/devcon-test/pin-a:1@{world.digests[world.a]}\n"
            )
            assert realm.requests and all(with_auth for _, with_auth in realm.requests)
        else:
            assert message in captured.err and "refusing to send credentials" in captured.err
            assert len(captured.err.strip().splitlines()) == 1
            assert realm.requests == []  # the secret never left
            assert dockerfile.read_text() == text
    finally:
        realm.stop()
        if registry is not None:
            registry.stop()


def test_docker_hub_credentials_never_go_to_a_mirror(
    world: World,
    tmp_path: Path,
    cache_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy_image(
        world.registry.url,
        world.registry.url,
        "devcon-test/pin-a",
        "1",
        dst_name="library/busybox",
        dst_tag="1.36",
    )
    digest = get_manifest(world.registry.url, "library/busybox", "1.36")[0]
    mirror = started(world.registry.addr, users={"hub-user": "hub-Secret-31", "m": "m1rror-7"})
    try:
        dockerfile = tmp_path / "Dockerfile"
        dockerfile.write_text("FROM busybox:1.36\n")
        folder = tmp_path / "dc"
        folder.mkdir()
        hub_auth = base64.b64encode(b"hub-user:hub-Secret-31").decode()
        (folder / "config.json").write_text(
            json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": hub_auth}}})
        )
        monkeypatch.setenv("DOCKER_CONFIG", str(folder))
        # the mirror answers 401: devcon asks it for a token anonymously, not with the
        # docker.io credentials (which this mirror would even accept)
        assert main(["pin", "--registry-mirror", mirror.addr, str(dockerfile)]) == 3
        captured = capsys.readouterr()
        assert "refused anonymous access" in captured.err
        assert "hub-Secret-31" not in captured.out + captured.err
        assert mirror.config.tokens == set()  # no token was ever issued
        assert dockerfile.read_text() == "FROM busybox:1.36\n"
        # credentials for the mirror host itself are used for the mirror
        mirror_auth = base64.b64encode(b"m:m1rror-7").decode()
        (folder / "config.json").write_text(
            json.dumps(
                {
                    "auths": {
                        "https://index.docker.io/v1/": {"auth": hub_auth},
                        mirror.addr: {"auth": mirror_auth},
                    }
                }
            )
        )
        assert main(["pin", "--registry-mirror", mirror.addr, str(dockerfile)]) == 0
        assert dockerfile.read_text() == f"FROM busybox:1.36@{digest}\n"
    finally:
        mirror.stop()


def test_a_tag_the_registry_does_not_have_is_a_skipped_item_not_exit_3(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tag that does not exist (the registry answers 404: manifest unknown) is an answer a
    retry gives again, not an environment error: that reference is skipped with the reason
    (exit 1), the others are still pinned."""
    missing = world.registry.ref("devcon-test/pin-a:no-such-tag")
    compose = tmp_path / "compose.yml"
    compose.write_text(f"services:\n  app:\n    image: {missing}\n  web:\n    image: {world.b}\n")
    capsys.readouterr()
    assert main(["pin", str(compose)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert f"skipped {missing}" in captured.out
    assert "not found" in captured.out
    assert compose.read_text() == (
        f"services:\n  app:\n    image: {missing}\n"
        f"  web:\n    image: {world.b}@{world.digests[world.b]}\n"
    )


def test_outdated_on_a_tag_the_registry_no_longer_has_is_a_skipped_item(
    world: World, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`outdated` on a reference pinned to a tag the registry no longer has: skipped with
    the reason, exit 1 (not 3); the other references are still judged."""
    gone = world.registry.ref("devcon-test/pin-a:deleted-tag")
    digest = world.digests[world.a]
    compose = tmp_path / "compose.yml"
    compose.write_text(
        f"services:\n  app:\n    image: {gone}@{digest}\n"
        f"  web:\n    image: {world.b}@{world.digests[world.b]}\n"
    )
    capsys.readouterr()
    assert main(["outdated", "--format", "json", str(compose)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    items = {i["reference"]: i for i in json.loads(captured.out)["references"]}
    assert items[f"{gone}@{digest}"]["status"] == "skipped"
    assert "not found" in items[f"{gone}@{digest}"]["reason"]
    assert items[f"{world.b}@{world.digests[world.b]}"]["status"] == "up-to-date"
