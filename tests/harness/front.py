"""A small HTTP front for the real registry, on loopback.

It forwards every request to the real `docker-registry` and can, per test:
- add a fixed delay to each request (the pin benchmark's slow network);
- demand Bearer tokens it issues itself at `/token` for Basic credentials (a token-auth front);
- inject faults a real registry will not produce on demand: a hang (timeout), HTTP 500,
  429 with Retry-After, a truncated body, a body whose digest is not the one claimed;
  and (tests/integration/test_registry_faults.py) any status with or without a challenge
  or Retry-After, a 401 whatever the token, connection resets, headers or a body dripped
  a byte at a time, a huge body, a fixed body per path (malformed JSON, wrong media type),
  a HEAD that lies about the digest, a GET whose body is not the digest asked, redirects.
It counts the requests it served, the bytes of bodies it sent and the Authorization
headers it was sent.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class FrontConfig:
    delay: float = 0.0
    users: dict[str, str] | None = None  # token auth: username -> password
    # "hang", "500", "429", "truncate", "lie"; and "status" (answer `status` with
    # `fault_headers`), "401-loop" (401 even with a token it issued), "reset", "drip-headers",
    # "drip-body", "huge", "serve" (`bodies`), "lying-head", "mismatch", "redirect"
    fault: str | None = None
    fault_paths: str = "/manifests/"  # faults apply to paths containing this
    fault_methods: frozenset[str] = frozenset({"GET", "HEAD"})
    status: int = 500
    fault_headers: dict[str, str] = field(default_factory=dict)
    drip_interval: float = 0.1  # seconds between two dripped bytes (for hang_seconds at most)
    huge_bytes: int = 256 * 1024 * 1024
    huge_length: bool = False  # send a (true) Content-Length with the huge body
    bodies: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path part -> body, type
    redirect_to: str = ""  # "redirect": Location is this + the request path
    authorizations: list[str] = field(default_factory=list)  # Authorization headers received
    fault_times: int | None = None  # only the first N matching requests fail (None: all)
    retry_after: int = 1
    hang_seconds: float = 5.0
    tokens: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    token_requests: int = 0
    bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class RegistryFront:
    def __init__(self, upstream: str, config: FrontConfig | None = None) -> None:
        self.upstream = upstream
        self.config = config or FrontConfig()
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                front._handle(self, "GET")

            def do_HEAD(self) -> None:
                front._handle(self, "HEAD")

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default listen backlog (5) drops parallel connects

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def addr(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    @property
    def request_count(self) -> int:
        with self.config.lock:
            return len(self.config.requests)

    def reset_counts(self) -> None:
        with self.config.lock:
            self.config.requests.clear()
            self.config.token_requests = 0
            self.config.bytes_sent = 0

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # -- handling ----------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        cfg = self.config
        with cfg.lock:
            cfg.requests.append(f"{method} {handler.path}")
            if handler.headers.get("Authorization"):
                cfg.authorizations.append(handler.headers["Authorization"])
        if cfg.delay:
            time.sleep(cfg.delay)
        path = urlparse(handler.path).path
        if path == "/token":
            self._token(handler)
            return
        if cfg.fault == "401-loop" and cfg.fault_paths in path:
            realm = f"http://{self.addr}/token"
            challenge = f'Bearer realm="{realm}",service="devcon-test",scope="repository:x:pull"'
            self._send(handler, method, 401, {"WWW-Authenticate": challenge}, b'{"errors":[]}')
            return
        if cfg.users is not None and not self._authorized(handler):
            realm = f"http://{self.addr}/token"
            challenge = f'Bearer realm="{realm}",service="devcon-test",scope="repository:x:pull"'
            self._send(handler, method, 401, {"WWW-Authenticate": challenge}, b'{"errors":[]}')
            return
        if cfg.fault and cfg.fault_paths in path and method in cfg.fault_methods:
            with cfg.lock:
                active = cfg.fault_times is None or cfg.fault_times > 0
                if active and cfg.fault_times is not None:
                    cfg.fault_times -= 1
            if active and self._fault(handler, method, path):
                return
        status, headers, body = self._forward(handler, method)
        self._send(handler, method, status, headers, body)

    def _authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        value = handler.headers.get("Authorization", "")
        return value.startswith("Bearer ") and value[7:] in self.config.tokens

    def _token(self, handler: BaseHTTPRequestHandler) -> None:
        cfg = self.config
        with cfg.lock:
            cfg.token_requests += 1
        value = handler.headers.get("Authorization", "")
        ok = False
        if value.startswith("Basic ") and cfg.users is not None:
            user, _, password = base64.b64decode(value[6:]).decode().partition(":")
            ok = cfg.users.get(user) == password
        query = parse_qs(urlparse(handler.path).query)
        if not ok or not query.get("scope"):
            self._send(handler, "GET", 401, {}, b'{"details":"bad credentials"}')
            return
        token = secrets.token_hex(16)
        with cfg.lock:
            cfg.tokens.add(token)
        body = json.dumps({"token": token, "expires_in": 300}).encode()
        self._send(handler, "GET", 200, {"Content-Type": "application/json"}, body)

    def _fault(self, handler: BaseHTTPRequestHandler, method: str, path: str) -> bool:
        cfg = self.config
        if cfg.fault == "hang":
            time.sleep(cfg.hang_seconds)
            self._send(handler, method, 503, {}, b"")
            return True
        if cfg.fault == "500":
            self._send(handler, method, 500, {}, b"internal error")
            return True
        if cfg.fault == "429":
            self._send(handler, method, 429, {"Retry-After": str(cfg.retry_after)}, b"slow down")
            return True
        if self._new_fault(handler, method, path):
            return True
        status, headers, body = self._forward(handler, method)
        if cfg.fault == "truncate":
            headers.pop("Docker-Content-Digest", None)
            if method == "HEAD":
                self._send(handler, method, status, headers, body)
                return True
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return True
        if cfg.fault == "lie":
            headers.pop("Docker-Content-Digest", None) if method == "HEAD" else None
            if method == "GET" and body:
                claimed = headers.get("Docker-Content-Digest")
                doctored = body.replace(b'"schemaVersion": 2', b'"schemaVersion":2 ', 1)
                if doctored == body:
                    doctored = body + b" "
                body = doctored
                if claimed is None:
                    headers["Docker-Content-Digest"] = "sha256:" + hashlib.sha256(b"x").hexdigest()
            self._send(handler, method, status, headers, body)
            return True
        return False

    def _new_fault(self, handler: BaseHTTPRequestHandler, method: str, path: str) -> bool:
        cfg = self.config
        if cfg.fault == "status":
            self._send(handler, method, cfg.status, dict(cfg.fault_headers), b'{"errors":[]}')
            return True
        if cfg.fault == "reset":
            # an RST instead of an answer
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.close_connection = True
            handler.connection.close()
            return True
        if cfg.fault == "redirect":
            self._send(handler, method, 307, {"Location": cfg.redirect_to + handler.path}, b"")
            return True
        if cfg.fault == "drip-headers":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Drip: "
            handler.wfile.write(head)
            self._drip(handler, b"a" * 100_000)
            handler.close_connection = True
            return True
        if cfg.fault == "drip-body":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            if method == "GET":
                self._drip(handler, b" " * 100_000)
            handler.close_connection = True
            return True
        if cfg.fault == "huge":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            if cfg.huge_length:
                handler.send_header("Content-Length", str(cfg.huge_bytes))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            if method == "GET":
                chunk = b" " * (1024 * 1024)
                try:
                    for _ in range(cfg.huge_bytes // len(chunk)):
                        handler.wfile.write(chunk)
                        with cfg.lock:
                            cfg.bytes_sent += len(chunk)
                except OSError:
                    pass  # the client stopped reading
            return True
        if cfg.fault == "serve":
            for part, (body, media_type) in cfg.bodies.items():
                if part in path:
                    digest = "sha256:" + hashlib.sha256(body).hexdigest()
                    headers = {"Content-Type": media_type, "Docker-Content-Digest": digest}
                    self._send(handler, method, 200, headers, body)
                    return True
            return False
        if cfg.fault == "lying-head" and method == "HEAD":
            status, headers, body = self._forward(handler, method)
            headers["Docker-Content-Digest"] = "sha256:" + hashlib.sha256(b"lie").hexdigest()
            self._send(handler, method, status, headers, body)
            return True
        if cfg.fault == "mismatch" and method == "GET":
            status, headers, body = self._forward(handler, method)
            self._send(handler, method, status, headers, body + b"\n")
            return True
        return False

    def _drip(self, handler: BaseHTTPRequestHandler, data: bytes) -> None:
        """`data` one byte at a time, every `drip_interval` s, for `hang_seconds` at most."""
        cfg = self.config
        until = time.monotonic() + cfg.hang_seconds
        try:
            for byte in data:
                if time.monotonic() > until:
                    break
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                with cfg.lock:
                    cfg.bytes_sent += 1
                time.sleep(cfg.drip_interval)
        except OSError:
            pass

    def _forward(
        self, handler: BaseHTTPRequestHandler, method: str
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.upstream, timeout=30)
        headers = {}
        accept = handler.headers.get_all("Accept") or []
        if accept:
            headers["Accept"] = ", ".join(accept)  # clients may send several Accept lines
        if handler.headers.get("Range"):
            headers["Range"] = handler.headers["Range"]
        connection.request(method, handler.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        keep = ("content-type", "docker-content-digest", "www-authenticate", "location")
        out = {k: v for k, v in response.getheaders() if k.lower() in keep}
        if method == "HEAD":
            length = response.getheader("Content-Length")
            if length:
                out["Content-Length"] = length
        status = response.status
        connection.close()
        return status, out, body

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        method: str,
        status: int,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        if "Content-Length" not in headers:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if method != "HEAD":
            handler.wfile.write(body)
            with self.config.lock:
                self.config.bytes_sent += len(body)


def started(upstream: str, **config: Any) -> RegistryFront:
    return RegistryFront(upstream, FrontConfig(**config))


Factory = Callable[..., RegistryFront]
