"""Building a RegistryClient (transport, authenticator, cache) from plain settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from devcon.errors import UsageError
from devcon.hints import Hint, hinted
from devcon.reference import DOCKER_HUB
from devcon.registry.auth import Authenticator, CredentialStore
from devcon.registry.cache import ContentCache, default_cache_dir
from devcon.registry.client import RegistryClient
from devcon.registry.transport import Transport, new_session

# a label: a letter or digit, then letters, digits and hyphens (taken whole, never given
# back: the old `(?:label\.?)+` backtracked exponentially, 30 characters took 95 s), not
# ending in a hyphen; a host starts where no label character precedes it (so a search does
# not try each position of a long run again)
_LABEL = r"[A-Za-z0-9](?>[A-Za-z0-9-]*)(?<!-)"
_HOST = re.compile(
    rf"(?<![A-Za-z0-9-]){_LABEL}(?:\.{_LABEL})*\.?(?::[0-9]{{1,5}})?|\[[0-9A-Fa-f:.]++\](?::[0-9]{{1,5}})?"
)


def check_mirror(value: str, source: str = "registry mirror") -> str:
    """A mirror as HOST[:PORT]; UsageError (exit 2) for a URL (`http://h:p` would otherwise
    become `https://http://h:p`) or anything else that is not a host."""
    text = value.strip()
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise UsageError(
            hinted(
                f"{source}: {value!r} has a scheme ({scheme}://); give HOST[:PORT] only. ",
                Hint.HTTP_ONLY_FOR_NAMED_HOSTS,
            )
        )
    text = text.rstrip("/")
    if not _HOST.fullmatch(text):
        raise UsageError(f"{source}: {value!r} is not HOST[:PORT] (for example mirror.gcr.io)")
    return text


@dataclass(frozen=True)
class RegistrySettings:
    insecure_registries: frozenset[str] = frozenset()
    registry_mirror: str | None = None  # serves Docker Hub references, as dockerd's mirrors do
    offline: bool = False
    cache_dir: Path | None = None  # None: $XDG_CACHE_HOME/devcon
    use_cache: bool = True
    timeout: float = 10.0
    retries: int = 3

    def __post_init__(self) -> None:
        if self.registry_mirror is not None:
            object.__setattr__(self, "registry_mirror", check_mirror(self.registry_mirror))


def make_client(settings: RegistrySettings) -> RegistryClient:
    cache = ContentCache(settings.cache_dir or default_cache_dir()) if settings.use_cache else None
    mirrors = {DOCKER_HUB: settings.registry_mirror} if settings.registry_mirror else {}
    transport = Transport(
        new_session(),
        insecure_registries=settings.insecure_registries,
        timeout=settings.timeout,
        retries=settings.retries,
    )
    return RegistryClient(
        transport,
        Authenticator(transport, CredentialStore()),
        cache=cache,
        mirrors=mirrors,
        offline=settings.offline,
    )
