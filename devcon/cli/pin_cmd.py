"""`devcon pin` and `devcon outdated`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from devcon.errors import EXIT_FINDINGS, EXIT_OK, UsageError

# the same text as devcon.registry.factory.MIRROR_HELP (not imported: --help stays light)
MIRROR_HELP = (
    "Resolve Docker Hub references through this registry, given as HOST[:PORT] without a "
    "scheme: HTTPS, or plain HTTP when HOST is loopback or named with --insecure-registry."
)


def _registry_settings(
    config: Path | None,
    no_config: bool,
    insecure: list[str] | None,
    mirror: str | None,
    offline: bool,
    timeout: float,
) -> object:
    from devcon.cli.options import settings_from
    from devcon.registry.factory import RegistrySettings, check_mirror

    if timeout <= 0:
        raise UsageError(f"--timeout: {timeout:g} is not a positive number of seconds")
    settings = settings_from(config, no_config, None, None, None)
    if mirror is not None:
        mirror = check_mirror(mirror, "--registry-mirror")
    elif settings.registry_mirror is not None:
        mirror = check_mirror(settings.registry_mirror, "registry-mirror (devcon config)")
    return RegistrySettings(
        insecure_registries=frozenset([*settings.insecure_registries, *(insecure or [])]),
        registry_mirror=mirror,
        offline=offline,
        timeout=timeout,
    )


def _location(item: object) -> str:
    from devcon.pin import PinItem

    assert isinstance(item, PinItem)
    return f"{item.path}:{item.line}:{item.column}"


def pin(
    paths: list[Path] = typer.Argument(
        None, help="Files or folders (default: .).", show_default=False
    ),
    check: bool = typer.Option(
        False,
        "--check",
        help="Write nothing; exit 1 if any reference is unpinned or cannot be pinned (skipped).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print a unified diff; write nothing."),
    platform: str | None = typer.Option(
        None,
        "--platform",
        help="Pin this platform's manifest (e.g. linux/arm64) instead of the multi-arch index.",
    ),
    features: bool = typer.Option(
        False,
        "--features",
        help="Also lock Features (digest and integrity) in devcontainer-lock.json.",
    ),
    offline: bool = typer.Option(False, "--offline", help="Resolve tags from devcon's cache only."),
    insecure: list[str] | None = typer.Option(
        None, "--insecure-registry", help="Allow plain HTTP to this registry (repeatable)."
    ),
    mirror: str | None = typer.Option(None, "--registry-mirror", help=MIRROR_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds to wait for each registry request."
    ),
    config: Path | None = typer.Option(None, "--config", help="Use this devcon config file."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore config files."),
) -> None:
    """Pin every image reference by digest, in place (name:tag@sha256:...)."""
    from devcon.pin import PinRequest, PinStatus
    from devcon.pin import pin as run_pin
    from devcon.registry.client import check_platform
    from devcon.registry.factory import RegistrySettings, make_client

    if fmt not in ("text", "json"):
        raise UsageError(f"--format: unknown format {fmt!r} (choose from text, json)")
    if check and dry_run:
        raise UsageError("--check and --dry-run do not go together")
    if platform is not None:
        platform = check_platform(platform)
    registry = _registry_settings(config, no_config, insecure, mirror, offline, timeout)
    assert isinstance(registry, RegistrySettings)
    request = PinRequest(
        paths=tuple(paths or ()), check=check, dry_run=dry_run, platform=platform, features=features
    )
    result = run_pin(request, lambda: make_client(registry))
    failing = [i for i in result.items if i.status in (PinStatus.UNPINNED, PinStatus.SKIPPED)]
    if fmt == "json":
        typer.echo(json.dumps(_items_json(result.items), indent=2))
    else:
        lines = []
        for item in result.items:
            if item.status is PinStatus.PINNED:
                verb = "would pin" if dry_run else "pinned"
                lines.append(f"{_location(item)}: {verb} {item.written} -> {item.new_text}")
            elif item.status is PinStatus.UNPINNED:
                why = f" ({item.reason})" if item.reason else ""
                lines.append(f"{_location(item)}: not pinned: {item.written}{why}")
            elif item.status is PinStatus.SKIPPED:
                lines.append(f"{_location(item)}: skipped {item.written}: {item.reason}")
        if dry_run:
            lines.extend(d.rstrip("\n") for d in result.diffs)
        counts = {s: sum(1 for i in result.items if i.status is s) for s in PinStatus}
        lines.append(
            f"{counts[PinStatus.PINNED]} pinned, {counts[PinStatus.ALREADY]} already pinned, "
            f"{counts[PinStatus.UNPINNED]} unpinned, {counts[PinStatus.SKIPPED]} skipped"
            + (f"; {len(result.changed)} files changed" if result.changed else "")
            + (" (dry run: nothing written)" if dry_run else "")
        )
        typer.echo("\n".join(lines))
    raise typer.Exit(EXIT_FINDINGS if check and failing else EXIT_OK)


def outdated(
    paths: list[Path] = typer.Argument(
        None, help="Files or folders (default: .).", show_default=False
    ),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a pinned reference has moved."),
    update: bool = typer.Option(
        False, "--update", help="Re-pin the references (and re-lock the Features) whose tag moved."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --update: print the diff only."),
    offline: bool = typer.Option(False, "--offline", help="Resolve tags from devcon's cache only."),
    insecure: list[str] | None = typer.Option(
        None, "--insecure-registry", help="Allow plain HTTP to this registry (repeatable)."
    ),
    mirror: str | None = typer.Option(None, "--registry-mirror", help=MIRROR_HELP),
    fmt: str = typer.Option("text", "--format", "-f", help="text (a table) or json."),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds to wait for each registry request."
    ),
    config: Path | None = typer.Option(None, "--config", help="Use this devcon config file."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore config files."),
) -> None:
    """For each pinned reference, and each Feature in devcontainer-lock.json, whether its tag
    now points to another digest."""
    from devcon.pin import OutdatedRequest, PinStatus
    from devcon.pin import outdated as run_outdated
    from devcon.registry.factory import RegistrySettings, make_client

    if fmt not in ("text", "json"):
        raise UsageError(f"--format: unknown format {fmt!r} (choose from text, json)")
    registry = _registry_settings(config, no_config, insecure, mirror, offline, timeout)
    assert isinstance(registry, RegistrySettings)
    request = OutdatedRequest(paths=tuple(paths or ()), update=update, dry_run=dry_run)
    result = run_outdated(request, lambda: make_client(registry))
    moved = [i for i in result.items if i.status in (PinStatus.OUTDATED, PinStatus.UPDATED)]
    if fmt == "json":
        typer.echo(json.dumps(_items_json(result.items), indent=2))
    else:
        rows = [("LOCATION", "REFERENCE", "STATUS", "PINNED", "CURRENT")]
        notes = []
        for item in result.items:
            if item.reason:
                notes.append(
                    f"{_location(item)}: {item.status.value} {item.written}: {item.reason}"
                )
            rows.append(
                (
                    _location(item),
                    item.written.split("@")[0],
                    item.status.value,
                    (item.old_digest or "")[7:19],
                    (item.digest or "")[7:19],
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            typer.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        for note in notes:
            typer.echo(note)
        if dry_run:
            for diff in result.diffs:
                typer.echo(diff.rstrip("\n"))
        compared = [i for i in result.items if i.status is not PinStatus.SKIPPED]
        skipped = len(result.items) - len(compared)
        typer.echo(
            f"{len(moved)} of {len(compared)} pinned references moved"
            + (f"; {skipped} skipped" if skipped else "")
        )
    raise typer.Exit(EXIT_FINDINGS if check and moved and not update else EXIT_OK)


def _items_json(items: object) -> dict[str, object]:
    from devcon.pin import PinItem

    assert isinstance(items, tuple)
    out = []
    for item in items:
        assert isinstance(item, PinItem)
        out.append(
            {
                "path": item.path,
                "line": item.line,
                "column": item.column,
                "reference": item.written,
                "status": item.status.value,
                "digest": item.digest,
                "previous_digest": item.old_digest,
                "new": item.new_text,
                "reason": item.reason,
            }
        )
    return {"version": 1, "references": out}


def register(app: typer.Typer) -> None:
    app.command(name="pin")(pin)
    app.command(name="outdated")(outdated)
