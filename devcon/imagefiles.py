"""The few files a reader needs of an image: from the local engine, or from registry layers.

A reader asks `Questions`: which files' content it keeps (every other file: its name and kind
only) and, for the registry, when the layers merged so far answer everything it asks.

Engine: a container is created from the image (never started) and each path is asked of it
through the engine API (a stat only, unless the content is wanted).
Registry: layers are streamed topmost first into a MergedFS, whiteouts honoured, and reading
stops as soon as the layers seen answer every question; a cap bounds what is downloaded
(compressed bytes) and another what the layers expand to (decompressed bytes: a small layer
can be a decompression bomb). Every layer read is checked against its digest.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import posixpath
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from devcon.engine import Engine, EngineError
from devcon.errors import InputError
from devcon.hints import Hint, hinted
from devcon.imagefs import MergedFS
from devcon.progress import Progress, Step, Unit, no_progress
from devcon.reference import Reference
from devcon.registry.client import Manifest, RegistryClient, platform_matches
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
# Go's os.FileMode bits in the engine's path stat
_MODE_DIR = 1 << 31
_MODE_SYMLINK = 1 << 27
_MODE_OTHER = (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19)  # devices, pipes...


@dataclass
class Lookup:
    """What a reader needs of a file tree. Every path is relative to the root (`etc/passwd`);
    symlinks (in any component) are followed."""

    exists: Callable[[str], bool]
    read: Callable[[str], bytes | None]  # content of a wanted file, else None
    resolve: Callable[[str], str | None]  # the path with links followed; None: not there
    list_names: Callable[[str, Callable[[str], bool]], list[str]]
    # "file", "dir", "symlink" (a hard link whose target is unseen) or "other", links followed;
    # None: not there
    kind: Callable[[str], str | None]


@dataclass(frozen=True)
class Questions:
    """What a reader asks of an image's files."""

    wanted: Callable[[str], bool]  # paths whose content is kept (the others: names only)
    # whether the layers merged so far answer every question (lower ones are then not read)
    answered: Callable[[Lookup], bool]


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

    def __init__(
        self,
        raw: Any,
        digest: str,
        budget: list[int],
        label: str,
        on_read: Callable[[], None] = lambda: None,
    ) -> None:
        self.raw = raw
        self.digest = digest
        self.hash = hashlib.sha256()
        self.count = 0
        self.budget = budget
        self.label = label
        self.on_read = on_read  # after each chunk read

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
        self.on_read()
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def finish(self) -> None:
        while self.readinto(bytearray(64 * 1024)):
            pass
        if "sha256:" + self.hash.hexdigest() != self.digest:
            raise DigestMismatch(f"{self.label}: layer {self.digest} has another digest: refused")


class _Expansion:
    """Counts the decompressed bytes of the layers read and stops past `decompressed_cap`."""

    def __init__(
        self, label: str, max_download: int, budget: list[int], progress: Progress = no_progress
    ) -> None:
        self.label = label
        self.max_download = max_download
        self.budget = budget
        self.total = 0
        self.digest = ""
        self.progress = progress

    def tell(self) -> None:
        """Tell `progress` the bytes downloaded so far of the download cap."""
        downloaded = self.max_download - self.budget[0]
        self.progress(Step(f"{self.label}: layers", downloaded, self.max_download, Unit.BYTES))

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


def merged_lookup(fs: MergedFS) -> Lookup:
    def kind(path: str) -> str | None:
        entry = fs.get(path)
        return entry.kind if entry is not None else None

    return Lookup(
        exists=fs.exists, read=fs.read, resolve=fs.resolve, list_names=fs.glob_names, kind=kind
    )


@dataclass(frozen=True)
class RegistryFiles:
    """What `registry_files` read of one platform of a registry image."""

    lookup: Lookup  # the layers read, merged
    config: dict[str, Any]  # the image config
    layers_read: int
    layers_total: int
    # the cap that stopped the reading before every question was answered (only when the
    # caller accepts a partial answer); None: every question answered or every layer read
    stopped: RegistryError | None = None


@dataclass(frozen=True)
class RegistryImage:
    """One platform's image in a registry: its manifest and its config."""

    manifest: Manifest
    config: dict[str, Any]


def registry_image(client: RegistryClient, ref: Reference, platform: str | None) -> RegistryImage:
    """The manifest and config of one platform of a registry image (an index's linux/amd64
    when no platform is given). PlatformUnavailable when the image lacks the platform."""
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
    if not top.is_index and platform is not None:
        have = f"{config.get('os')}/{config.get('architecture')}"
        if not platform_matches(platform, have):
            raise PlatformUnavailable(platform, [have])
    return RegistryImage(manifest, config)


def registry_files(
    client: RegistryClient,
    ref: Reference,
    label: str,
    image: RegistryImage,
    questions: Questions,
    max_download: int = DEFAULT_MAX_DOWNLOAD,
    partial: bool = False,
    progress: Progress = no_progress,
) -> RegistryFiles:
    """The files `questions` asks of a registry image (from `registry_image`): layers read
    topmost first until every question is answered (or every layer is read). A cap that
    stops the reading raises DownloadCapExceeded / DecompressedCapExceeded, or, with
    `partial`, ends the reading there (`stopped`). The RegistryError family for the rest.
    `progress` is told the bytes downloaded of `max_download` as they are read."""
    fs = MergedFS()
    lookup = merged_lookup(fs)
    budget = [max_download]
    expansion = _Expansion(label, max_download, budget, progress)
    layers = list(reversed(image.manifest.data.get("layers") or []))
    read = 0
    for layer in layers:
        try:
            _read_layer(client, ref, label, layer, fs, questions, budget, expansion, read)
        except (DownloadCapExceeded, DecompressedCapExceeded) as exc:
            if not partial:
                raise
            return RegistryFiles(lookup, image.config, read, len(layers), stopped=exc)
        read += 1
        if questions.answered(lookup):
            break
    return RegistryFiles(lookup, image.config, read, len(layers))


def _read_layer(
    client: RegistryClient,
    ref: Reference,
    label: str,
    layer: dict[str, Any],
    fs: MergedFS,
    questions: Questions,
    budget: list[int],
    expansion: _Expansion,
    read: int,
) -> None:
    digest = str(layer.get("digest"))
    media_type = str(layer.get("mediaType", ""))
    if "zstd" in media_type:
        raise RegistryError(f"{label}: zstd-compressed layers are not supported yet")
    size = layer.get("size")
    max_download = expansion.max_download
    if isinstance(size, int) and size > budget[0]:
        # refused before a byte of it is fetched
        raise DownloadCapExceeded(
            hinted(
                f"{label}: the files needed were not in the {read} layer(s) read, and "
                f"the next one ({digest}, {mib(size)}) is over what is left of the download "
                f"cap ({mib(budget[0])} of {mib(max_download)}); ",
                Hint.RAISE_MAX_DOWNLOAD,
            )
        )
    response = client.open_blob(ref, digest)
    expansion.digest = digest
    try:
        reader = _HashingReader(response.raw, digest, budget, label, expansion.tell)
        stream = io.BufferedReader(reader, 256 * 1024)
        try:
            fs.add_layer(stream, questions.wanted, MAX_FILE_BYTES, expansion.count)
        except tarfile.TarError as exc:
            raise RegistryError(f"{label}: layer {digest} is not a tar archive: {exc}") from None
        reader.finish()
    finally:
        response.close()


class _EngineFS:
    """Paths of a created container, asked one by one: a stat only (HEAD), the archive when
    the content is wanted."""

    def __init__(self, engine: Engine, container: Any, label: str, wanted: Callable[[str], bool]):
        self.engine = engine
        self.container = container
        self.label = label
        self.wanted = wanted
        self._stat: dict[str, dict[str, Any] | None] = {}
        self._data: dict[str, bytes | None] = {}

    def _fetch(self, path: str) -> dict[str, Any] | None:
        if path not in self._stat:
            self._stat[path] = self._head(path)
        return self._stat[path]

    def _head(self, path: str) -> dict[str, Any] | None:
        """The engine's stat of a path, without its content (HEAD .../archive)."""
        import requests

        api = self.engine.client.api
        try:
            url = api._url("/containers/{0}/archive", self.container.id)
            response = api.head(url, params={"path": "/" + path})
        except requests.RequestException as exc:
            raise EngineError(f"{self.label}: reading /{path}: {exc}") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise EngineError(
                f"{self.label}: reading /{path}: the engine answered HTTP {response.status_code}"
            )
        header = response.headers.get("X-Docker-Container-Path-Stat", "")
        try:
            stat = json.loads(base64.b64decode(header))
        except ValueError:
            raise EngineError(f"{self.label}: reading /{path}: an unreadable stat") from None
        return stat if isinstance(stat, dict) else None

    def _archive(self, path: str) -> bytes | None:
        """The content of the regular file at `path` (no link in its last component)."""
        import docker.errors

        try:
            bits, _ = self.container.get_archive("/" + path)
            payload = self._bounded(path, bits)
        except docker.errors.NotFound:
            return None
        except docker.errors.APIError as exc:
            raise EngineError(f"reading /{path}: {exc.explanation or exc}") from None
        try:
            with tarfile.open(fileobj=io.BytesIO(payload)) as archive:
                member = next(iter(archive.getmembers()), None)
                if member is None or not member.isfile():
                    return None
                handle = archive.extractfile(member)
                return handle.read() if handle else None
        except tarfile.TarError as exc:
            raise EngineError(f"{self.label}: reading /{path}: {exc}") from None

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
        # a link only when its mode says so: podman sets linkTarget on every path (a regular
        # file's is its own path); Docker only on links
        mode = stat.get("mode")
        link = stat.get("linkTarget") or ""
        if link and isinstance(mode, int) and mode & _MODE_SYMLINK:
            target = link if link.startswith("/") else posixpath.join(posixpath.dirname(path), link)
            return self.resolve(posixpath.normpath(target).lstrip("/"), depth + 1)
        return path

    def exists(self, path: str) -> bool:
        return self.resolve(path) is not None

    def read(self, path: str) -> bytes | None:
        resolved = self.resolve(path)
        if resolved is None or not (self.wanted(path) or self.wanted(resolved)):
            return None
        if self.kind(resolved) != "file":
            return None
        if resolved not in self._data:
            self._data[resolved] = self._archive(resolved)
        return self._data[resolved]

    def kind(self, path: str) -> str | None:
        resolved = self.resolve(path)
        stat = self._stat.get(resolved) if resolved is not None else None
        if stat is None:
            return None
        mode = stat.get("mode")
        if not isinstance(mode, int):
            return "other"
        if mode & _MODE_DIR:
            return "dir"
        if mode & _MODE_OTHER:
            return "other"
        return "symlink" if mode & _MODE_SYMLINK else "file"

    def list_names(self, folder: str, predicate: Callable[[str], bool]) -> list[str]:
        """The names of the folder a reader can ask for (the musl loaders): the engine lists
        no folder, so each candidate is asked."""
        names = [f"ld-musl-{arch}.so.1" for arch in MUSL_ARCHES]
        return [f"{folder}/{n}" for n in names if predicate(n) and self.exists(f"{folder}/{n}")]


def engine_image(engine: Engine, name: str) -> Any | None:
    """The engine's image `name`, or None when the engine lacks it or cannot be reached."""
    try:
        return engine.image(name)
    except (InputError, EngineError):
        return None


@contextlib.contextmanager
def engine_files(engine: Engine, image: Any, label: str, questions: Questions) -> Iterator[Lookup]:
    """The files of an engine image (from `Engine.image`), read from a container created
    from it and never started (removed on exit). EngineError when the engine fails."""
    import docker.errors

    try:
        container = engine.client.containers.create(image.id, command=["/devcon-never-runs"])
    except docker.errors.APIError as exc:
        raise EngineError(
            f"cannot create a container from {label}: {exc.explanation or exc}"
        ) from None
    try:
        fs = _EngineFS(engine, container, label, questions.wanted)
        yield Lookup(
            exists=fs.exists,
            read=fs.read,
            resolve=fs.resolve,
            list_names=fs.list_names,
            kind=fs.kind,
        )
    finally:
        with contextlib.suppress(docker.errors.APIError):
            container.remove(force=True)
