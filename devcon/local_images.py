"""The local engine's images that belong to a repository, and removing the unused ones
(`devcon images`, `devcon prune`).

How the official dev container CLI (github.com/devcontainers/cli, read at f683c29) names and
labels what it builds, which is how an image is known to belong to a folder here:

- `src/spec-node/utils.ts` `getFolderImageName`: the image it builds for a workspace folder
  (a Dockerfile config, and an image or compose config extended with Features) is
  `toDockerImageName("vsc-" + basename(folder) + "-" + getFolderHash(folder))`, where
  `getFolderHash` is the hex SHA-256 of the folder's path string, the absolute path the CLI
  was given (`path.resolve(cwd, --workspace-folder)` in `devContainersSpecCLI.ts`: made
  absolute and normalised, symlinks not resolved).
- `src/spec-shutdown/dockerUtils.ts` `toDockerImageName`: lower-cased, every run of
  characters outside `[a-z0-9._-]` removed, then a run of separators starting with `.` + one
  of `._-`, `_` + one of `.-`, `__` + one of `._-`, or `-`s + one of `._` is cut to its first
  part minus one character.
- `src/spec-node/containerFeatures.ts`: the image with Features added is that name (or the
  config's image name when it starts with it) plus `-features`; the image rebuilt to update
  the remote user's UID is the same plus `-uid`. Both are tagged `latest`.
- `src/spec-node/imageMetadata.ts` `imageMetadataLabel`: the label `devcontainer.metadata`
  (a JSON array of the configs and Features merged into the image) is set on the images it
  builds; devcontainers' published base images carry it too, so it says "built for dev
  containers", never which folder.
- `src/spec-node/singleContainer.ts` `hostFolderLabel` / `configFileLabel`: the containers it
  creates are labelled `devcontainer.local_folder=<folder>` and
  `devcontainer.config_file=<config path>` (`utils.ts` `findContainerAndIdLabels`; older
  containers have only the first). On Windows it compares them with the drive letter
  lower-cased; here they are compared as written.
- devcon itself builds no image (nothing in devcon labels one), so there is no label of its
  own to look for.

An image belongs to the repository when one of its tags is one of the folder's `vsc-` names
(or such a name plus a suffix), when a container labelled with one of the folder's paths
runs it, or when its repository is one that a config, Dockerfile or compose file of the
repository references. A current config uses it when a reference names it: by digest when
the reference has one, else by tag. An untagged image (an older build, replaced under its
name) is found only through a container of the folder.

Removal never forces: the engine refuses an image a container (running or stopped) uses, and
an image a container or a current config uses is not asked for at all.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any, TypeVar

from devcon import images
from devcon.definition import ConfigDocument, Document, collect
from devcon.discovery import workspace_folder
from devcon.engine import Engine, EngineError
from devcon.errors import InputError
from devcon.fileio import is_existing_dir
from devcon.merge import METADATA_LABEL
from devcon.reference import Reference, ReferenceError, parse_reference

#: the container label holding the workspace folder a dev container was created for
HOST_FOLDER_LABEL = "devcontainer.local_folder"
#: the container label holding the devcontainer.json it was created from
CONFIG_FILE_LABEL = "devcontainer.config_file"

# the CLI's `(\.[\._-]|_[\.-]|__[\._-]|-+[\._])[\._-]*`, with `-+` tried only where a run of
# `-` starts: a match never starts inside one (a failed try at its first `-` fails at every
# later one, and a match ends after every separator that follows it), so the result is the
# same and the search is linear, not quadratic, in a long run of `-`
_SEPARATOR_RUN = re.compile(r"(\.[._-]|_[.-]|__[._-]|(?<!-)-+[._])[._-]*")
_NOT_NAME = re.compile(r"[^a-z0-9._-]+")
_T = TypeVar("_T")


def to_docker_image_name(name: str) -> str:
    """A name as the dev container CLI makes it a valid image name (`toDockerImageName`)."""
    cleaned = _NOT_NAME.sub("", name.lower())
    return _SEPARATOR_RUN.sub(lambda match: match.group(1)[:-1], cleaned)


def folder_image_name(folder: str) -> str:
    """`vsc-<folder's name>-<sha256 of its path>`: what the dev container CLI names the image it
    builds for the workspace folder at the absolute path `folder`."""
    digest = sha256(folder.encode("utf-8")).hexdigest()
    return to_docker_image_name(f"vsc-{os.path.basename(folder)}-{digest}")


def folder_paths(folder: Path) -> tuple[str, ...]:
    """The path strings a tool may have used for `folder`: as given made absolute, and with
    its symlinks resolved when that differs."""
    given = os.path.abspath(folder)
    real = os.path.realpath(folder)
    return (given,) if given == real else (given, real)


class Belonging(enum.Enum):
    """Why an image is counted as the repository's."""

    FOLDER_BUILD = "built for this folder"  # a vsc-<folder>-<hash> name
    FOLDER_CONTAINER = "run by a dev container of this folder"  # devcontainer.local_folder
    REFERENCED = "a repository its files reference"


@dataclass(frozen=True)
class ConfigUse:
    """A reference in a current file that names the image."""

    path: Path
    line: int
    column: int
    written: str


@dataclass(frozen=True)
class ContainerUse:
    """A container (running or not) that uses the image."""

    id: str
    name: str
    state: str  # the engine's: running, exited, created, paused, ...
    folder: str | None  # its devcontainer.local_folder label


@dataclass(frozen=True)
class LocalImage:
    """One image of the local engine that belongs to the repository."""

    id: str
    tags: tuple[str, ...]
    digests: tuple[str, ...]  # repository@digest, as pulled or pushed
    size: int  # bytes, layers shared with other images included
    created: datetime | None
    built_for_dev_containers: bool  # it has the devcontainer.metadata label
    belongs: tuple[Belonging, ...]
    config_uses: tuple[ConfigUse, ...]
    containers: tuple[ContainerUse, ...]

    @property
    def in_use(self) -> bool:
        return bool(self.config_uses or self.containers)

    @property
    def name(self) -> str:
        """Its first tag, else its first digest, else its short id."""
        if self.tags:
            return self.tags[0]
        if self.digests:
            return self.digests[0]
        return self.id.removeprefix("sha256:")[:12]


@dataclass(frozen=True)
class ImagesResult:
    """`devcon images`: the repository's images, newest first."""

    folders: tuple[str, ...]  # the workspace folders' paths looked for
    image_names: tuple[str, ...]  # their vsc-<folder>-<hash> names
    images: tuple[LocalImage, ...]
    now: datetime

    @property
    def unused(self) -> tuple[LocalImage, ...]:
        return tuple(image for image in self.images if not image.in_use)


@dataclass(frozen=True)
class Removal:
    """What became of one unused image."""

    image: LocalImage
    removed: bool  # deleted (False in a dry run, or when the engine refused or kept it)
    problem: str | None = None  # why the engine did not delete it
    reclaimable: int = 0  # bytes only this image holds (what deleting it frees at least)


@dataclass(frozen=True)
class PruneResult:
    """`devcon prune`: the unused images removed (or, in a dry run, that would be)."""

    images: ImagesResult
    removals: tuple[Removal, ...]
    dry_run: bool
    # bytes the engine's layers shrank by; in a dry run, the sum of the images' own bytes
    reclaimed: int = 0
    kept: tuple[LocalImage, ...] = field(default=())

    @property
    def failed(self) -> tuple[Removal, ...]:
        return tuple(r for r in self.removals if not self.dry_run and not r.removed)


# -- deciding (no engine) ----------------------------------------------------------------


def _tag_name(tag: str) -> str:
    """`vsc-a-1:latest` -> `vsc-a-1`: the last part of the name, without the tag. Podman's
    Docker API lists a local name qualified (`docker.io/library/vsc-a-1:latest`, or
    `localhost/...`); the CLI's names have no `/`, and the hash names the folder anyway."""
    return tag.rpartition("/")[2].split(":", 1)[0]


def _parsed(text: str) -> Reference | None:
    try:
        return parse_reference(text)
    except ReferenceError:
        return None


def _names_of(values: Iterable[str]) -> list[str]:
    return [v for v in values or () if v and not v.startswith("<none>")]


def _uses_image(use: Reference, tags: Sequence[Reference], digests: Sequence[Reference]) -> bool:
    """A reference names the image: by digest when it has one (a pull by digest tags
    nothing), else by tag."""
    if use.digest is not None:
        return any(d.name == use.name and d.digest == use.digest for d in digests)
    return any(t.name == use.name and t.tag_or_default == use.tag_or_default for t in tags)


def _created(value: object) -> datetime | None:
    if isinstance(value, int) and value > 0:
        return datetime.fromtimestamp(value, UTC)
    return None


def belonging_images(
    engine_images: Sequence[Mapping[str, Any]],
    engine_containers: Sequence[Mapping[str, Any]],
    uses: Sequence[tuple[Reference, ConfigUse]],
    folders: Sequence[str],
) -> tuple[LocalImage, ...]:
    """The images that belong to the folders, from the engine's image and container lists (as
    its API gives them: `Id`, `RepoTags`, `RepoDigests`, `Size`, `Created`, `Labels`; `Id`,
    `Names`, `ImageID`, `State`, `Labels`) and the references the folders' files make."""
    image_names = {folder_image_name(f) for f in folders}
    folder_set = set(folders)
    by_image: dict[str, list[ContainerUse]] = {}
    run_here: set[str] = set()
    for container in engine_containers:
        labels = container.get("Labels") or {}
        # podman's Docker API gives a container's ImageID without the `sha256:` of its Id
        image_id = str(container.get("ImageID") or "").removeprefix("sha256:")
        folder = labels.get(HOST_FOLDER_LABEL)
        names = container.get("Names") or []
        by_image.setdefault(image_id, []).append(
            ContainerUse(
                id=str(container.get("Id") or ""),
                name=str(names[0]).lstrip("/") if names else "",
                state=str(container.get("State") or ""),
                folder=folder if isinstance(folder, str) else None,
            )
        )
        if folder in folder_set:
            run_here.add(image_id)
    repositories = {reference.name for reference, _ in uses}
    found: list[LocalImage] = []
    for entry in engine_images:
        image_id = str(entry.get("Id") or "")
        key = image_id.removeprefix("sha256:")
        tags = tuple(_names_of(entry.get("RepoTags") or ()))
        digests = tuple(_names_of(entry.get("RepoDigests") or ()))
        parsed_tags = [r for r in map(_parsed, tags) if r is not None]
        parsed_digests = [r for r in map(_parsed, digests) if r is not None]
        belongs: list[Belonging] = []
        if any(
            _tag_name(tag) == name or _tag_name(tag).startswith(name + "-")
            for tag in tags
            for name in image_names
        ):
            belongs.append(Belonging.FOLDER_BUILD)
        if key in run_here:
            belongs.append(Belonging.FOLDER_CONTAINER)
        if any(r.name in repositories for r in (*parsed_tags, *parsed_digests)):
            belongs.append(Belonging.REFERENCED)
        if not belongs:
            continue
        labels = entry.get("Labels") or {}
        found.append(
            LocalImage(
                id=image_id,
                tags=tags,
                digests=digests,
                size=int(entry.get("Size") or 0),
                created=_created(entry.get("Created")),
                built_for_dev_containers=METADATA_LABEL in labels,
                belongs=tuple(belongs),
                config_uses=tuple(
                    where
                    for reference, where in uses
                    if _uses_image(reference, parsed_tags, parsed_digests)
                ),
                containers=tuple(by_image.get(key, ())),
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    return tuple(sorted(found, key=lambda i: (i.created or oldest, i.id), reverse=True))


def _reference_uses(items: Sequence[Document]) -> list[tuple[Reference, ConfigUse]]:
    """Every image reference of the files with a value (a Dockerfile's `FROM ${BASE}` as its
    build args and ARG defaults resolve it), where it is written."""
    from devcon.pin import image_uses

    return [found for item, uses in image_uses(items) for found in _located(item.path, uses)]


def _located(path: Path, uses: Iterable[images.ImageUse]) -> list[tuple[Reference, ConfigUse]]:
    return [
        (use.reference, ConfigUse(path, use.line, use.column, use.written))
        for use in uses
        if use.reference is not None
    ]


# -- the engine ------------------------------------------------------------------------


def _engine_call(engine: Engine, what: str, call: Callable[[Any], _T]) -> _T:
    """`call(engine API client)`, its failures an EngineError (exit 3) naming `what`."""
    import docker.errors

    api = engine.client.api
    try:
        return call(api)
    except docker.errors.APIError as exc:
        raise EngineError(f"Docker Engine error ({what}): {exc.explanation or exc}") from None
    except (docker.errors.DockerException, OSError) as exc:  # requests' errors are OSErrors
        raise EngineError(f"Docker Engine error ({what}): {exc}") from None


def _documents(folder: Path) -> list[Document]:
    """The folder's files as `devcon validate` reads them; none for a folder without a dev
    container config (its images may outlive the config: they are found by name and
    container)."""
    try:
        return collect([folder])
    except InputError as exc:
        problem = exc.message.removeprefix(f"{exc.location}: ")
        unreadable = problem.startswith(("cannot read", "no such"))
        if exc.location == str(folder) and is_existing_dir(folder) and not unreadable:
            return []
        raise


def survey(folder: Path, engine: Engine) -> ImagesResult:
    """The local engine's images that belong to the repository at `folder` (its configs
    found as `devcon validate` finds them), with what uses each."""
    from devcon.pin import refuse_unreadable

    items = _documents(folder)
    refuse_unreadable(items)
    paths = list(folder_paths(folder))
    for item in items:
        if isinstance(item, ConfigDocument):
            for path in folder_paths(workspace_folder(item.path)):
                if path not in paths:
                    paths.append(path)
    uses = _reference_uses(items)
    engine_images = _engine_call(engine, "listing images", lambda api: api.images())
    engine_containers = _engine_call(
        engine, "listing containers", lambda api: api.containers(all=True)
    )
    return ImagesResult(
        folders=tuple(paths),
        image_names=tuple(folder_image_name(p) for p in paths),
        images=belonging_images(engine_images, engine_containers, uses, paths),
        now=datetime.now(UTC),
    )


def _layers_size(engine: Engine) -> tuple[int | None, dict[str, int]]:
    """The engine's layers' bytes (None when it does not count them: podman's Docker API says
    0), and each image's own bytes (not shared with another image), by id without `sha256:`
    (podman's disk usage lists ids without it)."""
    usage = _engine_call(engine, "reading disk usage", lambda api: api.df())
    own = {
        str(i.get("Id")).removeprefix("sha256:"): max(
            0, int(i.get("Size") or 0) - max(0, int(i.get("SharedSize") or 0))
        )
        for i in usage.get("Images") or ()
    }
    layers = usage.get("LayersSize")
    return (layers if isinstance(layers, int) and layers > 0 else None), own


def _remove(engine: Engine, image: LocalImage) -> tuple[bool, str | None]:
    """Untag and delete one image, never forced; (deleted, why not). The engine refuses an
    image a container uses; that refusal is this image's problem, not an error of the run."""
    import docker.errors

    def remove(api: Any) -> tuple[bool, str | None]:
        deleted = False
        for target in image.tags or (image.id,):
            try:
                answer = api.remove_image(target)
            except docker.errors.NotFound:
                continue  # removed meanwhile
            except docker.errors.APIError as exc:
                return False, str(exc.explanation or exc)
            deleted = deleted or any("Deleted" in entry for entry in answer or ())
        if not deleted and image.tags:
            gone = _engine_call(engine, "inspecting", lambda a: _missing(a, image.id))
            if not gone:
                return False, "untagged only: other images are built on it"
        return True, None

    return _engine_call(engine, f"removing {image.name}", remove)


def _missing(api: Any, image_id: str) -> bool:
    import docker.errors

    try:
        api.inspect_image(image_id)
    except docker.errors.NotFound:
        return True
    return False


def prune(
    result: ImagesResult,
    engine: Engine,
    dry_run: bool = False,
) -> PruneResult:
    """Remove `result`'s unused images (none that a container or a current config uses);
    in a dry run, only say which and how many bytes they hold alone."""
    unused = result.unused
    kept = tuple(image for image in result.images if image.in_use)
    if not unused:
        return PruneResult(result, (), dry_run, 0, kept)
    before, own = _layers_size(engine)
    if dry_run:
        removals = tuple(Removal(i, False, None, _own(own, i)) for i in unused)
        return PruneResult(result, removals, True, sum(r.reclaimable for r in removals), kept)
    done = []
    for image in unused:
        removed, problem = _remove(engine, image)
        done.append(Removal(image, removed, problem, _own(own, image)))
    after, _ = _layers_size(engine)
    if before is not None and after is not None:
        reclaimed = max(0, before - after)
    else:  # the images' own bytes: a lower bound (a layer only they shared is not counted)
        reclaimed = sum(r.reclaimable for r in done if r.removed)
    return PruneResult(result, tuple(done), False, reclaimed, kept)


def _own(own: Mapping[str, int], image: LocalImage) -> int:
    return own.get(image.id.removeprefix("sha256:"), 0)
