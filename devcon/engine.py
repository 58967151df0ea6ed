"""The local Docker Engine, through the docker SDK (honours DOCKER_HOST).

Engine failures become EngineError (exit 3); an image the engine does not have is an
InputError (exit 2) naming it.
"""

from __future__ import annotations

import os
from typing import Any

from devcon.errors import EnvironmentProblem, InputError
from devcon.imagefacts import ImageFacts, Source, engine_history


class EngineError(EnvironmentProblem):
    """The Docker Engine could not be reached or failed."""


class Engine:
    """A connection to the local engine; create once and pass it in."""

    def __init__(self, client: Any | None = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import docker
            import docker.errors

            host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
            if host.startswith("unix://") and not os.path.exists(host[len("unix://") :]):
                raise EngineError(f"no Docker Engine socket at {host[len('unix://') :]}")
            client = None
            try:
                client = docker.from_env()
                client.ping()
                self._client = client
            except docker.errors.DockerException as exc:
                if client is not None:
                    client.close()
                raise EngineError(
                    f"cannot reach the Docker Engine (DOCKER_HOST or the default socket): {exc}"
                ) from None
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def image(self, name: str) -> Any:
        import docker.errors

        try:
            return self.client.images.get(name)
        except docker.errors.ImageNotFound:
            raise InputError(f"the local Docker Engine has no image {name!r}") from None
        except docker.errors.APIError as exc:
            raise EngineError(f"Docker Engine error for {name}: {exc.explanation or exc}") from None

    def facts(self, name: str, label: str | None = None) -> ImageFacts:
        import docker.errors

        image = self.image(name)
        attrs = image.attrs
        layers = list((attrs.get("RootFS") or {}).get("Layers") or [])
        try:
            history = image.history()
        except docker.errors.APIError as exc:
            raise EngineError(f"Docker Engine error for {name}: {exc.explanation or exc}") from None
        platform = f"{attrs.get('Os', 'unknown')}/{attrs.get('Architecture', 'unknown')}"
        if attrs.get("Variant"):
            platform += f"/{attrs['Variant']}"

        def layers_at(image_id: str) -> int | None:
            """The layer count of an intermediate image a history entry names."""
            try:
                data = self.client.api.inspect_image(image_id)
            except docker.errors.APIError:
                return None
            found = (data.get("RootFS") or {}).get("Layers")
            return len(found) if isinstance(found, list) else None

        return ImageFacts(
            label=label or f"docker:{name}",
            source=Source.ENGINE,
            platform=platform,
            digest=str(attrs.get("Id")),
            diff_ids=tuple(layers),
            history=engine_history(history, len(layers), layers_at),
            created=attrs.get("Created"),
        )
