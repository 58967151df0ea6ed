"""`devcon images` and `devcon prune` results as text and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from devcon.local_images import ImagesResult, LocalImage, PruneResult
from devcon.report.finding_forms import plural
from devcon.rules.base import Rule


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"  # pragma: no cover - the loop returns


def _age(created: datetime | None, now: datetime) -> str:
    if created is None:
        return "age unknown"
    seconds = max(0, int((now - created).total_seconds()))
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            return f"{plural(seconds // length, unit)} old"
    return f"{plural(seconds, 'second')} old"


def _why(image: LocalImage) -> str:
    """What uses the image, or that nothing does."""
    parts = [f"{u.path}:{u.line}:{u.column} ({u.written})" for u in image.config_uses[:3]]
    if len(image.config_uses) > 3:
        parts.append(f"{len(image.config_uses) - 3} more references")
    parts += [f"container {c.name or c.id[:12]} ({c.state})" for c in image.containers[:3]]
    if len(image.containers) > 3:
        parts.append(f"{len(image.containers) - 3} more containers")
    return "used by " + ", ".join(parts) if parts else "unused"


def _image_line(image: LocalImage, now: datetime) -> str:
    belongs = "; ".join(b.value for b in image.belongs)
    built = ", dev container metadata" if image.built_for_dev_containers else ""
    return (
        f"  {image.name}  {image.id.removeprefix('sha256:')[:12]}  {_size(image.size)}  "
        f"{_age(image.created, now)}  [{belongs}{built}]\n    {_why(image)}"
    )


def render_images_text(result: ImagesResult, rules: Sequence[Rule] = ()) -> str:
    lines = [f"images of {', '.join(result.folders)}"]
    lines += [f"  (dev container CLI builds: {n}[-features|-uid])" for n in result.image_names]
    if not result.images:
        lines.append("no local image belongs to this repository")
        return "\n".join(lines) + "\n"
    lines += [_image_line(image, result.now) for image in result.images]
    unused = result.unused
    lines.append(
        f"{plural(len(result.images), 'image')}, {_size(sum(i.size for i in result.images))}; "
        f"{len(unused)} unused ({_size(sum(i.size for i in unused))}, layers shared with "
        "other images counted in each)" + ("; `devcon prune` removes them" if unused else "")
    )
    return "\n".join(lines) + "\n"


def _image_json(image: LocalImage, now: datetime) -> dict[str, Any]:
    return {
        "id": image.id,
        "tags": list(image.tags),
        "digests": list(image.digests),
        "size": image.size,
        "created": image.created.isoformat() if image.created else None,
        "age_seconds": int((now - image.created).total_seconds()) if image.created else None,
        "devcontainer_metadata": image.built_for_dev_containers,
        "belongs": [b.name.lower() for b in image.belongs],
        "in_use": image.in_use,
        "config_uses": [
            {"path": str(u.path), "line": u.line, "column": u.column, "reference": u.written}
            for u in image.config_uses
        ],
        "containers": [
            {"id": c.id, "name": c.name, "state": c.state, "local_folder": c.folder}
            for c in image.containers
        ],
    }


def _images_json(result: ImagesResult) -> dict[str, Any]:
    return {
        "folders": list(result.folders),
        "image_names": list(result.image_names),
        "images": [_image_json(image, result.now) for image in result.images],
    }


def render_images_json(result: ImagesResult, rules: Sequence[Rule] = ()) -> str:
    return json.dumps({"version": 1, **_images_json(result)}, indent=2) + "\n"


def render_prune_text(result: PruneResult, rules: Sequence[Rule] = ()) -> str:
    now = result.images.now
    lines: list[str] = []
    if not result.removals:
        lines.append(f"nothing to remove in {', '.join(result.images.folders)}")
    verb = "would remove" if result.dry_run else "removed"
    for removal in result.removals:
        image = removal.image
        head = f"{image.name}  {image.id.removeprefix('sha256:')[:12]}  {_age(image.created, now)}"
        if result.dry_run:
            lines.append(f"{verb} {head}  ({_size(removal.reclaimable)} its own)")
        elif removal.removed:
            lines.append(f"{verb} {head}")
        else:
            lines.append(f"not removed {head}: {removal.problem}")
    for image in result.kept:
        lines.append(f"kept {image.name}: {_why(image)}")
    if result.removals:
        done = [r for r in result.removals if r.removed or result.dry_run]
        if result.dry_run:
            lines.append(
                f"dry run: nothing removed; would remove {plural(len(done), 'image')}, "
                f"reclaiming at least {_size(result.reclaimed)} ({result.reclaimed:,} bytes)"
            )
        else:
            lines.append(
                f"removed {plural(len(done), 'image')}, reclaimed {_size(result.reclaimed)} "
                f"({result.reclaimed:,} bytes)"
                + (f"; {len(result.failed)} not removed" if result.failed else "")
            )
    return "\n".join(lines) + "\n"


def render_prune_json(result: PruneResult, rules: Sequence[Rule] = ()) -> str:
    now = result.images.now
    data = {
        "version": 1,
        "dry_run": result.dry_run,
        "reclaimed": result.reclaimed,
        "removed": [
            {**_image_json(r.image, now), "own_size": r.reclaimable}
            for r in result.removals
            if r.removed
        ],
        "would_remove": [
            {**_image_json(r.image, now), "own_size": r.reclaimable}
            for r in result.removals
            if result.dry_run
        ],
        "not_removed": [{**_image_json(r.image, now), "problem": r.problem} for r in result.failed],
        "kept": [_image_json(image, now) for image in result.kept],
        "folders": list(result.images.folders),
    }
    return json.dumps(data, indent=2) + "\n"
