"""cap-add-all: every Linux capability (or one that amounts to it) is added to the container."""

from __future__ import annotations

from devcon.container_options import capability
from devcon.rules._option_rule import CAP_ADD, option_rule
from devcon.rules.base import Category, RuleDoc

# ALL, and the two capabilities that amount to it (see the doc).
_REASONS = {
    "ALL": "gives the container every Linux capability, nearly as much as `privileged`",
    "SYS_ADMIN": (
        "amounts to `ALL`: it allows mount, namespace and BPF operations that are the usual "
        "way out of a container"
    ),
    "SYS_MODULE": "amounts to `ALL`: root in the container can load modules into the host's kernel",
}
_FIX = "add only the capabilities needed (e.g. SYS_PTRACE for a debugger)"


def _message(written: str, cap: str, feature: bool) -> str:
    where = " (for every container that installs this Feature)" if feature else ""
    return f"{written} `{cap}`{where} {_REASONS[capability(cap)]}; {_FIX}"


_DOC = RuleDoc(
    what=(
        "Reports `ALL` in `capAdd` and in `runArgs` (`--cap-add=ALL`, `--cap-add ALL`), in a "
        "Feature's devcontainer-feature.json and in a compose service's `cap_add`; names "
        "are matched as Docker reads them (any case, with or without `CAP_`). It also "
        "reports the two capabilities that amount to ALL, saying so in the message: "
        "`SYS_ADMIN` (mount, namespaces, BPF: the common container escapes) and "
        "`SYS_MODULE` (loading kernel modules). Narrower capabilities such as `SYS_PTRACE` "
        "(which the spec's own example adds for debuggers) or `NET_ADMIN` are not reported."
    ),
    why=(
        "Docker drops most capabilities so that root in a container is not root on the "
        "host. Adding all of them back, or SYS_ADMIN/SYS_MODULE, undoes most of that: with "
        "the default seccomp profile still on it is a little less than `privileged`, but "
        "enough for code in the container to break out."
    ),
    example=(
        '{\n  "image": "mcr.microsoft.com/devcontainers/base:bookworm",\n  "capAdd": ["ALL"]\n}'
    ),
    fix=(
        "List only the capabilities the tool needs, e.g. "
        '`"capAdd": ["SYS_PTRACE"]` for gdb or delve, `NET_ADMIN` for network tooling.'
    ),
)

RULE = option_rule(
    "cap-add-all",
    Category.SECURITY,
    "capAdd / --cap-add adds ALL capabilities (or SYS_ADMIN / SYS_MODULE, as good as ALL)",
    _DOC,
    option=CAP_ADD,
    reports=lambda cap: capability(cap) in _REASONS,
    message=_message,
)
