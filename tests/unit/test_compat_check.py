"""`devcon compat` without an engine or registry: what is judged, and what happens when an
image cannot be read (fakes stand in for the engine and the registry)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from devcon.cli.app import main
from devcon.cli.hints import worded
from devcon.compat.check import (
    CompatRequest,
    CompatResult,
    unreadable_message,
)
from devcon.compat.sources import (
    DownloadCapExceeded,
    _HashingReader,
    engine_is_local,
)
from devcon.compat.uses import compose_uses
from devcon.compat_check import compat_check
from devcon.compose import parse_compose
from devcon.config import Settings
from devcon.engine import Engine, EngineError
from devcon.errors import InputError, UsageError
from devcon.reference import Reference
from devcon.registry.client import Manifest, RegistryClient
from devcon.registry.errors import RegistryUnavailable
from devcon.registry.transport import Transport
from devcon.services import Services

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


class NoEngine(Engine):
    """An engine that is not there (as with no socket)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def image(self, name: str) -> Any:
        self.asked.append(name)
        raise EngineError("no Docker Engine socket")


class FakeRegistry(RegistryClient):
    """Answers manifests from a dict; anything else is unreachable. Records every call."""

    def __init__(self, manifests: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(Transport(requests.Session()))
        self.manifests = manifests or {}
        self.calls: list[str] = []

    def manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        self.calls.append(f"{ref.repository}:{digest_or_tag}")
        data = self.manifests.get(ref.repository)
        if data is None:
            raise RegistryUnavailable(f"{ref.registry}: unreachable after 4 attempts")
        return Manifest("sha256:" + "0" * 64, OCI_MANIFEST, json.dumps(data).encode())

    def config(self, ref: Reference, manifest: Manifest) -> dict[str, Any]:
        return {"os": "linux", "architecture": "amd64"}

    def open_blob(self, ref: Reference, digest: str) -> requests.Response:
        raise AssertionError(f"downloaded {digest}")


def _services(registry: RegistryClient | None = None) -> Services:
    def factory() -> RegistryClient:
        if registry is None:
            raise AssertionError("the registry was asked")
        return registry

    return Services(registry=factory, engine=NoEngine)


def _compat(*items: str, services: Services, **kw: Any) -> CompatResult:
    kw.setdefault("today", datetime.date(2026, 12, 3))
    return compat_check(CompatRequest(items=items, **kw), Settings(), services)


# -- what is judged ---------------------------------------------------------------------


def test_compose_uses_only_attached_services_without_build() -> None:
    compose = parse_compose(
        "services:\n"
        "  app:\n    image: debian:12\n"
        "  db:\n    image: postgres:16-alpine3.15\n"
        "  built:\n    build: .\n    image: myorg/built:alpine3.12\n"
    )
    assert [u.written for u in compose_uses(compose, frozenset({"app"}))] == ["debian:12"]
    assert [u.written for u in compose_uses(compose, frozenset({"built"}))] == []
    # a compose file named on its own: every service that is not built
    assert [u.written for u in compose_uses(compose, frozenset())] == [
        "debian:12",
        "postgres:16-alpine3.15",
    ]


def test_dockerfile_stage_form(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.12 AS prod\nFROM debian:12 AS dev\n")
    services = _services()
    result = _compat(f"{dockerfile}#prod", services=services, offline=True)
    assert [(r.image, r.path, r.line, r.column) for r in result.reports] == [
        ("alpine:3.12", str(dockerfile), 1, 6)
    ]
    assert "musl-too-old" in {f.rule for f in result.findings}
    by_index = _compat(f"{dockerfile}#1", str(dockerfile), services=services, offline=True)
    assert [r.image for r in by_index.reports] == ["debian:12"]  # once: both name stage 1
    both = _compat(f"{dockerfile}#prod", f"{dockerfile}#dev", services=services, offline=True)
    assert [r.image for r in both.reports] == ["alpine:3.12", "debian:12"]


@pytest.mark.parametrize(
    ("item", "error", "text"),
    [
        ("{d}#nope", InputError, "no stage 'nope' (stages: prod, dev)"),
        ("{d}#", UsageError, "give a stage name or index after #"),
        ("{t}#prod", UsageError, "#STAGE goes with a Dockerfile only"),
        ("{t}/missing/Dockerfile#prod", InputError, "no such file"),
    ],
)
def test_dockerfile_stage_form_errors(
    tmp_path: Path, item: str, error: type[Exception], text: str
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.12 AS prod\nFROM debian:12 AS dev\n")
    with pytest.raises(error, match=text.replace("(", r"\(").replace(")", r"\)")):
        _compat(item.format(d=dockerfile, t=tmp_path), services=_services(), offline=True)


# -- images that cannot be read -----------------------------------------------------------


def test_unreadable_and_nameless_is_no_verdict() -> None:
    registry = FakeRegistry()
    result = _compat(
        "127.0.0.1:9/myorg/base:3", "127.0.0.1:9/myorg/tools:1", services=_services(registry)
    )
    assert [r.unreadable is not None for r in result.reports] == [True, True]
    assert result.findings == ()
    message = worded(unreadable_message(result))
    assert "no verdict for 127.0.0.1:9/myorg/base:3: it could not be read (127.0.0.1:9: " in message
    # the unreachable registry is asked once, not once per image
    assert registry.calls == ["myorg/base:3"]
    assert "did not answer for 127.0.0.1:9/myorg/base:3" in message


def test_unreadable_but_guessable_is_a_guess_said_to_be_one() -> None:
    result = _compat("127.0.0.1:9/myorg/py:3.12-alpine3.15", services=_services(FakeRegistry()))
    report = result.reports[0]
    assert report.unreadable is None and report.info is not None and report.info.guessed
    assert any("a guess" in worded(n) for n in report.notes)
    assert any("could not be read" in worded(n) for n in report.notes)
    assert "musl-too-old" in {f.rule for f in result.findings}


def test_offline_never_asks_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///var/run/docker.sock")  # local: asked
    services = _services(None)  # asking the registry fails the test
    result = _compat("myorg/base:3", "centos:7", services=services, offline=True)
    # a name that says nothing and no local copy: no verdict, even with --offline
    assert [r.image for r in result.unreadable] == ["myorg/base:3"]
    assert result.reports[0].info is None and result.reports[1].info is not None
    assert isinstance(services.engine, NoEngine) and services.engine.asked == [
        "myorg/base:3",
        "centos:7",
    ]


def test_offline_with_a_remote_engine_asks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://192.0.2.1:2376")
    services = _services(None)
    result = _compat("centos:7", services=services, offline=True)
    assert result.reports[0].info is not None and result.reports[0].info.guessed
    assert isinstance(services.engine, NoEngine) and services.engine.asked == []
    with pytest.raises(UsageError, match="not a local engine"):
        _compat("docker:myapp:dev", services=services, offline=True)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        (None, True),
        ("unix:///var/run/docker.sock", True),
        ("npipe:////./pipe/docker_engine", True),
        ("tcp://127.0.0.1:2375", True),
        ("tcp://localhost:2375", True),
        ("tcp://[::1]:2375", True),
        ("tcp://192.0.2.1:2376", False),
        ("ssh://me@build-box", False),
    ],
)
def test_engine_is_local(monkeypatch: pytest.MonkeyPatch, host: str | None, local: bool) -> None:
    if host is None:
        monkeypatch.delenv("DOCKER_HOST", raising=False)
    else:
        monkeypatch.setenv("DOCKER_HOST", host)
    assert engine_is_local() is local


def test_download_cap_refuses_a_layer_before_fetching_it() -> None:
    layers = [
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "sha256:" + "1" * 64,
            "size": 10,
        },
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "sha256:" + "2" * 64,
            "size": 5 * 1024 * 1024,
        },
    ]
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": {}, "layers": layers}
    registry = FakeRegistry({"myorg/big": manifest})
    result = _compat(
        "127.0.0.1:9/myorg/big:1", services=_services(registry), max_download=1024 * 1024
    )
    report = result.reports[0]
    assert report.unreadable is not None and "download cap" in worded(report.unreadable)
    unreadable = worded(report.unreadable)
    assert "sha256:" + "2" * 64 in unreadable and "--max-download" in unreadable


def test_download_cap_while_streaming() -> None:
    data = b"x" * 300
    reader = _HashingReader(io.BytesIO(data), "sha256:" + "0" * 64, [200], "img")
    with pytest.raises(DownloadCapExceeded, match="download cap"):
        reader.finish()


def test_cli_exit_3_names_the_image(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    monkeypatch.setattr("devcon.registry.factory.make_client", lambda settings: FakeRegistry())
    code = main(["compat", "127.0.0.1:9/myorg/base:3"])
    out, err = capsys.readouterr()
    assert code == 3
    assert err.startswith("devcon: no verdict for 127.0.0.1:9/myorg/base:3: it could not be read")
    assert "127.0.0.1:9/myorg/base:3: could not be read: no verdict" in out
    assert "Traceback" not in err


def test_cli_offline_no_verdict_is_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """README: an image that can be neither read nor judged from its name is exit 3, never a
    silent pass; --offline included."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")  # local, absent
    monkeypatch.setattr("devcon.registry.factory.make_client", lambda settings: FakeRegistry())
    code = main(["compat", "--offline", "myorg/custom:1"])
    out, err = capsys.readouterr()
    assert code == 3
    assert err.startswith("devcon: no verdict for myorg/custom:1: it could not be read (--offline")
    assert "without --offline" in err and "Check access to the registry" not in err
    assert "myorg/custom:1: could not be read: no verdict" in out
    # an image the name does say something about is still judged offline (exit 1, not 3)
    assert main(["compat", "--offline", "centos:7"]) == 1


def test_end_of_life_is_judged_against_the_request_day() -> None:
    """The same image and code: not yet end of life on one day, a finding after its date."""

    def rules(day: datetime.date) -> set[str]:
        with _services() as services:
            result = _compat("centos:7", services=services, offline=True, today=day)
        return {f.rule for f in result.findings}

    assert "eol-distro" not in rules(datetime.date(2024, 6, 1))  # CentOS 7 ends 2024-06-30
    assert "eol-distro" in rules(datetime.date(2024, 7, 1))


def test_json_carries_the_table_review_date() -> None:
    from devcon.compat.knowledge import load
    from devcon.report import OutputFormat, render

    with _services() as services:
        result = _compat("centos:7", services=services, offline=True)
    payload = json.loads(render(result, OutputFormat.JSON))
    assert payload["knowledge"] == {"version": load().version, "reviewed": load().reviewed}
    assert datetime.date.fromisoformat(payload["knowledge"]["reviewed"])
