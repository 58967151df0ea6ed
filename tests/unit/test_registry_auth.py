"""Credentials from the docker config: auths, credHelpers, credsStore; challenges."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from devcon.registry.auth import CredentialStore, parse_challenge
from devcon.registry.errors import AuthenticationError


def _config(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return path


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_auths_entries_and_docker_hub_key(tmp_path: Path) -> None:
    store = CredentialStore(
        _config(
            tmp_path,
            {
                "auths": {
                    "https://index.docker.io/v1/": {"auth": _b64("hubuser:hubpass")},
                    "ghcr.io": {"auth": _b64("gh:tok:with:colons")},
                    "https://quay.io": {"username": "q", "password": "qp"},
                }
            },
        )
    )
    hub = store.get("docker.io")
    assert hub is not None and (hub.username, hub.secret) == ("hubuser", "hubpass")
    gh = store.get("ghcr.io")
    assert gh is not None and gh.secret == "tok:with:colons"
    quay = store.get("quay.io")
    assert quay is not None and quay.username == "q"
    assert store.get("example.com") is None
    assert "hubpass" not in repr(hub)


def test_missing_config_means_anonymous(tmp_path: Path) -> None:
    assert CredentialStore(tmp_path / "nope.json").get("ghcr.io") is None


def test_broken_auth_entry_is_a_clear_error(tmp_path: Path) -> None:
    store = CredentialStore(_config(tmp_path, {"auths": {"ghcr.io": {"auth": _b64("nocolon")}}}))
    with pytest.raises(AuthenticationError, match="not 'user:password'"):
        store.get("ghcr.io")


def _helper(bin_dir: Path, name: str, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / f"docker-credential-{name}"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_cred_helpers_and_creds_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    _helper(
        bin_dir,
        "fake",
        'read server\n[ "$1" = get ] || exit 1\n'
        'echo "{\\"ServerURL\\": \\"$server\\", \\"Username\\": \\"helper-user\\", '
        '\\"Secret\\": \\"helper-secret-for-$server\\"}"\n',
    )
    _helper(bin_dir, "empty", "echo 'credentials not found in native keychain' >&2\nexit 1\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    store = CredentialStore(
        _config(
            tmp_path,
            {"credHelpers": {"registry.example": "fake"}, "credsStore": "empty"},
        )
    )
    creds = store.get("registry.example")
    assert creds is not None
    assert (creds.username, creds.secret) == ("helper-user", "helper-secret-for-registry.example")
    assert store.get("other.example") is None  # the store says "not found"


def test_missing_helper_is_a_clear_error(tmp_path: Path) -> None:
    store = CredentialStore(_config(tmp_path, {"credsStore": "does-not-exist-xyz"}))
    with pytest.raises(AuthenticationError, match="not installed"):
        store.get("ghcr.io")


def test_parse_challenge() -> None:
    challenge = parse_challenge(
        'Bearer realm="https://auth.example/token",service="reg.example",'
        'scope="repository:a/b:pull,push"'
    )
    assert challenge is not None and challenge.scheme == "bearer"
    assert challenge.params == {
        "realm": "https://auth.example/token",
        "service": "reg.example",
        "scope": "repository:a/b:pull,push",
    }
    basic = parse_challenge('Basic realm="Registry Realm"')
    assert basic is not None and basic.scheme == "basic"
    assert parse_challenge("Negotiate abc") is None
