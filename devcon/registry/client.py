"""The OCI distribution API: tags, manifests and indexes, blobs and image configs, digests
and platform selection.

Built on a Transport (HTTP, retries, schemes; devcon.registry.transport) and an
Authenticator (the challenge flow and credentials; devcon.registry.auth), both passed in
with the cache; nothing here is global. Every failure is a RegistryError (exit 3). Bodies
are verified against their digests before they are used or cached.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from devcon.errors import UsageError
from devcon.hints import Hint, hinted
from devcon.output_safety import bounded_join
from devcon.reference import Reference
from devcon.registry.auth import Authenticator
from devcon.registry.cache import ContentCache
from devcon.registry.errors import (
    AuthenticationError,
    DigestMismatch,
    MalformedManifest,
    NotFound,
    PlatformMissing,
    RegistryError,
    RegistryUnavailable,
)
from devcon.registry.transport import Transport

if TYPE_CHECKING:
    import requests

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
MANIFEST_TYPES = (OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST)
ACCEPT = ", ".join(MANIFEST_TYPES)
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Manifest:
    digest: str
    media_type: str
    raw: bytes = field(repr=False)

    @cached_property
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


_DIGEST = re.compile(r"\A[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}\Z")  # anchored: linear


def _problem_in_descriptor(value: object, where: str) -> str | None:
    if not isinstance(value, dict):
        return f"{where} is not an object"
    digest = value.get("digest")
    if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
        return f"{where}.digest is not a digest"
    if "mediaType" in value and not isinstance(value["mediaType"], str):
        return f"{where}.mediaType is not a string"
    size = value.get("size")
    if "size" in value and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        return f"{where}.size is not a size"
    annotations = value.get("annotations")
    if annotations is not None and not (
        isinstance(annotations, dict) and all(isinstance(v, str) for v in annotations.values())
    ):
        return f"{where}.annotations is not an object of strings"
    return None


def manifest_problem(data: object, media_type: str) -> str | None:
    """What is wrong with the shape of a manifest or index (None: it can be used): every
    field devcon reads has the type the OCI image spec gives it. The one place this is
    checked; a Manifest is made only from a body that passed."""
    if not isinstance(data, dict):
        return "it is not a JSON object"
    declared = data.get("mediaType", media_type)
    if not isinstance(declared, str):
        return "mediaType is not a string"
    index = declared in INDEX_TYPES or "manifests" in data
    if declared not in MANIFEST_TYPES and not index and "config" not in data:
        return f"its media type {declared!r} is not a manifest's"
    if "annotations" in data:
        problem = _problem_in_descriptor({"digest": "x:y", "annotations": data["annotations"]}, "")
        if problem:
            return "annotations is not an object of strings"
    if index:
        entries = data.get("manifests")
        if not isinstance(entries, list):
            return "manifests is not a list"
        for number, entry in enumerate(entries):
            where = f"manifests[{number}]"
            problem = _problem_in_descriptor(entry, where)
            if problem:
                return problem
            platform = entry.get("platform")
            if platform is None:
                continue
            if not isinstance(platform, dict):
                return f"{where}.platform is not an object"
            for key in ("os", "architecture", "variant"):
                if key in platform and not isinstance(platform[key], str):
                    return f"{where}.platform.{key} is not a string"
        return None
    problem = _problem_in_descriptor(data.get("config"), "config")
    if problem:
        return problem
    layers = data.get("layers", [])
    if not isinstance(layers, list):
        return "layers is not a list"
    for number, layer in enumerate(layers):
        problem = _problem_in_descriptor(layer, f"layers[{number}]")
        if problem:
            return problem
    return None


_CONFIG_STRINGS = ("os", "architecture", "variant")
_CONFIG_OBJECTS = ("config", "rootfs")


def config_problem(data: object) -> str | None:
    """What is wrong with the shape of an image config (the fields devcon reads)."""
    if not isinstance(data, dict):
        return "it is not a JSON object"
    for key in _CONFIG_STRINGS:
        if key in data and not isinstance(data[key], str):
            return f"{key} is not a string"
    for key in _CONFIG_OBJECTS:
        if key in data and data[key] is not None and not isinstance(data[key], dict):
            return f"{key} is not an object"
    inner = data.get("config") or {}
    for key in ("User", "WorkingDir"):
        if inner.get(key) is not None and not isinstance(inner[key], str):
            return f"config.{key} is not a string"
    for key in ("Env", "Entrypoint", "Cmd"):
        value = inner.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            return f"config.{key} is not a list of strings"
    for key in ("Labels", "ExposedPorts", "Volumes"):
        if inner.get(key) is not None and not isinstance(inner[key], dict):
            return f"config.{key} is not an object"
    rootfs = data.get("rootfs") or {}
    diff_ids = rootfs.get("diff_ids")
    if diff_ids is not None and not (
        isinstance(diff_ids, list) and all(isinstance(v, str) for v in diff_ids)
    ):
        return "rootfs.diff_ids is not a list of strings"
    if "history" in data and not (
        isinstance(data["history"], list) and all(isinstance(h, dict) for h in data["history"])
    ):
        return "history is not a list of objects"
    return None


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


_PLATFORM_PART = re.compile(r"[a-z0-9][a-z0-9._-]*")


def check_platform(text: str) -> str:
    """`os/arch[/variant]` (e.g. `linux/arm64`, `linux/arm/v7`), lower case; UsageError
    (exit 2) for anything else, such as a bare `arm64`."""
    parts = text.strip().lower().split("/")
    if not 2 <= len(parts) <= 3 or not all(_PLATFORM_PART.fullmatch(p) for p in parts):
        raise UsageError(f"{text!r} is not os/arch[/variant] (for example linux/arm64)")
    return "/".join(parts)


def _checked(ref: Reference, manifest: Manifest) -> Manifest:
    """`manifest`, once its shape is one devcon can use; MalformedManifest (exit 3) if not."""
    try:
        data = json.loads(manifest.raw)
    except ValueError:
        data = None
    problem = manifest_problem(data, manifest.media_type)
    if problem is not None:
        raise MalformedManifest(
            f"the registry sent a malformed manifest for {ref.original} ({problem})"
        )
    return manifest


def platform_matches(wanted: str, name: str) -> bool:
    """`linux/arm64` matches `linux/arm64/v8`; `linux/arm/v7` needs the variant."""
    want = wanted.split("/")
    have = name.split("/")
    return have[: len(want)] == want or (want == have[:2] and len(want) == 2)


class RegistryClient:
    """The OCI distribution API on a transport and an authenticator; `mirrors` maps a
    registry to the host that serves it (Docker Hub to --registry-mirror)."""

    def __init__(
        self,
        transport: Transport,
        auth: Authenticator | None = None,
        *,
        cache: ContentCache | None = None,
        mirrors: Mapping[str, str] | None = None,
        offline: bool = False,
    ) -> None:
        self.transport = transport
        self.auth = auth if auth is not None else Authenticator(transport)
        self.cache = cache
        self.mirrors: Mapping[str, str] = mirrors or {}
        self.offline = offline

    def host_for(self, ref: Reference) -> str:
        return self.mirrors.get(ref.registry) or ref.api_host

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
                    hinted(f"{ref.original}: not in the cache and ", Hint.OFFLINE_FORBIDS_ASKING)
                )
            return record.digest, record.media_type
        response = self._request("HEAD", ref, f"manifests/{tag}", {"Accept": ACCEPT})
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
                return _checked(ref, Manifest(digest_or_tag, cached[1], cached[0]))
        if self.offline and not digest_or_tag.startswith("sha256:"):
            digest, _ = self.resolve_tag(ref)
            return self.manifest(ref, digest)
        if self.offline:
            raise RegistryUnavailable(
                hinted(f"{ref.name}@{digest_or_tag}: not in the cache and ", Hint.OFFLINE_IS_SET)
            )
        manifest = self._fetch_manifest(ref, digest_or_tag)
        if self.cache is not None:
            self.cache.put(manifest.digest, manifest.raw, manifest.media_type)
        return manifest

    def confirm(self, ref: Reference, digest: str) -> None:
        """That the registry holds a manifest whose sha256 is `digest` (a HEAD may name a
        digest it cannot serve): a GET by digest, checked and cached, so asked once. Offline,
        only what the cache holds is checked (the tag log was confirmed when written)."""
        if self.offline and (self.cache is None or self.cache.get(digest) is None):
            return
        try:
            self.manifest(ref, digest)
        except NotFound:
            raise DigestMismatch(
                f"{ref.original}: the registry named {digest} for it but has no manifest with "
                "that digest: refused"
            ) from None

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
                raise PlatformMissing(
                    f"{ref.original} is a single-platform image for {have}, not {platform}"
                )
            return Resolution(ref, digest, manifest.media_type)
        for name, entry in manifest.platforms():
            if platform_matches(platform, name):
                return Resolution(ref, str(entry["digest"]), str(entry.get("mediaType", "")))
        available = bounded_join(name for name, _ in manifest.platforms())
        raise PlatformMissing(
            f"{ref.original} has no manifest for {platform} (it has: {available})"
        )

    def blob(self, ref: Reference, digest: str, max_bytes: int | None = None) -> bytes:
        """A blob, verified against its digest; cached."""
        if self.cache is not None:
            cached = self.cache.get(digest)
            if cached is not None:
                return cached[0]
        if self.offline:
            raise RegistryUnavailable(
                hinted(f"{ref.name}@{digest}: not in the cache and ", Hint.OFFLINE_IS_SET)
            )
        response = self._request("GET", ref, f"blobs/{digest}")
        data = self.transport.read(response, max_bytes, ref.original)
        if sha256_digest(data) != digest:
            raise DigestMismatch(
                f"{ref.name}: blob {digest} has another digest ({sha256_digest(data)}): refused"
            )
        if self.cache is not None:
            self.cache.put(digest, data, "application/octet-stream")
        return data

    def open_blob(self, ref: Reference, digest: str) -> requests.Response:
        """A streaming response for a blob (the caller reads only what it needs)."""
        return self._request("GET", ref, f"blobs/{digest}", stream=True)

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
        problem = config_problem(parsed)
        if problem is not None:
            raise MalformedManifest(
                f"the registry sent a malformed image config for {ref.original} "
                f"({digest}: {problem})"
            )
        assert isinstance(parsed, dict)
        return parsed

    # -- internals ---------------------------------------------------------------------
    def _fetch_manifest(self, ref: Reference, digest_or_tag: str) -> Manifest:
        response = self._request("GET", ref, f"manifests/{digest_or_tag}", {"Accept": ACCEPT})
        raw = self.transport.read(response, MAX_MANIFEST_BYTES, ref.original)
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
            raise MalformedManifest(
                f"the registry sent a malformed manifest for {ref.original} (not JSON)"
            ) from None
        if isinstance(parsed, dict) and isinstance(parsed.get("mediaType"), str):
            media_type = parsed["mediaType"]
        return _checked(ref, Manifest(actual, media_type, raw))

    def _request(
        self,
        method: str,
        ref: Reference,
        endpoint: str,
        headers: Mapping[str, str] | None = None,
        *,
        stream: bool = False,
    ) -> requests.Response:
        """`endpoint` (`manifests/<tag or digest>`, `blobs/<digest>`) of `ref`'s repository
        on the host that serves it; the statuses that say no become RegistryErrors."""
        registry_host = self.host_for(ref)
        path = f"/v2/{ref.repository}/{endpoint}"
        response = self.auth.send(method, registry_host, path, ref, headers or {}, stream=stream)
        final = urlparse(response.url).netloc
        host = (
            registry_host
            if final in ("", registry_host)
            else f"{final} (redirected from {registry_host})"
        )
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
