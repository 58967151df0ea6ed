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
from devcon.dockerfile.model import Dockerfile, Instruction
from devcon.dockerfile.parser import key_values, substitute
from devcon.jsonc import JsoncDocument
from devcon.reference import Reference, ReferenceError, parse_reference


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


def _column_of(instruction: Instruction, text: str) -> tuple[int, int]:
    for offset, source in enumerate(instruction.original.split("\n")):
        start = source.find(
            text, instruction.column - 1 + len(instruction.keyword) if offset == 0 else 0
        )
        if start >= 0:
            return instruction.line + offset, start + 1
    return instruction.line, instruction.column


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
            line, column = _column_of(stage.from_instruction, stage.base)
            uses.append(_use(stage.base, stage.resolved_base, line, column, Origin.FROM))
        stage_args: dict[str, str | None] = dict(dockerfile.global_args)
        for instruction in stage.instructions:
            if instruction.keyword == "ARG":
                for kv in key_values(instruction):
                    stage_args[kv.key] = (
                        dockerfile.global_args.get(kv.key) if kv.value is None else kv.value
                    )
            sources: list[tuple[str, Origin]] = []
            if instruction.keyword in ("COPY", "ADD"):
                value = instruction.flag("from")
                if value:
                    sources.append((value, Origin.COPY_FROM))
            if instruction.keyword == "RUN":
                for mount in instruction.flag_values("mount"):
                    for part in mount.split(","):
                        key, _, value = part.partition("=")
                        if key.strip() == "from" and value:
                            sources.append((value.strip(), Origin.MOUNT_FROM))
            for value, origin in sources:
                resolved = substitute(value, stage_args)
                if value.isdigit() or (resolved or value).lower() in names:
                    continue  # an earlier stage
                if (resolved or "").lower() == "scratch":
                    continue
                line, column = _column_of(instruction, value)
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
