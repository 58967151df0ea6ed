"""no-new-privileges-missing: the container lets processes gain privileges (setuid)."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import container_kind, security_opts, split_security_opt
from devcon.rules.base import Category, ConfigContext, Problem, Rule, RuleDoc

_ADD = 'add `"securityOpt": ["no-new-privileges"]` (sudo and other setuid programs stop working)'


def check(ctx: ConfigContext) -> Iterator[Problem]:
    value = ctx.value
    kind = container_kind(value)
    if not isinstance(value, dict) or kind is None:
        return  # missing-container-def's finding
    turned_off = None
    for option in security_opts(value):
        key, setting = split_security_opt(option.value)
        if key != "no-new-privileges":
            continue
        if setting is None or setting.strip().lower() == "true":
            return
        turned_off = option
    if turned_off is not None:
        yield ctx.report_merged(
            turned_off.pointer,
            f"{turned_off.written} `{turned_off.value}` lets processes in the container gain "
            f"privileges through setuid programs; {_ADD}",
        )
        return
    if kind == "compose":
        return  # the compose file's security_opt may set it: not judged here
    if "securityOpt" in value:
        pointer: tuple[str | int, ...] = ("securityOpt",)
    else:
        pointer = ("image",)
        if kind == "dockerfile":
            pointer = ("dockerFile",) if "dockerFile" in value else ("build",)
    yield ctx.report_merged(
        pointer,
        "no `no-new-privileges` security option: a process in the container can gain "
        f"privileges through setuid programs; {_ADD}",
        key=True,
    )


_DOC = RuleDoc(
    what=(
        "Off by default (select it to use it). Reports an image or Dockerfile config whose "
        "`securityOpt` and `runArgs --security-opt` do not set `no-new-privileges` "
        "(`no-new-privileges`, `no-new-privileges:true` or `=true`), and "
        "`no-new-privileges:false` anywhere. With `--merge`, the option set by the base "
        "image's metadata or a Feature counts. Docker Compose configs are reported only "
        "for an explicit `false`: the compose file's `security_opt` may set it."
    ),
    why=(
        "`no-new-privileges` stops a process from gaining privileges it did not start "
        "with, through setuid or setgid programs or file capabilities, which limits what a "
        "compromised non-root process can do. It is off by default because most dev "
        "containers rely on `sudo` (a setuid program) for the non-root user, and "
        "`no-new-privileges` breaks it: turn the rule on for containers that must not "
        "escalate, such as ones running untrusted code or agents."
    ),
    example='{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm"\n}',
    fix=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
        '  "securityOpt": ["no-new-privileges"]\n}\n'
        "// install what needs root in the Dockerfile or a Feature, not with sudo later"
    ),
)

RULE = Rule(
    "no-new-privileges-missing",
    Category.SECURITY,
    "securityOpt / runArgs do not set no-new-privileges",
    _DOC,
    config=check,
    enabled_by_default=False,
)
