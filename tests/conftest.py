"""Root conftest for the devcon test suite."""

from __future__ import annotations

# =====================================================================================
# BEGIN real-component harness fixtures (private dockerd + registry; see tests/harness)
#
# These never skip: if the engine or registry cannot start, every test that needs
# them ERRORs with the component's log tail. Tests marked `engine` / `registry` get
# the component started automatically; tests using the fixtures get the marker
# automatically (so `-m "not engine"` deselects them).
# =====================================================================================
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.corpus_support import ENV_VAR, corpus_problem, corpus_root
from tests.harness import (
    BaseImage,
    BuildImage,
    BuiltImage,
    DockerEngine,
    HarnessError,
    Registry,
    make_rootfs_tar,
    start_engine,
    start_registry,
)
from tests.harness.podman import PodmanEngine, start_podman

BASE_IMAGE_TAG = "devcon-test/busybox:base"
_T = TypeVar("_T")

_ENGINE_FIXTURES = frozenset(
    {"docker_engine", "dockerd_engine", "podman_engine", "base_image", "build_image"}
)
_REGISTRY_FIXTURES = frozenset({"registry", "base_image", "build_image"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "engines(*names): the engines (dockerd, podman) this test runs on"
    )
    problem = corpus_problem()
    if problem is not None:
        raise pytest.UsageError(problem)


_corpus_deselected: list[int] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if corpus_root() is None:
        # tests of the shared corpus run only where DEVCON_CORPUS names it (.ci/run does)
        kept = [item for item in items if not item.get_closest_marker("corpus")]
        dropped = [item for item in items if item.get_closest_marker("corpus")]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
            _corpus_deselected.append(len(dropped))
    _keep_marked_engines(config, items)
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _ENGINE_FIXTURES and not item.get_closest_marker("engine"):
            item.add_marker(pytest.mark.engine)
        if names & _REGISTRY_FIXTURES and not item.get_closest_marker("registry"):
            item.add_marker(pytest.mark.registry)


def _keep_marked_engines(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the runs of a test on an engine its `engines(...)` marker does not name."""
    dropped: list[pytest.Item] = []
    kept: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("engines")
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("docker_engine") if callspec is not None else None
        allowed = marker.args if marker is not None else ENGINES
        if engine is not None and engine not in allowed:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _corpus_deselected:
        terminalreporter.write_line(
            f"{sum(_corpus_deselected)} tests of the shared corpus were deselected: "
            f"{ENV_VAR} is not set. To run them: {ENV_VAR}=/path/to/shared/corpus bash scripts/test"
        )


@pytest.fixture
def corpus() -> Path:
    """The shared corpus folder (tests using it need the `corpus` marker)."""
    root = corpus_root()
    if root is None:  # pragma: no cover - deselected by pytest_collection_modifyitems
        pytest.fail(f"{ENV_VAR} is not set: mark this test `corpus`", pytrace=False)
    return root


@pytest.fixture(autouse=True)
def _harness_for_marked_tests(request: pytest.FixtureRequest) -> None:
    """Start the engine/registry for tests marked `engine`/`registry`."""
    if request.node.get_closest_marker("engine") and "docker_engine" not in request.fixturenames:
        request.getfixturevalue("dockerd_engine")
    if request.node.get_closest_marker("registry"):
        request.getfixturevalue("registry")


def _start_or_fail(what: str, start: Callable[[], _T]) -> _T:
    """Start a component; on failure FAIL (never skip) with its log, without a
    chained traceback."""
    try:
        return start()
    except HarnessError as exc:
        message = f"could not start {what}:\n{exc}"
    pytest.fail(message, pytrace=False)


# The engines a test of the engine (`docker_engine`) runs on: the private dockerd, and
# podman's Docker API service (tests/harness/podman.py); a test that needs podman itself
# takes `podman_engine`. DEVCON_TEST_ENGINES=dockerd (or podman) runs them on one.
# What runs on podman: every test of tests/integration, except that of the init matrix only
# the cells marked `engines("dockerd", "podman")` (test_init_matrix.ON_PODMAN) run there: all
# of it twice would add about two minutes more. All the rest on podman adds about 2 minutes to
# the suite (devcon reads an image's files through podman's API 2-5 times slower than through
# dockerd's; builds and registry-only tests cost about the same). test_podman.py runs on podman
# only; a test marked `engines(...)` runs on the engines it names.
ENGINES = tuple(os.environ.get("DEVCON_TEST_ENGINES", "dockerd,podman").split(","))


@pytest.fixture(scope="session")
def dockerd_engine() -> Iterator[DockerEngine]:
    """A private dockerd on a unix socket under /tmp/dc-*; stopped at session end."""
    engine = _start_or_fail("the private Docker Engine", start_engine)
    try:
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def podman_engine(registry: Registry) -> Iterator[PodmanEngine]:
    """A private `podman system service` on a unix socket under /tmp/dcp-*, which trusts the
    session's loopback registry over HTTP; stopped at session end."""
    engine = _start_or_fail("the private podman service", lambda: start_podman([registry.addr]))
    try:
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="session", params=ENGINES)
def docker_engine(request: pytest.FixtureRequest) -> DockerEngine:
    """The engine of this run of the test: dockerd or podman (each test runs on both)."""
    engine: DockerEngine = request.getfixturevalue(f"{request.param}_engine")
    return engine


@pytest.fixture(scope="session")
def registry() -> Iterator[Registry]:
    """A private registry on 127.0.0.1:<port>; stopped at session end."""
    reg = _start_or_fail("the private registry", start_registry)
    try:
        yield reg
    finally:
        reg.stop()


@pytest.fixture(scope="session")
def base_image(docker_engine: DockerEngine, registry: Registry) -> Iterator[BaseImage]:
    def create() -> BaseImage:
        workdir = Path(tempfile.mkdtemp(prefix="dc-base-", dir="/tmp"))
        try:
            tarball = make_rootfs_tar(workdir / "rootfs.tar")
            image_id = docker_engine.import_rootfs(tarball, BASE_IMAGE_TAG)
            ref = registry.ref(BASE_IMAGE_TAG)
            digest = docker_engine.push(BASE_IMAGE_TAG, ref)
            layers = len(docker_engine.inspect_image(BASE_IMAGE_TAG)["RootFS"]["Layers"])
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return BaseImage(tag=BASE_IMAGE_TAG, id=image_id, ref=ref, digest=digest, layers=layers)

    yield _start_or_fail("the busybox base image", create)


_build_counter = itertools.count(1)


@pytest.fixture
def build_image(
    docker_engine: DockerEngine, base_image: BaseImage, registry: Registry
) -> BuildImage:
    """Build an image from a Dockerfile string (+ context files) in the private engine.

    ``build_image(dockerfile, tag=None, files=None, push=False, **kw)``; ``{base}`` in
    the Dockerfile is replaced by the base image tag and ``{registry}`` by the
    registry address. With ``push=True`` the image is pushed to the registry as
    ``REG/<tag>`` and the result carries its ref and manifest digest. Extra keyword
    arguments go to :meth:`DockerEngine.build` (network, build_args, labels, …).
    """

    def build(
        dockerfile: str,
        tag: str | None = None,
        files: Mapping[str, bytes | str] | None = None,
        push: bool = False,
        **kwargs: Any,
    ) -> BuiltImage:
        tag = tag or f"devcon-test/built-{os.getpid()}-{next(_build_counter)}:latest"
        text = dockerfile.replace("{base}", base_image.tag).replace("{registry}", registry.addr)
        try:
            image_id = docker_engine.build(text, tag, files=files, **kwargs)
            if not push:
                return BuiltImage(tag=tag, id=image_id)
            ref = registry.ref(tag)
            digest = docker_engine.push(tag, ref)
            return BuiltImage(tag=tag, id=image_id, ref=ref, digest=digest)
        except HarnessError as exc:
            message = f"image build/push failed:\n{exc}"
        pytest.fail(message, pytrace=False)

    return build


# =====================================================================================
# END real-component harness fixtures
# =====================================================================================
