"""Registry credentials from the docker config, and the token/Basic challenge flow.

Credentials come from `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`):
`auths` entries (base64 `user:password`, or an identity token), `credHelpers` per registry
and `credsStore` for all, by running `docker-credential-<helper> get`. Never from the command
line, never printed: the `Credentials` repr hides the secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devcon.reference import DOCKER_HUB, DOCKER_HUB_API
from devcon.registry.errors import AuthenticationError

_HUB_KEYS = ("https://index.docker.io/v1/", "index.docker.io", "docker.io", DOCKER_HUB_API)


@dataclass(frozen=True)
class Credentials:
    username: str
    secret: str = field(repr=False)
    identity_token: bool = False  # secret is an OAuth refresh token (identitytoken)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, secret=<hidden>)"


@dataclass(frozen=True)
class Challenge:
    scheme: str  # "bearer" or "basic"
    params: Mapping[str, str]


_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def parse_challenge(header: str) -> Challenge | None:
    """The first Bearer or Basic challenge of a WWW-Authenticate header."""
    header = header.strip()
    match = re.match(r"(Bearer|Basic)\b(.*)", header, re.IGNORECASE)
    if not match:
        return None
    params = {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(match.group(2))
    }
    return Challenge(match.group(1).lower(), params)


def docker_config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    folder = env.get("DOCKER_CONFIG")
    return Path(folder) / "config.json" if folder else Path.home() / ".docker" / "config.json"


class CredentialStore:
    """Looks up credentials per registry host from a docker config file."""

    def __init__(self, config_path: Path | None = None, helper_timeout: float = 15.0) -> None:
        self.config_path = config_path if config_path is not None else docker_config_path()
        self.helper_timeout = helper_timeout
        self._config: dict[str, object] | None = None
        self._cache: dict[str, Credentials | None] = {}

    def _load(self) -> dict[str, object]:
        if self._config is None:
            try:
                data = json.loads(self.config_path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                data = {}
            except (OSError, ValueError) as exc:
                raise AuthenticationError(
                    f"cannot read docker config {self.config_path}: {type(exc).__name__}"
                ) from None
            self._config = data if isinstance(data, dict) else {}
        return self._config

    def get(self, registry: str) -> Credentials | None:
        """Credentials for a registry (as in a reference: "docker.io", "ghcr.io", "h:5000")."""
        if registry not in self._cache:
            self._cache[registry] = self._lookup(registry)
        return self._cache[registry]

    def _keys(self, registry: str) -> list[str]:
        if registry in (DOCKER_HUB, DOCKER_HUB_API, "index.docker.io"):
            return list(_HUB_KEYS)
        return [
            registry,
            f"https://{registry}",
            f"http://{registry}",
            f"https://{registry}/v1/",
            f"https://{registry}/v2/",
        ]

    def _lookup(self, registry: str) -> Credentials | None:
        config = self._load()
        keys = self._keys(registry)
        helpers = config.get("credHelpers")
        if isinstance(helpers, dict):
            for key in keys:
                helper = helpers.get(key)
                if isinstance(helper, str) and helper:
                    return self._from_helper(helper, keys[0])
        auths = config.get("auths")
        if isinstance(auths, dict):
            for key in keys:
                entry = auths.get(key)
                if isinstance(entry, dict):
                    found = _from_auth_entry(entry, registry)
                    if found is not None:
                        return found
        store = config.get("credsStore")
        if isinstance(store, str) and store:
            return self._from_helper(store, keys[0])
        return None

    def _from_helper(self, helper: str, server: str) -> Credentials | None:
        program = f"docker-credential-{helper}"
        try:
            done = subprocess.run(
                [program, "get"],
                input=server,
                capture_output=True,
                text=True,
                timeout=self.helper_timeout,
                check=False,
            )
        except FileNotFoundError:
            raise AuthenticationError(
                f"credential helper {program} (from {self.config_path}) is not installed"
            ) from None
        except subprocess.TimeoutExpired:
            raise AuthenticationError(f"credential helper {program} did not answer") from None
        if done.returncode != 0:
            if "credentials not found" in (done.stdout + done.stderr).lower():
                return None
            raise AuthenticationError(
                f"credential helper {program} failed (exit {done.returncode})"
            )
        try:
            data = json.loads(done.stdout)
            username, secret = str(data["Username"]), str(data["Secret"])
        except (ValueError, KeyError, TypeError):
            raise AuthenticationError(f"credential helper {program} gave no credentials") from None
        return Credentials(username, secret, identity_token=username == "<token>")


def _from_auth_entry(entry: Mapping[str, object], registry: str) -> Credentials | None:
    token = entry.get("identitytoken")
    auth = entry.get("auth")
    username = entry.get("username")
    password = entry.get("password")
    if isinstance(auth, str) and auth:
        try:
            decoded = base64.b64decode(auth, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationError(
                f"docker config: the auth entry for {registry} is not base64 'user:password'"
            ) from None
        user, sep, secret = decoded.partition(":")
        if not sep:
            raise AuthenticationError(
                f"docker config: the auth entry for {registry} is not 'user:password'"
            )
        if isinstance(token, str) and token:
            return Credentials(user, token, identity_token=True)
        return Credentials(user, secret)
    if isinstance(username, str) and isinstance(password, str):
        return Credentials(username, password)
    if isinstance(token, str) and token:
        return Credentials("<token>", token, identity_token=True)
    return None
