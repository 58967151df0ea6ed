"""What `devcon parity` and `devcon compat` take as an image: one syntax, one set of rules.

- `docker:NAME[:TAG]`: an image in the local engine only;
- a file or folder that exists: a Dockerfile, a devcontainer.json or the folder holding one
  (a path that exists is a path, even when it contains `#`);
- `PATH#STAGE`: a stage of a Dockerfile (the stage name or its index);
- anything else: a registry reference. A missing file whose name says it is one (it ends in
  `Dockerfile` or `.json`) is "no such file", not a reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devcon.discovery import FileKind, configs_of_folder, kind_of
from devcon.dockerfile.model import Dockerfile, Stage
from devcon.errors import InputError, UsageError
from devcon.output_safety import bounded_join
from devcon.reference import Reference, ReferenceError, parse_reference

ENGINE_PREFIX = "docker:"


@dataclass(frozen=True)
class EngineSpec:
    """`docker:NAME`: read from the local engine only."""

    text: str
    name: str


@dataclass(frozen=True)
class ReferenceSpec:
    """An image in a registry."""

    text: str
    reference: Reference


@dataclass(frozen=True)
class StageSpec:
    """`PATH#STAGE`: a stage of a Dockerfile that exists."""

    text: str
    path: Path
    stage: str


@dataclass(frozen=True)
class PathSpec:
    """A file or folder that exists (what it holds is for the command to read)."""

    text: str
    path: Path


ImageSpec = EngineSpec | ReferenceSpec | StageSpec | PathSpec


def parse_image_spec(text: str) -> ImageSpec:
    """The image `text` names; UsageError/InputError (exit 2) when it names none."""
    if text.startswith(ENGINE_PREFIX):
        name = text[len(ENGINE_PREFIX) :]
        if not name:
            raise UsageError("docker: needs an image name, e.g. docker:myapp:dev")
        return EngineSpec(text, name)
    path = Path(text)
    if path.exists():
        return PathSpec(text, path)
    path_text, hash_sign, stage = text.partition("#")
    if hash_sign:
        path = Path(path_text)
        if not path.exists():
            raise InputError("no such file", path_text)
        if not path.is_file() or kind_of(path) is not FileKind.DOCKERFILE:
            raise UsageError(f"{text}: #STAGE goes with a Dockerfile only")
        if not stage:
            raise UsageError(f"{text}: give a stage name or index after #")
        return StageSpec(text, path, stage)
    if text.endswith(("Dockerfile", ".json")):
        raise InputError("no such file", text)
    try:
        return ReferenceSpec(text, parse_reference(text))
    except ReferenceError as exc:
        raise UsageError(f"{text}: neither a file nor an image reference ({exc})") from None


def the_config_of(folder: Path) -> Path:
    """The one devcontainer.json a folder stands for (InputError when none or several)."""
    found = configs_of_folder(folder)
    if len(found) != 1:
        raise InputError(
            "give the devcontainer.json itself" if found else "no devcontainer.json here",
            str(folder),
        )
    return found[0]


def named_stage(dockerfile: Dockerfile, name: str, path: Path) -> Stage:
    """The stage `name` (a name or an index) of a Dockerfile; InputError listing the stages
    when it has no such stage."""
    stage = dockerfile.stage(name)
    if stage is None:
        names = bounded_join(s.name or str(s.index) for s in dockerfile.stages)
        raise InputError(f"no stage {name!r} (stages: {names})", str(path))
    return stage
