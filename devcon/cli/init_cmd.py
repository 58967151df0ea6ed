"""`devcon init [PATH]`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from devcon.errors import EXIT_OK, EnvironmentProblem, UsageError


def _template_options(args: list[str]) -> dict[str, str]:
    """`--python 3.12` / `--python=3.12` pairs left over by typer."""
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise UsageError(f"unexpected argument {arg!r}")
        key, sep, value = arg[2:].partition("=")
        if not sep:
            if i + 1 >= len(args):
                raise UsageError(f"--{key} needs a value")
            value = args[i + 1]
            i += 1
        options[key.replace("-", "_")] = value
        i += 1
    return options


def init(
    ctx: typer.Context,
    path: Path = typer.Argument(Path("."), help="The repository (default: .)."),
    template: str | None = typer.Option(
        None,
        "--template",
        "-t",
        help="python, conda, jupyter, r, cuda or minimal (default: detected).",
    ),
    image: str | None = typer.Option(
        None, "--image", help="Use this base image instead of the template's."
    ),
    no_pin: bool = typer.Option(
        False, "--no-pin", help="Write tag-only references (run `devcon pin` later)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Replace an existing .devcontainer/ (old files kept as *.bak)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the files instead of writing them."
    ),
    dockerfile_at_root: bool = typer.Option(
        False, "--dockerfile-at-root", help="Write the Dockerfile at the repository root."
    ),
    name: str | None = typer.Option(
        None, "--name", help="The dev container's name (default: the folder's)."
    ),
    mirror: str | None = typer.Option(
        None, "--registry-mirror", help="Resolve Docker Hub references through this registry host."
    ),
    insecure: list[str] | None = typer.Option(
        None, "--insecure-registry", help="Allow plain HTTP to this registry (repeatable)."
    ),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds to wait for each registry request."
    ),
) -> None:
    """Write a reproducible .devcontainer/: dev and prod stages on one base pinned by digest.

    Template options follow the template: e.g. `--python 3.12` (python), `--r 4.4.1` (r).
    """
    from devcon.cli.options import settings_from
    from devcon.reference import parse_reference
    from devcon.registry.errors import RegistryError
    from devcon.registry.factory import RegistrySettings, make_client
    from devcon.scaffold import InitRequest, plan_and_write

    options = _template_options(list(ctx.args))
    settings = settings_from(None, False, None, None, None)
    registry = RegistrySettings(
        insecure_registries=frozenset([*settings.insecure_registries, *(insecure or [])]),
        registry_mirror=mirror or settings.registry_mirror,
        timeout=timeout,
    )

    def resolve(reference: str) -> str:
        try:
            return make_client(registry).resolve(parse_reference(reference)).digest
        except RegistryError as exc:
            raise EnvironmentProblem(
                f"cannot pin {reference}: {exc.message}\n"
                "Nothing was written. Run again when the registry is reachable (or name a "
                "mirror with --registry-mirror), or use --no-pin: the result then carries "
                "tag-only references and is not reproducible until `devcon pin` runs."
            ) from None

    def choose(candidates: list[tuple[str, str, int]]) -> str:
        if len(candidates) == 1 or not sys.stdin.isatty():
            return candidates[0][0]
        for index, (template_id, why, _) in enumerate(candidates, 1):
            typer.echo(f"  {index}. {template_id} ({why})")
        picked = typer.prompt("Template", default="1")
        if picked.isdigit() and 1 <= int(picked) <= len(candidates):
            return candidates[int(picked) - 1][0]
        return picked

    request = InitRequest(
        root=path,
        template=template,
        options=options,
        image=image,
        pin=not no_pin,
        force=force,
        dry_run=dry_run,
        dockerfile_at_root=dockerfile_at_root,
        name=name,
    )
    result = plan_and_write(request, resolve, choose)
    why = dict(result.detected).get(result.template.id)
    typer.echo(
        f"template: {result.template.id}"
        + (f" (detected: {why})" if why else "")
        + f"\nbase: {result.image}"
    )
    if dry_run:
        for planned in result.files:
            typer.echo(f"\n--- {planned.path} ---\n{planned.content}", nl=False)
        typer.echo("\n(dry run: nothing written)")
    else:
        for planned in result.files:
            verb = "replaced" if planned.existed else "wrote"
            typer.echo(f"{verb} {planned.path}")
        for backup in result.backups:
            typer.echo(f"kept the old file as {backup}")
        for created in result.created_manifests:
            typer.echo(f"created {created} (add your dependencies there, pinned)")
        if all(f.path.name != ".dockerignore" for f in result.files):
            typer.echo(
                "kept your existing .dockerignore (check that it excludes .git, .env and "
                "credentials)"
            )
    if not result.pinned:
        typer.echo(
            "WARNING: the base is not pinned (--no-pin): run `devcon pin` before relying on "
            "this dev container being reproducible"
        )
    dockerfile = "Dockerfile" if dockerfile_at_root else ".devcontainer/Dockerfile"
    typer.echo(
        "next: open the folder in VS Code and choose 'Reopen in Container'; then\n"
        "  devcon validate\n"
        f"  devcon parity {dockerfile}#dev {dockerfile}#prod"
    )
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(
        name="init",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(init)
