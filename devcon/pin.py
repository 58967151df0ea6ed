"""`devcon pin` and `devcon outdated`: collect references -> resolve concurrently -> rewrite.

Nothing is written until every reference has resolved; then all changed files are written
all-or-nothing. Byte for byte, a file changes only inside the references.
"""

from __future__ import annotations

import enum
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from devcon import images
from devcon.definition import DefinitionFile, collect
from devcon.discovery import FileKind
from devcon.dockerfile.parser import parse_dockerfile
from devcon.errors import InputError
from devcon.features import (
    FeatureLock,
    feature_reference,
    lock_feature,
    lockfile_path,
    render_lockfile,
)
from devcon.fileio import read_text
from devcon.images import ImageUse
from devcon.reference import Reference
from devcon.registry.client import RegistryClient, Resolution
from devcon.registry.errors import RegistryError
from devcon.rewrite import Edit, apply_edits, unified_diff, write_all


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


@dataclass(frozen=True)
class PinRequest:
    paths: tuple[Path, ...]
    check: bool = False  # list unpinned references; no network, no writes
    dry_run: bool = False  # compute the diff; write nothing
    platform: str | None = None  # pin one platform's manifest instead of the index
    features: bool = False  # also lock Features in devcontainer-lock.json
    workers: int = 32  # I/O-bound: a bounded pool of threads


def uses_in(item: DefinitionFile) -> list[ImageUse]:
    """The image references of one definition file."""
    if item.kind is FileKind.CONFIG:
        return images.in_config(item.doc) if item.doc is not None else []
    if item.kind is FileKind.COMPOSE:
        return images.in_compose(item.compose) if item.compose is not None else []
    args = {k: v for k, v in item.build_args.items() if v is not None}
    return images.in_dockerfile(parse_dockerfile(item.text, item.path, args))


def resolve_all(
    client: RegistryClient,
    refs: Sequence[Reference],
    platform: str | None,
    workers: int,
) -> dict[str, Resolution]:
    """Resolve distinct references concurrently (a bounded pool); the first error is raised
    after all have finished, so no half-done state is left behind."""
    unique = list(dict.fromkeys(r.original for r in refs))
    by_text = {r.original: r for r in refs}
    results: dict[str, Resolution] = {}
    errors: list[RegistryError] = []

    def one(text: str) -> None:
        try:
            results[text] = client.resolve(by_text[text], platform)
        except RegistryError as exc:
            errors.append(exc)

    if unique:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique)))) as pool:
            list(pool.map(one, unique))
    if errors:
        raise errors[0]
    return results


def _pinned_text(use: ImageUse, digest: str) -> str:
    return f"{use.written.split('@', 1)[0]}@{digest}"


def _rewrite(
    items: Sequence[DefinitionFile],
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


def pin(request: PinRequest, client_factory: Callable[[], RegistryClient]) -> PinResult:
    items = collect(request.paths)
    found: list[tuple[DefinitionFile, ImageUse]] = [
        (item, use) for item in items for use in uses_in(item)
    ]
    results: list[PinItem] = []
    to_resolve: list[tuple[DefinitionFile, ImageUse]] = []
    for item, use in found:
        where = (str(item.path), use.line, use.column, use.written)
        if use.reference is None:
            results.append(PinItem(*where, PinStatus.SKIPPED, reason=use.skipped))
        elif use.reference.is_pinned:
            results.append(PinItem(*where, PinStatus.ALREADY, digest=use.reference.digest))
        elif request.check:
            results.append(PinItem(*where, PinStatus.UNPINNED))
        else:
            to_resolve.append((item, use))
    feature_ids = _features_to_lock(items) if request.features else []
    if request.check:
        for item, feature_id, _ in feature_ids:
            if not _locked(item, feature_id):
                line, column = (
                    item.doc.key_position(("features", feature_id)) if item.doc else (1, 1)
                )
                results.append(
                    PinItem(
                        str(item.path),
                        line,
                        column,
                        feature_id,
                        PinStatus.UNPINNED,
                        reason="Feature not in the lock file",
                    )
                )
        return PinResult(tuple(results), (), ())
    if not to_resolve and not feature_ids:
        return PinResult(tuple(results), (), ())
    client = client_factory()
    resolved = resolve_all(
        client,
        [use.reference for _, use in to_resolve if use.reference is not None],
        request.platform,
        request.workers,
    )
    lock_changes = _lock_changes(client, feature_ids, request.workers, results)
    edits: dict[Path, list[Edit]] = defaultdict(list)
    for item, use in to_resolve:
        assert use.reference is not None
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
    results.sort(key=lambda r: (r.path, r.line, r.column))
    return PinResult(tuple(results), diffs, changed)


def _features_to_lock(
    items: Sequence[DefinitionFile],
) -> list[tuple[DefinitionFile, str, Reference]]:
    found = []
    for item in items:
        if item.kind is not FileKind.CONFIG or item.doc is None:
            continue
        value = item.doc.value
        features = value.get("features") if isinstance(value, dict) else None
        if not isinstance(features, dict):
            continue
        for feature_id in features:
            ref = feature_reference(str(feature_id))
            if ref is not None:
                found.append((item, str(feature_id), ref))
    return found


def _read_lock(item: DefinitionFile) -> tuple[str | None, dict[str, object]]:
    path = lockfile_path(item.path)
    try:
        text = read_text(path)
    except InputError:
        return None, {}
    try:
        data = json.loads(text)
    except ValueError:
        raise InputError("not valid JSON", str(path)) from None
    return text, data if isinstance(data, dict) else {}


def _locked(item: DefinitionFile, feature_id: str) -> bool:
    _, data = _read_lock(item)
    features = data.get("features")
    return isinstance(features, dict) and feature_id in features


def _lock_changes(
    client: RegistryClient,
    feature_ids: Sequence[tuple[DefinitionFile, str, Reference]],
    workers: int,
    results: list[PinItem],
) -> list[tuple[Path, str, str]]:
    if not feature_ids:
        return []
    locks: dict[int, FeatureLock] = {}
    errors: list[RegistryError] = []

    def one(index: int) -> None:
        _, feature_id, ref = feature_ids[index]
        try:
            locks[index] = lock_feature(client, feature_id, ref)
        except RegistryError as exc:
            errors.append(exc)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(feature_ids)))) as pool:
        list(pool.map(one, range(len(feature_ids))))
    if errors:
        raise errors[0]
    by_config: dict[Path, list[FeatureLock]] = defaultdict(list)
    configs: dict[Path, DefinitionFile] = {}
    for index, (item, feature_id, _) in enumerate(feature_ids):
        by_config[item.path].append(locks[index])
        configs[item.path] = item
        line, column = item.doc.key_position(("features", feature_id)) if item.doc else (1, 1)
        results.append(
            PinItem(
                str(item.path),
                line,
                column,
                feature_id,
                PinStatus.PINNED,
                digest=locks[index].integrity,
                new_text=locks[index].resolved,
            )
        )
    changes = []
    for path, feature_locks in by_config.items():
        old_text, existing = _read_lock(configs[path])
        new_text = render_lockfile(feature_locks, existing)
        if new_text != old_text:
            changes.append((lockfile_path(path), old_text or "", new_text))
    return changes


@dataclass(frozen=True)
class OutdatedRequest:
    paths: tuple[Path, ...]
    update: bool = False
    dry_run: bool = False
    workers: int = 32  # I/O-bound: a bounded pool of threads


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


def outdated(request: OutdatedRequest, client_factory: Callable[[], RegistryClient]) -> PinResult:
    items = collect(request.paths)
    pinned = [
        (item, use)
        for item in items
        for use in uses_in(item)
        if use.reference is not None and use.reference.is_pinned and use.reference.tag
    ]
    if not pinned:
        return PinResult((), (), ())
    client = client_factory()
    answers: dict[int, tuple[str, bool]] = {}
    errors: list[RegistryError] = []

    def one(index: int) -> None:
        try:
            answers[index] = _current(client, pinned[index][1])
        except RegistryError as exc:
            errors.append(exc)

    with ThreadPoolExecutor(max_workers=max(1, min(request.workers, len(pinned)))) as pool:
        list(pool.map(one, range(len(pinned))))
    if errors:
        raise errors[0]
    results: list[PinItem] = []
    edits: dict[Path, list[Edit]] = defaultdict(list)
    for index, (item, use) in enumerate(pinned):
        assert use.reference is not None
        digest, current = answers[index]
        where = (str(item.path), use.line, use.column, use.written)
        if current:
            results.append(
                PinItem(
                    *where, PinStatus.UP_TO_DATE, digest=digest, old_digest=use.reference.digest
                )
            )
            continue
        new_text = _pinned_text(use, digest)
        status = PinStatus.UPDATED if request.update else PinStatus.OUTDATED
        results.append(
            PinItem(
                *where, status, digest=digest, old_digest=use.reference.digest, new_text=new_text
            )
        )
        if request.update:
            edits[item.path].append(Edit(use.line, use.column, use.written, new_text))
    diffs, changed = _rewrite(items, edits, request.dry_run) if edits else ((), ())
    return PinResult(tuple(results), diffs, changed)
