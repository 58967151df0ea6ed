"""libstdcxx-too-old: a glibc image without libstdc++, or with one older than the target VS Code
server needs (GLIBCXX_3.4.25 since VS Code 1.86)."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports a glibc image read by `devcon compat` that has no libstdc++ "
        "(`libstdc++.so.6` in `/lib`, `/usr/lib` and their multiarch folders), or one whose "
        "newest `GLIBCXX_` version is older than the target VS Code server needs: 3.4.25 "
        "since VS Code 1.86 (a grace period to 1.98, refused from 1.99), 3.4.18 before. "
        "Typical: busybox:glibc, distroless/base. Only facts read from the image count; "
        "when glibc itself is too old, `glibc-too-old` says it and this rule stays silent."
    ),
    why=(
        "The server's requirements check tests libstdc++ apart from glibc, and its Node.js "
        "needs it: a new glibc alone does not let the dev container open."
    ),
    example="devcon compat busybox:glibc",
    fix=(
        "Install libstdc++ (Debian/Ubuntu `libstdc++6`, RHEL/Fedora `libstdc++`) or develop "
        "on a full distribution image; keep the minimal image for production."
    ),
)

RULE = knowledge_rule(
    "libstdcxx-too-old",
    Category.CORRECTNESS,
    "glibc image without libstdc++, or older than GLIBCXX_3.4.25 (VS Code 1.86+)",
    _DOC,
    from_names=False,
    yields_to=("glibc-too-old", "no-libc"),
)
