"""`devcon init`: detect the stack, render a template, pin its base, write atomically.

Templates live in `templates/<id>/` (shipped as `devcon.templates`): `template.json` (the
manifest: base image and tag, options, detection, dependency manifests, variants),
`devcontainer.json` and one `Dockerfile` per variant, with `{{placeholders}}`;
`_common/dockerignore` and `_common/base-pinning.txt` (`{{base_pinning}}`, any base)
are shared. The lines that depend on the base (`{{dev_user}}`, `{{prod_user}}`,
`{{remote_user}}`, `{{workdir}}`, `{{conda_update}}`) come from `base_fit.fit_base`, for what
init read of the base. See templates/README.md for the manifest format.

Order of work, so that a refusal costs nothing: choose the template and variant, check the
options, check every path init would write (exit 2 before any network use), pin the base and
read it (the only network use), fit the template to it (exit 2 when it cannot work there),
render, then write all files at once or none.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from devcon.base_facts import BaseFacts
from devcon.base_fit import Unread, fit_base
from devcon.discovery import is_existing_file
from devcon.entrypoint import cmd_lines, find_entry_point
from devcon.errors import EnvironmentProblem, InputError, OptionError, UsageError
from devcon.fileio import read_text
from devcon.hints import Hint, hinted
from devcon.manifest_notes import manifest_notes
from devcon.reference import ReferenceError, parse_reference
from devcon.resources import templates_root
from devcon.rewrite import write_all

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

#: folders never searched for stack signals (dependencies, VCS, caches, build output)
_SKIP_DIRS = frozenset(
    {
        "node_modules",
        "venv",
        "env",
        "site-packages",
        "dist",
        "build",
        "__pycache__",
        "renv",
        "packrat",
    }
)
#: how deep `**/` detection globs look below the repository root
_MAX_DEPTH = 3


@dataclass(frozen=True)
class TemplateOption:
    name: str
    default: str
    pattern: str
    description: str


@dataclass(frozen=True)
class Variant:
    """A Dockerfile (and its manifests) chosen by the files the repository has."""

    id: str
    description: str
    dockerfile: str  # file name in the template folder
    when: tuple[str, ...] = ()  # all of these exist
    unless: tuple[str, ...] = ()  # none of these exists
    manifests: tuple[Mapping[str, str], ...] = ()  # created when missing
    requires: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # option -> (re, why)
    installs_project: bool = False  # the prod stage pip-installs the project (and its scripts)


@dataclass(frozen=True)
class Template:
    id: str
    description: str
    image: str
    tag: str
    options: tuple[TemplateOption, ...]
    detect: Mapping[str, Any]
    variants: tuple[Variant, ...]  # tried in order; the last one has no conditions
    remote_user: str

    @property
    def manifests(self) -> tuple[Mapping[str, str], ...]:
        return self.variants[-1].manifests


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    content: str
    existed: bool


@dataclass(frozen=True)
class InitRequest:
    root: Path
    template: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    image: str | None = None  # override the template's base image
    pin: bool = True
    force: bool = False
    dry_run: bool = False
    dockerfile_at_root: bool = False
    name: str | None = None
    allow_alpine: bool = False  # a data-science template on an Alpine/musl base


@dataclass(frozen=True)
class InitResult:
    template: Template
    variant: Variant
    image: str  # the base reference written (pinned unless the request says not to)
    pinned: bool
    files: tuple[PlannedFile, ...]
    backups: tuple[Path, ...]
    created_manifests: tuple[Path, ...]
    detected: tuple[tuple[str, str], ...]  # (template id, why) candidates, best first
    chosen_by: str  # "option" (--template), "choice" (the chooser), "detected", "default"
    notes: tuple[str, ...]  # things the user should know about the result
    kept_dockerignore: bool  # the user's own .dockerignore was left as it was
    written: bool


# -- templates ----------------------------------------------------------------------------


def _variant(data: Mapping[str, Any], fallback_manifests: Sequence[Mapping[str, str]]) -> Variant:
    requires = {
        name: (str(rule["pattern"]), str(rule.get("message", "")))
        for name, rule in data.get("requires", {}).items()
    }
    return Variant(
        id=str(data["id"]),
        description=str(data.get("description", "")),
        dockerfile=str(data.get("dockerfile", "Dockerfile")),
        when=tuple(data.get("when", ())),
        unless=tuple(data.get("unless", ())),
        manifests=tuple(data.get("manifests", fallback_manifests)),
        requires=requires,
        installs_project=bool(data.get("installs_project", False)),
    )


def load_templates() -> dict[str, Template]:
    root = templates_root()
    found: dict[str, Template] = {}
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        manifest = folder / "template.json"
        if not folder.is_dir() or not manifest.is_file():
            continue
        data = json.loads(manifest.read_text(encoding="utf-8"))
        options = tuple(
            TemplateOption(
                name, str(o["default"]), str(o.get("pattern", ".*")), str(o.get("description", ""))
            )
            for name, o in data.get("options", {}).items()
        )
        manifests = tuple(data.get("manifests", []))
        variants = [_variant(v, ()) for v in data.get("variants", [])]
        variants.append(
            Variant(
                id="default",
                description=data.get("default_variant", ""),
                dockerfile="Dockerfile",
                manifests=manifests,
            )
        )
        found[data["id"]] = Template(
            id=data["id"],
            description=data["description"],
            image=data["image"],
            tag=data["tag"],
            options=options,
            detect=data.get("detect", {}),
            variants=tuple(variants),
            remote_user=data.get("remote_user", "vscode"),
        )
    return found


# -- detection ----------------------------------------------------------------------------


def _read(path: Path) -> str:
    """A repository file detection reads; "" when there is none. One it cannot read
    (no permission, over the size limit) is exit 2 naming it: init never guesses the stack
    from a file it could not see."""
    try:
        if not path.is_file():
            return ""
    except OSError:
        return ""
    return read_text(path, errors="replace")


def _walk(root: Path, depth: int = 0) -> Iterator[Path]:
    """Files below `root`, sorted, skipping hidden, dependency and cache folders."""
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        try:
            is_folder = entry.is_dir() and not entry.is_symlink()
            is_file = not is_folder and entry.is_file()
        except OSError:  # cannot be looked at (/proc/1/cwd, a name too long): not a signal
            continue
        if is_folder:
            if not entry.name.startswith(".") and entry.name not in _SKIP_DIRS:
                folders.append(entry)
        elif is_file:
            yield entry
    if depth < _MAX_DEPTH:
        for folder in folders:
            yield from _walk(folder, depth + 1)


def _first_match(root: Path, pattern: str) -> Path | None:
    """The first file matching `pattern`; `**/NAME` looks a few levels down (see _walk)."""
    if pattern.startswith("**/"):
        name_pattern = pattern[3:]
        for path in _walk(root):
            if path.match(name_pattern):
                return path
        return None
    try:
        matches = sorted(p for p in root.glob(pattern) if is_existing_file(p))
    except OSError:
        return None
    return matches[0] if matches else None


def _mentions(text: str, needle: str) -> bool:
    """`needle` as a word of `text` (`torch` in `torch==2.4`, not in `pytorch-lightning`)."""
    end = r"(?![\w-])" if needle[-1].isalnum() else ""
    return re.search(rf"(?<![\w.-]){re.escape(needle)}{end}", text) is not None


def detect(root: Path, templates: Mapping[str, Template]) -> list[tuple[str, str, int]]:
    """(template id, why, score) for every template whose signals the repository shows,
    best first."""
    results: list[tuple[str, str, int]] = []
    for template in templates.values():
        rules = template.detect
        weight = int(rules.get("weight", 0))
        reasons: list[str] = []
        for name in rules.get("files", []):
            if (root / name).is_file():
                reasons.append(name)
        for pattern in rules.get("globs", []):
            match = _first_match(root, pattern)
            if match is not None:
                reasons.append(match.relative_to(root).as_posix())
        for name, needles in rules.get("contains", {}).items():
            text = _read(root / name).lower()
            hits = [n for n in needles if text and _mentions(text, n)]
            if hits:
                reasons.append(f"{name} mentions {hits[0]}")
        if reasons and weight > 0:
            results.append((template.id, ", ".join(reasons), weight + len(reasons)))
    results.sort(key=lambda item: -item[2])
    return results


def choose_variant(template: Template, root: Path) -> Variant:
    for variant in template.variants:
        if all((root / name).is_file() for name in variant.when) and not any(
            (root / name).exists() for name in variant.unless
        ):
            return variant
    return template.variants[-1]


# -- rendering ----------------------------------------------------------------------------


def fill_placeholders(text: str, values: Mapping[str, str], where: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise InputError(f"template placeholder {{{{{key}}}}} has no value", where)
        return values[key]

    return _PLACEHOLDER.sub(substitute, text)


def _options(template: Template, variant: Variant, given: Mapping[str, str]) -> dict[str, str]:
    known = {o.name: o for o in template.options}
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(f"--{n}" for n in known) or "none"
        raise UsageError(
            f"template {template.id} has no option --{unknown[0].replace('_', '-')} "
            f"(its options: {names})"
        )
    values = {}
    for option in template.options:
        value = given.get(option.name, option.default)
        if not re.fullmatch(option.pattern, value):
            raise UsageError(
                f"--{option.name} {value!r}: {option.description} must match {option.pattern}"
            )
        values[option.name] = value
    for name, (pattern, why) in variant.requires.items():
        if name in values and not re.fullmatch(pattern, values[name]):
            raise UsageError(f"--{name} {values[name]!r}: {why}")
    return values


def _project_table(root: Path, pyproject: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """pyproject.toml's [project] table, for the entry point: the one the variant read, else
    read here; a pyproject.toml the variant does not install from may be unreadable (then
    there is no table: init does not stop for a file it does not use)."""
    if pyproject is None:
        try:
            pyproject = _pyproject(root)
        except InputError:
            return None
    project = (pyproject or {}).get("project")
    return project if isinstance(project, dict) else None


def _workdir(source: Traversable, placeholders: Mapping[str, str], where: str) -> str:
    """The WORKDIR of a template's Dockerfile (its first), placeholders filled."""
    match = re.search(r"^WORKDIR[ \t]+(\S+)[ \t]*$", source.read_text("utf-8"), re.MULTILINE)
    return fill_placeholders(match.group(1), placeholders, where) if match else "/"


def _pyproject(root: Path) -> dict[str, Any] | None:
    """pyproject.toml's content, None when there is none; exit 2 when it is not TOML."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    text = read_text(path)  # exit 2 when unreadable, not UTF-8 or over the size limit
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"not valid TOML ({exc}): the generated Dockerfile installs the dependencies it "
            "declares, so fix it first",
            str(path),
        ) from None


def _backup_path(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{counter}")
        counter += 1
    return candidate


def _check_target(path: Path, force: bool, keep_if_present: bool) -> bool:
    """Whether init writes `path`; exit 2 when it may not (exists and not forced, or is not
    a regular file)."""
    if not os.path.lexists(path):
        return True
    if keep_if_present and not force:
        return False
    if not path.is_file():  # a folder, a dangling link...; a link to a file is written through
        raise InputError("exists and is not a regular file: nothing was changed", str(path))
    if force:
        return True
    raise InputError(hinted("already exists: nothing was changed; ", Hint.USE_FORCE), str(path))


def _choose_template(
    request: InitRequest,
    templates: Mapping[str, Template],
    candidates: list[tuple[str, str, int]],
    choose: Callable[[list[tuple[str, str, int]]], str] | None,
) -> tuple[Template, str]:
    if request.template is not None:
        if request.template not in templates:
            choices = ", ".join(sorted(templates))
            raise UsageError(f"unknown template {request.template!r} (choose from {choices})")
        return templates[request.template], "option"
    if len(candidates) > 1 and choose is not None:
        picked = choose(candidates)
        if picked not in templates:
            choices = ", ".join(sorted(templates))
            raise UsageError(f"unknown template {picked!r} (choose from {choices})")
        return templates[picked], "choice"
    if candidates:
        return templates[candidates[0][0]], "detected"
    return templates["minimal"], "default"


#: reads a base: its facts, or why they could not be read
BaseReader = Callable[[str], "BaseFacts | Unread"]


def plan_and_write(
    request: InitRequest,
    resolve_digest: Callable[[str], str | None],
    choose: Callable[[list[tuple[str, str, int]]], str] | None = None,
    read_base: BaseReader | None = None,
) -> InitResult:
    """Plan the files; unless dry-run, write them all-or-nothing (with backups under --force).

    `resolve_digest(reference)` is called at most once, and only after every check passed;
    in a dry run it may answer None (the registry cannot be reached): the files then show the
    tag-only reference.
    `choose(candidates)` picks among several detected templates (default: the best one).
    `read_base(reference)` is called once, after pinning; the files are rendered for what it
    found (without it, or when it could not read the base, in a portable form, with a note).
    """
    root = request.root
    _check_root(root)
    try:
        return _plan_and_write(request, resolve_digest, choose, read_base)
    except OSError as exc:
        # anything of the repository that cannot be looked at while planning: exit 2 naming
        # it (files are written by _write, which words its own errors)
        where = exc.filename if isinstance(exc.filename, str) else str(root)
        raise InputError(f"cannot read: {exc.strerror or exc}", where) from None


def _check_root(root: Path) -> None:
    """The folder init works in exists, is a folder and can be listed; else exit 2."""
    try:
        with os.scandir(root):
            pass
    except FileNotFoundError:
        raise InputError("no such folder", str(root)) from None
    except NotADirectoryError:
        raise InputError("not a folder", str(root)) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read: {reason}", str(root)) from None


def _plan_and_write(
    request: InitRequest,
    resolve_digest: Callable[[str], str | None],
    choose: Callable[[list[tuple[str, str, int]]], str] | None,
    read_base: BaseReader | None,
) -> InitResult:
    root = request.root
    templates = load_templates()
    candidates = detect(root, templates)
    template, chosen_by = _choose_template(request, templates, candidates, choose)
    variant = choose_variant(template, root)
    values = _options(template, variant, request.options)

    pyproject = _pyproject(root) if "pyproject.toml" in variant.when else None
    # notes on every manifest, so that validate right after init surprises no one
    installed = [*variant.when, *(m["path"] for m in variant.manifests)]
    has_lock_variant = any("uv.lock" in v.when for v in template.variants)
    notes = manifest_notes(root, installed, pyproject, has_lock_variant)

    # every path init would write is checked before anything reaches the network
    devcontainer_dir = root / ".devcontainer"
    if os.path.lexists(devcontainer_dir) and not devcontainer_dir.is_dir():
        raise InputError("exists and is not a folder: nothing was changed", str(devcontainer_dir))
    if devcontainer_dir.exists() and not request.force:
        raise InputError(
            hinted(
                ".devcontainer/ already exists: nothing was changed; ",
                Hint.USE_FORCE_TO_REPLACE,
                " (the old files are kept as *.bak)",
            ),
            str(devcontainer_dir),
        )
    dockerfile_path = (
        root / "Dockerfile" if request.dockerfile_at_root else devcontainer_dir / "Dockerfile"
    )
    folder = templates_root() / template.id
    common = templates_root() / "_common"
    sources = [
        (devcontainer_dir / "devcontainer.json", folder / "devcontainer.json", False),
        (dockerfile_path, folder / variant.dockerfile, False),
        (root / ".dockerignore", common / "dockerignore", True),
    ]
    planned = [
        (path, source) for path, source, keep in sources if _check_target(path, request.force, keep)
    ]
    kept_dockerignore = all(path.name != ".dockerignore" for path, _ in planned)
    new_manifests = [
        (root / m["path"], m["create"])
        for m in variant.manifests
        if not (root / m["path"]).exists()
    ]

    # the base: --image as given, or the template's image and tag; pinned unless --no-pin
    if request.image:
        try:
            base = parse_reference(request.image)
        except ReferenceError as exc:
            raise OptionError("image", str(exc)) from None
        written_ref = request.image
    else:
        written_ref = f"{template.image}:{template.tag.format(**values)}"
        base = parse_reference(written_ref)
    pinned = base.is_pinned
    if request.pin and not pinned:
        digest = resolve_digest(written_ref)
        if digest is None and not request.dry_run:
            raise EnvironmentProblem(f"cannot pin {written_ref}: no digest; nothing was written")
        if digest is not None:
            written_ref = base.pinned(digest)
            pinned = True

    # the base itself, read once: render for what it has, or stop before writing (exit 2)
    facts = read_base(written_ref) if read_base is not None else Unread(None)
    fit = fit_base(
        template.id,
        template.remote_user,
        facts,
        image=written_ref,
        suggested=f"{template.image}:{template.tag.format(**values)}",
        allow_alpine=request.allow_alpine,
    )
    notes.extend(fit.notes)

    name = request.name or root.resolve().name or "dev"
    # the prod CMD runs what the repository has; never a name made up from the folder's
    entry = find_entry_point(root, _project_table(root, pyproject), variant.installs_project)
    shown_dockerfile = dockerfile_path.relative_to(root).as_posix()
    if entry is None and "{{prod_cmd}}" in (folder / variant.dockerfile).read_text("utf-8"):
        notes.append(
            "no entry point found ([project.scripts], a package with a __main__.py under src/ "
            "or at the root, main.py or app.py): the prod image's CMD fails saying so; set "
            f"the CMD of the prod stage in {shown_dockerfile}"
        )
    placeholders = {
        **values,
        "image": written_ref,
        "name": json.dumps(name)[1:-1],
        "dockerfile": "../Dockerfile" if request.dockerfile_at_root else "Dockerfile",
        "context": "..",
        # the lines that depend on the base (base_fit)
        "dev_user": fit.dev_user,
        "prod_user": fit.prod_user,
        "remote_user": fit.remote_user,
        "workdir": fit.workdir,
        "conda_update": fit.conda_update,
        # how the base is kept pinned: true before `devcon pin` and after it (the CLI warns
        # when the base is written unpinned)
        "base_pinning": (common / "base-pinning.txt").read_text("utf-8").rstrip("\n"),
    }
    placeholders["prod_cmd"] = cmd_lines(
        entry,
        _workdir(
            folder / variant.dockerfile,
            placeholders,
            f"templates/{template.id}/{variant.dockerfile}",
        ),
        shown_dockerfile,
    )
    files: list[PlannedFile] = []
    for path, source in planned:
        text = fill_placeholders(
            source.read_text("utf-8"), placeholders, f"templates/{template.id}/{source.name}"
        )
        if path == dockerfile_path and fit.comments:
            text = _above_first_from(text, fit.comments)
        files.append(PlannedFile(path, text, path.exists()))
    created: list[Path] = []
    for path, text in new_manifests:
        files.append(PlannedFile(path, text, False))
        created.append(path)

    backups: list[Path] = []
    if not request.dry_run:
        backups = _write(files, devcontainer_dir)
    return InitResult(
        template=template,
        variant=variant,
        image=written_ref,
        pinned=pinned,
        files=tuple(files),
        backups=tuple(backups),
        created_manifests=tuple(created),
        detected=tuple((c[0], c[1]) for c in candidates),
        chosen_by=chosen_by,
        notes=tuple(notes),
        kept_dockerignore=kept_dockerignore,
        written=not request.dry_run,
    )


def _above_first_from(text: str, comments: Sequence[str]) -> str:
    """`comments` put right above the Dockerfile's first FROM line."""
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("FROM ")), 0)
    return "\n".join([*lines[:at], *comments, *lines[at:]])


def _write(files: Sequence[PlannedFile], devcontainer_dir: Path) -> list[Path]:
    """Back up the files replaced, then write all files at once (rewrite.write_all).

    On any failure (or Ctrl-C) the repository is left as it was: write_all puts the replaced
    files back, the backups made here are removed once their original is back, and a
    .devcontainer/ folder this call created is removed with everything in it.
    """
    made_folder = not devcontainer_dir.exists()
    backups: list[tuple[Path, Path]] = []
    try:
        try:
            devcontainer_dir.mkdir(parents=True, exist_ok=True)
            for planned in files:
                if planned.existed:
                    backup = _backup_path(planned.path)
                    shutil.copy2(planned.path, backup)
                    backups.append((planned.path, backup))
            changes = [
                (f.path, f.path.read_text("utf-8") if f.existed else "", f.content) for f in files
            ]
        except (OSError, UnicodeDecodeError) as exc:
            where = getattr(exc, "filename", None) or str(devcontainer_dir)
            reason = getattr(exc, "strerror", None) or str(exc)
            raise InputError(f"cannot write: {reason}; nothing was changed", str(where)) from None
        write_all(changes)
    except BaseException:
        for original, backup in backups:
            with contextlib.suppress(OSError):
                if original.read_bytes() == backup.read_bytes():
                    backup.unlink()
        if made_folder:
            shutil.rmtree(devcontainer_dir, ignore_errors=True)
        raise
    return [backup for _, backup in backups]
