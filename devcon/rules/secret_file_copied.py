"""secret-file-copied: COPY/ADD of key files, .env files, credentials (also via `COPY . .`).

Explicit sources are judged by name (and by content when the file is in the build context:
a `.pem` holding only certificates, an `.npmrc` without tokens are fine). A source that is a
directory of the build context (`COPY . .`, `COPY config/ ...`) is searched for such files
that `.dockerignore` does not exclude. The `.dockerignore` matcher follows Docker's
(moby/patternmatcher): Go `filepath.Match` patterns, `**` for any number of folders, `!`
exceptions, the last matching line wins, and a pattern excluding a folder excludes what is
in it. A `<Dockerfile name>.dockerignore` beside the Dockerfile takes precedence.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from devcon.dockerfile.model import Instruction
from devcon.errors import InputError
from devcon.fileio import InputTooLarge, read_text
from devcon.findings import Severity
from devcon.rules.add_instead_of_copy import is_url, sources
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc

_TEMPLATE_WORDS = frozenset(
    {"example", "examples", "sample", "template", "tmpl", "tpl", "dist", "default", "defaults"}
)
_SSH_PUBLIC_FILES = frozenset({"known_hosts", "known_hosts.old", "authorized_keys", "config"})
_NO_WALK = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".cache"}
)
_WALK_LIMIT = 20000
_GLOB = re.compile(r"[*?\[]")


def _is_template(name: str) -> bool:
    """`.env.example`, `credentials.sample.json`, `.npmrc.template`, ..."""
    return any(part in _TEMPLATE_WORDS for part in name.lower().split(".")[1:])


def secret_kind(path: str) -> str | None:
    """What secret a file is by its path (relative, `/`-separated), or None."""
    parts = [p for p in PurePosixPath(path).parts if p not in (".", "/")]
    if not parts:
        return None
    name = parts[-1]
    lower = name.lower()
    folders = [p.lower() for p in parts[:-1]]
    if lower in (".ssh", ".aws", ".gnupg"):
        return f"`{name}` folder"
    if _is_template(lower) or lower.endswith(".pub"):
        return None
    if lower == ".env" or lower.startswith(".env."):
        return "dotenv file"
    if re.match(r"id_(rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:[._-]|$)", lower):
        return "SSH private key"
    if ".ssh" in folders:
        return None if lower in _SSH_PUBLIC_FILES else "file from an `.ssh` folder"
    if ".aws" in folders:
        return "AWS credentials folder file"
    if ".gnupg" in folders:
        return "GnuPG keyring file"
    if lower.endswith((".pem", ".key")):
        return "private key"
    if lower.endswith((".p12", ".pfx")):
        return "PKCS#12 key store"
    if lower.endswith(".ppk"):
        return "PuTTY private key"
    if lower.endswith(".kdbx"):
        return "KeePass database"
    if lower in (".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".pgpass"):
        return f"`{name}` credentials file"
    if lower in (".vault-token", ".dockercfg") or lower.startswith("kubeconfig"):
        return "credentials file"
    if lower.lstrip(".").startswith("credentials"):
        return "credentials file"
    if lower == "config.json" and folders[-1:] == [".docker"]:
        return "Docker credentials file"
    if lower == "config" and folders[-1:] == [".kube"]:
        return "kubeconfig"
    return None


def _content_clears(path: Path, kind: str) -> bool:
    """True when the file's content shows it holds no secret after all."""
    name = path.name.lower()
    if not (name.endswith((".pem", ".key", ".crt")) or name in (".npmrc", ".pypirc")):
        return False
    try:
        with path.open("rb") as handle:
            text = handle.read(65536).decode("utf-8", "replace")
    except OSError:
        return False
    if name in (".npmrc", ".pypirc"):
        # `_authToken=${NPM_TOKEN}` is the safe way: npm reads the variable at run time
        setting = r"_auth(?:Token)?|_password" if name == ".npmrc" else r"password"
        values = re.findall(  # [^\S\n]*, not \s*: linear on blank lines
            rf"^[^\S\n]*(?:[^\s=]*:)?(?:{setting})\s*[=:]\s*(\S*)",
            text,
            re.IGNORECASE | re.MULTILINE,
        )
        return all(not v or v.startswith("${") for v in values)
    if "PRIVATE KEY" in text:
        return False
    return "-----BEGIN " in text  # PEM with only certificates / public keys


def _looks_like_certificate(source: str, destination: str) -> bool:
    """`.pem` named or copied like a CA certificate (only used when the content is unknown)."""
    name = PurePosixPath(source).name.lower()
    if not name.endswith(".pem"):
        return False
    if re.search(
        r"(^|[-_.])(ca|cacert|cert|certs|certificate|chain|fullchain|bundle|root)"
        r"([-_.]|$)",
        name,
    ):
        return True
    return any(
        destination.startswith(d)
        for d in ("/usr/local/share/ca-certificates", "/etc/ssl/certs", "/etc/pki/ca-trust")
    )


# -- .dockerignore ---------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoreGlob:
    """A compiled .dockerignore pattern: `match(path)` as moby's regex `^...$` would match.

    A pattern with at most one unbounded part (`*`, `**`) is that regex (anchored, linear);
    with more (`*a*b`, `**/*.pem`), a regex backtracks polynomially in the path's length
    (one level per wildcard), so the parts are run as a set of states over the path instead,
    once per character: linear in the path times the parts."""

    parts: tuple[tuple[str, object], ...]  # (kind, argument), kind: lit one class star rest dirs
    regex: re.Pattern[str] | None

    def match(self, path: str) -> bool:
        if self.regex is not None:
            return self.regex.match(path) is not None
        states = self._closure({0})
        end = len(self.parts)
        for i, char in enumerate(path):
            if i == len(path) - 1 and char == "\n" and end in states:
                return True  # `$` matches before a final newline too
            states = self._closure(self._step(states, char))
            if not states:
                return False
        return end in states

    def _step(self, states: set[int], char: str) -> set[int]:
        end = len(self.parts)
        out: set[int] = set()
        for state in states:
            if state > end:  # inside `(.*/)` of the `**/` at state - end - 1
                if char != "\n":
                    out.add(state)
                if char == "/":
                    out.add(state - end)
                continue
            if state == end:
                continue
            kind, argument = self.parts[state]
            if kind == "lit":
                if char == argument:
                    out.add(state + 1)
            elif kind == "one":
                if char != "/":
                    out.add(state + 1)
            elif kind == "class":
                if argument.match(char):  # type: ignore[attr-defined]
                    out.add(state + 1)
            elif kind == "star":
                if char != "/":
                    out.add(state)
            elif kind == "rest":
                if char != "\n":
                    out.add(state)
            elif char != "\n":  # dirs: `(.*/)?`
                out.add(end + 1 + state)
                if char == "/":
                    out.add(state + 1)
        return out

    def _closure(self, states: set[int]) -> set[int]:
        """With every state the optional parts (`*`, `**`) let the match skip to."""
        out, todo = set(states), list(states)
        while todo:
            state = todo.pop()
            skips = state < len(self.parts) and self.parts[state][0] in _OPTIONAL
            if skips and state + 1 not in out:
                out.add(state + 1)
                todo.append(state + 1)
        return out


_OPTIONAL = frozenset({"star", "rest", "dirs"})


@dataclass(frozen=True)
class IgnorePattern:
    text: str
    exclusion: bool  # a `!pattern` line (re-includes)
    regex: IgnoreGlob


def compile_pattern(pattern: str) -> IgnoreGlob:
    """A .dockerignore pattern, as moby/patternmatcher compiles it to a regex."""
    out = "^"
    parts: list[tuple[str, object]] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                i += 1
                if i + 1 < n and pattern[i + 1] == "/":
                    i += 1
                out += ".*" if i + 1 >= n else "(.*/)?"
                parts.append(("rest", None) if i + 1 >= n else ("dirs", None))
            else:
                out += "[^/]*"
                parts.append(("star", None))
        elif ch == "?":
            out += "[^/]"
            parts.append(("one", None))
        elif ch == "\\" and i + 1 < n:
            i += 1
            out += re.escape(pattern[i])
            parts.append(("lit", pattern[i]))
        elif ch == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("^", "!") else i + 1)
            if end < 0:
                out += re.escape(ch)
                parts.append(("lit", ch))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                one_of = "[" + body.replace("\\", "\\\\") + "]"
                out += one_of
                try:
                    parts.append(("class", re.compile(one_of)))
                except re.error:  # `[]` reads on into what follows in the regex: keep it
                    parts.append(("unparsed", None))
                i = end
        else:
            out += re.escape(ch)
            parts.append(("lit", ch))
        i += 1
    unbounded = sum(kind in _OPTIONAL for kind, _ in parts)
    if unbounded <= 1 or any(kind == "unparsed" for kind, _ in parts):
        return IgnoreGlob(tuple(parts), re.compile(out + "$"))
    return IgnoreGlob(tuple(parts), None)


def _clean(path: str) -> str:
    """Go's filepath.Clean for `/` paths, relative result."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        elif part != "..":
            parts.append(part)
    return "/".join(parts) or "."


def parse_dockerignore(text: str) -> list[IgnorePattern]:
    patterns: list[IgnorePattern] = []
    for raw in text.lstrip("\ufeff").splitlines():
        if raw.startswith("#"):
            continue
        line = raw.strip()
        if not line:
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
        if not line:
            continue
        cleaned = _clean(line)
        patterns.append(IgnorePattern(line, exclusion, compile_pattern(cleaned)))
    return patterns


def is_ignored(path: str, patterns: Sequence[IgnorePattern]) -> bool:
    """moby's MatchesOrParentMatches: the last matching pattern (or one matching a parent
    folder) decides; `!` patterns re-include."""
    path = _clean(path)
    parents = path.split("/")[:-1]
    matched = False
    for pattern in patterns:
        if pattern.exclusion != matched:
            continue
        match = pattern.regex.match(path)
        if not match:
            for i in range(len(parents)):
                if pattern.regex.match("/".join(parents[: i + 1])):
                    match = True
                    break
        if match:
            matched = not pattern.exclusion
    return matched


def read_dockerignore(context: Path, dockerfile: Path) -> list[IgnorePattern]:
    for candidate in (
        dockerfile.parent / f"{dockerfile.name}.dockerignore",
        context / ".dockerignore",
    ):
        try:
            return parse_dockerignore(read_text(candidate, errors="replace"))
        except InputTooLarge:
            raise  # exit 2 naming the limit, as for every input file
        except InputError:  # none there (or unreadable): the next candidate
            continue
    return []


# -- the rule ------------------------------------------------------------------------------


def _walk(
    context: Path, folder: Path, ignore: Sequence[IgnorePattern]
) -> Iterator[tuple[str, str]]:
    """(path relative to the context, kind) of secret files under folder that get copied."""
    has_exceptions = any(p.exclusion for p in ignore)
    visited = 0
    for root, dirs, files in os.walk(folder):
        rel_root = Path(root).relative_to(context).as_posix()
        kept = []
        for d in sorted(dirs):
            rel = d if rel_root == "." else f"{rel_root}/{d}"
            if d in _NO_WALK:
                continue
            if not has_exceptions and is_ignored(rel, ignore):
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files + [d for d in dirs if d in (".ssh", ".aws", ".gnupg")]):
            visited += 1
            if visited > _WALK_LIMIT:
                return
            rel = name if rel_root == "." else f"{rel_root}/{name}"
            kind = secret_kind(rel)
            if kind is None or is_ignored(rel, ignore):
                continue
            if _content_clears(context / rel, kind):
                continue
            yield rel, kind
        dirs[:] = [d for d in dirs if d not in (".ssh", ".aws", ".gnupg")]


def _inside(context: Path, source: str) -> Path | None:
    """The source as a path in the context (None when it escapes the context, or when it
    cannot name a file: a NUL byte, which no file name holds and os calls refuse)."""
    if "\0" in source:
        return None
    try:
        target = (context / source.lstrip("/")).resolve()
        root = context.resolve()
        if target != root and root not in target.parents:
            return None
        target.is_dir()  # a name longer than the system allows raises here, not later
    except OSError:  # e.g. ENAMETOOLONG: no file can have that name
        return None
    return target


def _check_source(
    instruction: Instruction,
    source: str,
    destination: str,
    context: Path | None,
    ignore: Sequence[IgnorePattern],
) -> Iterator[Problem]:
    line, column = instruction.find(source)
    keyword = instruction.keyword
    target = _inside(context, source) if context is not None else None
    globbed = _GLOB.search(source) is not None and "\0" not in source
    if context is not None and (globbed or (target is not None and target.is_dir())):
        root = context.resolve()
        matches: list[Path] = []
        if globbed:
            try:
                matches = sorted(root.glob(source.lstrip("/").removeprefix("./")))
            except (ValueError, NotImplementedError, OSError):
                matches = []
            matches = [m for m in matches if m == root or root in m.resolve().parents]
        elif target is not None:
            matches = [target]
        found: list[tuple[str, str]] = []
        for path in matches:
            rel = path.relative_to(root).as_posix() if path != root else "."
            if path.is_dir():
                if secret_kind(rel) is not None and not is_ignored(rel, ignore):
                    found.append((rel, secret_kind(rel) or ""))
                else:
                    found.extend(_walk(root, path, ignore))
            else:
                kind = secret_kind(rel)
                if kind and not is_ignored(rel, ignore) and not _content_clears(path, kind):
                    found.append((rel, kind))
        if found:
            names = ", ".join(f"`{rel}` ({kind})" for rel, kind in found[:3])
            more = f" and {len(found) - 3} more" if len(found) > 3 else ""
            yield Problem(
                line,
                column,
                f"{keyword} `{source}` copies {names}{more} into the image: list them in "
                ".dockerignore, and pass secrets with a BuildKit secret mount "
                "(`RUN --mount=type=secret,id=...`)",
            )
        return
    # named explicitly (or no build context known): judge by name, by content when present
    kind = secret_kind(source)
    if kind is None:
        return
    if context is not None and target is not None and target.is_file():
        rel = target.relative_to(context.resolve()).as_posix()
        if is_ignored(rel, ignore) or _content_clears(target, kind):
            return
    elif _looks_like_certificate(source, destination):
        return
    yield Problem(
        line,
        column,
        f"{keyword} copies `{source}` ({kind}) into the image, where every layer keeps it: "
        "use a BuildKit secret mount (`RUN --mount=type=secret,id=...`) or an SSH mount "
        "(`RUN --mount=type=ssh`) for the step that needs it",
    )


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    ignore: list[IgnorePattern] = []
    if ctx.context_dir is not None and ctx.context_dir.is_dir():
        context: Path | None = ctx.context_dir
        ignore = read_dockerignore(ctx.context_dir, ctx.path)
    else:
        context = None
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in ("COPY", "ADD") or instruction.has_flag("from"):
            continue
        words = sources(instruction)
        if instruction.json_args is not None:
            destination = instruction.json_args[-1]
        else:
            destination = instruction.args.split()[-1] if instruction.args.split() else ""
        for source in words:
            if is_url(source) or "$" in source:
                continue
            yield from _check_source(instruction, source, destination, context, ignore)


_DOC = RuleDoc(
    what=(
        "Reports `COPY`/`ADD` of local files that hold secrets: `.env` and `.env.*` (not "
        "`.env.example`/`.sample`/`.template`/`.dist`), SSH keys (`id_rsa*`, "
        "`id_ed25519*`, `id_ecdsa*`, `id_dsa*`, but not `*.pub`), `.ssh/`, `.aws/` and "
        "`.gnupg/` folders, `*.pem`, `*.key`, `*.p12`, `*.pfx`, `*.ppk`, `*.kdbx`, "
        "`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.pgpass`, `credentials*`, "
        "`kubeconfig*`, `.kube/config`, `.docker/config.json` (JSON form and `--chown` "
        "flags included; `COPY --from` is not local and not checked). With the build "
        "context known, a directory source (`COPY . .`) is searched for such files that "
        "`.dockerignore` does not exclude (Docker's matching: `**`, `!` exceptions, "
        "`<Dockerfile>.dockerignore`; dependency folders such as node_modules and .venv "
        "are not searched), and content clears a file: a `.pem`/`.key` with no private "
        "key, an `.npmrc` with no token, a `.pypirc` with no password. Without the file, "
        "a `.pem` named or copied like a CA certificate is not reported."
    ),
    why=(
        "A file copied into a layer stays in the image even if a later step deletes it; "
        "anyone who pulls the image can extract it."
    ),
    example="COPY .env /app/.env\nCOPY id_rsa /root/.ssh/id_rsa\nCOPY . .  # with a .env",
    fix=(
        "Keep secrets out of the build context's copies (`.env`, `*.pem`, `.ssh/` in "
        ".dockerignore) and give the build step that needs one a mount: "
        "`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`, "
        "`RUN --mount=type=ssh git clone git@...`. Provide run-time secrets with "
        "containerEnv `${localEnv:VAR}`, compose `secrets:` or a bind mount."
    ),
)

RULE = Rule(
    "secret-file-copied",
    Category.SECURITY,
    "COPY/ADD of a key, .env or credentials file (also through COPY . .)",
    _DOC,
    severity=Severity.ERROR,
    dockerfile=check,
)
