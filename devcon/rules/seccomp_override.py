"""seccomp-override: a custom seccomp profile replaces Docker's default one."""

from __future__ import annotations

from devcon.container_options import split_security_opt
from devcon.rules._option_rule import SECURITY_OPT, option_rule
from devcon.rules.base import Category, RuleDoc

# `unconfined` is seccomp-unconfined's; `builtin` names Docker's default profile.
_NOT_A_PROFILE = ("unconfined", "builtin")


def profile(text: str) -> str | None:
    """The custom profile a security option names, or None."""
    key, value = split_security_opt(text)
    if key != "seccomp" or not value:
        return None
    value = value.strip("\"'")
    return None if value.lower() in _NOT_A_PROFILE else value


def _message(written: str, value: str, feature: bool) -> str:
    where = " for every container that installs this Feature" if feature else ""
    return (
        f"{written} `{value}` replaces Docker's default seccomp profile{where}: check "
        "that it is no looser than the default, and that the file exists wherever the "
        "container is created (the Docker client reads it)"
    )


_DOC = RuleDoc(
    what=(
        "Reports a custom seccomp profile, `seccomp=<profile.json>` (or "
        "`seccomp:<profile.json>`), in `securityOpt`, in `runArgs` (`--security-opt`), in a "
        "Feature's devcontainer-feature.json and in a compose service's `security_opt`. "
        "`seccomp=unconfined` is seccomp-unconfined's finding; `seccomp=builtin` (Docker's "
        "default profile by name) is not reported."
    ),
    why=(
        "A custom profile replaces Docker's default allow-list as a whole, so it is only as "
        "safe as its author made it: copies of old or permissive profiles (a default "
        "action of SCMP_ACT_ALLOW) quietly remove the protection. The profile file is "
        "also read by the Docker client, so it must exist, at that path, on every machine "
        "that creates the container."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n'
        '  "runArgs": ["--security-opt", "seccomp=/etc/docker/seccomp-dev.json"]\n}'
    ),
    fix=(
        "Prefer the default profile (remove the option). If a tool needs a system call "
        "the default blocks, start from Docker's default profile and allow only that call; "
        "keep the profile in the repository, review changes to it, and suppress the "
        "finding with a comment pointing at it."
    ),
)

RULE = option_rule(
    "seccomp-override",
    Category.SECURITY,
    "a custom seccomp profile (seccomp=<file>) replaces Docker's default one",
    _DOC,
    option=SECURITY_OPT,
    reports=lambda value: profile(value) is not None,
    message=_message,
)
