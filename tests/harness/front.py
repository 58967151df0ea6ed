"""A small HTTP front for the real registry, on loopback.

It forwards every request to the real `docker-registry` and can, per test:
- add a fixed delay to each request (the pin benchmark's slow network);
- demand Bearer tokens it issues itself at `/token` for Basic credentials (a token-auth front);
- inject faults a real registry will not produce on demand: a hang (timeout), HTTP 500,
  429 with Retry-After, a truncated body, a body whose digest is not the one claimed.
It counts the requests it served.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
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
    fault: str | None = None  # "hang", "500", "429", "truncate", "lie"
    fault_paths: str = "/manifests/"  # faults apply to paths containing this
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
        if cfg.delay:
            time.sleep(cfg.delay)
        path = urlparse(handler.path).path
        if path == "/token":
            self._token(handler)
            return
        if cfg.users is not None and not self._authorized(handler):
            realm = f"http://{self.addr}/token"
            challenge = f'Bearer realm="{realm}",service="devcon-test",scope="repository:x:pull"'
            self._send(handler, method, 401, {"WWW-Authenticate": challenge}, b'{"errors":[]}')
            return
        if cfg.fault and cfg.fault_paths in path:
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
