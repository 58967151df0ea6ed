"""Image references used by a definition, with their positions.

One collector serves the lint rules (pinning, tags, registries) and `devcon pin`: devcontainer
`image`, Dockerfile `FROM` and `COPY --from=<image>` / `RUN --mount=from=<image>`, compose
`image:`. Stage aliases and `scratch` are not images; references built from variables that
cannot be resolved are reported as skipped, with the reason.

`written_references` is what `devcon pin` and `devcon outdated` work on: a reference is given
a digest only where it is written as a whole. `FROM ${BASE}` is pinned in the `ARG BASE=...`
default it reads; a variable inside a reference (`python:${PYVER}-slim`) is never given a
digest, since that would freeze it (`--build-arg PYVER=3.11` would still build on 3.12).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from devcon.compose import ComposeFile
from devcon.dockerfile.model import Dockerfile, Flag, Instruction, KeyValue
from devcon.dockerfile.parser import key_values, substitute
from devcon.jsonc import JsoncDocument
from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.rewrite import text_at


class UseSite(enum.Enum):
    CONFIG_IMAGE = "image"
    FROM = "FROM"
    COPY_FROM = "COPY --from"
    MOUNT_FROM = "RUN --mount from"
    COMPOSE_IMAGE = "compose image"
    ARG_DEFAULT = "ARG default"  # the default of an ARG a `${NAME}` reference reads
    BUILD_ARG = "build.args"  # a devcontainer.json build arg a `${NAME}` reference reads


# a Docker / compose variable: $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word},
# ${NAME:?message} (not `${templateOption:x}` or `${localEnv:X}`, which are not Docker's)
_VARIABLE = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?[-+?][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)")
_WHOLE_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class ImageUse:
    """An image reference as written, where it is, and what it resolves to."""

    written: str
    line: int
    column: int
    origin: UseSite
    reference: Reference | None  # None when skipped
    skipped: str | None = None  # why it could not be resolved
    # a Dockerfile reference written as one variable (`${BASE}`): where that ARG's default is
    # written, as a use of its own (None: the ARG has no default, or this is not such a use)
    default: ImageUse | None = None

    @property
    def resolved_text(self) -> str | None:
        return self.reference.original if self.reference is not None else None

    @property
    def variable(self) -> str | None:
        """The variable's name when the reference is written as exactly one (`$X`, `${X}`)."""
        match = _WHOLE_VARIABLE.fullmatch(self.written)
        return (match.group(1) or match.group(2)) if match else None

    @property
    def variable_inside(self) -> bool:
        """A Docker or compose variable is part of the reference (`python:${V}-slim`,
        `${IMAGE:-alpine:3}`, `${BASE}@sha256:...`): giving it a digest would freeze it."""
        return self.variable is None and _VARIABLE.search(self.written) is not None


def variable_advice(use: ImageUse) -> str:
    """Why a reference built from a variable gets no digest, and how to write it instead."""
    frozen = "its digest is frozen: " if use.variable_inside and "@" in use.written else ""
    if use.origin is UseSite.COMPOSE_IMAGE:
        return (
            f"{frozen}compose fills in variables when it runs, and a digest after a variable "
            "would freeze it; write the whole reference in the file, or the whole reference "
            "with its digest in the variable (`IMAGE=python:3.12-slim@sha256:...` in `.env`)"
        )
    where = {
        UseSite.FROM: "FROM ${BASE}",
        UseSite.COPY_FROM: "COPY --from=${BASE}",
        UseSite.MOUNT_FROM: "RUN --mount=from=${BASE}",
    }.get(use.origin, "${BASE}")
    return (
        f"{frozen}a digest after a variable would freeze it (`--build-arg` could no longer "
        "change the image); put the whole reference in an ARG default "
        f"(`ARG BASE=python:3.12-slim` + `{where}`), which `devcon pin` pins in the ARG line"
    )


def _use(written: str, resolved: str | None, line: int, column: int, origin: UseSite) -> ImageUse:
    if resolved is None:
        return ImageUse(written, line, column, origin, None, "built from variables with no value")
    if "${" in resolved or "$" in resolved:
        return ImageUse(written, line, column, origin, None, "built from variables")
    try:
        return ImageUse(written, line, column, origin, parse_reference(resolved))
    except ReferenceError as exc:
        return ImageUse(written, line, column, origin, None, str(exc))


def _column_of(
    instruction: Instruction, text: str, after: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Where `text` first appears in the instruction's source at or after `after` (a 1-based
    (line, column)); by default after the keyword. The instruction's own position if absent."""
    line, column = after or (instruction.line, instruction.column + len(instruction.keyword))
    for offset, source in enumerate(instruction.original.split("\n")):
        number = instruction.line + offset
        if number < line:
            continue
        start = source.find(text, column - 1 if number == line else 0)
        if start >= 0:
            return number, start + 1
    return instruction.line, instruction.column


def _base_position(instruction: Instruction, base: str) -> tuple[int, int]:
    """FROM's image: after its flags (`--platform=...`), never inside them."""
    after = None
    for flag in instruction.flags:
        if flag.line and flag.value is not None:
            after = (flag.line, flag.column + len(flag.value))
    return _column_of(instruction, base, after)


def _flag_value_position(
    instruction: Instruction, flag: Flag, value: str, offset: int = 0, prefix: str = ""
) -> tuple[int, int]:
    """Where `value`, found `offset` characters into `flag`'s value (right after `prefix`),
    is in the file: from the position the parser recorded, so `--chown=node:20
    --from=node:20` finds the second."""
    if flag.line:
        line, column = flag.line, flag.column + offset
        at = text_at(instruction.original, line - instruction.line + 1, column, len(value))
        if at == value:
            return line, column
        # the value goes on after a line continuation (`--mount=a,\` ...): find `prefix`
        # and the value together, after where the flag's value starts
        line, column = _column_of(instruction, prefix + value, (flag.line, flag.column))
        return line, column + len(prefix)
    line, column = _column_of(instruction, prefix + value)
    return line, column + len(prefix)


def _mount_from(flag: Flag) -> tuple[str, int] | None:
    """The `from=` value of a `--mount` flag and its offset in the flag's value."""
    offset = 0
    found = None
    for part in (flag.value or "").split(","):
        key, sep, value = part.partition("=")
        if sep and key.strip() == "from" and value.strip():
            lead = len(value) - len(value.lstrip())
            found = (value.strip(), offset + len(key) + 1 + lead)
        offset += len(part) + 1
    return found


def _arg_default(instruction: Instruction, kv: KeyValue) -> ImageUse | None:
    """The default of `ARG NAME=default` as a reference of its own, where it is written
    (inside its quotes if quoted); None without a default."""
    if kv.value is None:
        return None
    lines = instruction.original.split("\n")
    source = (
        lines[kv.line - instruction.line] if 0 <= kv.line - instruction.line < len(lines) else ""
    )
    start = kv.column - 1 + len(kv.key) + 1  # after `NAME=`
    if source[start : start + 1] in ("'", '"'):
        start += 1
    return _use(kv.value, kv.value, kv.line, start + 1, UseSite.ARG_DEFAULT)


def _arg_defaults(
    instruction: Instruction,
    defaults: dict[str, ImageUse | None],
    outer: Mapping[str, ImageUse | None],
) -> None:
    """Record the defaults an ARG instruction declares; `ARG NAME` alone takes `outer`'s."""
    for kv in key_values(instruction):
        defaults[kv.key] = (
            _arg_default(instruction, kv) if kv.value is not None else outer.get(kv.key)
        )


def built_base(
    dockerfile: Dockerfile, target: str | None = None, uses: Iterable[ImageUse] | None = None
) -> list[ImageUse]:
    """The external image the built stage (`target`, else the last) starts from, through
    stage aliases: where VS Code runs. Empty when that is `scratch` or there is no stage.
    `uses`: the file's in_dockerfile() when the caller has it already."""
    stage = dockerfile.built_stage(target)
    if stage is None:
        return []
    line = dockerfile.root_stage(stage).from_instruction.line
    found = in_dockerfile(dockerfile) if uses is None else uses
    return [u for u in found if u.origin is UseSite.FROM and u.line == line]


def in_dockerfile(dockerfile: Dockerfile) -> list[ImageUse]:
    uses: list[ImageUse] = []
    names = {s.name for s in dockerfile.stages if s.name}
    first_from = dockerfile.stages[0].from_instruction.line if dockerfile.stages else 0
    global_defaults: dict[str, ImageUse | None] = {}
    for instruction in dockerfile.instructions:
        if instruction.line < first_from and instruction.keyword == "ARG":
            _arg_defaults(instruction, global_defaults, global_defaults)
    for stage in dockerfile.stages:
        if stage.parent is None and stage.base and (stage.resolved_base or "").lower() != "scratch":
            line, column = _base_position(stage.from_instruction, stage.base)
            use = _use(stage.base, stage.resolved_base, line, column, UseSite.FROM)
            if use.variable is not None:
                use = replace(use, default=global_defaults.get(use.variable))
            uses.append(use)
        stage_args: dict[str, str | None] = dict(dockerfile.global_args)
        stage_defaults: dict[str, ImageUse | None] = dict(global_defaults)
        for instruction in stage.instructions:
            if instruction.keyword == "ARG":
                for kv in key_values(instruction):
                    stage_args[kv.key] = (
                        dockerfile.global_args.get(kv.key) if kv.value is None else kv.value
                    )
                _arg_defaults(instruction, stage_defaults, global_defaults)
            sources: list[tuple[str, UseSite, tuple[int, int]]] = []
            if instruction.keyword in ("COPY", "ADD"):
                from_flags = [f for f in instruction.flags if f.name == "from"]
                if from_flags and from_flags[-1].value:
                    flag = from_flags[-1]
                    assert flag.value is not None
                    where = _flag_value_position(instruction, flag, flag.value)
                    sources.append((flag.value, UseSite.COPY_FROM, where))
            if instruction.keyword == "RUN":
                for flag in instruction.flags:
                    mount = _mount_from(flag) if flag.name == "mount" else None
                    if mount is not None:
                        where = _flag_value_position(instruction, flag, mount[0], mount[1], "from=")
                        sources.append((mount[0], UseSite.MOUNT_FROM, where))
            for value, origin, (line, column) in sources:
                resolved = substitute(value, stage_args)
                if value.isdigit() or (resolved or value).lower() in names:
                    continue  # an earlier stage
                if (resolved or "").lower() == "scratch":
                    continue
                use = _use(value, resolved, line, column, origin)
                if use.variable is not None:
                    use = replace(use, default=stage_defaults.get(use.variable))
                uses.append(use)
    return uses


def written_references(
    uses: list[ImageUse], build_args: Mapping[str, str | None] | None = None
) -> list[ImageUse]:
    """The references of one file as `devcon pin` and `devcon outdated` see them: where each
    is written as a whole, once per place.

    A Dockerfile `${NAME}` is its ARG default (the ARG line is what gets the digest; several
    references reading one ARG give one); when `build_args` (a config's `build.args`) sets
    NAME, the config holds the value its build uses, so the config's value is the reference
    (see `build_arg_uses`) and a missing default is no reason to skip. A reference with a
    variable inside is skipped with `variable_advice`, pinned or not: a digest would freeze
    the variable.
    """
    found: dict[tuple[int, int], ImageUse] = {}
    dockerfile_origins = (UseSite.FROM, UseSite.COPY_FROM, UseSite.MOUNT_FROM)
    for use in uses:
        name = use.variable
        if name is not None and use.origin in dockerfile_origins:
            if use.default is not None:
                use = use.default
            elif build_args is not None and name in build_args:
                continue
            else:
                reason = (
                    f"built from variables with no value; give `ARG {name}` a default (the "
                    "whole reference), which `devcon pin` pins in the ARG line"
                )
                use = replace(use, reference=None, skipped=reason)
        if use.variable_inside or (name is not None and use.origin is UseSite.COMPOSE_IMAGE):
            use = replace(use, reference=None, skipped=variable_advice(use))
        found.setdefault((use.line, use.column), use)
    return list(found.values())


def variables_read_whole(uses: list[ImageUse]) -> set[str]:
    """The names of the variables Dockerfile references are written as (`FROM ${BASE}`)."""
    return {use.variable for use in uses if use.variable is not None}


def build_arg_uses(doc: JsoncDocument, names: set[str]) -> list[ImageUse]:
    """A config's `build.args` values that its Dockerfile uses as whole references (`FROM
    ${BASE}`): those are the references its build uses, written in the config."""
    value = doc.value
    build = value.get("build") if isinstance(value, dict) else None
    args = build.get("args") if isinstance(build, dict) else None
    if not isinstance(args, dict):
        return []
    uses = []
    for key, arg in args.items():
        if str(key) in names and isinstance(arg, str):
            line, column = doc.value_position(("build", "args", str(key)))
            uses.append(_use(arg, arg, line, column + 1, UseSite.BUILD_ARG))
    return uses


def in_config(doc: JsoncDocument) -> list[ImageUse]:
    value = doc.value
    if not isinstance(value, dict) or not isinstance(value.get("image"), str):
        return []
    image = value["image"]
    line, column = doc.value_position(("image",))
    return [_use(image, image, line, column + 1, UseSite.CONFIG_IMAGE)]


def in_compose(compose: ComposeFile) -> list[ImageUse]:
    uses = []
    for service in compose.services:
        if service.image is not None:
            image = service.image
            # compose interpolation: `${VAR:-default}` resolves to its default here
            resolved = substitute(image.value, {})
            uses.append(
                _use(image.value, resolved, image.line, image.column, UseSite.COMPOSE_IMAGE)
            )
    return uses
