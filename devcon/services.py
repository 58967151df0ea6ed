"""The connections `devcon parity` and `devcon compat` read images through: a registry client
made on first use and the local engine opened on first use, closed together on exit.

    with Services(registry=lambda: make_client(settings)) as services:
        result = parity(request, services)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from types import TracebackType

from devcon.engine import Engine
from devcon.registry.client import RegistryClient
from devcon.registry.errors import RegistryUnavailable


class Services:
    """A registry client and the local engine, each created when first asked for."""

    def __init__(
        self,
        registry: Callable[[], RegistryClient],
        engine: Callable[[], Engine] = Engine,
    ) -> None:
        self._make_client = registry
        self._make_engine = engine
        self._client: RegistryClient | None = None
        self._engine: Engine | None = None
        # registries that did not answer (host -> the image they failed for): not asked again
        # for the other images of this run
        self.unreachable: dict[str, str] = {}

    @property
    def client(self) -> RegistryClient:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    @contextlib.contextmanager
    def reaching(self, host: str, label: str) -> Iterator[None]:
        """Ask registry `host` for image `label` inside this block, unless it did not answer
        earlier in this run (then RegistryUnavailable at once); if it does not answer now, it
        is remembered and not asked again for the other images."""
        if host in self.unreachable:
            earlier = self.unreachable[host]
            raise RegistryUnavailable(f"{host} did not answer for {earlier}: not asked again")
        try:
            yield
        except RegistryUnavailable:
            self.unreachable[host] = label
            raise

    def close(self) -> None:
        """Close the engine connection, if one was opened."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def __enter__(self) -> Services:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
