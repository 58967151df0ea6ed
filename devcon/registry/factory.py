"""Building a RegistryClient from plain settings (CLI options and config)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devcon.reference import DOCKER_HUB
from devcon.registry.auth import CredentialStore
from devcon.registry.cache import ContentCache, default_cache_dir
from devcon.registry.client import RegistryClient, new_session


@dataclass(frozen=True)
class RegistrySettings:
    insecure_registries: frozenset[str] = frozenset()
    registry_mirror: str | None = None  # serves Docker Hub references, as dockerd's mirrors do
    offline: bool = False
    cache_dir: Path | None = None  # None: $XDG_CACHE_HOME/devcon
    use_cache: bool = True
    timeout: float = 10.0
    retries: int = 3


def make_client(settings: RegistrySettings) -> RegistryClient:
    cache = ContentCache(settings.cache_dir or default_cache_dir()) if settings.use_cache else None
    mirrors = {DOCKER_HUB: settings.registry_mirror} if settings.registry_mirror else {}
    return RegistryClient(
        session=new_session(),
        credentials=CredentialStore(),
        cache=cache,
        insecure_registries=settings.insecure_registries,
        mirrors=mirrors,
        timeout=settings.timeout,
        retries=settings.retries,
        offline=settings.offline,
    )
