"""HTTP to registries: the session, schemes, timeouts, bounded retries and body reads.

Every request devcon makes to a registry or a token service goes through
`Transport.request`, and every body it reads whole goes through `Transport.read`: they are
the one place for the per-request time limits and the size caps. Any failure of `requests`
becomes a RegistryError (devcon.registry.errors) here, so nothing above this module sees a
`requests` exception.

Schemes: loopback hosts speak plain HTTP; hosts named with --insecure-registry are tried
over HTTPS first and fall back to plain HTTP (the choice is remembered per host); every
other host is HTTPS only. Redirects are followed (registries send blobs to storage URLs);
`requests` drops the Authorization header when a redirect leaves the host.

`requests` is imported only when a request is made or a session built: commands that never
reach the network import this package without paying for the HTTP stack.
"""

from __future__ import annotations

import email.utils
import ipaddress
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from devcon import __version__
from devcon.hints import Hint, hinted
from devcon.registry.errors import RegistryError, RegistryUnavailable

if TYPE_CHECKING:
    import requests

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
    adapter = requests.adapters.HTTPAdapter(pool_connections=16, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = True
    return session


@dataclass
class Transport:
    """One session's requests to registries; `requests_made` counts every attempt."""

    session: requests.Session
    insecure_registries: frozenset[str] = frozenset()
    timeout: float = 10.0  # seconds to connect, and between two reads of a response
    retries: int = 3
    retry_budget: float = 30.0  # seconds of waiting across retries of one request
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _schemes: dict[str, str] = field(default_factory=dict, repr=False)

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
        Retry-After) at most `retries` times and `retry_budget` seconds of waiting.
        `remember`: the host whose scheme is HTTPS once this answers."""
        import requests

        started = time.monotonic()
        attempt = 0
        host = urlparse(url).netloc
        while True:
            with self._lock:
                self.requests_made += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    headers={"User-Agent": USER_AGENT, **headers},
                    timeout=self.timeout,
                    stream=stream,
                    allow_redirects=True,
                    auth=auth,
                    data=data,
                )
            except requests.exceptions.SSLError as exc:
                if not retry:
                    raise RegistryUnavailable(f"{host}: TLS failed") from exc
                raise RegistryUnavailable(
                    hinted(
                        f"{host}: TLS verification failed ({_short(exc)}); ",
                        Hint.PLAIN_HTTP_ON_PURPOSE,
                    )
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not retry:
                    raise RegistryUnavailable(f"{host}: {_short(exc)}") from exc
                delay = self._backoff(attempt)
                if (
                    attempt >= self.retries
                    or time.monotonic() - started + delay > self.retry_budget
                ):
                    kind = "timed out" if isinstance(exc, requests.Timeout) else "unreachable"
                    raise RegistryUnavailable(
                        f"{host}: {kind} after {attempt + 1} attempts ({_short(exc)})"
                    ) from None
                self.sleep(delay)
                attempt += 1
                continue
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                raise RegistryUnavailable(
                    f"{host}: the response was cut off ({type(exc).__name__}); nothing was written"
                ) from None
            except requests.RequestException as exc:
                raise RegistryUnavailable(f"{host}: {_short(exc)}") from None
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
                        f"{host}: {what} after {attempt + 1} attempts"
                        + (f"; it asks to wait {delay:.0f}s" if status == 429 else "")
                    )
                response.close()
                self.sleep(delay)
                attempt += 1
                continue
            return response

    def read(self, response: requests.Response, limit: int | None, label: str) -> bytes:
        """A response's whole body, at most `limit` bytes; closes the response. `label`
        names what is read in the messages (a reference)."""
        import requests

        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if limit is not None and total > limit:
                    raise RegistryError(f"{label}: response larger than {limit} bytes")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise RegistryUnavailable(
                f"{label}: the response from {urlparse(response.url).netloc} was cut off "
                f"({type(exc).__name__})"
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
