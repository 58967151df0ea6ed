"""seccomp-unconfined: the container runs without Docker's seccomp filter."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.container_options import security_opts, split_security_opt
from devcon.rules.base import Category, ComposeContext, ConfigContext, Problem, Rule, RuleDoc

_WHY = (
    "turns off Docker's seccomp filter, so the container can make every system call, "
    "including those kernel exploits use"
)
_FIX = (
    "drop it; a debugger usually needs only `SYS_PTRACE` (Docker 19.03+ allows ptrace under "
    "the default profile on kernels 4.8+)"
)


def unconfined(text: str) -> bool:
    key, value = split_security_opt(text)
    return key == "seccomp" and value is not None and value.strip("\"'").lower() == "unconfined"


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    """devcontainer.json, or a Feature's devcontainer-feature.json."""
    feature = ctx.is_feature
    where = " (for every container that installs this Feature)" if feature else ""
    for option in security_opts(ctx.value):
        if unconfined(option.value):
            yield ctx.report_merged(
                option.pointer, f"{option.written} `{option.value}`{where} {_WHY}; {_FIX}"
            )


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    for service in ctx.compose.accepted_services:
        for opt in service.security_opt:
            if unconfined(opt.value):
                yield Problem.at(
                    opt,
                    f"service `{service.name.value}` `security_opt` `{opt.value}` {_WHY}; {_FIX}",
                )


RULE = Rule(
    name="seccomp-unconfined",
    category=Category.SECURITY,
    summary="seccomp=unconfined in securityOpt / runArgs turns off the syscall filter",
    config=check_config,
    feature=check_config,
    compose=check_compose,
    doc=RuleDoc(
        what=(
            "Reports `seccomp=unconfined` (or the older `seccomp:unconfined`) in `securityOpt`, "
            "in `runArgs` (`--security-opt seccomp=unconfined`, `--security-opt=...`), in a "
            "Feature's devcontainer-feature.json (the official Go and Rust Features set it for "
            "debuggers) and in a compose service's `security_opt`."
        ),
        why=(
            "Docker's default seccomp profile blocks some 44 system calls that containers do "
            "not need and that kernel exploits and container escapes use (keyctl, "
            "open_by_handle_at, unshare of user namespaces, ...). `unconfined` removes the "
            "filter altogether. It is often copied from old debugger instructions: since "
            "Docker 19.03 the default profile allows ptrace on kernels 4.8 and later, so "
            "`SYS_PTRACE` alone is usually enough."
        ),
        example=(
            '{\n  "image": "mcr.microsoft.com/devcontainers/cpp:1",\n'
            '  "capAdd": ["SYS_PTRACE"],\n  "securityOpt": ["seccomp=unconfined"]\n}'
        ),
        fix=(
            'Remove it and keep `"capAdd": ["SYS_PTRACE"]`; if a tool really needs a blocked '
            "system call, use a custom profile that allows just that one (see seccomp-override)."
        ),
    ),
)
