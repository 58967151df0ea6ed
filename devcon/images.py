"""Image references used by a definition, with their positions.

One collector serves the lint rules (pinning, tags, registries) and `devcon pin`: devcontainer
`image`, Dockerfile `FROM` and `COPY --from=<image>` / `RUN --mount=from=<image>`, compose
`image:`. Stage aliases and `scratch` are not images; references built from variables that
cannot be resolved are reported as skipped, with the reason.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from devcon.compose import ComposeFile
from devcon.dockerfile.model import Dockerfile, Flag, Instruction
from devcon.dockerfile.parser import key_values, substitute
from devcon.jsonc import JsoncDocument
from devcon.reference import Reference, ReferenceError, parse_reference
from devcon.rewrite import text_at


class Origin(enum.Enum):
    CONFIG_IMAGE = "image"
    FROM = "FROM"
    COPY_FROM = "COPY --from"
    MOUNT_FROM = "RUN --mount from"
    COMPOSE_IMAGE = "compose image"


@dataclass(frozen=True)
class ImageUse:
    """An image reference as written, where it is, and what it resolves to."""

    written: str
    line: int
    column: int
    origin: Origin
    reference: Reference | None  # None when skipped
    skipped: str | None = None  # why it could not be resolved

    @property
    def resolved_text(self) -> str | None:
        return self.reference.original if self.reference is not None else None


def _use(written: str, resolved: str | None, line: int, column: int, origin: Origin) -> ImageUse:
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


def built_base(dockerfile: Dockerfile, target: str | None = None) -> list[ImageUse]:
    """The external image the built stage (`target`, else the last) starts from, through
    stage aliases: where VS Code runs. Empty when that is `scratch` or there is no stage."""
    stage = dockerfile.built_stage(target)
    if stage is None:
        return []
    line = dockerfile.root_stage(stage).from_instruction.line
    return [u for u in in_dockerfile(dockerfile) if u.origin is Origin.FROM and u.line == line]


def in_dockerfile(dockerfile: Dockerfile) -> list[ImageUse]:
    uses: list[ImageUse] = []
    names = {s.name for s in dockerfile.stages if s.name}
    for stage in dockerfile.stages:
        if stage.parent is None and stage.base and (stage.resolved_base or "").lower() != "scratch":
            line, column = _base_position(stage.from_instruction, stage.base)
            uses.append(_use(stage.base, stage.resolved_base, line, column, Origin.FROM))
        stage_args: dict[str, str | None] = dict(dockerfile.global_args)
        for instruction in stage.instructions:
            if instruction.keyword == "ARG":
                for kv in key_values(instruction):
                    stage_args[kv.key] = (
                        dockerfile.global_args.get(kv.key) if kv.value is None else kv.value
                    )
            sources: list[tuple[str, Origin, tuple[int, int]]] = []
            if instruction.keyword in ("COPY", "ADD"):
                from_flags = [f for f in instruction.flags if f.name == "from"]
                if from_flags and from_flags[-1].value:
                    flag = from_flags[-1]
                    assert flag.value is not None
                    where = _flag_value_position(instruction, flag, flag.value)
                    sources.append((flag.value, Origin.COPY_FROM, where))
            if instruction.keyword == "RUN":
                for flag in instruction.flags:
                    mount = _mount_from(flag) if flag.name == "mount" else None
                    if mount is not None:
                        where = _flag_value_position(instruction, flag, mount[0], mount[1], "from=")
                        sources.append((mount[0], Origin.MOUNT_FROM, where))
            for value, origin, (line, column) in sources:
                resolved = substitute(value, stage_args)
                if value.isdigit() or (resolved or value).lower() in names:
                    continue  # an earlier stage
                if (resolved or "").lower() == "scratch":
                    continue
                uses.append(_use(value, resolved, line, column, origin))
    return uses


def in_config(doc: JsoncDocument) -> list[ImageUse]:
    value = doc.value
    if not isinstance(value, dict) or not isinstance(value.get("image"), str):
        return []
    image = value["image"]
    line, column = doc.value_position(("image",))
    return [_use(image, image, line, column + 1, Origin.CONFIG_IMAGE)]


def in_compose(compose: ComposeFile) -> list[ImageUse]:
    uses = []
    for service in compose.services:
        if service.image is not None:
            image = service.image
            # compose interpolation: `${VAR:-default}` resolves to its default here
            resolved = substitute(image.value, {})
            uses.append(_use(image.value, resolved, image.line, image.column, Origin.COMPOSE_IMAGE))
    return uses
