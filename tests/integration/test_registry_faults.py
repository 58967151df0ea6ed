"""A hostile registry: faults injected by a front (tests/harness/front.py) the tests start on
loopback in front of the real registry.

For each fault, `devcon pin` (and `devcon outdated` where the fault reaches it) ends with
one clear line on stderr, exit 3, every file byte-identical, no credential in any output
(the docker config planted through DOCKER_CONFIG holds one), and within a bounded time.
`pin --check` never asks the registry at all.

With DEVCON_FAULT_MATRIX=FILE, each case appends a row (case, exit code, message, seconds)
to FILE: the fault matrix of issue 13.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import socket
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from devcon.cli.app import main
from tests.harness.front import RegistryFront, started
from tests.harness.oci import put_manifest, upload_blob
from tests.harness.registry import Registry

pytestmark = pytest.mark.registry


SECRET = "fault-S3cret-9d1c-Passw0rd"
USER = "mallory"
REPO = "devcon-test/fault"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


@dataclass(frozen=True)
class Image:
    registry: Registry
    digest: str  # of REPO:1, a small linux/amd64 image


@pytest.fixture(scope="module")
def image(registry: Registry) -> Image:
    """A one-layer linux/amd64 image pushed over the API (no engine needed)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        data = b"fault\n"
        info = tarfile.TarInfo("fault.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    layer = gzip.compress(raw.getvalue(), mtime=0)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {
                "type": "layers",
                "diff_ids": ["sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()],
            },
        }
    ).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": upload_blob(registry.url, REPO, config),
            "size": len(config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": upload_blob(registry.url, REPO, layer),
                "size": len(layer),
            }
        ],
    }
    body = json.dumps(manifest).encode()
    digest = put_manifest(registry.url, REPO, "1", body, OCI_MANIFEST)
    return Image(registry, digest)


@pytest.fixture(autouse=True)
def _planted_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh cache, no proxy; the docker config holds SECRET for every loopback host."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    folder = tmp_path / "docker-config"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"auths": {}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))


_AUTH = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()


def _plant_for(tmp_path: Path, *hosts: str) -> None:
    (tmp_path / "docker-config" / "config.json").write_text(
        json.dumps({"auths": {host: {"auth": _AUTH} for host in hosts}})
    )


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    unchanged: bool


def _run(argv: list[str], files: dict[Path, bytes], capsys: pytest.CaptureFixture[str]) -> Outcome:
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    capsys.readouterr()
    started_at = time.monotonic()
    code = main([*argv, *(str(p) for p in files)])
    seconds = time.monotonic() - started_at
    captured = capsys.readouterr()
    unchanged = all(path.read_bytes() == data for path, data in files.items())
    return Outcome(code, captured.out, captured.err, seconds, unchanged)


def _record(case: str, outcome: Outcome) -> None:
    target = os.environ.get("DEVCON_FAULT_MATRIX")
    if target:
        line = outcome.err.strip().replace("|", "\\|")
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"| {case} | {outcome.code} | {line} | {outcome.seconds:.2f} |\n")


def _assert_clean_failure(case: str, outcome: Outcome, message: str, seconds: float) -> None:
    _record(case, outcome)
    assert outcome.code == 3, (outcome.out, outcome.err)
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err
    lines = outcome.err.strip().splitlines()
    assert len(lines) == 1, outcome.err
    assert message in lines[0], lines[0]
    assert outcome.unchanged, "a file was changed"
    assert SECRET not in outcome.out + outcome.err
    assert _AUTH not in outcome.out + outcome.err
    assert outcome.seconds < seconds, f"{outcome.seconds:.2f}s: {lines[0]}"


def _index(manifests: Any) -> bytes:
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}).encode()


def _manifest(config: Any, layers: Any) -> bytes:
    return json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config, "layers": layers}
    ).encode()


_D = "sha256:" + "a" * 64
_BAD_CONFIG = json.dumps({"os": ["linux"], "architecture": 5, "config": "x"}).encode()
_BAD_CONFIG_DIGEST = "sha256:" + hashlib.sha256(_BAD_CONFIG).hexdigest()


@dataclass(frozen=True)
class Case:
    name: str
    front: dict[str, Any]
    message: str
    seconds: float = 1.5
    pin_args: tuple[str, ...] = ()
    outdated: bool = False  # the fault reaches `outdated` too (on the tag's HEAD)
    creds: bool = False  # the front asks for tokens (users) and the docker config has them
    extra: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case("401 loop", {"fault": "401-loop"}, "authentication failed", creds=True, outdated=True),
    Case(
        "403",
        {"fault": "status", "status": 403},
        "denied (403)",
        outdated=True,
    ),
    Case(
        "429 with Retry-After",
        {"fault": "status", "status": 429, "fault_headers": {"Retry-After": "120"}},
        "rate limited (429)",
        outdated=True,
    ),
    Case(
        "429 without Retry-After",
        {"fault": "status", "status": 429},
        "rate limited (429) after 4 attempts",
        seconds=4.0,
    ),
    Case("503", {"fault": "status", "status": 503}, "HTTP 503 after 4 attempts", seconds=4.0),
    Case("connection reset", {"fault": "reset"}, "after 4 attempts", seconds=4.0, outdated=True),
    Case(
        "dripped headers",
        {"fault": "drip-headers", "hang_seconds": 6.0},
        "no complete answer within 1 s",
        pin_args=("--timeout", "1"),
        seconds=2.5,
        outdated=True,
    ),
    Case(
        "dripped body",
        {"fault": "drip-body", "hang_seconds": 6.0, "fault_methods": frozenset({"GET"})},
        "no complete answer within 1 s",
        pin_args=("--timeout", "1"),
        seconds=2.5,
    ),
    Case(
        "huge body (no Content-Length)",
        {"fault": "huge", "fault_methods": frozenset({"GET"})},
        "larger than 4194304 bytes",
        seconds=3.0,
    ),
    Case(
        "huge body (Content-Length)",
        {"fault": "huge", "huge_length": True, "fault_methods": frozenset({"GET"})},
        "larger than 4194304 bytes",
        seconds=3.0,
    ),
    Case(
        "wrong media type",
        {"fault": "serve", "bodies": {"/manifests/": (b"<html>hello</html>", "text/html")}},
        "the registry sent a malformed manifest for",
    ),
    Case(
        "index: platform is a list",
        {
            "fault": "serve",
            "bodies": {
                "/manifests/": (
                    _index([{"mediaType": OCI_MANIFEST, "digest": _D, "platform": ["linux"]}]),
                    OCI_INDEX,
                )
            },
        },
        "the registry sent a malformed manifest for",
        pin_args=("--platform", "linux/amd64"),
    ),
    Case(
        "index: manifests is a number",
        {"fault": "serve", "bodies": {"/manifests/": (_index(7), OCI_INDEX)}},
        "the registry sent a malformed manifest for",
        pin_args=("--platform", "linux/amd64"),
    ),
    Case(
        "manifest: layers are not objects",
        {
            "fault": "serve",
            "bodies": {
                "/manifests/": (
                    _manifest({"mediaType": "x", "digest": _D, "size": 2}, ["sha256:0", 3]),
                    OCI_MANIFEST,
                )
            },
        },
        "the registry sent a malformed manifest for",
    ),
    Case(
        "manifest: config is a string",
        {"fault": "serve", "bodies": {"/manifests/": (_manifest(_D, []), OCI_MANIFEST)}},
        "the registry sent a malformed manifest for",
        pin_args=("--platform", "linux/amd64"),
    ),
    Case(
        "image config: os is a list",
        {
            "fault": "serve",
            "fault_paths": "/v2/",
            "bodies": {
                "/manifests/": (
                    _manifest({"mediaType": "x", "digest": _BAD_CONFIG_DIGEST, "size": 9}, []),
                    OCI_MANIFEST,
                ),
                "/blobs/": (_BAD_CONFIG, "application/octet-stream"),
            },
        },
        "the registry sent a malformed image config for",
        pin_args=("--platform", "linux/amd64"),
    ),
    Case(
        "lying HEAD",
        {"fault": "lying-head"},
        "has no manifest with that digest",
    ),
    Case(
        "digest mismatch",
        {"fault": "mismatch", "fault_methods": frozenset({"GET"})},
        "is not the digest",
    ),
    Case(
        "plain-http token realm on another host",
        {
            "fault": "status",
            "status": 401,
            "fault_headers": {
                "WWW-Authenticate": 'Bearer realm="http://token.devcon-faults.invalid/token"'
            },
        },
        "refusing to send credentials",
        outdated=True,
    ),
    Case(
        "redirect to 169.254.169.254",
        {"fault": "redirect", "redirect_to": "http://169.254.169.254"},
        "redirect to 169.254.169.254",
        outdated=True,
    ),
    Case(
        "redirect to a non-http URL",
        {"fault": "redirect", "redirect_to": "file:///etc"},
        "not http(s)",
    ),
]


@pytest.fixture
def front_for(image: Image) -> Iterator[Any]:
    fronts: list[RegistryFront] = []

    def make(**config: Any) -> RegistryFront:
        front = started(image.registry.addr, **config)
        fronts.append(front)
        return front

    yield make
    for front in fronts:
        front.stop()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_ends_in_one_line_exit_3_and_no_change(
    case: Case,
    image: Image,
    front_for: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = dict(case.front)
    if case.creds:
        config["users"] = {USER: SECRET}
    front = front_for(**config)
    _plant_for(tmp_path, front.addr, image.registry.addr)
    ref = f"{front.addr}/{REPO}:1"
    files = {
        tmp_path / "p" / "Dockerfile": f"FROM {ref}\nRUN true\n".encode(),
        tmp_path / "p" / "compose.yml": f"services:\n  app:\n    image: {ref}\n".encode(),
    }
    outcome = _run(["pin", *case.pin_args], files, capsys)
    _assert_clean_failure(f"pin: {case.name}", outcome, case.message, case.seconds)
    if case.outdated:
        pinned = {
            tmp_path / "q" / "Dockerfile": f"FROM {ref}@{image.digest}\n".encode(),
        }
        argv = ["outdated", "--update", *[a for a in case.pin_args if a != "--platform"]]
        argv = [a for a in argv if not a.startswith("linux/")]
        outcome = _run(argv, pinned, capsys)
        _assert_clean_failure(f"outdated: {case.name}", outcome, case.message, case.seconds)


def test_404_is_an_answer_each_reference_skipped_exit_1_and_no_change(
    image: Image, front_for: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A registry answering 404 (manifest unknown) says the tag is not there: a retry gives
    the same answer, so it is not exit 3 (environment). pin and outdated skip each such
    reference with the reason, change nothing and exit 1."""
    front = front_for(fault="status", status=404)
    ref = f"{front.addr}/{REPO}:1"
    files = {
        tmp_path / "p" / "Dockerfile": f"FROM {ref}\nRUN true\n".encode(),
        tmp_path / "p" / "compose.yml": f"services:\n  app:\n    image: {ref}\n".encode(),
    }
    pinned = {tmp_path / "q" / "Dockerfile": f"FROM {ref}@{image.digest}\n".encode()}
    for argv, given in ((["pin"], files), (["outdated", "--update"], pinned)):
        outcome = _run(argv, given, capsys)
        _record(f"{argv[0]}: 404", outcome)
        assert outcome.code == 1, (outcome.out, outcome.err)
        assert "Traceback" not in outcome.err and outcome.err == ""
        said = [line for line in outcome.out.splitlines() if "not found on" in line]
        assert len(said) == len(given) and all("skipped" in line for line in said), outcome.out
        assert outcome.unchanged, "a file was changed"
        assert outcome.seconds < 1.5


def test_huge_bodies_are_not_read_past_the_cap(
    image: Image, front_for: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 256 MB manifest: devcon stops reading at the 4 MB cap (a few MB of socket buffers
    aside), and with a Content-Length over the cap it reads none of it."""
    front = front_for(fault="huge", fault_methods=frozenset({"GET"}))
    files = {tmp_path / "Dockerfile": f"FROM {front.addr}/{REPO}:1\n".encode()}
    outcome = _run(["pin"], files, capsys)
    assert outcome.code == 3
    assert front.config.bytes_sent < 24 * 1024 * 1024, front.config.bytes_sent
    told = front_for(fault="huge", huge_length=True, fault_methods=frozenset({"GET"}))
    files = {tmp_path / "Dockerfile": f"FROM {told.addr}/{REPO}:1\n".encode()}
    outcome = _run(["pin"], files, capsys)
    assert outcome.code == 3
    assert told.config.bytes_sent < 24 * 1024 * 1024, told.config.bytes_sent


def test_credentials_never_follow_a_redirect_to_another_host(
    image: Image, front_for: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The registry asks for a token (the docker config has the credentials), then sends
    the manifest request to another host: that host sees no Authorization, and the error
    names it."""
    other = front_for(fault="status", status=404)
    other_host = f"localhost:{other.addr.rsplit(':', 1)[1]}"
    front = front_for(users={USER: SECRET}, fault="redirect", redirect_to=f"http://{other_host}")
    _plant_for(tmp_path, front.addr)
    files = {tmp_path / "Dockerfile": f"FROM {front.addr}/{REPO}:1\n".encode()}
    outcome = _run(["pin"], files, capsys)
    # the other host answers 404: the reference is skipped (exit 1), naming that host
    assert outcome.code == 1 and outcome.unchanged, (outcome.out, outcome.err)
    assert f"not found on {other_host} (redirected from {front.addr})" in outcome.out
    assert SECRET not in outcome.out + outcome.err and _AUTH not in outcome.out + outcome.err
    assert front.config.authorizations, "the front was asked with its token"
    assert other.request_count > 0 and other.config.authorizations == []


def test_a_redirect_to_another_host_is_followed_without_credentials(
    image: Image, front_for: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Registries send blobs and manifests to other hosts: the redirect is followed (to
    loopback from loopback), only the credentials stay behind."""
    other = front_for()
    other_host = f"localhost:{other.addr.rsplit(':', 1)[1]}"
    front = front_for(users={USER: SECRET}, fault="redirect", redirect_to=f"http://{other_host}")
    _plant_for(tmp_path, front.addr)
    dockerfile = tmp_path / "Dockerfile"
    outcome = _run(["pin"], {dockerfile: f"FROM {front.addr}/{REPO}:1\n".encode()}, capsys)
    assert outcome.code == 0, outcome.err
    assert dockerfile.read_text() == f"FROM {front.addr}/{REPO}:1@{image.digest}\n"
    assert other.request_count > 0 and other.config.authorizations == []


def test_pin_check_asks_no_registry(
    image: Image, front_for: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = front_for(fault="status", status=500)
    files = {tmp_path / "Dockerfile": f"FROM {front.addr}/{REPO}:1\n".encode()}
    outcome = _run(["pin", "--check"], files, capsys)
    assert outcome.code == 1 and outcome.unchanged
    assert front.request_count == 0


def test_a_lying_head_is_never_pinned_and_a_true_one_is_confirmed_once(
    image: Image, front_for: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pin confirms the digest a HEAD names with a GET by that digest (sha256 checked) before
    writing it; the confirmed manifest is cached, so a second pin asks only the HEAD."""
    front = front_for()
    dockerfile = tmp_path / "Dockerfile"
    text = f"FROM {front.addr}/{REPO}:1\n".encode()
    outcome = _run(["pin"], {dockerfile: text}, capsys)
    assert outcome.code == 0, outcome.err
    assert f"GET /v2/{REPO}/manifests/{image.digest}" in front.config.requests
    front.reset_counts()
    outcome = _run(["pin"], {dockerfile: text}, capsys)
    assert outcome.code == 0
    assert front.config.requests == [f"HEAD /v2/{REPO}/manifests/1"]


def test_a_name_that_does_not_resolve_fails_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A DNS failure is not retried (no backoff): one line, exit 3, in well under a second."""
    files = {tmp_path / "Dockerfile": b"FROM devcon-no-such-host.invalid/x/y:1\n"}
    outcome = _run(["pin"], files, capsys)
    _assert_clean_failure("name does not resolve", outcome, "does not resolve", 0.8)


def test_connection_refused_on_loopback_fails_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listens on a loopback port: a retry will not change that."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    files = {tmp_path / "Dockerfile": f"FROM 127.0.0.1:{port}/x/y:1\n".encode()}
    outcome = _run(["pin"], files, capsys)
    _assert_clean_failure("connection refused (loopback)", outcome, "refused", 0.8)
