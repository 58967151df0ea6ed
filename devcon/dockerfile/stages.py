"""Stages of a Dockerfile as a build sees them: the chain a stage is built FROM, stages only
copied from, Alpine bases, and the ARG/ENV values along a chain."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from devcon.dockerfile.model import Dockerfile, Instruction, Stage, mount_options
from devcon.dockerfile.parser import key_values, substitute


def chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the stages it is built FROM, root first."""
    stages = [stage]
    seen = {stage.index}
    while stage.parent is not None and stage.parent not in seen:
        stage = dockerfile.stages[stage.parent]
        seen.add(stage.index)
        stages.append(stage)
    return stages[::-1]


def runs(dockerfile: Dockerfile) -> Iterator[tuple[list[Stage], Instruction]]:
    """Every RUN instruction, stage by stage, with the chain of its stage (root first: the
    stage itself last)."""
    for stage in dockerfile.stages:
        stages = chain(dockerfile, stage)
        for instruction in stage.instructions:
            if instruction.keyword == "RUN":
                yield stages, instruction


def copy_source_only_stages(dockerfile: Dockerfile) -> set[int]:
    """Stages used only as `COPY --from` / `--mount from=` sources: neither the last stage nor
    the FROM of another stage. Their files reach the final image only where copied."""
    parents = {s.parent for s in dockerfile.stages if s.parent is not None}
    named: set[int] = set()
    for instruction in dockerfile.instructions:
        refs = instruction.flag_values("from")
        for mount in instruction.flag_values("mount"):
            refs.extend(v for k, v in mount_options(mount).items() if k == "from")
        for ref in refs:
            stage = dockerfile.stage(ref)
            if stage is not None:
                named.add(stage.index)
    last = len(dockerfile.stages) - 1
    return {i for i in named if i not in parents and i != last}


def is_alpine(stage: Stage) -> bool:
    """A stage FROM an Alpine image: `alpine`, or a repository or tag that names alpine."""
    name = (stage.resolved_base or stage.base).split("@", 1)[0].lower()
    if "/" in name and ("." in name.split("/", 1)[0] or ":" in name.split("/", 1)[0]):
        name = name.split("/", 1)[1]  # drop the registry host
    return "alpine" in name


def environment(
    dockerfile: Dockerfile, stages: Sequence[Stage], before: Instruction | None
) -> dict[str, str | None]:
    """ENV and ARG values (ARGs are environment variables of RUN too) along the chain, up to
    `before` (or the end of the last stage). ARGs are per stage; ENV carries over."""
    env: dict[str, str | None] = {}
    args: dict[str, str | None] = {}
    for stage in stages:
        args = {}
        for instruction in stage.instructions:
            if instruction is before:
                return {**env, **args}
            if instruction.keyword in ("ARG", "ENV"):
                scope = args if instruction.keyword == "ARG" else env
                for kv in key_values(instruction):
                    if kv.value is None:
                        scope[kv.key] = dockerfile.global_args.get(kv.key)
                    else:
                        scope[kv.key] = substitute(kv.value, {**args, **env})
    return {**env, **args}
