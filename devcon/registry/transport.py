"""HTTP to registries: the session, schemes, timeouts, bounded retries and body reads.

Every request devcon makes to a registry or a token service goes through
`Transport.request`, and every body it reads whole goes through `Transport.read`: they are
the one place for the time limits and the size caps. Each attempt has a deadline (the
timeout) for its connect, redirects, headers and the body `read` reads: every socket read
waits at most what is left of it (`_DeadlineReader`), so a server dripping a byte a second
ends at the deadline. Bodies are always streamed and counted, never read whole by
`requests`. Any failure of `requests` becomes a RegistryError (devcon.registry.errors)
here, so nothing above this module sees a `requests` exception. Retried: connection errors,
timeouts of one read, 5xx, 429; not: a name that does not resolve, a refused loopback
connection, TLS failures, the deadline.

Schemes: loopback hosts speak plain HTTP; hosts named with --insecure-registry are tried
over HTTPS first and fall back to plain HTTP (the choice is remembered per host); every
other host is HTTPS only. Redirects are followed here, hop by hop (registries send blobs to
storage URLs), when `check_redirect` allows them; the Authorization header, Basic
credentials and a request body never follow a redirect to another host.

`requests` is imported only when a request is made or a session built: commands that never
reach the network import this package without paying for the HTTP stack.
"""

from __future__ import annotations

import email.utils
import functools
import io
import ipaddress
import math
import random
import socket
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlparse

from devcon import __version__
from devcon.hints import Hint, hinted
from devcon.registry.errors import InsecureRefused, RegistryError, RegistryUnavailable

if TYPE_CHECKING:
    import requests
    import requests.adapters

USER_AGENT = f"devcon/{__version__}"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def is_loopback(host: str) -> bool:
    """`localhost`, `127.0.0.1`, `::1`, with or without a port (`[::1]:5000`, `localhost:5000`)."""
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    elif host.count(":") > 1:
        name = host  # a bare IPv6 address: its colons are not a port
    else:
        name = host.rsplit(":", 1)[0]
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_session() -> requests.Session:
    """A session with connection pooling sized for the resolution pool."""
    import requests
    import requests.adapters

    session = requests.Session()
    adapter = _adapter_class()(pool_connections=16, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = True
    return session


@dataclass
class Transport:
    """One session's requests to registries; `requests_made` counts every attempt."""

    session: requests.Session
    insecure_registries: frozenset[str] = frozenset()
    timeout: float = 10.0  # seconds for one attempt: connect, redirects, headers and body
    retries: int = 3
    retry_budget: float = 30.0  # seconds of waiting across retries of one request
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _schemes: dict[str, str] = field(default_factory=dict, repr=False)
    _deadlines: weakref.WeakKeyDictionary[requests.Response, _Deadline] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False
    )

    def plain_http_allowed(self, host: str) -> bool:
        """Loopback, or named with --insecure-registry (as host:port or host)."""
        name = urlparse(f"//{host}").hostname or host
        return (
            is_loopback(host)
            or host in self.insecure_registries
            or (name in self.insecure_registries)
        )

    def send(
        self,
        method: str,
        host: str,
        path: str,
        headers: Mapping[str, str],
        *,
        stream: bool = False,
    ) -> requests.Response:
        """A request to `path` on a registry `host`, over the scheme that host speaks."""
        if host not in self._schemes and host in self.insecure_registries:
            # try HTTPS first; fall back to plain HTTP for --insecure-registry hosts
            try:
                return self.request(
                    method,
                    f"https://{host}{path}",
                    headers,
                    stream=stream,
                    retry=False,
                    remember=host,
                )
            except RegistryUnavailable:
                self._schemes[host] = "http"
        return self.request(method, self._url(host, path), headers, stream=stream)

    def _url(self, host: str, path: str) -> str:
        scheme = self._schemes.get(host, "http" if is_loopback(host) else "https")
        return f"{scheme}://{host}{path}"

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        *,
        stream: bool = False,
        retry: bool = True,
        remember: str | None = None,
        auth: tuple[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One request, retried on connection errors, timeouts, 5xx and 429 (honouring
        Retry-After) at most `retries` times and `retry_budget` seconds of waiting; not
        retried: a name that does not resolve, a refused loopback connection, TLS failures,
        the deadline. Each attempt has a deadline of `timeout` seconds for its connect,
        redirects, headers and (read with `read`) body; with `stream` the caller reads the
        body itself and only each read is bounded. The body is never read here.
        `remember`: the host whose scheme is HTTPS once this answers."""
        import requests

        started = time.monotonic()
        attempt = 0
        host = urlparse(url).netloc
        while True:
            with self._lock:
                self.requests_made += 1
            deadline = _Deadline(self.timeout)
            hops: list[str] = []
            try:
                response = self._follow(method, url, headers, auth, data, deadline, hops)
            except requests.exceptions.SSLError as exc:
                where = _where(host, hops)
                if not retry:
                    raise RegistryUnavailable(f"{where}: TLS failed") from exc
                raise RegistryUnavailable(
                    hinted(
                        f"{where}: TLS verification failed ({_short(exc)}); ",
                        Hint.PLAIN_HTTP_ON_PURPOSE,
                    )
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                where = _where(host, hops)
                if deadline.expired:
                    raise RegistryUnavailable(
                        f"{where}: timed out: no complete answer within {self.timeout:g} s"
                    ) from None
                if not retry:
                    raise RegistryUnavailable(f"{where}: {_short(exc)}") from exc
                permanent = _permanent(exc, hops[-1] if hops else host)
                if permanent is not None:
                    raise RegistryUnavailable(f"{where}: {permanent}") from None
                delay = self._backoff(attempt)
                if (
                    attempt >= self.retries
                    or time.monotonic() - started + delay > self.retry_budget
                ):
                    kind = "timed out" if isinstance(exc, requests.Timeout) else "unreachable"
                    raise RegistryUnavailable(
                        f"{where}: {kind} after {attempt + 1} attempts ({_short(exc)})"
                    ) from None
                self.sleep(delay)
                attempt += 1
                continue
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                raise RegistryUnavailable(
                    f"{_where(host, hops)}: the response was cut off ({type(exc).__name__}); "
                    "nothing was written"
                ) from None
            except requests.RequestException as exc:
                raise RegistryUnavailable(f"{_where(host, hops)}: {_short(exc)}") from None
            if remember is not None:
                self._schemes[remember] = "https"
            if response.status_code in _RETRY_STATUS and retry:
                asked = _retry_after(response.headers.get("Retry-After"))
                delay = asked if asked is not None else self._backoff(attempt)
                elapsed = time.monotonic() - started
                if attempt >= self.retries or elapsed + delay > self.retry_budget:
                    status = response.status_code
                    response.close()
                    what = "rate limited (429)" if status == 429 else f"HTTP {status}"
                    raise RegistryUnavailable(
                        f"{_where(host, hops)}: {what} after {attempt + 1} attempts"
                        + (f"; it asks to wait {delay:.0f}s" if status == 429 else "")
                    )
                response.close()
                self.sleep(delay)
                attempt += 1
                continue
            if method == "HEAD":
                _ = response.content  # no body: the connection goes back to the pool
            elif stream:
                deadline.release()
            else:
                self._deadlines[response] = deadline
            return response

    def _follow(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        auth: tuple[str, str] | None,
        data: Mapping[str, str] | None,
        deadline: _Deadline,
        hops: list[str],
    ) -> requests.Response:
        """Send, following at most MAX_REDIRECTS redirects that `check_redirect` allows;
        credentials (Authorization, `auth`, a request body) never go to another host."""
        all_headers = {"User-Agent": USER_AGENT, **headers}
        for _ in range(MAX_REDIRECTS + 1):
            _CURRENT.deadline = deadline
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=all_headers,
                    timeout=(max(0.001, min(self.timeout, deadline.left())), self.timeout),
                    stream=True,
                    allow_redirects=False,
                    auth=auth,
                    data=data,
                )
            finally:
                _CURRENT.deadline = None
            location = response.headers.get("Location")
            if response.status_code not in _REDIRECTS or not location:
                return response
            status = response.status_code
            response.close()
            target = urljoin(url, location)
            self.check_redirect(url, target)
            if urlparse(target).netloc.lower() != urlparse(url).netloc.lower():
                all_headers = {k: v for k, v in all_headers.items() if k.lower() != "authorization"}
                auth = None
                if data is not None and status in (307, 308):
                    raise InsecureRefused(
                        f"{urlparse(url).netloc}: refused to follow a redirect to "
                        f"{urlparse(target).netloc}: it would resend the request body there"
                    )
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, data = "GET", None
            hops.append(urlparse(target).netloc)
            url = target
        raise RegistryUnavailable(
            f"{_where(hops[0] if hops else url, hops)}: more than {MAX_REDIRECTS} redirects"
        )

    def check_redirect(self, source: str, target: str) -> None:
        """InsecureRefused for a redirect devcon does not follow: to anything but http(s),
        from https to plain http (unless the target may use it), to a link-local or cloud
        metadata address, from a registry that is not loopback to loopback, from a public
        registry to a private range."""
        src, dst = urlparse(source), urlparse(target)
        shown = dst.netloc or f"{dst.scheme}://"

        def refuse(why: str) -> InsecureRefused:
            return InsecureRefused(f"{src.netloc}: refused to follow a redirect to {shown} ({why})")

        if dst.scheme not in ("http", "https") or not dst.hostname:
            raise refuse("not http(s)")
        if (
            src.scheme == "https"
            and dst.scheme == "http"
            and not self.plain_http_allowed(dst.netloc)
        ):
            raise refuse("from https to plain http")
        name = dst.hostname.lower().rstrip(".")
        if name in _METADATA_NAMES:
            raise refuse("a cloud metadata address")
        addresses = _addresses(name)
        if any(a in _METADATA_ADDRESSES or a.is_link_local for a in addresses):
            raise refuse("a link-local or cloud metadata address")
        kind = _kind(_addresses((src.hostname or "").lower()))
        if kind != "loopback" and any(a.is_loopback or a.is_unspecified for a in addresses):
            raise refuse("loopback, from a registry that is not")
        if kind == "public" and any(_is_private(a) for a in addresses):
            raise refuse("a private address, from a public registry")

    def read(self, response: requests.Response, limit: int | None, label: str) -> bytes:
        """A response's whole body, at most `limit` bytes (refused as soon as it is larger,
        or at once when its Content-Length says so), within the request's deadline; closes
        the response. `label` names what is read in the messages (a reference)."""
        deadline = self._deadlines.pop(response, None)
        chunks: list[bytes] = []
        total = 0
        try:
            length = response.headers.get("Content-Length", "")
            if limit is not None and length.isdigit() and int(length) > limit:
                raise RegistryError(
                    f"{label}: response larger than {limit} bytes (Content-Length {length})"
                )
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if limit is not None and total > limit:
                    raise RegistryError(f"{label}: response larger than {limit} bytes")
                chunks.append(chunk)
        except (OSError, ValueError) as exc:  # requests' errors are OSErrors
            netloc = urlparse(response.url).netloc
            if deadline is not None and deadline.expired:
                raise RegistryUnavailable(
                    f"{label}: timed out: no complete answer within {self.timeout:g} s "
                    f"from {netloc}"
                ) from None
            raise RegistryUnavailable(
                f"{label}: the response from {netloc} was cut off ({type(exc).__name__})"
            ) from None
        finally:
            response.close()
        return b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        return float(min(8.0, 0.25 * (2**attempt)) * (0.5 + random.random() / 2))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(exc: BaseException) -> str:
    text = str(exc)
    return (text[:160] + "…") if len(text) > 160 else text or type(exc).__name__


MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("100.100.100.200"),
        ipaddress.ip_address("fd00:ec2::254"),
    }
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (Alibaba's metadata)
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _addresses(name: str) -> list[_Address]:
    """The addresses a host name stands for: itself when it is one, else what it resolves
    to (nothing when it does not: the connection will say so)."""
    name = name.strip("[]")
    if name == "localhost":
        return [ipaddress.ip_address("127.0.0.1")]
    try:
        found = [ipaddress.ip_address(name)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(name, None)
        except (OSError, UnicodeError):
            return []
        found = []
        for info in infos:
            try:
                found.append(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
            except ValueError:
                continue
    return [
        a.ipv4_mapped if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped else a
        for a in found
    ]


def _is_private(address: _Address) -> bool:
    return address.is_private or (address.version == 4 and address in _SHARED)


def _kind(addresses: list[_Address]) -> str:
    """Of a registry host: "loopback" (all loopback), "private" (any private) or "public";
    an unknown one is public (the strictest)."""
    if addresses and all(a.is_loopback for a in addresses):
        return "loopback"
    if any(_is_private(a) for a in addresses):
        return "private"
    return "public"


def _where(host: str, hops: list[str]) -> str:
    """The host a message blames: the registry, and where it redirected to."""
    return host if not hops else f"{host} (redirected to {hops[-1]})"


def _permanent(exc: BaseException, host: str) -> str | None:
    """Why a connection error is not worth a retry: a name that does not resolve, a refused
    connection to loopback (nothing listens there). None: it may pass."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, socket.gaierror):
            return f"unreachable: the host name does not resolve ({_short(item)})"
        if type(item).__name__ == "NameResolutionError":
            return "unreachable: the host name does not resolve"
        if isinstance(item, ConnectionRefusedError) and is_loopback(host):
            return "unreachable: connection refused (nothing listens on that loopback port)"
        todo.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return None


class _Deadline:
    """When one attempt must have its answer; `release` lifts it (a body the caller
    streams is bounded per read only)."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False

    def left(self) -> float:
        return self.at - time.monotonic()

    def release(self) -> None:
        self.at = math.inf


_CURRENT = threading.local()  # the deadline of the request this thread is sending


class _DeadlineReader(io.RawIOBase):
    """A response's socket reads, each bounded by what is left of the deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline, original: io.IOBase) -> None:
        self.sock = sock
        self.deadline = deadline
        self.base = sock.gettimeout()
        # the file http.client made holds the socket open (a "Connection: close" answer
        # closes the socket object as soon as its headers are read); closed with this one
        self.original = original

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.original.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        left = self.deadline.left()
        if left <= 0:
            self.deadline.expired = True
            raise TimeoutError("the request's deadline passed")
        self.sock.settimeout(left if self.base is None else min(self.base, left))
        try:
            return self.sock.recv_into(buffer)
        except TimeoutError:
            if self.deadline.left() <= 0.001:
                self.deadline.expired = True
            raise


@functools.cache
def _adapter_class() -> type[requests.adapters.HTTPAdapter]:
    """An HTTPAdapter whose connections read responses through `_DeadlineReader` when a
    deadline is set (every request Transport sends)."""
    import http.client

    import requests.adapters
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Response(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            super().__init__(sock, *args, **kwargs)
            deadline = getattr(_CURRENT, "deadline", None)
            if deadline is not None:
                self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, self.fp))

    class Connection(HTTPConnection):
        response_class = Response

    class TLSConnection(HTTPSConnection):
        response_class = Response

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = TLSConnection

    pools = {"http": Pool, "https": TLSPool}

    class Adapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            if not proxy.lower().startswith("socks"):
                manager.pool_classes_by_scheme = pools
            return manager

    return Adapter
