"""`devcon init`: detect the stack, render a template, pin its base, write atomically.

Templates live in `templates/<id>/` (shipped as `devcon.templates`): `template.json` (the
manifest: base image and tag, options, detection, dependency manifests), `devcontainer.json`
and `Dockerfile` with `{{placeholders}}`; `_common/dockerignore` is shared.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devcon.errors import InputError, UsageError
from devcon.reference import ReferenceError, parse_reference
from devcon.resources import templates_root
from devcon.rewrite import write_all

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class Option:
    name: str
    default: str
    pattern: str
    description: str


@dataclass(frozen=True)
class Template:
    id: str
    description: str
    image: str
    tag: str
    options: tuple[Option, ...]
    detect: Mapping[str, Any]
    manifests: tuple[Mapping[str, str], ...]
    remote_user: str


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


@dataclass(frozen=True)
class InitResult:
    template: Template
    image: str  # the base reference written (pinned unless --no-pin)
    pinned: bool
    files: tuple[PlannedFile, ...]
    backups: tuple[Path, ...]
    created_manifests: tuple[Path, ...]
    detected: tuple[tuple[str, str], ...]  # (template id, why) candidates
    written: bool


def load_templates() -> dict[str, Template]:
    root = templates_root()
    found: dict[str, Template] = {}
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        manifest = folder / "template.json"
        if not folder.is_dir() or not manifest.is_file():
            continue
        data = json.loads(manifest.read_text(encoding="utf-8"))
        options = tuple(
            Option(
                name, str(o["default"]), str(o.get("pattern", ".*")), str(o.get("description", ""))
            )
            for name, o in data.get("options", {}).items()
        )
        found[data["id"]] = Template(
            id=data["id"],
            description=data["description"],
            image=data["image"],
            tag=data["tag"],
            options=options,
            detect=data.get("detect", {}),
            manifests=tuple(data.get("manifests", [])),
            remote_user=data.get("remote_user", "vscode"),
        )
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def detect(root: Path, templates: Mapping[str, Template]) -> list[tuple[str, str, int]]:
    """(template id, why, score) for every template whose signals the repository shows,
    best first."""
    results: list[tuple[str, str, int]] = []
    for template in templates.values():
        rules = template.detect
        weight = int(rules.get("weight", 0))
        reasons: list[str] = []
        for name in rules.get("files", []):
            if (root / name).exists():
                reasons.append(name)
        for pattern in rules.get("globs", []):
            matches = sorted(root.glob(pattern))
            if matches:
                reasons.append(matches[0].relative_to(root).as_posix())
        for name, needles in rules.get("contains", {}).items():
            text = _read(root / name).lower()
            hits = [n for n in needles if n in text]
            if hits:
                reasons.append(f"{name} mentions {hits[0]}")
        if reasons and weight > 0:
            results.append((template.id, ", ".join(reasons), weight + len(reasons)))
    results.sort(key=lambda item: -item[2])
    return results


def render(text: str, values: Mapping[str, str], where: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise InputError(f"template placeholder {{{{{key}}}}} has no value", where)
        return values[key]

    return _PLACEHOLDER.sub(substitute, text)


def _options(template: Template, given: Mapping[str, str]) -> dict[str, str]:
    known = {o.name: o for o in template.options}
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(f"--{n}" for n in known) or "none"
        raise UsageError(f"template {template.id} has no option {unknown[0]!r} (options: {names})")
    values = {}
    for option in template.options:
        value = given.get(option.name, option.default)
        if not re.fullmatch(option.pattern, value):
            raise UsageError(
                f"--{option.name} {value!r}: {option.description} must match {option.pattern}"
            )
        values[option.name] = value
    return values


def _module_name(root: Path) -> str:
    name = re.sub(r"[^a-z0-9_]", "_", root.resolve().name.lower()).strip("_")
    if not name or name[0].isdigit():
        return "app"
    return name


def _backup_path(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{counter}")
        counter += 1
    return candidate


def plan_and_write(
    request: InitRequest,
    resolve_digest: Callable[[str], str],
    choose: Callable[[list[tuple[str, str, int]]], str] | None = None,
) -> InitResult:
    """Plan the files; unless dry-run, write them all-or-nothing (with backups under --force)."""
    root = request.root
    if not root.is_dir():
        raise InputError("no such folder", str(root))
    templates = load_templates()
    candidates = detect(root, templates)
    if request.template is not None:
        if request.template not in templates:
            choices = ", ".join(sorted(templates))
            raise UsageError(f"unknown template {request.template!r} (choose from {choices})")
        chosen = request.template
    elif candidates and choose is not None:
        chosen = choose(candidates)
    else:
        chosen = candidates[0][0] if candidates else "minimal"
    template = templates[chosen]
    values = _options(template, request.options)

    devcontainer_dir = root / ".devcontainer"
    if devcontainer_dir.exists() and not request.force:
        raise InputError(
            ".devcontainer/ already exists: nothing was changed; use --force to replace it "
            "(the old files are kept as *.bak)",
            str(devcontainer_dir),
        )

    if request.image:
        try:
            base = parse_reference(request.image)
        except ReferenceError as exc:
            raise UsageError(f"--image: {exc}") from None
        written_ref = request.image
    else:
        written_ref = f"{template.image}:{template.tag.format(**values)}"
        base = parse_reference(written_ref)
    pinned = base.is_pinned
    if request.pin and not pinned:
        written_ref = base.pinned(resolve_digest(written_ref))
        pinned = True

    dockerfile_path = (
        root / "Dockerfile" if request.dockerfile_at_root else devcontainer_dir / "Dockerfile"
    )
    name = request.name or root.resolve().name or "dev"
    placeholders = {
        **values,
        "image": written_ref,
        "name": json.dumps(name)[1:-1],
        "dockerfile": "../Dockerfile" if request.dockerfile_at_root else "Dockerfile",
        "context": "..",
        "module": _module_name(root),
    }
    folder = templates_root() / template.id
    common = templates_root() / "_common"
    outputs = [
        (devcontainer_dir / "devcontainer.json", (folder / "devcontainer.json").read_text("utf-8")),
        (dockerfile_path, (folder / "Dockerfile").read_text("utf-8")),
        (root / ".dockerignore", (common / "dockerignore").read_text("utf-8")),
    ]
    files: list[PlannedFile] = []
    for path, text in outputs:
        content = render(text, placeholders, f"templates/{template.id}/{path.name}")
        existed = path.exists()
        if existed and not request.force and path.name == ".dockerignore":
            continue  # the user's own .dockerignore stays; init says so
        if existed and not request.force:
            raise InputError("already exists: nothing was changed; use --force", str(path))
        files.append(PlannedFile(path, content, existed))
    created: list[Path] = []
    for manifest in template.manifests:
        path = root / manifest["path"]
        if not path.exists():
            files.append(PlannedFile(path, manifest["create"], False))
            created.append(path)

    backups: list[Path] = []
    if not request.dry_run:
        made_folder = not devcontainer_dir.exists()
        devcontainer_dir.mkdir(parents=True, exist_ok=True)
        try:
            for planned in files:
                if planned.existed:
                    backup = _backup_path(planned.path)
                    shutil.copy2(planned.path, backup)
                    backups.append(backup)
            changes = [
                (f.path, f.path.read_text("utf-8") if f.existed else "", f.content) for f in files
            ]
            write_all(changes)
        except BaseException:
            if made_folder and not any(devcontainer_dir.iterdir()):
                devcontainer_dir.rmdir()
            raise
    return InitResult(
        template=template,
        image=written_ref,
        pinned=pinned,
        files=tuple(files),
        backups=tuple(backups),
        created_manifests=tuple(created),
        detected=tuple((c[0], c[1]) for c in candidates),
        written=not request.dry_run,
    )
