"""no-libc: image without a C library (no glibc, no musl): the VS Code server cannot run."""

from __future__ import annotations

from devcon.rules._knowledge_rule import knowledge_rule
from devcon.rules.base import Category, RuleDoc

_DOC = RuleDoc(
    what=(
        "Reports an image read by `devcon compat` in which no C library was found: neither "
        "glibc's `libc.so.6` (in `/lib`, `/lib64`, `/usr/lib` and their multiarch folders) "
        "nor a musl loader (`/lib/ld-musl-*.so.1`), as in scratch, busybox-static, "
        "distroless/static or static Go/Rust images. Only facts read from the image count; "
        "an image judged from its name alone is never reported."
    ),
    why=(
        "The VS Code server runs a dynamically linked Node.js: it needs glibc (2.28 or newer "
        "with libstdc++ 3.4.25 since VS Code 1.86) or, on Alpine, musl 1.2.3 or newer with "
        "libgcc and libstdc++. Without a C library it cannot start, so the container cannot "
        "be opened in VS Code."
    ),
    example="FROM gcr.io/distroless/static-debian12",
    fix=(
        "Develop in an image with a C library: a glibc distribution (Debian 10+, Ubuntu "
        "20.04+, RHEL/UBI 8+) or Alpine 3.16+; keep the static image for production only."
    ),
)

RULE = knowledge_rule(
    "no-libc",
    Category.CORRECTNESS,
    "image without a C library (no glibc, no musl): the VS Code server cannot run",
    _DOC,
    from_names=False,
)
