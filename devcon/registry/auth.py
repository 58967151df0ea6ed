"""Registry credentials from the docker config, and the token/Basic challenge flow.

`Authenticator` answers a registry's 401: it parses the WWW-Authenticate challenge, sends
Basic credentials to the registry or asks the challenge's token realm for a bearer token,
and remembers the Authorization per (host, scope). Which credentials go where: a reference's
registry's own to that registry, a mirror's only when the docker config names the mirror
itself (docker.io credentials never go to a mirror), and none to a plain-http token realm
on another host, or on a host that is neither loopback nor named with --insecure-registry.

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
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlparse

from devcon.hints import Hint, hinted
from devcon.reference import DOCKER_HUB, DOCKER_HUB_API, Reference
from devcon.registry.errors import AuthenticationError, InsecureRefused, RegistryError
from devcon.registry.transport import Transport, is_loopback

if TYPE_CHECKING:
    import requests

MAX_TOKEN_BYTES = 1024 * 1024  # a token service's answer
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


# a name starts after a non-name character (the lookbehind): a search does not retry it from
# each of its letters, so a long run of them stays linear
_PARAM = re.compile(r'(?<![A-Za-z_])([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


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


class Authenticator:
    """The challenge flow of one client's requests, over its transport."""

    def __init__(self, transport: Transport, credentials: CredentialStore | None = None) -> None:
        self.transport = transport
        self.credentials = credentials
        self._lock = threading.Lock()
        self._authorizations: dict[tuple[str, str], str] = {}

    def send(
        self,
        method: str,
        host: str,
        path: str,
        ref: Reference,
        headers: Mapping[str, str],
        *,
        stream: bool = False,
    ) -> requests.Response:
        """A pull request for `ref`'s repository on `host`, authorized as the host asks;
        AuthenticationError when it still answers 401."""
        scope = f"repository:{ref.repository}:pull"
        with self._lock:
            authorization = self._authorizations.get((host, scope))
        response = self._send(method, host, path, headers, authorization, stream)
        if response.status_code == 401:
            challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
            response.close()
            authorization = self._authorize(host, scope, challenge, ref)
            response = self._send(method, host, path, headers, authorization, stream)
            if response.status_code == 401:
                response.close()
                who = (
                    "with the credentials from the docker config"
                    if self._creds(host, ref)
                    else ("anonymously (no credentials for it in the docker config)")
                )
                raise AuthenticationError(f"{host}: authentication failed {who}")
        return response

    def _send(
        self,
        method: str,
        host: str,
        path: str,
        headers: Mapping[str, str],
        authorization: str | None,
        stream: bool,
    ) -> requests.Response:
        all_headers = dict(headers)
        if authorization:
            all_headers["Authorization"] = authorization
        return self.transport.send(method, host, path, all_headers, stream=stream)

    def _creds(self, host: str, ref: Reference) -> Credentials | None:
        """The credentials to answer `host`'s challenge with: the reference's registry's own
        when `host` serves it, but a mirror's only when the docker config names the mirror
        host itself (docker.io credentials never go to a mirror)."""
        if self.credentials is None:
            return None
        if host == ref.api_host or host == ref.registry:
            return self.credentials.get(ref.registry)
        return self.credentials.get(host)

    def _authorize(self, host: str, scope: str, challenge: Challenge | None, ref: Reference) -> str:
        creds = self._creds(host, ref)
        if challenge is None:
            raise AuthenticationError(f"{host}: asks for authentication without a usable challenge")
        if challenge.scheme == "basic":
            if creds is None:
                raise AuthenticationError(
                    f"{host}: needs credentials and the docker config has none for "
                    + (ref.registry if host in (ref.api_host, ref.registry) else host)
                )
            # Basic goes to the registry itself, which is plain HTTP only when it is loopback
            # or named with --insecure-registry (see Transport.send)
            token = base64.b64encode(f"{creds.username}:{creds.secret}".encode()).decode()
            value = "Basic " + token
        else:
            value = "Bearer " + self._token(host, scope, challenge, creds)
        with self._lock:
            self._authorizations[(host, scope)] = value
        return value

    def _token(self, host: str, scope: str, challenge: Challenge, creds: Credentials | None) -> str:
        realm = challenge.params.get("realm", "")
        parsed = urlparse(realm)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InsecureRefused(f"{host}: token realm {realm!r} is not an http(s) URL")
        realm_host = parsed.netloc
        if creds is not None and parsed.scheme == "http":
            same_host = parsed.hostname == urlparse(f"//{host}").hostname
            if is_loopback(realm_host) and is_loopback(host):
                pass  # a local registry and its local token service
            elif not same_host:
                raise InsecureRefused(
                    f"{host}: refusing to send credentials to token realm {realm_host} over "
                    "plain http (another host)"
                )
            elif not self.transport.plain_http_allowed(host):
                raise InsecureRefused(
                    hinted(
                        f"{host}: refusing to send credentials to token realm {realm} over "
                        "plain http; ",
                        Hint.NAME_THE_REGISTRY_INSECURE,
                        " if it has no HTTPS",
                    )
                )
        params = {"scope": challenge.params.get("scope") or scope}
        if challenge.params.get("service"):
            params["service"] = challenge.params["service"]
        auth = None
        data = None
        if creds is not None and creds.identity_token:
            data = {
                "grant_type": "refresh_token",
                "refresh_token": creds.secret,
                **params,
                "client_id": "devcon",
            }
        elif creds is not None:
            auth = (creds.username, creds.secret)
        url = realm + ("&" if "?" in realm else "?") + urlencode(params)
        response = self.transport.request(
            "POST" if data is not None else "GET", url, {}, auth=auth, data=data
        )
        if response.status_code in (401, 403):
            response.close()
            raise AuthenticationError(
                f"{host}: the token service {realm_host} refused the credentials"
                if creds is not None
                else f"{host}: the token service {realm_host} refused anonymous access"
            )
        if response.status_code >= 400:
            response.close()
            raise RegistryError(f"{host}: token service answered HTTP {response.status_code}")
        raw = self.transport.read(response, MAX_TOKEN_BYTES, f"{host}: token service")
        try:
            body = json.loads(raw)
            token = (
                body.get("token") or body.get("access_token") if isinstance(body, dict) else None
            )
        except ValueError:
            token = None
        if not isinstance(token, str) or not token:
            raise AuthenticationError(f"{host}: the token service gave no token")
        return token
