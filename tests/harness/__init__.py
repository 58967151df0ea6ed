"""Real-component test harness: a private Docker Engine, a private OCI registry and
busybox rootfs tarballs, all on loopback and temporary directories.

Plain helpers (no pytest); the fixtures live in ``tests/conftest.py``.
"""

from __future__ import annotations


class HarnessError(RuntimeError):
    """A real component (dockerd, registry, docker CLI) failed to start or misbehaved."""


# Imported after HarnessError: the submodules import it from this package.
from .engine import (  # noqa: E402
    BaseImage,
    BuildImage,
    BuiltImage,
    DockerCLIError,
    DockerEngine,
    start_engine,
)
from .registry import (  # noqa: E402
    MANIFEST_ACCEPT,
    AccessLogEntry,
    Manifest,
    Registry,
    start_registry,
)
from .rootfs import (  # noqa: E402
    Dir,
    File,
    Symlink,
    fake_glibc,
    fake_musl,
    make_rootfs_tar,
    os_release,
)

__all__ = [
    "MANIFEST_ACCEPT",
    "AccessLogEntry",
    "BaseImage",
    "BuildImage",
    "BuiltImage",
    "Dir",
    "DockerCLIError",
    "DockerEngine",
    "File",
    "HarnessError",
    "Manifest",
    "Registry",
    "Symlink",
    "fake_glibc",
    "fake_musl",
    "make_rootfs_tar",
    "os_release",
    "start_engine",
    "start_registry",
]
