"""add-remote-unverified: ADD of a URL or git repository with nothing pinning its content."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.findings import Severity
from devcon.rules.add_instead_of_copy import is_git, sources
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

_COMMIT_REF = re.compile(r"#[0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?(?::|$)")


def safe_url(url: str) -> str:
    """The URL for a message: no user:password@, no query string (tokens live there)."""
    shown = re.sub(r"://[^/@\s]*@", "://", url)
    shown = re.sub(r"\?.*", "?…", shown)
    return shown if len(shown) <= 100 else shown[:97] + "..."


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword != "ADD" or instruction.flag("checksum"):
            continue
        for source in sources(instruction):
            line, column = instruction.find(source)
            shown = safe_url(source)
            if is_git(source):
                if _COMMIT_REF.search(source):
                    continue
                yield Problem(
                    line,
                    column,
                    f"ADD clones `{shown}` at a branch or tag that can move: pin a commit "
                    "(`#<40-hex commit>`) or add `--checksum=<commit>`",
                )
            elif source.startswith(("http://", "https://")):
                plain = " over plain http" if source.startswith("http://") else ""
                yield Problem(
                    line,
                    column,
                    f"ADD downloads `{shown}`{plain} without `--checksum`: add "
                    "`--checksum=sha256:<digest>` so a changed or tampered file fails the build",
                )


_DOC = RuleDoc(
    what=(
        "Reports `ADD https://...` (and `http://`) without `--checksum=sha256:...`, and "
        "`ADD` of a git repository (`git@host:repo`, `https://host/repo.git#ref`, "
        "`git://`, `ssh://`) unless `--checksum=<commit>` is given or the ref after `#` is "
        "a full 40-hex commit id (optionally followed by `:subdir`). URLs are shown "
        "without credentials or query strings."
    ),
    why=(
        "The file behind a URL and the commit behind a branch or tag can change at any "
        "time: the same Dockerfile then builds a different image, and a compromised "
        "server goes unnoticed. A checksum makes the build fail instead."
    ),
    example=(
        "ADD https://example.com/tool-1.2.tar.gz /opt/\n"
        "ADD https://github.com/org/repo.git#main /src"
    ),
    fix=(
        "`ADD --checksum=sha256:<hex> https://example.com/tool-1.2.tar.gz /opt/` (needs "
        "Dockerfile syntax 1.6+; `sha256sum` on a trusted download gives the digest), or "
        "`RUN curl -fsSLo f <url> && echo '<hex>  f' | sha256sum -c`. For git: "
        "`ADD https://github.com/org/repo.git#<commit> /src` or "
        "`ADD --checksum=<commit> ...` (syntax 1.10+)."
    ),
)

RULE = Rule(
    "add-remote-unverified",
    Category.SECURITY,
    "ADD of a URL or git repository without --checksum or a commit pin",
    _DOC,
    severity=Severity.WARNING,
    dockerfile=check,
)
