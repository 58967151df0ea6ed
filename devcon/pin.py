"""`devcon pin` and `devcon outdated`: collect references -> resolve concurrently -> rewrite.

Nothing is written until every reference has resolved; then all changed files are written
all-or-nothing. Byte for byte, a file changes only inside the references.

A reference is given a digest only where it is written as a whole (images.written_references):
`FROM ${BASE}` is pinned in its `ARG BASE=...` default (and in the config's `build.args.BASE`
when the config sets it: that is the value its dev container build uses); a variable inside a
reference (`python:${PYVER}-slim`) is never given a digest, which would freeze it.

A reference devcon cannot pin (a variable inside it, built from variables with no value, not a
valid reference, spelled with escape sequences or as a YAML block scalar) is a `skipped`
result with the reason, never an exception; a config or compose file that cannot be parsed
is an InputError (exit 2) naming path:line:column, since its references cannot even be
listed.
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from devcon import images
from devcon.definition import (
    ComposeDocument,
    ConfigDocument,
    DockerfileDocument,
    Document,
    collect,
)
from devcon.errors import InputError
from devcon.features import (
    FeatureLock,
    feature_reference,
    lock_feature,
    locked_features,
    lockfile_path,
    render_lockfile,
)
from devcon.fileio import read_text
from devcon.images import ImageUse
from devcon.named_files import NamedFile, plan_named
from devcon.progress import Progress, Tally, no_progress
from devcon.reference import Reference
from devcon.registry.client import RegistryClient, Resolution
from devcon.registry.errors import NotFound, PlatformMissing, RegistryError
from devcon.rewrite import Edit, apply_edits, text_at, unified_diff, write_all

_T = TypeVar("_T")


class PinStatus(enum.Enum):
    PINNED = "pinned"  # newly pinned (or would be, with --dry-run)
    UNPINNED = "unpinned"  # --check: not pinned
    ALREADY = "already-pinned"
    SKIPPED = "skipped"
    UP_TO_DATE = "up-to-date"
    OUTDATED = "outdated"
    UPDATED = "updated"


@dataclass(frozen=True)
class PinItem:
    path: str
    line: int
    column: int
    written: str
    status: PinStatus
    digest: str | None = None  # the digest pinned now, or the current one (outdated)
    old_digest: str | None = None
    new_text: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PinResult:
    items: tuple[PinItem, ...]
    diffs: tuple[str, ...]
    changed: tuple[Path, ...]
    dry_run: bool = False  # nothing was written: `diffs` is what would change
    # files named that devcon does not read on its own: checked through others, or skipped
    named: tuple[NamedFile, ...] = ()
    # references skipped because the registry answered that it has no such tag, or no
    # manifest for the platform asked: the request cannot be met, though nothing is wrong
    # with the network (a retry gives the same answer): the command fails, exit 1 not 3
    unresolved: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()  # the definition files read


@dataclass(frozen=True)
class OutdatedResult(PinResult):
    """What `outdated` found: each item's status says whether its tag moved."""


@dataclass(frozen=True)
class PinRequest:
    paths: tuple[Path, ...]
    check: bool = False  # list unpinned references; no network, no writes
    dry_run: bool = False  # compute the diff; write nothing
    platform: str | None = None  # pin one platform's manifest instead of the index
    features: bool = False  # also lock Features in devcontainer-lock.json
    workers: int = 32  # I/O-bound: a bounded pool of threads
    progress: Progress = no_progress  # told each reference (and Feature) resolved


def image_uses(items: Sequence[Document]) -> list[tuple[Document, list[ImageUse]]]:
    """Each definition file with the image references it makes: a Dockerfile's, a compose
    file's, then each config's (its `image`, and the `build.args` that give a value to a
    variable its Dockerfile reads as a whole reference, `FROM ${BASE}`). Feature and Template
    metadata name no image."""
    read_whole: dict[Path, set[str]] = {}
    found: list[tuple[Document, list[ImageUse]]] = []
    for item in items:
        match item:
            case DockerfileDocument():
                uses = images.in_dockerfile(item.model)
                read_whole[item.path.resolve()] = images.variables_read_whole(uses)
            case ComposeDocument():
                uses = images.in_compose(item.model)
            case _:
                continue
        found.append((item, uses))
    for item in items:
        if isinstance(item, ConfigDocument) and item.doc is not None:
            uses = images.in_config(item.doc)
            dockerfile = item.references.dockerfile
            if dockerfile is not None:
                uses += images.build_arg_uses(item.doc, read_whole.get(dockerfile.resolve(), set()))
            found.append((item, uses))
    return found


def uses_in(items: Sequence[Document]) -> list[tuple[Document, ImageUse]]:
    """The image references of the definition files, where each is written as a whole: a
    Dockerfile `${NAME}` is its ARG default, or the `build.args` value of the config that
    builds it; a reference with a variable inside is skipped (images.written_references)."""
    return [
        (item, use)
        for item, uses in image_uses(items)
        for use in images.written_references(
            uses, item.build_args if isinstance(item, DockerfileDocument) else None
        )
    ]


def refuse_unreadable(items: Sequence[Document]) -> None:
    """InputError (exit 2) for a config or compose file that cannot be parsed: its references
    cannot be listed, so neither pinning nor checking it can be trusted."""
    for item in items:
        if isinstance(item, ConfigDocument) and item.syntax_error is not None:
            error = item.syntax_error
            raise InputError(
                f"not valid JSONC ({error.message}); its references cannot be listed",
                f"{item.path}:{error.line}:{error.column}",
            )
        compose = item.model if isinstance(item, ComposeDocument) else None
        if compose is not None and compose.problems and not compose.services:
            problem = compose.problems[0]
            raise InputError(
                f"not a readable compose file ({problem.message}); its references cannot be listed",
                f"{item.path}:{problem.line}:{problem.column}",
            )


def _not_editable(item: Document, use: ImageUse) -> str | None:
    """Why a reference cannot be rewritten in place (None: it can): the file must hold it
    exactly as read, which JSON escapes (`\\/`, `\\u0070`) and YAML block scalars or escaped
    double-quoted strings do not."""
    if text_at(item.text, use.line, use.column, len(use.written)) == use.written:
        return None
    if isinstance(item, ConfigDocument):
        return "written with JSON escape sequences; spell it out to let devcon rewrite it"
    if isinstance(item, ComposeDocument):
        return (
            "written as a YAML block scalar or with escape sequences; write it as a plain or "
            "quoted one-line string to let devcon rewrite it"
        )
    return "not found as written in the file; devcon cannot rewrite it in place"


def _run_all(
    workers: int,
    tasks: Sequence[_T],
    one: Callable[[_T], object],
    progress: Progress = no_progress,
    what: str = "",
) -> list[RegistryError]:
    """Run `one` over `tasks` in a bounded pool, telling `progress` (as `what`, n of m) as
    each ends; the registry errors, after all finished."""
    errors: list[RegistryError] = []
    tally = Tally(progress, what, len(tasks))

    def guarded(task: _T) -> None:
        try:
            one(task)
        except RegistryError as exc:
            errors.append(exc)
        finally:
            tally.tick()

    if tasks:
        tally.start()
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks)))) as pool:
            list(pool.map(guarded, tasks))
    return errors


def resolve_all(
    client: RegistryClient,
    refs: Sequence[Reference],
    platform: str | None,
    workers: int,
    progress: Progress = no_progress,
) -> tuple[dict[str, Resolution], dict[str, str]]:
    """Resolve distinct references concurrently (a bounded pool); the first error is raised
    after all have finished, so no half-done state is left behind. Returns the resolutions
    and, for references the registry does not have (no such tag, or no manifest for
    `platform`), why: an answer, not an error."""
    unique = list(dict.fromkeys(r.original for r in refs))
    by_text = {r.original: r for r in refs}
    results: dict[str, Resolution] = {}
    missing: dict[str, str] = {}

    def one(text: str) -> None:
        try:
            resolution = client.resolve(by_text[text], platform)
        except (NotFound, PlatformMissing) as exc:
            missing[text] = exc.message
            return
        client.confirm(by_text[text], resolution.digest)  # never pin what a HEAD only claims
        results[text] = resolution

    errors = _run_all(workers, unique, one, progress, "resolving image references")
    if errors:
        raise errors[0]
    return results, missing


def _pinned_text(use: ImageUse, digest: str) -> str:
    return f"{use.written.split('@', 1)[0]}@{digest}"


def _rewrite(
    items: Sequence[Document],
    edits_by_file: dict[Path, list[Edit]],
    dry_run: bool,
    extra: Sequence[tuple[Path, str, str]] = (),
) -> tuple[tuple[str, ...], tuple[Path, ...]]:
    changes: list[tuple[Path, str, str]] = list(extra)
    diffs: list[str] = [unified_diff(str(path), old, new) for path, old, new in extra]
    for item in items:
        edits = edits_by_file.get(item.path)
        if not edits:
            continue
        new_text = apply_edits(item.text, edits, str(item.path))
        if new_text != item.text:
            changes.append((item.path, item.text, new_text))
            diffs.append(unified_diff(str(item.path), item.text, new_text))
    if changes and not dry_run:
        write_all(changes)
    return tuple(diffs), tuple(path for path, _, _ in changes)


# -- Features and devcontainer-lock.json ---------------------------------------------------


@dataclass(frozen=True)
class _Feature:
    config: ConfigDocument
    id: str
    reference: Reference
    line: int
    column: int


@dataclass(frozen=True)
class _Lock:
    """A config's lock file as found: its text (None: there is none) and its entries."""

    path: Path
    text: str | None
    entries: dict[str, FeatureLock]


def _features(items: Sequence[Document]) -> list[_Feature]:
    """The OCI Features of every config (local folders and tarball URLs are not artifacts)."""
    found = []
    for item in items:
        if not isinstance(item, ConfigDocument) or item.doc is None:
            continue
        value = item.doc.value
        features = value.get("features") if isinstance(value, dict) else None
        if not isinstance(features, dict):
            continue
        for key in features:
            feature_id = str(key)
            ref = feature_reference(feature_id)
            if ref is not None:
                line, column = item.doc.key_position(("features", feature_id))
                found.append(_Feature(item, feature_id, ref, line, column))
    return found


def _read_lock(config: ConfigDocument) -> _Lock:
    path = lockfile_path(config.path)
    if not path.exists():
        return _Lock(path, None, {})
    text = read_text(path)  # unreadable: InputError, never silently replaced
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = f"{path}:{getattr(exc, 'lineno', 1)}:{getattr(exc, 'colno', 1)}"
        raise InputError("not valid JSON; fix or remove it", where) from None
    return _Lock(path, text, locked_features(data))


def _locks(features: Sequence[_Feature]) -> dict[Path, _Lock]:
    locks: dict[Path, _Lock] = {}
    for feature in features:
        if feature.config.path not in locks:
            locks[feature.config.path] = _read_lock(feature.config)
    return locks


def _lock_changes(
    features: Sequence[_Feature],
    locks: dict[Path, _Lock],
    new: dict[tuple[Path, str], FeatureLock],
) -> list[tuple[Path, str, str]]:
    """The lock files to write: per config, every one of its OCI Features with its new lock
    or the one it had (entries for Features the config no longer names are dropped, as the
    official CLI does); only files whose text changes."""
    by_config: dict[Path, dict[str, FeatureLock]] = defaultdict(dict)
    for feature in features:
        path = feature.config.path
        entry = new.get((path, feature.id)) or locks[path].entries.get(feature.id)
        if entry is not None:
            by_config[path][feature.id] = entry
    changes = []
    for path, entries in by_config.items():
        lock = locks[path]
        text = render_lockfile(entries.values())
        if text != lock.text:
            changes.append((lock.path, lock.text or "", text))
    return changes


def _resolve_features(
    client: RegistryClient,
    features: Sequence[_Feature],
    workers: int,
    progress: Progress = no_progress,
) -> dict[tuple[Path, str], FeatureLock]:
    found: dict[tuple[Path, str], FeatureLock] = {}

    def one(feature: _Feature) -> None:
        found[(feature.config.path, feature.id)] = lock_feature(
            client, feature.id, feature.reference
        )

    errors = _run_all(workers, features, one, progress, "locking Features")
    if errors:
        raise errors[0]
    return found


# -- pin -------------------------------------------------------------------------------------


def pin(request: PinRequest, client_factory: Callable[[], RegistryClient]) -> PinResult:
    plan = plan_named(request.paths)
    if plan.nothing_to_read:
        return PinResult((), (), (), request.dry_run, plan.named)
    items = collect(plan.paths)
    refuse_unreadable(items)
    files = tuple(item.path for item in items)
    results: list[PinItem] = []
    to_resolve: list[tuple[Document, ImageUse]] = []
    for item, use in uses_in(items):
        where = (str(item.path), use.line, use.column, use.written)
        if use.reference is None:
            results.append(PinItem(*where, PinStatus.SKIPPED, reason=use.skipped))
        elif use.reference.is_pinned:
            results.append(PinItem(*where, PinStatus.ALREADY, digest=use.reference.digest))
        elif (why := _not_editable(item, use)) is not None:
            results.append(PinItem(*where, PinStatus.SKIPPED, reason=why))
        elif request.check:
            results.append(PinItem(*where, PinStatus.UNPINNED))
        else:
            to_resolve.append((item, use))
    features = _features(items) if request.features else []
    locks = _locks(features)
    unlocked: list[_Feature] = []
    for feature in features:
        where = (str(feature.config.path), feature.line, feature.column, feature.id)
        entry = locks[feature.config.path].entries.get(feature.id)
        if entry is not None:  # already locked: left alone (`outdated --update` moves it)
            results.append(PinItem(*where, PinStatus.ALREADY, digest=entry.integrity))
        elif request.check:
            results.append(
                PinItem(*where, PinStatus.UNPINNED, reason="Feature not in the lock file")
            )
        else:
            unlocked.append(feature)
    if request.check:
        return PinResult(tuple(_sorted(results)), (), (), request.dry_run, plan.named, files=files)
    new_locks: dict[tuple[Path, str], FeatureLock] = {}
    resolved: dict[str, Resolution] = {}
    missing: dict[str, str] = {}
    if to_resolve or unlocked:
        client = client_factory()
        resolved, missing = resolve_all(
            client,
            [use.reference for _, use in to_resolve if use.reference is not None],
            request.platform,
            request.workers,
            request.progress,
        )
        new_locks = _resolve_features(client, unlocked, request.workers, request.progress)
    for feature in unlocked:
        lock = new_locks[(feature.config.path, feature.id)]
        results.append(
            PinItem(
                str(feature.config.path),
                feature.line,
                feature.column,
                feature.id,
                PinStatus.PINNED,
                digest=lock.integrity,
                new_text=lock.resolved,
            )
        )
    lock_changes = _lock_changes(features, locks, new_locks)
    edits: dict[Path, list[Edit]] = defaultdict(list)
    for item, use in to_resolve:
        assert use.reference is not None
        if use.reference.original in missing:
            where = (str(item.path), use.line, use.column, use.written)
            reason = missing[use.reference.original]
            results.append(PinItem(*where, PinStatus.SKIPPED, reason=reason))
            continue
        digest = resolved[use.reference.original].digest
        new_text = _pinned_text(use, digest)
        edits[item.path].append(Edit(use.line, use.column, use.written, new_text))
        results.append(
            PinItem(
                str(item.path),
                use.line,
                use.column,
                use.written,
                PinStatus.PINNED,
                digest=digest,
                new_text=new_text,
            )
        )
    diffs, changed = _rewrite(items, edits, request.dry_run, lock_changes)
    missed = tuple(sorted(missing))
    return PinResult(
        tuple(_sorted(results)), diffs, changed, request.dry_run, plan.named, missed, files
    )


def _sorted(results: list[PinItem]) -> list[PinItem]:
    return sorted(results, key=lambda r: (r.path, r.line, r.column))


# -- outdated --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutdatedRequest:
    paths: tuple[Path, ...]
    update: bool = False
    dry_run: bool = False
    workers: int = 32  # I/O-bound: a bounded pool of threads
    progress: Progress = no_progress  # told each pinned reference (and Feature) compared


NO_TAG = "no tag to compare (pinned by digest only)"


def _current(client: RegistryClient, use: ImageUse) -> tuple[str, bool]:
    """(digest to pin now, whether the pinned digest is still current)."""
    ref = use.reference
    assert ref is not None and ref.digest is not None
    tag_ref = Reference(ref.registry, ref.repository, ref.tag, None, ref.original.split("@")[0])
    digest, _ = client.resolve_tag(tag_ref)
    if digest == ref.digest:
        return digest, True
    # a platform pin: current if it is still one of the index's platform manifests
    manifest = client.manifest(tag_ref, digest)
    if manifest.is_index:
        for _, entry in manifest.platforms():
            if entry.get("digest") == ref.digest:
                return ref.digest, True
        old = client.manifest(tag_ref, ref.digest) if not client.offline else None
        if old is not None and not old.is_index:
            config = client.config(tag_ref, old)
            platform = f"{config.get('os')}/{config.get('architecture')}"
            return client.resolve(tag_ref, platform).digest, False
    return digest, False


def outdated(
    request: OutdatedRequest, client_factory: Callable[[], RegistryClient]
) -> OutdatedResult:
    """For each pinned reference, and each Feature in a config's lock file, whether its tag
    now names another digest; with `update`, re-pin (and re-lock) those that moved."""
    items = collect(request.paths)
    refuse_unreadable(items)
    files = tuple(item.path for item in items)
    results: list[PinItem] = []
    pinned: list[tuple[Document, ImageUse]] = []
    for item, use in uses_in(items):
        ref = use.reference
        if ref is None and use.skipped and "@" in use.written:
            # pinned, but around a variable (frozen): say so, never update it
            where = (str(item.path), use.line, use.column, use.written)
            results.append(PinItem(*where, PinStatus.SKIPPED, reason=use.skipped))
            continue
        if ref is None or not ref.is_pinned:
            continue
        if not ref.tag:
            where = (str(item.path), use.line, use.column, use.written)
            results.append(PinItem(*where, PinStatus.SKIPPED, old_digest=ref.digest, reason=NO_TAG))
            continue
        pinned.append((item, use))
    features = _features(items)
    locks = _locks(features)
    locked: list[tuple[_Feature, FeatureLock]] = []
    for feature in features:
        entry = locks[feature.config.path].entries.get(feature.id)
        if entry is None:
            continue  # not locked: `pin --features` locks it
        if feature.reference.digest is not None:
            where = (str(feature.config.path), feature.line, feature.column, feature.id)
            reason = "the Feature id names a digest itself; there is no tag to compare"
            results.append(
                PinItem(*where, PinStatus.SKIPPED, old_digest=entry.integrity, reason=reason)
            )
            continue
        locked.append((feature, entry))
    if not pinned and not locked:
        return OutdatedResult(tuple(results), (), (), request.dry_run, files=files)
    client = client_factory()
    answers: dict[int, tuple[str, bool]] = {}
    gone: dict[int, str] = {}  # the registry has the tag no more: an answer, not an error
    tags: dict[int, str] = {}

    def one_image(index: int) -> None:
        use = pinned[index][1]
        try:
            answers[index] = _current(client, use)
        except (NotFound, PlatformMissing) as exc:
            gone[index] = exc.message
            return
        if request.update and not answers[index][1] and use.reference is not None:
            client.confirm(use.reference, answers[index][0])  # as pin does before writing

    def one_feature(index: int) -> None:
        tags[index] = client.resolve_tag(locked[index][0].reference)[0]

    progress = request.progress
    errors = _run_all(
        request.workers, range(len(pinned)), one_image, progress, "checking pinned references"
    )
    errors += _run_all(
        request.workers, range(len(locked)), one_feature, progress, "checking locked Features"
    )
    if errors:
        raise errors[0]
    edits: dict[Path, list[Edit]] = defaultdict(list)
    for index, (item, use) in enumerate(pinned):
        assert use.reference is not None
        where = (str(item.path), use.line, use.column, use.written)
        if index in gone:
            old = use.reference.digest
            results.append(PinItem(*where, PinStatus.SKIPPED, old_digest=old, reason=gone[index]))
            continue
        digest, current = answers[index]
        if current:
            results.append(
                PinItem(
                    *where, PinStatus.UP_TO_DATE, digest=digest, old_digest=use.reference.digest
                )
            )
            continue
        new_text = _pinned_text(use, digest)
        why = _not_editable(item, use) if request.update else None
        status = PinStatus.UPDATED if request.update and why is None else PinStatus.OUTDATED
        results.append(
            PinItem(
                *where,
                status,
                digest=digest,
                old_digest=use.reference.digest,
                new_text=new_text,
                reason=f"not updated: {why}" if why else None,
            )
        )
        if status is PinStatus.UPDATED:
            edits[item.path].append(Edit(use.line, use.column, use.written, new_text))
    moved = [
        (feature, entry)
        for index, (feature, entry) in enumerate(locked)
        if tags[index] != entry.integrity
    ]
    new_locks = (
        _resolve_features(client, [feature for feature, _ in moved], request.workers)
        if request.update
        else {}
    )
    for index, (feature, entry) in enumerate(locked):
        where = (str(feature.config.path), feature.line, feature.column, feature.id)
        if tags[index] == entry.integrity:
            results.append(
                PinItem(
                    *where, PinStatus.UP_TO_DATE, digest=entry.integrity, old_digest=entry.integrity
                )
            )
            continue
        fresh = new_locks.get((feature.config.path, feature.id))
        results.append(
            PinItem(
                *where,
                PinStatus.UPDATED if fresh is not None else PinStatus.OUTDATED,
                digest=fresh.integrity if fresh is not None else tags[index],
                old_digest=entry.integrity,
                new_text=fresh.resolved if fresh is not None else None,
            )
        )
    lock_changes = _lock_changes(features, locks, new_locks) if new_locks else []
    diffs, changed = (
        _rewrite(items, edits, request.dry_run, lock_changes) if edits or lock_changes else ((), ())
    )
    unresolved = tuple(sorted({pinned[i][1].written for i in gone}))
    return OutdatedResult(
        tuple(_sorted(results)), diffs, changed, request.dry_run, unresolved=unresolved, files=files
    )
