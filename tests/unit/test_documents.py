"""collect() reads each file once into a typed document carrying its parsed model; validate,
pin --check and compat --offline read those models: one read and one parse per file per run
(the requirements file a RUN installs from included)."""

from __future__ import annotations

import datetime
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from devcon import compose as compose_module
from devcon import fileio, jsonc
from devcon.compat.check import CompatRequest, read_images
from devcon.config import Settings
from devcon.definition import (
    ComposeDocument,
    ConfigDocument,
    DockerfileDocument,
    FeatureDocument,
    collect,
)
from devcon.dockerfile import parser
from devcon.parity.sides import parse_side
from devcon.pin import PinRequest, pin
from devcon.services import Services
from devcon.validate import ValidateRequest, validate

DOCKERFILE = (
    "FROM python:3.12 AS base\n"
    "FROM base AS dev\n"
    "COPY requirements.txt /tmp/\n"
    "RUN pip install --upgrade -r /tmp/requirements.txt\n"
)


def _repository(root: Path) -> Path:
    folder = root / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text(
        '{"dockerComposeFile": "compose.yml", "service": "app"}\n', encoding="utf-8"
    )
    (folder / "compose.yml").write_text(
        "services:\n  app:\n    build:\n      context: .\n      target: dev\n"
        "  db:\n    image: postgres:16\n",
        encoding="utf-8",
    )
    (folder / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (folder / "requirements.txt").write_text("requests\n", encoding="utf-8")
    return folder


class _Counts:
    def __init__(self) -> None:
        self.reads: Counter[str] = Counter()
        self.parses: Counter[str] = Counter()


@contextmanager
def _counting(monkeypatch: pytest.MonkeyPatch, root: Path) -> Iterator[_Counts]:
    """Counts reads of the files under `root` (by name) and parses (by parser and file)
    while the block runs."""
    counts = _Counts()
    read_bytes = Path.read_bytes
    read_text = Path.read_text

    def count(path: Path) -> None:
        if path.is_file() and path.resolve().is_relative_to(root.resolve()):
            counts.reads[path.name] += 1

    def counting_bytes(self: Path) -> bytes:
        count(self)
        return read_bytes(self)

    def counting_text(self: Path, *args: Any, **kwargs: Any) -> str:
        count(self)
        return read_text(self, *args, **kwargs)

    def counting_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        count(Path(file))  # devcon.fileio reads through open() (a size-checked read)
        return open(file, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", counting_bytes)
    monkeypatch.setattr(Path, "read_text", counting_text)
    monkeypatch.setattr(fileio, "open", counting_open, raising=False)
    parsers: dict[object, Callable[[FrameType], str]] = {
        parser.parse_dockerfile.__code__: lambda f: "dockerfile " + Path(f.f_locals["path"]).name,
        jsonc.parse.__code__: lambda f: "jsonc",
        compose_module._parse.__wrapped__.__code__: lambda f: "compose " + f.f_locals["path"].name,
    }

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code in parsers:
            counts.parses[parsers[frame.f_code](frame)] += 1

    compose_module._parse.cache_clear()
    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield counts
    finally:
        sys.setprofile(old)


def test_collect_gives_one_typed_document_per_file(tmp_path: Path) -> None:
    folder = _repository(tmp_path)
    feature = tmp_path / "src" / "tool"
    feature.mkdir(parents=True)
    (feature / "devcontainer-feature.json").write_text('{"id": "tool"}', encoding="utf-8")
    documents = collect((tmp_path,))
    by_type = {type(d): d for d in documents}
    assert set(by_type) == {ConfigDocument, FeatureDocument, ComposeDocument, DockerfileDocument}
    config = by_type[ConfigDocument]
    assert isinstance(config, ConfigDocument) and config.doc is not None
    assert config.references is not None
    assert config.references.compose_files == (folder / "compose.yml",)
    compose = by_type[ComposeDocument]
    assert isinstance(compose, ComposeDocument)
    assert [s.name.value for s in compose.model.services] == ["app", "db"]
    assert compose.attached_services == frozenset({"app"})
    dockerfile = by_type[DockerfileDocument]
    assert isinstance(dockerfile, DockerfileDocument)
    assert [s.name for s in dockerfile.model.stages] == ["base", "dev"]
    assert (dockerfile.target, dockerfile.sidecar) == ("dev", False)


def test_each_file_is_read_and_parsed_once_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _repository(tmp_path)
    once = Counter({"dockerfile Dockerfile": 1, "jsonc": 1, "compose compose.yml": 1})
    read_once = Counter(
        {"devcontainer.json": 1, "compose.yml": 1, "Dockerfile": 1, "requirements.txt": 1}
    )

    with _counting(monkeypatch, tmp_path) as counts:
        result = validate(ValidateRequest(paths=(tmp_path,), settings=Settings()))
    assert {"unpinned-package", "upgrade-in-build"} <= {f.rule for f in result.findings}
    assert counts.parses == once
    assert counts.reads == read_once

    with _counting(monkeypatch, tmp_path) as counts:
        pinned = pin(PinRequest(paths=(tmp_path,), check=True), lambda: pytest.fail("no network"))
    assert {i.written for i in pinned.items} == {"python:3.12", "postgres:16"}
    assert counts.parses == once
    assert counts.reads == read_once - Counter({"requirements.txt": 1})

    monkeypatch.setenv("DOCKER_HOST", "tcp://192.0.2.1:2375")  # not local: no engine read
    dockerfile = folder / "Dockerfile"
    request = CompatRequest(
        (f"{dockerfile}#base", f"{dockerfile}#dev", str(folder)),
        offline=True,
        today=datetime.date(2026, 12, 3),
    )
    services = Services(lambda: pytest.fail("no registry"))
    with _counting(monkeypatch, tmp_path) as counts, services:
        reports = read_images(request, services)
    assert [r.image for r in reports] == ["python:3.12"]
    assert counts.parses == once
    assert counts.reads == read_once - Counter({"requirements.txt": 1})


def test_parity_reads_a_config_side_from_the_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A devcontainer.json side: the config, its Dockerfile (with the config's build args and
    target) each parsed once."""
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text(
        '{"build": {"dockerfile": "Dockerfile", "args": {"BASE": "python:3.12"},'
        ' "target": "dev"}}\n',
        encoding="utf-8",
    )
    (folder / "Dockerfile").write_text(
        "ARG BASE=python:3.11\nFROM ${BASE} AS dev\nFROM alpine:3.20\n", encoding="utf-8"
    )
    with _counting(monkeypatch, tmp_path) as counts:
        side = parse_side(str(folder / "devcontainer.json"))
    assert side.static is not None
    assert (side.static.stage, side.static.base_written) == ("dev", "python:3.12")
    assert counts.parses == Counter({"dockerfile Dockerfile": 1, "jsonc": 1})
    assert counts.reads == Counter({"devcontainer.json": 1, "Dockerfile": 1})


def test_parity_reads_a_compose_service_dockerfile_without_its_build_args(
    tmp_path: Path,
) -> None:
    """As before documents: the Dockerfile a compose service builds is compared as written
    (its ARG defaults), not with the compose file's build args."""
    folder = tmp_path / ".devcontainer"
    folder.mkdir()
    (folder / "devcontainer.json").write_text(
        '{"dockerComposeFile": "compose.yml", "service": "app"}\n', encoding="utf-8"
    )
    (folder / "compose.yml").write_text(
        "services:\n  app:\n    build:\n      context: .\n      args:\n        BASE: python:3.13\n",
        encoding="utf-8",
    )
    (folder / "Dockerfile").write_text("ARG BASE=python:3.11\nFROM ${BASE}\n", encoding="utf-8")
    side = parse_side(str(folder))
    assert side.static is not None
    assert side.static.base_written == "python:3.11"
