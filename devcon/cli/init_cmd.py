"""`devcon init [PATH]`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from devcon.cli.hints import worded
from devcon.cli.options import (
    DryRunOption,
    ForceOption,
    InsecureRegistryOption,
    RegistryMirrorOption,
    TimeoutOption,
    say,
)
from devcon.errors import EXIT_OK, EnvironmentProblem, UsageError

if TYPE_CHECKING:
    from devcon.base_facts import BaseFacts
    from devcon.base_fit import Unread
    from devcon.registry.factory import RegistrySettings
    from devcon.scaffold import InitResult, TemplateOption

#: answers `pick_template` accepts before it gives up (exit 2)
PROMPT_ATTEMPTS = 3


def is_interactive() -> bool:
    """Prompts only with a person at a terminal: stdin and stdout are TTYs and `CI` is unset
    (or "false"/"0"/"no", which some CI systems and users set to mean "not CI")."""
    ci = os.environ.get("CI", "").strip().lower()
    if ci not in ("", "0", "false", "no"):
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def _ask(text: str) -> str:
    answer: str = typer.prompt(text, default="1")
    return answer


def pick_template(
    candidates: Sequence[tuple[str, str, int]],
    known: Sequence[str],
    ask: Callable[[str], str],
    say: Callable[[str], None],
    attempts: int = PROMPT_ATTEMPTS,
) -> str:
    """Ask which template to use: a number from the list or a template name; a bad answer is
    explained and asked again, at most `attempts` times (then exit 2)."""
    say("Several templates fit this repository:")
    for index, (template_id, why, _) in enumerate(candidates, 1):
        say(f"  {index}. {template_id} ({why})")
    others = [t for t in known if t not in {c[0] for c in candidates}]
    if others:
        say(f"  (or type a template name: {', '.join(others)})")
    count = len(candidates)
    for _ in range(attempts):
        answer = ask("Template").strip()
        if answer.isdigit():
            if 1 <= int(answer) <= count:
                return candidates[int(answer) - 1][0]
            say(f"{answer} is not in the list: answer 1-{count} or a template name")
        elif answer in known:
            return answer
        else:
            say(f"{answer!r} is not a template: answer 1-{count} or one of {', '.join(known)}")
    raise UsageError(
        f"no template chosen after {attempts} answers: run again with --template "
        f"({', '.join(known)})"
    )


def _report_choice(result: InitResult, interactive: bool) -> None:
    detected = dict(result.detected)
    why = detected.get(result.template.id)
    line = f"template: {result.template.id}"
    if result.chosen_by in ("detected", "choice") and why:
        line += f" (detected: {why})"
    elif result.chosen_by == "default":
        line += " (no stack detected)"
    if result.variant.id != "default":
        line += f", {result.variant.description}"
    say(line)
    if result.chosen_by == "detected" and len(result.detected) > 1 and not interactive:
        others = ", ".join(f"{t} ({w})" for t, w in result.detected[1:])
        say(
            f"also detected: {others}; not asking (no terminal, or CI is set): using "
            f"{result.template.id}; choose another with --template"
        )
    say(f"base: {result.image}")


def read_base_facts(reference: str, registry: RegistrySettings) -> BaseFacts | Unread:
    """What init knows of the base (local engine first, else the registry), or why it could
    not be read: then init writes the portable form and says so."""
    from devcon.base_facts import KNOWN_TOOLS, read_base
    from devcon.base_fit import Unread
    from devcon.registry.errors import RegistryError
    from devcon.registry.factory import make_client
    from devcon.services import Services

    with Services(registry=lambda: make_client(registry)) as services:
        try:
            return read_base(reference, services, KNOWN_TOOLS)
        except (RegistryError, EnvironmentProblem) as exc:
            return Unread(worded(exc.text))


def template_listing() -> str:
    """Every template with its base image and options, as `--list-templates` prints it."""
    from devcon.scaffold import load_templates

    lines: list[str] = []
    templates = sorted(load_templates().values(), key=lambda t: t.id)
    flags = {
        (t.id, o.name): f"--{o.name.replace('_', '-')} {o.default}"
        for t in templates
        for o in t.options
    }
    width = max((len(f) for f in flags.values()), default=0)
    for template in templates:
        lines.append(f"{template.id}: {template.description}")
        lines.append(f"  base: {template.image}:{template.tag}")
        for option in template.options:
            lines.append(f"  {flags[template.id, option.name]:<{width}}  {option.description}")
    return "\n".join(lines) + "\n"


def template_option_rows() -> list[tuple[str, str]]:
    """(flag, what it is) for each option the templates take, as `init --help` lists them:
    from the templates' own definitions, with the templates taking it and their defaults."""
    from devcon.scaffold import load_templates

    by_name: dict[str, list[tuple[str, TemplateOption]]] = {}
    for template in sorted(load_templates().values(), key=lambda t: t.id):
        for option in template.options:
            by_name.setdefault(option.name, []).append((template.id, option))
    rows = []
    for name, uses in sorted(by_name.items()):
        flag = f"--{name.replace('_', '-')} {name.upper()}"
        descriptions = dict.fromkeys(o.description for _, o in uses if o.description)
        defaults = dict.fromkeys(o.default for _, o in uses)
        if len(defaults) == 1:
            default = f"default: {next(iter(defaults))}"
        else:
            default = "default: " + ", ".join(f"{o.default} ({t})" for t, o in uses)
        patterns = dict.fromkeys(o.pattern for _, o in uses if o.pattern != ".*")
        matches = "".join(f"; matches {p}" for p in patterns)
        templates = ("templates: " if len(uses) > 1 else "template: ") + ", ".join(
            t for t, _ in uses
        )
        rows.append((flag, f"{'; '.join(descriptions)} ({templates}; {default}{matches})"))
    return rows


class InitCommand(typer.core.TyperCommand):
    """`init`, whose help ends with the templates' options, read from the templates only
    when the help is shown (no other command loads the templates to start)."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("Template options (after the others, e.g. --python 3.12)"):
            formatter.write_dl(template_option_rows())


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


def init_command(
    ctx: typer.Context,
    path: Path = typer.Argument(Path("."), help="The repository (default: .)."),
    template: str | None = typer.Option(
        None,
        "--template",
        "-t",
        help="python, conda, jupyter, r, cuda or minimal (default: detected).",
    ),
    image: str | None = typer.Option(
        None, "--image", help="Use this base image (default: the template's)."
    ),
    no_pin: bool = typer.Option(
        False, "--no-pin", help="Write tag-only references (run `devcon pin` later)."
    ),
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    dockerfile_at_root: bool = typer.Option(
        False, "--dockerfile-at-root", help="Write the Dockerfile at the repository root."
    ),
    name: str | None = typer.Option(
        None, "--name", help="The dev container's name (default: the folder's)."
    ),
    mirror: RegistryMirrorOption = None,
    insecure: InsecureRegistryOption = None,
    timeout: TimeoutOption = 10.0,
    list_templates: bool = typer.Option(
        False, "--list-templates", help="List the templates, their bases and options, and exit."
    ),
    allow_alpine: bool = typer.Option(
        False,
        "--allow-alpine",
        help="Accept an Alpine/musl base for a data-science template (the files say why it "
        "is a risk).",
    ),
) -> None:
    """Write a reproducible .devcontainer/: dev and prod stages on one base pinned by digest.

    --force replaces an existing .devcontainer/ (the old files are kept as *.bak); --dry-run
    prints the files instead of writing them. Template options follow the template: e.g.
    `--python 3.12` (python), `--r 4.4.1` (r); they are listed below, and `--list-templates`
    lists the templates with their bases.
    """
    from devcon.cli.options import registry_settings, settings_from
    from devcon.reference import parse_reference
    from devcon.registry.errors import NotFound, RegistryError
    from devcon.registry.factory import make_client
    from devcon.scaffold import InitRequest, load_templates, plan_and_write

    if list_templates:
        say(template_listing(), nl=False)
        return
    options = _template_options(list(ctx.args))
    registry = registry_settings(settings_from(None, False), insecure, mirror, timeout)

    unreachable: list[str] = []  # why a dry run could not pin (it shows tags instead)

    def resolve(reference: str) -> str | None:
        try:
            return make_client(registry).resolve(parse_reference(reference)).digest
        except NotFound as exc:  # an answer: a retry gives the same (exit 2, not 3)
            if dry_run:
                unreachable.append(f"cannot pin {reference}: {worded(exc.text)}")
                return None
            raise UsageError(
                f"cannot pin {reference}: {worded(exc.text)}; nothing was written (name "
                "an image the registry has with --image, or use --no-pin)"
            ) from None
        except RegistryError as exc:
            if dry_run:  # a dry run works offline: it shows the tag and says so
                unreachable.append(f"cannot pin {reference}: {worded(exc.text)}")
                return None
            raise EnvironmentProblem(
                f"cannot pin {reference}: {worded(exc.text)}\n"
                "Nothing was written. Run again when the registry is reachable (or name a "
                "mirror with --registry-mirror), or use --no-pin: the result then carries "
                "tag-only references and is not reproducible until `devcon pin` runs."
            ) from None

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
        allow_alpine=allow_alpine,
    )
    interactive = is_interactive()
    known = sorted(load_templates())

    def choose(candidates: list[tuple[str, str, int]]) -> str:
        return pick_template(candidates, known, _ask, say)

    # without a person at a terminal, the best detected template is used (and init says so)
    result = plan_and_write(
        request,
        resolve,
        choose if interactive else None,
        read_base=lambda reference: read_base_facts(reference, registry),
    )
    _report_choice(result, interactive)
    if dry_run:
        for planned in result.files:
            say(f"\n--- {planned.path} ---\n{planned.content}", nl=False)
        say("\n(dry run: nothing written)")
        for reason in unreachable:
            say(
                f"dry run without the registry ({reason}): the files show tag-only "
                "references; a real run pins them, and stops with exit 3 while the registry "
                "cannot be reached"
            )
    else:
        for planned in result.files:
            verb = "replaced" if planned.existed else "wrote"
            say(f"{verb} {planned.path}")
        for backup in result.backups:
            say(f"kept the old file as {backup}")
        for created in result.created_manifests:
            say(f"created {created} (add your dependencies there, pinned)")
        if result.kept_dockerignore:
            say(
                "kept your existing .dockerignore (check that it excludes .git, .env and "
                "credentials)"
            )
    for note in result.notes:
        say(f"note: {note}")
    if not result.pinned and not unreachable:
        say(
            "WARNING: the base is not pinned (--no-pin): run `devcon pin` before relying on "
            "this dev container being reproducible"
        )
    dockerfile = "Dockerfile" if dockerfile_at_root else ".devcontainer/Dockerfile"
    say(
        "next: open the folder in VS Code and choose 'Reopen in Container'; then\n"
        "  devcon validate\n"
        f"  devcon parity {dockerfile}#dev {dockerfile}#prod"
    )
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command(
        name="init",
        cls=InitCommand,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(init_command)
