"""`devcon init`: detect the stack, render a template, pin its base, write atomically.

Templates live in `templates/<id>/` (shipped as `devcon.templates`): `template.json` (the
manifest: base image and tag, options, detection, dependency manifests, variants),
`devcontainer.json` and one `Dockerfile` per variant, with `{{placeholders}}`;
`_common/dockerignore` and `_common/not-pinned.txt` (`{{base_pinning}}` of an unpinned base)
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
from pathlib import Path
from typing import Any

from devcon.base_facts import BaseFacts
from devcon.base_fit import Unread, fit_base
from devcon.discovery import is_existing_file
from devcon.dockerfile.packages import is_pip_pinned
from devcon.errors import InputError, OptionError, UsageError
from devcon.fileio import read_text
from devcon.hints import Hint, hinted
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

#: lock files a pyproject.toml variant may not read (init says so when one is there)
_UNREAD_LOCKS = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "pylock.toml")


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


def _python_name(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_")
    if not cleaned or cleaned[0].isdigit():
        return "app"
    return cleaned


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


def _pyproject_notes(
    template: Template, variant: Variant, pyproject: Mapping[str, Any], root: Path
) -> list[str]:
    project = pyproject.get("project")
    reads_uv_lock = any("uv.lock" in v.when for v in template.variants)
    notes: list[str] = []
    if not isinstance(project, dict):
        notes.append(
            "pyproject.toml has no [project] table: the image installs no dependencies from "
            "it; declare them under [project] dependencies"
        )
        return notes
    if "dependencies" in project.get("dynamic", []):
        notes.append(
            "pyproject.toml declares its dependencies as dynamic: the image cannot read them "
            "without building the project; list them under [project] dependencies"
        )
    if "uv.lock" not in variant.when:
        deps = [d for d in project.get("dependencies", []) if isinstance(d, str)]
        loose = [d for d in deps if not is_pip_pinned(d.split(";", 1)[0].strip())]
        if loose:
            shown = ", ".join(loose[:3]) + (", ..." if len(loose) > 3 else "")
            notes.append(
                f"pyproject.toml's dependencies are not all pinned with == ({shown}): each "
                "build installs the newest matching versions; pin them"
                + (", or commit a uv.lock and run init again" if reads_uv_lock else "")
            )
    unread = [lock for lock in _UNREAD_LOCKS if lock not in variant.when]
    for lock in unread:
        if (root / lock).is_file():
            notes.append(
                f"{lock} is not read: the image installs pyproject.toml's [project] "
                "dependencies"
                + (" (a uv.lock would be used)" if reads_uv_lock and lock != "uv.lock" else "")
            )
    return notes


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
    resolve_digest: Callable[[str], str],
    choose: Callable[[list[tuple[str, str, int]]], str] | None = None,
    read_base: BaseReader | None = None,
) -> InitResult:
    """Plan the files; unless dry-run, write them all-or-nothing (with backups under --force).

    `resolve_digest(reference)` is called at most once, and only after every check passed.
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
    resolve_digest: Callable[[str], str],
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
    notes = _pyproject_notes(template, variant, pyproject, root) if pyproject is not None else []

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
        written_ref = base.pinned(resolve_digest(written_ref))
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
    project = (pyproject or {}).get("project")
    project_name = project.get("name") if isinstance(project, dict) else None
    module = _python_name(project_name if isinstance(project_name, str) else root.resolve().name)
    placeholders = {
        **values,
        "image": written_ref,
        "name": json.dumps(name)[1:-1],
        "dockerfile": "../Dockerfile" if request.dockerfile_at_root else "Dockerfile",
        "context": "..",
        "module": module,
        # the lines that depend on the base (base_fit)
        "dev_user": fit.dev_user,
        "prod_user": fit.prod_user,
        "remote_user": fit.remote_user,
        "workdir": fit.workdir,
        "conda_update": fit.conda_update,
        "base_pinning": "pinned by digest"
        if pinned
        else (common / "not-pinned.txt").read_text("utf-8").rstrip("\n"),
    }
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
