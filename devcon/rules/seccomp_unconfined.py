"""seccomp-unconfined: the container runs without Docker's seccomp filter."""

from __future__ import annotations

from devcon.container_options import split_security_opt
from devcon.rules._option_rule import SECURITY_OPT, option_rule
from devcon.rules.base import Category, RuleDoc

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


def _message(written: str, value: str, feature: bool) -> str:
    where = " (for every container that installs this Feature)" if feature else ""
    return f"{written} `{value}`{where} {_WHY}; {_FIX}"


_DOC = RuleDoc(
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
)

RULE = option_rule(
    "seccomp-unconfined",
    Category.SECURITY,
    "seccomp=unconfined in securityOpt / runArgs turns off the syscall filter",
    _DOC,
    option=SECURITY_OPT,
    reports=unconfined,
    message=_message,
)
