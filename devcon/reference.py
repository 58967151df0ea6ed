"""Image references, per the distribution reference grammar.

    reference  := name [ ":" tag ] [ "@" digest ]
    name       := [ domain "/" ] path-component ( "/" path-component )*
    domain     := host [ ":" port ]   (a first component with "." or ":", or "localhost")

Docker Hub defaults: no domain means `docker.io`, and a one-component path on Docker Hub
means `library/<name>`; its API lives at `registry-1.docker.io`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN = re.compile(
    r"(?:localhost|\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]+)?"
)
_TAG = re.compile(r"[\w][\w.-]{0,127}")
# anchored (\A...\Z, used with fullmatch): a search tries one start, not every one
_DIGEST = re.compile(r"\A[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}\Z")
SHA256_DIGEST = re.compile(r"sha256:[a-f0-9]{64}")


class ReferenceError(ValueError):
    """Not a valid image reference."""


@dataclass(frozen=True)
class Reference:
    registry: str  # normalised domain: "docker.io", "ghcr.io", "127.0.0.1:5000"
    repository: str  # "library/python", "devcontainers/python"
    tag: str | None
    digest: str | None
    original: str

    @property
    def api_host(self) -> str:
        """The host that serves the distribution API for this registry."""
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    @property
    def is_pinned(self) -> bool:
        return self.digest is not None

    @property
    def name(self) -> str:
        """Fully qualified name without tag or digest."""
        return f"{self.registry}/{self.repository}"

    @property
    def tag_or_default(self) -> str:
        return self.tag or "latest"

    def manifest_ref(self) -> str:
        """What to ask the registry for: the digest when pinned, else the tag."""
        return self.digest or self.tag_or_default

    def pinned(self, digest: str) -> str:
        """The reference as written, with `@digest` (replacing an old digest)."""
        base = self.original.split("@", 1)[0]
        return f"{base}@{digest}"

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_reference(text: str) -> Reference:
    """Parse an image reference; raise ReferenceError with the reason."""
    original = text
    if not text or text != text.strip():
        raise ReferenceError(f"invalid image reference {original!r}: empty or padded")
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
        if not _DIGEST.fullmatch(digest):
            raise ReferenceError(f"invalid digest in {original!r}")
        if digest.startswith("sha256:") and not SHA256_DIGEST.fullmatch(digest):
            raise ReferenceError(f"invalid sha256 digest in {original!r} (64 hex digits)")
    tag = None
    last_slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > last_slash:
        text, tag = text[:colon], text[colon + 1 :]
        if not _TAG.fullmatch(tag):
            raise ReferenceError(f"invalid tag {tag!r} in {original!r}")
    parts = text.split("/")
    first = parts[0]
    if len(parts) > 1 and (
        "." in first or ":" in first or first == "localhost" or first.startswith("[")
    ):
        if not _DOMAIN.fullmatch(first):
            raise ReferenceError(f"invalid registry host {first!r} in {original!r}")
        registry = first.lower() if first.lower() in _HUB_ALIASES else first
        path = parts[1:]
    else:
        registry = DOCKER_HUB
        path = parts
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
        if len(path) == 1:
            path = ["library", *path]
    if not path or not all(_COMPONENT.fullmatch(p) for p in path):
        raise ReferenceError(
            f"invalid repository name in {original!r} (lower-case letters, digits, . _ -)"
        )
    if len("/".join(path)) > 255:
        raise ReferenceError(f"repository name too long in {original!r}")
    return Reference(registry, "/".join(path), tag, digest, original)
