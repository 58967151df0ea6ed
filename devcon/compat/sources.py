"""Reading the few files compat needs: from the local engine, or from registry layers.

Engine: a container is created (never started) and files are read with `get_archive`.
Registry: layers are streamed topmost first into a MergedFS, whiteouts honoured, and reading
stops as soon as the layers seen answer every question; a cap bounds what is downloaded
(compressed bytes) and another what the layers expand to (decompressed bytes: a small layer
can be a decompression bomb). Every layer read is checked against its digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import posixpath
import tarfile
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from devcon.compat.facts import ARCH_NAMES, ImageInfo, Lookup, answered, gather, wanted_content
from devcon.engine import Engine, EngineError
from devcon.errors import InputError
from devcon.hints import Hint, hinted
from devcon.imagefs import MergedFS
from devcon.reference import Reference
from devcon.registry.client import RegistryClient, platform_matches
from devcon.registry.errors import DigestMismatch, RegistryError
from devcon.registry.transport import is_loopback

MUSL_ARCHES = ("x86_64", "aarch64", "armhf", "armv7", "x86", "s390x", "ppc64le", "riscv64")
DEFAULT_MAX_DOWNLOAD = 1024 * 1024 * 1024  # 1 GiB of compressed layers at most
MAX_FILE_BYTES = 32 * 1024 * 1024
# Decompressed bytes of the layers read, in all: a quarter of the download cap, plus this many
# times the compressed bytes downloaded so far (image layers expand 2 to 10 times; a layer
# that expands more than that past the allowance is refused as a decompression bomb).
EXPANSION_RATIO = 64
# What is read from the engine for one path (its uncompressed tar archive): one kept file and
# its headers.
ENGINE_ARCHIVE_CAP = MAX_FILE_BYTES + 1024 * 1024


def decompressed_cap(max_download: int, downloaded: int) -> int:
    """The decompressed bytes allowed once `downloaded` compressed bytes have been read."""
    return max_download // 4 + EXPANSION_RATIO * downloaded


class PlatformUnavailable(Exception):
    def __init__(self, platform: str, available: list[str]) -> None:
        super().__init__(platform)
        self.platform = platform
        self.available = available


class DownloadCapExceeded(RegistryError):
    """Reading an image's layers would download more than the request's max_download allows."""


class DecompressedCapExceeded(RegistryError):
    """An image's layers expand to more than `decompressed_cap` allows."""


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def engine_is_local() -> bool:
    """Whether the Docker Engine (DOCKER_HOST, else the default socket) is reached without
    the network: a unix socket, a named pipe, or a loopback address."""
    host = os.environ.get("DOCKER_HOST", "")
    if not host or host.startswith(("unix://", "npipe://")):
        return True
    try:
        name = urlsplit(host if "://" in host else f"tcp://{host}").hostname
    except ValueError:
        return False
    return name is not None and is_loopback(name)


class _HashingReader(io.RawIOBase):
    """Reads a blob stream, hashing and counting it, and refusing to go past a cap."""

    def __init__(self, raw: Any, digest: str, budget: list[int], label: str) -> None:
        self.raw = raw
        self.digest = digest
        self.hash = hashlib.sha256()
        self.count = 0
        self.budget = budget
        self.label = label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.raw.read(len(buffer))
        if not chunk:
            return 0
        self.hash.update(chunk)
        self.count += len(chunk)
        self.budget[0] -= len(chunk)
        if self.budget[0] < 0:
            raise DownloadCapExceeded(
                hinted(
                    f"{self.label}: layer {self.digest} went over the download cap; ",
                    Hint.RAISE_MAX_DOWNLOAD,
                )
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def finish(self) -> None:
        while self.readinto(bytearray(64 * 1024)):
            pass
        if "sha256:" + self.hash.hexdigest() != self.digest:
            raise DigestMismatch(f"{self.label}: layer {self.digest} has another digest: refused")


class _Expansion:
    """Counts the decompressed bytes of the layers read and stops past `decompressed_cap`."""

    def __init__(self, label: str, max_download: int, budget: list[int]) -> None:
        self.label = label
        self.max_download = max_download
        self.budget = budget
        self.total = 0
        self.digest = ""

    def count(self, size: int) -> None:
        self.total += size
        downloaded = self.max_download - self.budget[0]
        cap = decompressed_cap(self.max_download, downloaded)
        if self.total > cap:
            raise DecompressedCapExceeded(
                hinted(
                    f"{self.label}: layer {self.digest} went over the decompressed cap "
                    f"({mib(cap)}: a quarter of the {mib(self.max_download)} download allowance "
                    f"plus {EXPANSION_RATIO} times the {mib(downloaded)} downloaded): refused "
                    "as a possible decompression bomb; ",
                    Hint.RAISE_MAX_DOWNLOAD,
                )
            )


def _merged_lookup(fs: MergedFS) -> Lookup:
    return Lookup(
        exists=fs.exists,
        read=fs.read,
        resolve=fs.resolve,
        list_names=fs.glob_names,
    )


def from_registry(
    client: RegistryClient,
    ref: Reference,
    label: str,
    platform: str | None,
    max_download: int = DEFAULT_MAX_DOWNLOAD,
) -> tuple[ImageInfo, int]:
    """(facts, layers read) for one platform of a registry image."""
    top = client.manifest(ref, ref.manifest_ref())
    manifest = top
    if top.is_index:
        entries = top.platforms()
        wanted = platform or "linux/amd64"
        chosen = next((e for n, e in entries if platform_matches(wanted, n)), None)
        if chosen is None:
            raise PlatformUnavailable(wanted, [n for n, _ in entries])
        manifest = client.manifest(ref, str(chosen["digest"]))
    config = client.config(ref, manifest)
    arch = ARCH_NAMES.get(str(config.get("architecture", "")), config.get("architecture"))
    if not top.is_index and platform is not None:
        have = f"{config.get('os')}/{config.get('architecture')}"
        if not platform_matches(platform, have):
            raise PlatformUnavailable(platform, [have])
    fs = MergedFS()
    lookup = _merged_lookup(fs)
    budget = [max_download]
    expansion = _Expansion(label, max_download, budget)
    read = 0
    for layer in reversed(manifest.data.get("layers") or []):
        digest = str(layer.get("digest"))
        media_type = str(layer.get("mediaType", ""))
        if "zstd" in media_type:
            raise RegistryError(f"{label}: zstd-compressed layers are not supported yet")
        size = layer.get("size")
        if isinstance(size, int) and size > budget[0]:
            # refused before a byte of it is fetched
            raise DownloadCapExceeded(
                hinted(
                    f"{label}: the files compat needs were not in the {read} layer(s) read, and "
                    f"the next one ({digest}, {mib(size)}) is over what is left of the download "
                    f"cap ({mib(budget[0])} of {mib(max_download)}); ",
                    Hint.RAISE_MAX_DOWNLOAD,
                )
            )
        response = client.open_blob(ref, digest)
        expansion.digest = digest
        try:
            reader = _HashingReader(response.raw, digest, budget, label)
            stream = io.BufferedReader(reader, 256 * 1024)
            try:
                fs.add_layer(stream, wanted_content, MAX_FILE_BYTES, expansion.count)
            except tarfile.TarError as exc:
                raise RegistryError(
                    f"{label}: layer {digest} is not a tar archive: {exc}"
                ) from None
            reader.finish()
        finally:
            response.close()
        read += 1
        if answered(lookup):
            break
    return gather(label, "registry", arch, lookup), read


class _EngineFS:
    def __init__(self, container: Any, label: str) -> None:
        self.container = container
        self.label = label
        self._stat: dict[str, dict[str, Any] | None] = {}
        self._data: dict[str, bytes | None] = {}

    def _fetch(self, path: str) -> dict[str, Any] | None:
        import docker.errors

        if path not in self._stat:
            try:
                bits, stat = self.container.get_archive("/" + path)
                payload = self._bounded(path, bits)
            except docker.errors.NotFound:
                self._stat[path] = None
                return None
            except docker.errors.APIError as exc:
                raise EngineError(f"reading /{path}: {exc.explanation or exc}") from None
            self._stat[path] = stat
            data = None
            if wanted_content(path) and not stat.get("linkTarget"):
                with tarfile.open(fileobj=io.BytesIO(payload)) as archive:
                    member = next(iter(archive.getmembers()), None)
                    if member is not None and member.isfile():
                        handle = archive.extractfile(member)
                        data = handle.read() if handle else None
            self._data[path] = data
        return self._stat[path]

    def _bounded(self, path: str, bits: Any) -> bytes:
        """The archive's bytes, stopping past ENGINE_ARCHIVE_CAP (EngineError)."""
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in bits:
                size += len(chunk)
                if size > ENGINE_ARCHIVE_CAP:
                    raise EngineError(
                        f"{self.label}: /{path} from the local engine went over the "
                        f"decompressed cap of what is read for one file "
                        f"({mib(ENGINE_ARCHIVE_CAP)}): refused"
                    )
                chunks.append(chunk)
        finally:
            close = getattr(bits, "close", None)
            if close is not None:
                close()
        return b"".join(chunks)

    def resolve(self, path: str, depth: int = 0) -> str | None:
        stat = self._fetch(path)
        if stat is None or depth > 20:
            return None
        link = stat.get("linkTarget") or ""
        if link:
            target = link if link.startswith("/") else posixpath.join(posixpath.dirname(path), link)
            return self.resolve(posixpath.normpath(target).lstrip("/"), depth + 1)
        return path

    def exists(self, path: str) -> bool:
        return self.resolve(path) is not None

    def read(self, path: str) -> bytes | None:
        resolved = self.resolve(path)
        return self._data.get(resolved) if resolved is not None else None

    def list_names(self, folder: str, predicate: Callable[[str], bool]) -> list[str]:
        names = [f"ld-musl-{arch}.so.1" for arch in MUSL_ARCHES]
        return [f"{folder}/{n}" for n in names if predicate(n) and self.exists(f"{folder}/{n}")]


def engine_image(engine: Engine, name: str) -> Any | None:
    """The engine's image `name`, or None when the engine lacks it or cannot be reached."""
    try:
        return engine.image(name)
    except (InputError, EngineError):
        return None


def from_engine(engine: Engine, image: Any, label: str) -> ImageInfo:
    """Facts of an engine image (from `Engine.image`), read from a container created from it
    and never started."""
    import docker.errors

    arch = ARCH_NAMES.get(str(image.attrs.get("Architecture", "")), None)
    try:
        container = engine.client.containers.create(image.id, command=["/devcon-never-runs"])
    except docker.errors.APIError as exc:
        raise EngineError(
            f"cannot create a container from {label}: {exc.explanation or exc}"
        ) from None
    try:
        fs = _EngineFS(container, label)
        lookup = Lookup(
            exists=fs.exists, read=fs.read, resolve=fs.resolve, list_names=fs.list_names
        )
        return gather(label, "engine", arch, lookup)
    finally:
        with contextlib.suppress(docker.errors.APIError):
            container.remove(force=True)
