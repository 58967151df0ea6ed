"""untrusted-registry: an image from a registry not listed in `trusted-registries`."""

from __future__ import annotations

from collections.abc import Sequence

from devcon.images import ImageUse
from devcon.output_safety import bounded_join
from devcon.reference import DOCKER_HUB, Reference
from devcon.rules._image_rule import image_rule
from devcon.rules.base import Category, RuleDoc, RuleOptions

_HUB_NAMES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"})


def _split(entry: str) -> tuple[str, str]:
    """A trusted-registries entry as (registry host, repository prefix or "")."""
    host, _, prefix = entry.strip().strip("/").partition("/")
    host = host.lower()
    return (DOCKER_HUB if host in _HUB_NAMES else host), prefix.strip("/")


def is_trusted(ref: Reference, entries: Sequence[str]) -> bool:
    """True when an entry names the reference's registry, or a repository prefix of it."""
    for entry in entries:
        host, prefix = _split(entry)
        if ref.registry.lower() != host:
            continue
        if not prefix:
            return True
        prefixes = [prefix]
        if host == DOCKER_HUB and "/" not in prefix:
            prefixes.append(f"library/{prefix}")  # docker.io/python: the official image too
        if any(ref.repository == p or ref.repository.startswith(p + "/") for p in prefixes):
            return True
    return False


def _registry_name(ref: Reference) -> str:
    return "Docker Hub (docker.io)" if ref.registry == DOCKER_HUB else ref.registry


def _verdict(use: ImageUse, options: RuleOptions) -> str | None:
    trusted = options.trusted_registries
    ref = use.reference
    if trusted is None or ref is None or is_trusted(ref, trusted):
        return None
    listed = bounded_join(trusted)
    return (
        f"comes from {_registry_name(ref)}, which is not in trusted-registries ({listed}); "
        "use a copy in a trusted registry, or add this registry to `trusted-registries`"
    )


_DOC = RuleDoc(
    what=(
        "Only when `trusted-registries` is set in devcon's configuration: reports images "
        "(devcontainer.json `image`, Dockerfile `FROM`, `COPY --from=<image>`, "
        "`RUN --mount=from=<image>`, compose `image:`) whose registry is not listed. "
        "Images without a registry host come from Docker Hub, listed as `docker.io`. An "
        "entry may add a repository prefix: `ghcr.io/myorg` trusts `ghcr.io/myorg/...` "
        "only; `docker.io/library` trusts Docker Hub's official images only. Stage aliases, "
        "`scratch` and references built from unresolved variables are not reported."
    ),
    why=(
        "Organisations often allow only registries they control or vet (a mirror, a vendor "
        "registry). An image from elsewhere bypasses that review and may vanish or change."
    ),
    example=(
        '# .devcon.toml: trusted-registries = ["mcr.microsoft.com", "ghcr.io/myorg"]\n'
        "FROM python:3.12\nFROM ghcr.io/someone-else/tool:1"
    ),
    fix=(
        "Pull the image through a trusted registry (e.g. "
        "`mcr.microsoft.com/devcontainers/python:3.12`, or your mirror), or add its "
        "registry to `trusted-registries` if it is acceptable."
    ),
)

RULE = image_rule(
    "untrusted-registry",
    Category.SECURITY,
    "image from a registry not listed in trusted-registries",
    _DOC,
    verdict=_verdict,
)
