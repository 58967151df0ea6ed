"""An OCI distribution API client on requests: manifests, blobs, auth, retries, cache.

The session, credential store and cache are passed in; nothing here is global. Every network
failure becomes a RegistryError (exit 3) at this boundary.

`requests` is imported only when a request is made (or a session built): commands that never
reach the network (`validate`, `rules`) import this module through Features and compat code
without paying for the HTTP stack.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import ipaddress
import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlparse

from devcon import __version__
from devcon.errors import UsageError
from devcon.reference import DOCKER_HUB, Reference
from devcon.registry.auth import Challenge, Credentials, CredentialStore, parse_challenge
from devcon.registry.cache import ContentCache
from devcon.registry.errors import (
    AuthenticationError,
    DigestMismatch,
    InsecureRefused,
    NotFound,
    RegistryError,
    RegistryUnavailable,
)

if TYPE_CHECKING:
    import requests

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
MANIFEST_TYPES = (OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST)
ACCEPT = ", ".join(MANIFEST_TYPES)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Manifest:
    digest: str
    media_type: str
    raw: bytes = field(repr=False)

    @property
    def data(self) -> dict[str, Any]:
        parsed = json.loads(self.raw)
        return parsed if isinstance(parsed, dict) else {}

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES or "manifests" in self.data

    def platforms(self) -> list[tuple[str, dict[str, Any]]]:
        """(os/arch[/variant], descriptor) of an index's entries, attestations skipped."""
        out = []
        for entry in self.data.get("manifests", []):
            if not isinstance(entry, dict):
                continue
            platform = entry.get("platform") or {}
            os_, arch = platform.get("os", "unknown"), platform.get("architecture", "unknown")
            annotations = entry.get("annotations") or {}
            if (os_, arch) == ("unknown", "unknown") or (
                "vnd.docker.reference.type" in annotations
            ):
                continue
            name = f"{os_}/{arch}" + (f"/{platform['variant']}" if platform.get("variant") else "")
            out.append((name, entry))
        return out


@dataclass(frozen=True)
class Resolution:
    """What a reference resolves to: the digest to pin (index or platform manifest)."""

    reference: Reference
    digest: str
    media_type: str
    platform: str | None = None
    index_digest: str | None = None


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def is_loopback(host: str) -> bool:
    """`localhost`, `127.0.0.1`, `::1`, with or without a port (`[::1]:5000`, `localhost:5000`)."""
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    elif host.count(":") > 1:
        name = host  # a bare IPv6 address: its colons are not a port
    else:
        name = host.rsplit(":", 1)[0]
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


_PLATFORM_PART = re.compile(r"[a-z0-9][a-z0-9._-]*")


def check_platform(text: str) -> str:
    """`os/arch[/variant]` (e.g. `linux/arm64`, `linux/arm/v7`), lower case; UsageError
    (exit 2) for anything else, such as a bare `arm64`."""
    parts = text.strip().lower().split("/")
    if not 2 <= len(parts) <= 3 or not all(_PLATFORM_PART.fullmatch(p) for p in parts):
        raise UsageError(f"{text!r} is not os/arch[/variant] (for example linux/arm64)")
    return "/".join(parts)


def platform_matches(wanted: str, name: str) -> bool:
    """`linux/arm64` matches `linux/arm64/v8`; `linux/arm/v7` needs the variant."""
    want = wanted.split("/")
    have = name.split("/")
    return have[: len(want)] == want or (want == have[:2] and len(want) == 2)


@dataclass
class RegistryClient:
    session: requests.Session
    credentials: CredentialStore | None = None
    cache: ContentCache | None = None
    insecure_registries: frozenset[str] = frozenset()
    mirrors: Mapping[str, str] = field(default_factory=dict)  # registry -> mirror host
    timeout: float = 10.0
    retries: int = 3
    retry_budget: float = 30.0  # seconds of waiting across retries of one request
    offline: bool = False
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    bytes_received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _schemes: dict[str, str] = field(default_factory=dict, repr=False)

    # -- hosts and schemes -------------------------------------------------------------
    def host_for(self, ref: Reference) -> str:
        return self.mirrors.get(ref.registry) or ref.api_host

    def _url(self, host: str, path: str) -> str:
        # loopback registries (a local test or cache registry) speak plain HTTP; hosts named
        # with --insecure-registry try HTTPS first and fall back to HTTP (see _send)
        scheme = self._schemes.get(host, "http" if is_loopback(host) else "https")
        return f"{scheme}://{host}{path}"

    # -- public API --------------------------------------------------------------------
    def resolve_tag(self, ref: Reference) -> tuple[str, str]:
        """(digest, media type) of what a tag (or digest) names now."""
        if ref.digest:
            return ref.digest, ""
        tag = ref.tag_or_default
        if self.offline:
            record = self.cache.get_tag(ref.registry, ref.repository, tag) if self.cache else None
            if record is None:
                raise RegistryUnavailable(
                    f"{ref.original}: not in the cache and --offline forbids asking the registry"
                )
            return record.digest, record.media_type
        host = self.host_for(ref)
        path = f"/v2/{ref.repository}/manifests/{tag}"
        response = self._request("HEAD", host, path, ref, {"Accept": ACCEPT})
        digest = response.headers.get("Docker-Content-Digest", "")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if not digest.startswith("sha256:") or len(digest) != 71:
            manifest = self._fetch_manifest(ref, tag)
            digest, media_type = manifest.digest, manifest.media_type
        if self.cache is not None:
            self.cache.put_tag(ref.registry, ref.repository, tag, digest, media_type)
        return digest, media_type

    def manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        """A manifest or index; by digest it comes from the cache when possible."""
        if digest_or_tag.startswith("sha256:") and self.cache is not None:
            cached = self.cache.get(digest_or_tag)
            if cached is not None:
                return Manifest(digest_or_tag, cached[1], cached[0])
        if self.offline and not digest_or_tag.startswith("sha256:"):
            digest, _ = self.resolve_tag(ref)
            return self.manifest(ref, digest)
        if self.offline:
            raise RegistryUnavailable(
                f"{ref.name}@{digest_or_tag}: not in the cache and --offline is set"
            )
        manifest = self._fetch_manifest(ref, digest_or_tag)
        if self.cache is not None:
            self.cache.put(manifest.digest, manifest.raw, manifest.media_type)
        return manifest

    def resolve(self, ref: Reference, platform: str | None = None) -> Resolution:
        """The digest to pin: the tag's own digest (an index for multi-arch tags), or with
        `platform`, that platform's manifest digest."""
        digest, media_type = self.resolve_tag(ref)
        if platform is None:
            return Resolution(ref, digest, media_type)
        manifest = self.manifest(ref, digest)
        if not manifest.is_index:
            config = self.config(ref, manifest)
            have = f"{config.get('os', '?')}/{config.get('architecture', '?')}"
            if not platform_matches(platform, have):
                raise NotFound(
                    f"{ref.original} is a single-platform image for {have}, not {platform}"
                )
            return Resolution(ref, digest, manifest.media_type, have, None)
        for name, entry in manifest.platforms():
            if platform_matches(platform, name):
                return Resolution(
                    ref, str(entry["digest"]), str(entry.get("mediaType", "")), name, digest
                )
        available = ", ".join(name for name, _ in manifest.platforms()) or "none"
        raise NotFound(f"{ref.original} has no manifest for {platform} (it has: {available})")

    def blob(self, ref: Reference, digest: str, max_bytes: int | None = None) -> bytes:
        """A blob, verified against its digest; cached."""
        if self.cache is not None:
            cached = self.cache.get(digest)
            if cached is not None:
                return cached[0]
        if self.offline:
            raise RegistryUnavailable(f"{ref.name}@{digest}: not in the cache and --offline is set")
        host = self.host_for(ref)
        response = self._request("GET", host, f"/v2/{ref.repository}/blobs/{digest}", ref, {})
        data = self._read(response, ref, max_bytes)
        if sha256_digest(data) != digest:
            raise DigestMismatch(
                f"{ref.name}: blob {digest} has another digest ({sha256_digest(data)}): refused"
            )
        if self.cache is not None:
            self.cache.put(digest, data, "application/octet-stream")
        return data

    def open_blob(self, ref: Reference, digest: str) -> requests.Response:
        """A streaming response for a blob (the caller reads only what it needs)."""
        host = self.host_for(ref)
        return self._request(
            "GET", host, f"/v2/{ref.repository}/blobs/{digest}", ref, {}, stream=True
        )

    def config(self, ref: Reference, manifest: Manifest) -> dict[str, Any]:
        descriptor = manifest.data.get("config") or {}
        digest = descriptor.get("digest")
        if not isinstance(digest, str):
            raise RegistryError(f"{ref.original}: manifest {manifest.digest} has no config")
        data = self.blob(ref, digest, max_bytes=MAX_MANIFEST_BYTES)
        try:
            parsed = json.loads(data)
        except ValueError:
            raise RegistryError(f"{ref.original}: image config {digest} is not JSON") from None
        return parsed if isinstance(parsed, dict) else {}

    # -- internals ---------------------------------------------------------------------
    def _fetch_manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        host = self.host_for(ref)
        path = f"/v2/{ref.repository}/manifests/{digest_or_tag}"
        response = self._request("GET", host, path, ref, {"Accept": ACCEPT})
        raw = self._read(response, ref, MAX_MANIFEST_BYTES)
        actual = sha256_digest(raw)
        claimed = response.headers.get("Docker-Content-Digest")
        expected = digest_or_tag if digest_or_tag.startswith("sha256:") else claimed
        if expected and expected != actual:
            raise DigestMismatch(
                f"{ref.original}: the registry sent a manifest whose sha256 ({actual}) is not "
                f"the digest it claims ({expected}): refused"
            )
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise RegistryError(f"{ref.original}: the manifest is not JSON") from None
        if isinstance(parsed, dict) and isinstance(parsed.get("mediaType"), str):
            media_type = parsed["mediaType"]
        return Manifest(actual, media_type, raw)

    def _read(self, response: requests.Response, ref: Reference, limit: int | None) -> bytes:
        import requests

        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if limit is not None and total > limit:
                    raise RegistryError(f"{ref.original}: response larger than {limit} bytes")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise RegistryUnavailable(
                f"{ref.original}: the response from {urlparse(response.url).netloc} was cut off "
                f"({type(exc).__name__})"
            ) from None
        finally:
            response.close()
        with self._lock:
            self.bytes_received += total
        return b"".join(chunks)

    def _request(
        self,
        method: str,
        host: str,
        path: str,
        ref: Reference,
        headers: Mapping[str, str],
        stream: bool = False,
    ) -> requests.Response:
        scope = f"repository:{ref.repository}:pull"
        base_headers = {"User-Agent": f"devcon/{__version__}", **headers}
        authorization = self._cached_authorization(host, scope)
        response = self._send(method, host, path, base_headers, authorization, stream)
        if response.status_code == 401:
            challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
            response.close()
            authorization = self._authorize(host, scope, challenge, ref)
            response = self._send(method, host, path, base_headers, authorization, stream)
            if response.status_code == 401:
                response.close()
                who = (
                    "with the credentials from the docker config"
                    if self._creds(host, ref)
                    else ("anonymously (no credentials for it in the docker config)")
                )
                raise AuthenticationError(f"{host}: authentication failed {who}")
        if response.status_code == 403:
            response.close()
            raise AuthenticationError(f"{host}: access to {ref.repository} denied (403)")
        if response.status_code == 404:
            response.close()
            raise NotFound(f"{ref.original}: not found on {host} ({path.rsplit('/', 2)[-2]})")
        if response.status_code >= 400:
            response.close()
            raise RegistryError(f"{host}: {method} {path} answered HTTP {response.status_code}")
        return response

    def _creds(self, host: str, ref: Reference) -> Credentials | None:
        """The credentials to answer `host`'s challenge with: the reference's registry's own
        when `host` serves it, but a mirror's only when the docker config names the mirror
        host itself (docker.io credentials never go to a mirror)."""
        if self.credentials is None:
            return None
        if host == ref.api_host or host == ref.registry:
            return self.credentials.get(ref.registry)
        return self.credentials.get(host)

    def _plain_http_allowed(self, host: str) -> bool:
        """Loopback, or named with --insecure-registry (as host:port or host)."""
        name = urlparse(f"//{host}").hostname or host
        return (
            is_loopback(host)
            or host in self.insecure_registries
            or (name in self.insecure_registries)
        )

    def _cached_authorization(self, host: str, scope: str) -> str | None:
        with self._lock:
            return self._tokens.get((host, scope))

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
            # or named with --insecure-registry (see _url and _send)
            token = base64.b64encode(f"{creds.username}:{creds.secret}".encode()).decode()
            value = "Basic " + token
        else:
            value = "Bearer " + self._token(host, scope, challenge, creds)
        with self._lock:
            self._tokens[(host, scope)] = value
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
            elif not self._plain_http_allowed(host):
                raise InsecureRefused(
                    f"{host}: refusing to send credentials to token realm {realm} over plain "
                    "http; name the registry with --insecure-registry if it has no HTTPS"
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
        response = self._raw(
            "POST" if data is not None else "GET",
            url,
            {"User-Agent": f"devcon/{__version__}"},
            auth=auth,
            data=data,
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
        try:
            body = response.json()
            token = body.get("token") or body.get("access_token")
        except ValueError:
            token = None
        finally:
            response.close()
        if not isinstance(token, str) or not token:
            raise AuthenticationError(f"{host}: the token service gave no token")
        return token

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
        if host not in self._schemes and host in self.insecure_registries:
            # try HTTPS first; fall back to plain HTTP for loopback / --insecure-registry hosts
            try:
                return self._raw(
                    method,
                    f"https://{host}{path}",
                    all_headers,
                    stream=stream,
                    retry=False,
                    remember=host,
                )
            except RegistryUnavailable:
                self._schemes[host] = "http"
        return self._raw(method, self._url(host, path), all_headers, stream=stream)

    def _raw(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        *,
        stream: bool = False,
        retry: bool = True,
        remember: str | None = None,
        auth: tuple[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> requests.Response:
        import requests

        started = time.monotonic()
        attempt = 0
        host = urlparse(url).netloc
        while True:
            with self._lock:
                self.requests_made += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=dict(headers),
                    timeout=self.timeout,
                    stream=stream,
                    allow_redirects=True,
                    auth=auth,
                    data=data,
                )
            except requests.exceptions.SSLError as exc:
                if not retry:
                    raise RegistryUnavailable(f"{host}: TLS failed") from exc
                raise RegistryUnavailable(
                    f"{host}: TLS verification failed ({_short(exc)}); if this registry is "
                    "plain HTTP on purpose, name it with --insecure-registry"
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not retry:
                    raise RegistryUnavailable(f"{host}: {_short(exc)}") from exc
                delay = self._backoff(attempt)
                if (
                    attempt >= self.retries
                    or time.monotonic() - started + delay > self.retry_budget
                ):
                    kind = "timed out" if isinstance(exc, requests.Timeout) else "unreachable"
                    raise RegistryUnavailable(
                        f"{host}: {kind} after {attempt + 1} attempts ({_short(exc)})"
                    ) from None
                self.sleep(delay)
                attempt += 1
                continue
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                raise RegistryUnavailable(
                    f"{host}: the response was cut off ({type(exc).__name__}); nothing was written"
                ) from None
            except requests.RequestException as exc:
                raise RegistryUnavailable(f"{host}: {_short(exc)}") from None
            if remember is not None:
                self._schemes[remember] = "https"
            if response.status_code in _RETRY_STATUS and retry:
                asked = _retry_after(response.headers.get("Retry-After"))
                delay = asked if asked is not None else self._backoff(attempt)
                elapsed = time.monotonic() - started
                if attempt >= self.retries or elapsed + delay > self.retry_budget:
                    status = response.status_code
                    response.close()
                    what = "rate limited (429)" if status == 429 else f"HTTP {status}"
                    raise RegistryUnavailable(
                        f"{host}: {what} after {attempt + 1} attempts"
                        + (f"; it asks to wait {delay:.0f}s" if status == 429 else "")
                    )
                response.close()
                self.sleep(delay)
                attempt += 1
                continue
            return response

    def _backoff(self, attempt: int) -> float:
        return float(min(8.0, 0.25 * (2**attempt)) * (0.5 + random.random() / 2))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(exc: BaseException) -> str:
    text = str(exc)
    return (text[:160] + "…") if len(text) > 160 else text or type(exc).__name__


def new_session() -> requests.Session:
    """A session with connection pooling sized for the resolution pool."""
    import requests
    import requests.adapters

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=16, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = True
    return session


__all__ = [
    "ACCEPT",
    "DOCKER_HUB",
    "Manifest",
    "RegistryClient",
    "Resolution",
    "new_session",
]
