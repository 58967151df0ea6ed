"""A private OCI registry (Debian ``docker-registry``, i.e. distribution 2.x).

Listens on ``127.0.0.1:<free port>`` over plain HTTP, stores blobs under a temporary
directory, allows deletion. distribution writes its HTTP access log (Apache combined
format) to *stdout* and its application log to *stderr*; the harness captures them to
``access.log`` and ``registry.log`` in the temp dir. :meth:`Registry.access_log`
parses the former, e.g. to count which blobs a command fetched::

    mark = registry.mark()
    ...  # run something that pulls
    fetched = registry.blob_fetches(since=mark)
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from . import HarnessError
from .engine import end_process, log_tail

#: Accept header covering single-platform manifests and indexes (Docker and OCI).
MANIFEST_ACCEPT = ", ".join(
    (
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    )
)

_SYNC_PATH = "/v2/"
_SYNC_QUERY = "devcon-harness-sync="

# 127.0.0.1 - - [24/Nov/2026:10:57:17 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
_COMBINED = re.compile(
    r"^(?P<remote>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "
    r'"(?P<method>[A-Z]+) (?P<uri>\S+) (?P<proto>[^"]+)" '
    r"(?P<status>\d{3}) (?P<size>\d+|-)"
    r'(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)")?'
)
_BLOB_PATH = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>[a-z0-9]+:[a-f0-9]+)$")
_MANIFEST_PATH = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<ref>[^/]+)$")


@dataclass(frozen=True)
class AccessLogEntry:
    """One parsed access-log line."""

    method: str
    uri: str
    status: int
    size: int
    user_agent: str
    raw: str

    @property
    def path(self) -> str:
        return self.uri.split("?", 1)[0]

    @property
    def blob(self) -> tuple[str, str] | None:
        """``(repository, digest)`` if this is a ``/v2/<name>/blobs/<digest>`` request."""
        m = _BLOB_PATH.match(self.path)
        return (m["name"], m["digest"]) if m else None

    @property
    def manifest(self) -> tuple[str, str] | None:
        """``(repository, tag-or-digest)`` for a manifest request."""
        m = _MANIFEST_PATH.match(self.path)
        return (m["name"], m["ref"]) if m else None


def parse_access_line(line: str) -> AccessLogEntry | None:
    m = _COMBINED.match(line)
    if not m:
        return None
    size = m["size"]
    return AccessLogEntry(
        method=m["method"],
        uri=m["uri"],
        status=int(m["status"]),
        size=0 if size == "-" else int(size),
        user_agent=m["agent"] or "",
        raw=line,
    )


@dataclass(frozen=True)
class Manifest:
    digest: str
    media_type: str
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(addr: str, path: str, timeout: float = 2.0) -> int | None:
    """Status of ``GET http://addr/path`` or None when nothing answers."""
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return None
    finally:
        conn.close()


@dataclass
class Registry:
    """A running registry. Create with :func:`start_registry`; call :meth:`stop`."""

    root: Path
    addr: str
    config_path: Path
    storage_root: Path
    access_log_path: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    startup_seconds: float = 0.0
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``"""
        return f"http://{self.addr}"

    @property
    def host(self) -> str:
        """Same as :attr:`addr` — the prefix of image references (``HOST/name:tag``)."""
        return self.addr

    def ref(self, name: str) -> str:
        """``127.0.0.1:PORT/<name>`` for a repository[:tag|@digest]."""
        return f"{self.addr}/{name}"

    # --- access log ---------------------------------------------------------------------
    def mark(self) -> int:
        """A position in the access log; pass to ``since=`` to see only later requests."""
        self.sync()
        try:
            return self.access_log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def sync(self, timeout: float = 5.0) -> None:
        """Wait until every request answered so far has been written to the access log.

        distribution writes a log line after the handler returns, so a client can see
        its response a moment before the line appears. A sentinel request, whose line
        is awaited, orders the log.
        """
        token = uuid.uuid4().hex
        _get(self.addr, f"{_SYNC_PATH}?{_SYNC_QUERY}{token}")
        deadline = time.monotonic() + timeout
        needle = token.encode()
        while time.monotonic() < deadline:
            with contextlib.suppress(FileNotFoundError):
                if needle in self.access_log_path.read_bytes():
                    time.sleep(0.02)  # let concurrent handlers finish their lines
                    return
            time.sleep(0.02)
        raise HarnessError(f"registry access log did not record the sync request {token}")

    def access_log_lines(self, since: int = 0) -> list[str]:
        """Raw access-log lines written after position ``since`` (sync requests removed)."""
        self.sync()
        with self.access_log_path.open("rb") as fh:
            fh.seek(since)
            text = fh.read().decode(errors="replace")
        return [line for line in text.splitlines() if line and _SYNC_QUERY not in line]

    def access_log(self, since: int = 0) -> list[AccessLogEntry]:
        """Parsed access-log entries after ``since`` (unparseable lines dropped)."""
        entries = (parse_access_line(line) for line in self.access_log_lines(since))
        return [e for e in entries if e is not None]

    def blob_fetches(self, since: int = 0, repository: str | None = None) -> list[str]:
        """Digests of blobs downloaded (successful ``GET …/blobs/<digest>``), in order."""
        out: list[str] = []
        for entry in self.access_log(since):
            blob = entry.blob
            if (
                blob
                and entry.method == "GET"
                and 200 <= entry.status < 400
                and (repository is None or blob[0] == repository)
            ):
                out.append(blob[1])
        return out

    # --- HTTP helpers -------------------------------------------------------------------
    def manifest(self, name: str, reference: str, accept: str = MANIFEST_ACCEPT) -> Manifest:
        """GET a manifest; checks that Docker-Content-Digest matches the body."""
        resp = requests.get(
            f"{self.url}/v2/{name}/manifests/{reference}", headers={"Accept": accept}, timeout=30
        )
        if resp.status_code != 200:
            raise HarnessError(f"GET manifest {name}:{reference}: {resp.status_code} {resp.text}")
        digest = "sha256:" + hashlib.sha256(resp.content).hexdigest()
        header = resp.headers.get("Docker-Content-Digest")
        if header and header != digest:
            raise HarnessError(f"Docker-Content-Digest {header} != sha256 of body {digest}")
        return Manifest(digest, resp.headers.get("Content-Type", ""), resp.content)

    def tags(self, name: str) -> list[str]:
        resp = requests.get(f"{self.url}/v2/{name}/tags/list", timeout=30)
        if resp.status_code == 404:
            return []
        resp.raise_for_status()
        tags: list[str] = resp.json().get("tags") or []
        return tags

    # --- lifecycle ----------------------------------------------------------------------
    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log_path, lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10) -> None:
        if self._stopped:
            return
        self._stopped = True
        end_process(self.process, timeout, group=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _config_yaml(storage: Path, addr: str, extra: Mapping[str, Any] | None) -> str:
    import yaml

    config: dict[str, Any] = {
        "version": 0.1,
        "log": {"level": "info", "formatter": "text", "accesslog": {"disabled": False}},
        "storage": {
            "filesystem": {"rootdirectory": str(storage)},
            "delete": {"enabled": True},
            "maintenance": {"uploadpurging": {"enabled": False}},
        },
        "http": {"addr": addr, "headers": {"X-Content-Type-Options": ["nosniff"]}},
    }
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return str(yaml.safe_dump(config, sort_keys=False))


def start_registry(timeout: float = 30, extra_config: Mapping[str, Any] | None = None) -> Registry:
    """Start ``docker-registry serve`` on a free loopback port; wait for ``GET /v2/``.

    ``extra_config`` is merged (one level deep) into the generated config.yml.
    Raises :class:`HarnessError` with the registry log tail if it does not come up.
    """
    binary = os.environ.get("DEVCON_TEST_REGISTRY") or shutil.which("docker-registry")
    if not binary:
        raise HarnessError("docker-registry not found (install the Debian package docker-registry)")

    started = time.monotonic()
    failures: list[str] = []
    for _attempt in range(3):  # a free port can be taken between probing and binding
        root = Path(tempfile.mkdtemp(prefix="dc-reg-", dir="/tmp"))
        storage = root / "storage"
        storage.mkdir()
        addr = f"127.0.0.1:{_free_port()}"
        config_path = root / "config.yml"
        config_path.write_text(_config_yaml(storage, addr, extra_config))
        access_log_path, log_path = root / "access.log", root / "registry.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        with access_log_path.open("wb") as out, log_path.open("wb") as err:
            process = subprocess.Popen(
                [binary, "serve", str(config_path)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
                env=env,
            )
        registry = Registry(
            root=root,
            addr=addr,
            config_path=config_path,
            storage_root=storage,
            access_log_path=access_log_path,
            log_path=log_path,
            process=process,
        )
        deadline = time.monotonic() + timeout
        reason = ""
        while True:
            if process.poll() is not None:
                reason = f"docker-registry exited with status {process.returncode}"
                break
            if _get(addr, "/v2/") in (200, 401):  # 401: up, with auth configured
                registry.startup_seconds = time.monotonic() - started
                return registry
            if time.monotonic() > deadline:
                reason = f"docker-registry did not answer GET /v2/ within {timeout:.0f}s"
                break
            time.sleep(0.05)
        tail = registry.log_tail() or "(empty)"
        registry.stop()
        failures.append(f"{reason} on {addr}\n--- registry log (tail) ---\n{tail}")
        if "address already in use" not in tail:
            break
    raise HarnessError("could not start the registry:\n" + "\n".join(failures))
