"""`devcon pin` / `devcon outdated` against a real registry (and a real engine's images)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
        "docker/Dockerfile": original["docker/Dockerfile"]
        .replace(f"FROM {b_written} AS", f"FROM {b_written}@{world.digests[b]} AS")
        .replace(f"--from={multi} ", f"--from={multi}@{world.digests[multi]} "),
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
    assert "4 pinned" in out or "5 pinned" in out


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
    assert main(["pin", "--platform", "linux/s390x", str(other)]) == 3
    assert other.read_text() == f"services:\n  app:\n    image: {world.multi}\n"


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
    from devcon.registry.client import RegistryClient, new_session

    front = started(world.registry.addr, fault="429", retry_after=2, fault_times=1)
    waits: list[float] = []
    try:
        client = RegistryClient(session=new_session(), sleep=waits.append)
        ref = parse_reference(f"{front.addr}/devcon-test/pin-a:1")
        resolution = client.resolve(ref)
        assert resolution.digest == world.digests[world.a]
        assert waits == [2.0]  # the server's Retry-After, not our own backoff
    finally:
        front.stop()


def test_retries_are_bounded_in_count(world: World, cache_home: Path) -> None:
    from devcon.reference import parse_reference
    from devcon.registry.client import RegistryClient, new_session
    from devcon.registry.errors import RegistryUnavailable

    front = started(world.registry.addr, fault="500")
    waits: list[float] = []
    try:
        client = RegistryClient(session=new_session(), sleep=waits.append, retries=3)
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
    from devcon.registry.auth import Challenge, Credentials
    from devcon.registry.client import RegistryClient, new_session
    from devcon.registry.errors import InsecureRefused

    client = RegistryClient(session=new_session())
    challenge = Challenge("bearer", {"realm": "http://auth.example.invalid/token"})
    creds = Credentials("u", "p")
    ref = parse_reference("registry.example.invalid/x:1")
    with pytest.raises(InsecureRefused, match="refusing to send credentials"):
        client._token("registry.example.invalid", "repository:x:pull", challenge, creds)
    with pytest.raises(InsecureRefused, match="not an http"):
        client._token(
            "registry.example.invalid", "s", Challenge("bearer", {"realm": "ftp://x/t"}), None
        )
    assert client.requests_made == 0
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
    lock = json.loads((config.parent / "devcontainer-lock.json").read_text())
    assert lock == {
        "features": {
            f"{reg.addr}/devcon-test/features/hello:1": {
                "version": "1.2.3",
                "resolved": f"{reg.addr}/devcon-test/features/hello@{hello}",
                "integrity": hello,
            },
            f"{reg.addr}/devcon-test/features/tools:2": {
                "version": "2.0.1",
                "resolved": f"{reg.addr}/devcon-test/features/tools@{tools}",
                "integrity": tools,
            },
        }
    }
    assert list(lock["features"]) == sorted(lock["features"])
    # the config itself only had its image pinned
    assert config.read_text() == text.replace(
        f'"{world.a}"', f'"{world.a}@{world.digests[world.a]}"'
    )
    capsys.readouterr()
    assert main(["pin", "--features", "--check", str(config)]) == 0
