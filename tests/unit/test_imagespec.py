"""The one image-spec syntax parity and compat share, and the services both read images
through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devcon.cli.app import main
from devcon.dockerfile.parser import parse_dockerfile
from devcon.engine import Engine
from devcon.errors import DevconError, InputError, UsageError
from devcon.imagespec import (
    EngineSpec,
    PathSpec,
    ReferenceSpec,
    StageSpec,
    named_stage,
    parse_image_spec,
    the_config_of,
)
from devcon.parity import parse_side
from devcon.registry.client import RegistryClient
from devcon.services import Services


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20 AS base\nFROM base AS dev\n")
    (tmp_path / ".devcontainer").mkdir()
    (tmp_path / ".devcontainer" / "devcontainer.json").write_text('{"image": "debian:12"}')
    return tmp_path


def test_each_form(project: Path) -> None:
    assert parse_image_spec("docker:myapp:dev") == EngineSpec("docker:myapp:dev", "myapp:dev")
    spec = parse_image_spec("ghcr.io/org/app:1")
    assert isinstance(spec, ReferenceSpec) and spec.reference.repository == "org/app"
    assert parse_image_spec("Dockerfile#dev") == StageSpec(
        "Dockerfile#dev", Path("Dockerfile"), "dev"
    )
    assert parse_image_spec("Dockerfile") == PathSpec("Dockerfile", Path("Dockerfile"))
    assert parse_image_spec(".devcontainer") == PathSpec(".devcontainer", Path(".devcontainer"))


def test_a_path_that_exists_is_a_path_even_with_a_hash(project: Path) -> None:
    (project / "odd#name").write_text("FROM alpine:3.20\n")
    assert parse_image_spec("odd#name") == PathSpec("odd#name", Path("odd#name"))


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("docker:", UsageError, "docker: needs an image name, e.g. docker:myapp:dev"),
        ("missing/Dockerfile#dev", InputError, "missing/Dockerfile: no such file"),
        ("missing/Dockerfile", InputError, "missing/Dockerfile: no such file"),
        ("missing.json", InputError, "missing.json: no such file"),
        ("Dockerfile#", UsageError, "Dockerfile#: give a stage name or index after #"),
        (
            ".devcontainer/devcontainer.json#dev",
            UsageError,
            ".devcontainer/devcontainer.json#dev: #STAGE goes with a Dockerfile only",
        ),
        (".devcontainer#dev", UsageError, ".devcontainer#dev: #STAGE goes with a Dockerfile only"),
        ("Not A Ref", UsageError, "Not A Ref: neither a file nor an image reference (invalid"),
    ],
)
def test_errors_are_the_same_for_parity_and_compat(
    project: Path,
    text: str,
    error: type[DevconError],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{project}/no-engine.sock")
    with pytest.raises(error) as parsed:
        parse_image_spec(text)
    assert str(parsed.value).startswith(message)
    with pytest.raises(error) as by_parity:
        parse_side(text)
    assert str(by_parity.value) == str(parsed.value)
    capsys.readouterr()
    for argv in (["parity", text, "docker:prod"], ["compat", "--offline", text]):
        assert main(argv) == 2
        assert capsys.readouterr().err == f"devcon: {parsed.value}\n"


def test_the_config_of_a_folder(project: Path) -> None:
    assert the_config_of(project / ".devcontainer") == project / ".devcontainer/devcontainer.json"
    (project / "empty").mkdir()
    with pytest.raises(InputError, match=r"no devcontainer\.json here"):
        the_config_of(project / "empty")
    (project / ".devcontainer" / "gpu").mkdir()
    (project / ".devcontainer" / "gpu" / "devcontainer.json").write_text("{}")
    with pytest.raises(InputError, match=r"give the devcontainer\.json itself"):
        the_config_of(project)


def test_named_stage(project: Path) -> None:
    dockerfile = parse_dockerfile((project / "Dockerfile").read_text(), project / "Dockerfile", {})
    assert named_stage(dockerfile, "dev", project / "Dockerfile").name == "dev"
    assert named_stage(dockerfile, "0", project / "Dockerfile").name == "base"
    with pytest.raises(InputError, match=r"no stage 'prod' \(stages: base, dev\)"):
        named_stage(dockerfile, "prod", project / "Dockerfile")


class CountingEngine(Engine):
    made = 0

    def __init__(self) -> None:
        super().__init__()
        CountingEngine.made += 1
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def _services(registry: RegistryClient | None = None, engine: Any = CountingEngine) -> Services:
    def factory() -> RegistryClient:
        if registry is None:
            raise AssertionError("the registry was asked")
        return registry

    return Services(registry=factory, engine=engine)


def test_services_open_nothing_until_asked_and_close_the_engine_on_exit() -> None:
    CountingEngine.made = 0
    with _services() as services:
        pass
    assert CountingEngine.made == 0  # neither engine nor registry was made
    with pytest.raises(RuntimeError), _services() as services:
        engine = services.engine
        assert services.engine is engine  # made once
        raise RuntimeError("boom")
    assert CountingEngine.made == 1
    assert isinstance(engine, CountingEngine) and engine.closed == 1  # closed despite the error


def test_services_make_the_registry_client_once() -> None:
    made: list[RegistryClient] = []

    def factory() -> RegistryClient:
        made.append(RegistryClient.__new__(RegistryClient))
        return made[-1]

    services = Services(registry=factory)
    assert services.client is services.client
    assert len(made) == 1
