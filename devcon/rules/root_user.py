"""root-user: the final stage of a production image runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.dockerfile.model import Dockerfile, Instruction, Stage
from devcon.dockerfile.parser import key_values, substitute
from devcon.dockerfile.stages import chain
from devcon.rules.base import Category, DockerfileContext, Problem, Profile, Rule, RuleDoc

_ROOT = frozenset({"root", "0"})


def _last_user(
    dockerfile: Dockerfile, stages: list[Stage]
) -> tuple[Instruction, str | None] | None:
    """The last USER along the chain and its value with variables resolved (None: unknown)."""
    env: dict[str, str | None] = {}
    last: tuple[Instruction, str | None] | None = None
    for stage in stages:
        args: dict[str, str | None] = {}  # ARGs are per stage; ENV carries over
        for instruction in stage.instructions:
            if instruction.keyword in ("ARG", "ENV"):
                scope = args if instruction.keyword == "ARG" else env
                for kv in key_values(instruction):
                    if kv.value is None:  # ARG NAME: the global default, if any
                        scope[kv.key] = dockerfile.global_args.get(kv.key)
                    else:
                        scope[kv.key] = substitute(kv.value, {**args, **env})
            elif instruction.keyword == "USER":
                last = (instruction, substitute(instruction.args.strip(), {**args, **env}))
    return last


def _position(instruction: Instruction) -> tuple[int, int]:
    first = instruction.original.split("\n", 1)[0]
    start = instruction.column - 1 + len(instruction.keyword)
    while start < len(first) and first[start] in " \t":
        start += 1
    return instruction.line, (start + 1 if start < len(first) else instruction.column)


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    dockerfile = ctx.dockerfile
    final = dockerfile.final_stage
    if final is None:
        return
    stages = chain(dockerfile, final)
    last = _last_user(dockerfile, stages)
    if last is None:
        base = stages[0]
        name = base.resolved_base or base.base
        if name.lower() == "scratch":
            caveat = ""
        elif base.resolved_base is None or "$" in name:
            caveat = " (unless the base image sets a non-root USER)"
        else:
            caveat = f" (unless the base image `{name}` sets a non-root USER)"
        from_ = final.from_instruction
        yield Problem.at(
            from_,
            f"the final stage runs as root: no USER instruction{caveat}; "
            "add `USER <non-root user>` after the steps that need root",
        )
        return
    instruction, value = last
    if value is None:
        return  # built from variables devcon cannot resolve
    user = value.split(":", 1)[0].strip()
    if user.lower() in _ROOT:
        line, column = _position(instruction)
        yield Problem(
            line,
            column,
            f"the final stage runs as root (`USER {instruction.args.strip()}`); "
            "switch to a non-root user after the steps that need root",
        )


_DOC = RuleDoc(
    what=(
        "Production profile only. Reports a Dockerfile whose final stage runs as root: "
        "there is no USER in the final stage nor in the stages it is built FROM (a USER in "
        "a parent stage carries over), reported at the final FROM; or the last USER is "
        "`root` or `0` (also `root:root`, `0:0`), reported at that USER. Since devcon cannot "
        "see which user a base image sets, a final stage without USER is reported even "
        "when the base image may set a non-root user; USER values built from variables "
        "that cannot be resolved are not reported."
    ),
    why=(
        "Root in the container is root on the host unless user namespaces remap it: a "
        "container escape, or a writable host mount, gives full control of the host. Dev "
        "containers often need root; production images should not."
    ),
    example='FROM python:3.12-slim\nRUN pip install --no-cache-dir app\nCMD ["app"]',
    fix=(
        "Create an unprivileged user and switch to it after installing: "
        "`RUN useradd --create-home app` then `USER app`."
    ),
)

RULE = Rule(
    "root-user",
    Category.SECURITY,
    "the final stage runs as root",
    _DOC,
    dockerfile=check,
    profiles=frozenset({Profile.PROD}),
)
