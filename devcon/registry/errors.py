"""Registry errors: everything the network can do wrong becomes one of these (exit 3), and
the one answer that is not the environment's fault (`PlatformMissing`)."""

from __future__ import annotations

from devcon.errors import EXIT_USAGE, DevconError, EnvironmentProblem


class RegistryError(EnvironmentProblem):
    """A registry could not answer as needed."""


class RegistryUnavailable(RegistryError):
    """Connection refused, timeouts, TLS failures, 5xx/429 after retries, truncated bodies."""


class AuthenticationError(RegistryError):
    """The registry refused the credentials (or anonymous access)."""


class NotFound(RegistryError):
    """The repository, tag or digest does not exist."""


class DigestMismatch(RegistryError):
    """A body whose sha256 is not the digest the registry (or the reference) claims."""


class InsecureRefused(RegistryError):
    """A request devcon refuses to make (credentials over plain http to another host...)."""


class MalformedManifest(RegistryError):
    """A manifest, index or image config whose shape is not the one the OCI spec gives it."""


class PlatformMissing(DevconError):
    """The image exists but has no manifest for the platform asked (a single-platform image
    of another platform, or an index without it). An answer, not an environment problem: a
    retry gives the same (pin reports the reference as skipped; exit 2 if it escapes)."""

    exit_code = EXIT_USAGE
