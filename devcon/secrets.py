"""Is this name=value a credential? Secret-like names, placeholders and known token formats.

Used by the secret rules (secret-in-config, secret-in-dockerfile). Two ways a value is a
secret:

- by FORMAT, whatever the name: AWS access key ids, GitHub/GitLab/Slack/Stripe/npm/PyPI/
  Hugging Face/OpenAI/Anthropic/Docker Hub tokens, Google API keys, private key blocks,
  JWTs, Azure storage keys, passwords embedded in URLs (`scheme://user:pass@host`);
- by NAME: a secret-like name (TOKEN, PASSWORD, SECRET, API_KEY, ...) with a literal value
  that is not a placeholder (`${VAR}`, `<token>`, `xxx`, `changeit-me`... see `is_placeholder`).

Names that only look secret are not: `GPG_KEY` (a public key id), `*_FILE`, `*_PATH`,
`*_URL`, `*_ID`, `USERNAME`, ... (see `is_secret_name`). Nothing here ever returns the value
itself: `SecretMatch.redacted` shows at most its first 4 characters and its length.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretMatch:
    """A credential found in a name=value pair."""

    kind: str  # what it is, for messages: "GitHub token", "password", ...
    redacted: str  # safe to print: see `redact`
    by_format: bool  # the value has a known credential format (not just a secret-like name)


# The fixed, public start of the credential formats devcon knows (`AKIA`, `ghp_`, a URL's
# scheme...): naming it tells a reader which credential it is without giving any of its
# secret part away.
_PUBLIC_PREFIX = re.compile(  # anchored (used with match): linear on any input
    r"\A(?:-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|AKIA|ASIA|github_pat_|gh[pousr]_"
    r"|gl(?:pat|dt|rt|ptt|cbt|oas)-|xox[abposr]-|(?:sk|rk)_live_|AIza|npm_|pypi-|hf_"
    r"|sk-ant-(?:api|admin)\d\d-|sk-(?:proj-|svcacct-|admin-)?|dckr_pat_|SG\.|eyJ"
    r"|(?:AccountKey|SharedAccessKey)=|hooks\.slack\.com/(?:services|workflows)/"
    r"|[A-Za-z][A-Za-z0-9+.-]*://)"
)


def redact(value: str) -> str:
    """A printable stand-in: the format's public prefix when the value has a known one
    (`ghp_…<40 chars>`), else only the length (`<12 chars>`): never a character of the
    secret part itself."""
    length = len(value)
    unit = "char" if length == 1 else "chars"
    prefix = _PUBLIC_PREFIX.match(value)
    if prefix is None or prefix.end() >= length:
        return f"<{length} {unit}>"
    return f"{prefix.group()}…<{length} {unit}>"


# -- names ---------------------------------------------------------------------------------

# name components that make a name secret-like on their own
_SECRET_WORDS = frozenset(
    {
        "token",
        "tokens",
        "password",
        "passwords",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "secrets",
        "apikey",
        "accesskey",
        "secretkey",
        "privatekey",
        "authtoken",
        "clientsecret",
        "credential",
        "credentials",
        "creds",
        "auth",
        "pat",
        "connectionstring",
    }
)
# "<first>_KEY" pairs that are secret (a bare KEY is not: SORT_KEY, PRIMARY_KEY, GPG_KEY)
_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "private",
        "secret",
        "signing",
        "encryption",
        "master",
        "app",
        "client",
        "account",
        "storage",
        "license",
        "licence",
        "ssh",
        "deploy",
        "service",
        "subscription",
        "session",
        "hmac",
        "jwt",
    }
)
# a name ending with one of these names something ABOUT a secret, not the secret
_NOT_SECRET_SUFFIXES = frozenset(
    {
        "file",
        "files",
        "path",
        "paths",
        "dir",
        "directory",
        "url",
        "uri",
        "endpoint",
        "host",
        "hostname",
        "port",
        "server",
        "domain",
        "realm",
        "id",
        "ids",
        "name",
        "user",
        "username",
        "type",
        "method",
        "mode",
        "enabled",
        "enable",
        "disabled",
        "disable",
        "required",
        "provider",
        "plugin",
        "helper",
        "command",
        "cmd",
        "length",
        "len",
        "min",
        "max",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "timeout",
        "version",
        "header",
        "prefix",
        "location",
        "keyring",
        "fingerprint",
        "algorithm",
        "alg",
        "format",
        "field",
        "var",
        "env",
        "count",
        "policy",
        "rotation",
        "store",
        "backend",
        "audience",
        "issuer",
        "scope",
        "scopes",
        "region",
        "source",
        "sources",
        "mount",
        "hash",
        "salt",
        "strength",
        "pattern",
        "regex",
        "option",
        "options",
        "set",
        "check",
        "validation",
        "verify",
        "stdin",
        "mechanism",
        "strategy",
        "flow",
        "level",
        "protocol",
        "scheme",
        "kind",
        "lifetime",
        "seconds",
        "secs",
        "minutes",
        "mins",
        "hours",
        "days",
        "size",
        "limit",
        "interval",
        "duration",
        "retries",
        "attempts",
        "age",
        "delay",
        "rounds",
        "iterations",
        "encoding",
        "charset",
        "class",
        "module",
        "handler",
        "callback",
        "redirect",
        "sock",
        "socket",
        "home",
    }
)
# anywhere in the name: the thing is public
_PUBLIC_WORDS = frozenset({"public", "pub", "pubkey", "gpg", "pgp", "fingerprint", "keyring"})
# a name that is exactly one of these is not a secret (shell and OS variables)
_NOT_SECRET_NAMES = frozenset({"pwd", "oldpwd"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def name_parts(name: str) -> list[str]:
    """Lower-cased components of a name: split on `_ - . /`, spaces and camelCase."""
    spaced = _CAMEL.sub("_", name.strip())
    return [p for p in re.split(r"[_\-./\s:]+", spaced.lower()) if p]


def _word_is_secret(word: str) -> bool:
    if word in _SECRET_WORDS:
        return True
    # glued words: DBPASSWORD, GHTOKEN, MYAPIKEY (but not TOKENIZER, PASSENGER, AUTHOR)
    return word.endswith(
        ("password", "passwd", "token", "secret", "apikey", "accesskey", "secretkey", "privatekey")
    )


@functools.lru_cache(maxsize=4096)  # a long RUN repeats its names
def is_secret_name(name: str) -> bool:
    """True when the name says its value is a credential (case-insensitive, by component)."""
    parts = name_parts(name)
    if not parts or name.strip().lower() in _NOT_SECRET_NAMES:
        return False
    if any(p in _PUBLIC_WORDS for p in parts):
        return False  # GPG_KEY, SSH_PUBLIC_KEY, *_FINGERPRINT, *_KEYRING
    if parts[-1] in _NOT_SECRET_SUFFIXES:
        return False  # TOKEN_FILE, SECRET_PATH, AUTH_URL, ACCESS_KEY_ID, DB_USER
    if any(_word_is_secret(p) for p in parts):
        return True
    return any(
        p == "key" and i > 0 and parts[i - 1] in _KEY_QUALIFIERS for i, p in enumerate(parts)
    )


# -- placeholders --------------------------------------------------------------------------

_PLACEHOLDER_WORDS = frozenset(
    {
        "none",
        "null",
        "nil",
        "undefined",
        "false",
        "true",
        "yes",
        "no",
        "on",
        "off",
        "todo",
        "tbd",
        "fixme",
        "replaceme",
        "replace_me",
        "replace-me",
        "placeholder",
        "redacted",
        "example",
        "sample",
        "dummy",
        "fake",
        "unused",
        "notasecret",
        "not-a-secret",
        "unset",
        "empty",
        "-",
    }
)
# `$NAME`, and the start of `${...}` (whole when a `}` follows it: `_has_variable`); each
# pattern is linear where `\$\{[^}]*\}` rescanned the tail from every `${`
_NAMED_VARIABLE = re.compile(r"(?<!\$)\$[A-Za-z_]")
_BRACED_VARIABLE = re.compile(r"(?<!\$)\$\{")


def _has_variable(text: str) -> bool:
    """`$NAME` or `${...}` (not after another `$`) somewhere in text."""
    if _NAMED_VARIABLE.search(text):
        return True
    braced = _BRACED_VARIABLE.search(text)  # the first one has the most text after it
    return braced is not None and text.find("}", braced.end()) >= 0


def is_placeholder(value: str) -> bool:
    """True for values that stand for a secret without being one: empty, variables
    (`${localEnv:X}`, `$X`, `${X:-}`), command substitutions, templates (`{{ x }}`,
    `<token>`, `%X%`), masks (`xxx`, `***`), `your-token-here`, `TODO`, booleans, `none`,
    single digits and paths.
    A literal default password such as `changeme` or `postgres` is NOT a placeholder."""
    text = value.strip().strip("'\"").strip()
    if not text:
        return True
    lowered = text.lower()
    if _has_variable(text) or "$(" in text or "`" in text:
        return True  # interpolated or computed when used: the secret comes from elsewhere
    if re.fullmatch(r"<[^<>]+>|%[A-Za-z_][A-Za-z0-9_]*%|\[[^\[\]]+\]", text):
        return True
    if text.startswith("{{") and text.endswith("}}") and len(text) >= 4:
        return True  # a template (a plain test: a regex here backtracks on `{{{{...`)
    if len(set(lowered)) == 1 and lowered[0] in "x*.#?-_0":
        return True  # xxx, ***, ..., 000
    if re.fullmatch(r"[x*.]+(?:[-_][x*.]+)*", lowered) and len(text) >= 3:
        return True  # xxxx-xxxx, ***_***
    if lowered in _PLACEHOLDER_WORDS or re.fullmatch(r"\d", lowered):
        return True
    if re.match(r"your|insert[-_ ]|enter[-_ ]|put[-_ ]|replace|fill[-_ ]?(in|me)", lowered):
        return True  # your-token-here, YOUR_API_KEY, insert-key, replace-with-token
    if "placeholder" in lowered or "redacted" in lowered or lowered.endswith(("-here", "_here")):
        return True
    # a path to the secret (e.g. /run/secrets/token), not the secret
    return re.fullmatch(r"(/|~/|\./)[\w.@+/-]*", text) is not None


# -- formats -------------------------------------------------------------------------------

_B = r"(?<![A-Za-z0-9_])"  # token boundary before
_E = r"(?![A-Za-z0-9_])"  # and after

_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # the header and the body after it (base64 lines; `\\n` where a JSON string holds it)
    (
        "private key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\]*"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?"
        ),
    ),
    ("AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("GitHub token", re.compile(rf"{_B}gh[pousr]_[A-Za-z0-9]{{36,}}{_E}")),
    ("GitHub token", re.compile(rf"{_B}github_pat_[A-Za-z0-9]{{22}}_[A-Za-z0-9]{{59}}{_E}")),
    ("GitLab token", re.compile(rf"{_B}gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{{20,}}")),
    ("Slack token", re.compile(rf"{_B}xox[abposr]-(?:[A-Za-z0-9]+-){{1,4}}[A-Za-z0-9]{{6,}}")),
    (
        "Slack webhook",
        re.compile(r"hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]+/[A-Z0-9]+/\w{16,}"),
    ),
    ("Stripe key", re.compile(rf"{_B}(?:sk|rk)_live_[A-Za-z0-9]{{20,}}{_E}")),
    ("Google API key", re.compile(rf"{_B}AIza[0-9A-Za-z_-]{{35}}(?![A-Za-z0-9_-])")),
    ("npm token", re.compile(rf"{_B}npm_[A-Za-z0-9]{{36}}{_E}")),
    ("PyPI token", re.compile(rf"{_B}pypi-AgE[A-Za-z0-9_-]{{50,}}")),
    ("Hugging Face token", re.compile(rf"{_B}hf_[A-Za-z0-9]{{34,}}{_E}")),
    ("OpenAI API key", re.compile(rf"{_B}sk-(?:proj-|svcacct-|admin-)[A-Za-z0-9_-]{{40,}}")),
    ("OpenAI API key", re.compile(rf"{_B}sk-[A-Za-z0-9]{{20}}T3BlbkFJ[A-Za-z0-9]{{20}}{_E}")),
    ("Anthropic API key", re.compile(rf"{_B}sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{{80,}}")),
    ("Docker Hub token", re.compile(rf"{_B}dckr_pat_[A-Za-z0-9_-]{{27,}}")),
    ("SendGrid API key", re.compile(rf"{_B}SG\.[A-Za-z0-9_-]{{22}}\.[A-Za-z0-9_-]{{43}}{_E}")),
    (
        "JSON web token",
        re.compile(rf"{_B}eyJ[A-Za-z0-9_-]{{10,}}\.eyJ[A-Za-z0-9_-]{{10,}}\.[A-Za-z0-9_-]{{10,}}"),
    ),
    (
        "Azure storage key",
        re.compile(r"(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{20,}={0,2}", re.IGNORECASE),
    ),
)
# scheme://user:password@host; the password may not be a variable
_URL_CREDENTIALS = re.compile(
    r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://([^\s/:@'\"]*):([^\s/@'\"]+)@[A-Za-z0-9\[]"
)
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


@dataclass(frozen=True)
class FoundSecret:
    """A credential format found inside a longer text (a RUN line, a URL, ...)."""

    kind: str
    start: int
    end: int
    redacted: str  # of the matched text only


def scan(text: str) -> list[FoundSecret]:
    """Every known credential format in the text, in order (names not considered)."""
    found: list[FoundSecret] = []
    for kind, pattern in _FORMATS:
        for match in pattern.finditer(text):
            if kind == "Azure storage key" and "devstoreaccount1" in text:
                continue  # the Azurite emulator's published development key
            found.append(FoundSecret(kind, match.start(), match.end(), redact(match.group())))
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group(2)
        if not is_placeholder(password) and "$" not in password:
            found.append(
                FoundSecret("password in a URL", match.start(), match.end(), redact(match.group()))
            )
    found.sort(key=lambda f: f.start)
    # one finding per place: drop matches inside an earlier one (a token in a URL)
    kept: list[FoundSecret] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


# What output redaction adds to `scan` (never used to report a secret, only to hide one):
# the start of a known token format cut short by a message (`ghp_abc123…`), and long runs
# of random-looking characters (a pasted key body, an AWS secret access key).
_TOKEN_START = re.compile(
    r"(?<![A-Za-z0-9_])(?:gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|cbt|oas)-|xox[abposr]-"
    r"|(?:sk|rk)_live_|AIza|npm_|pypi-|hf_|dckr_pat_|sk-ant-|AKIA|ASIA|eyJ)([A-Za-z0-9_-]{8,})"
)
# the base64 of a DER key (`MII...`, an EC key's `MHcCAQEE...`) or an OpenSSH key's body
_KEY_BODY = re.compile(
    r"(?<![A-Za-z0-9+/=\\])(?:MII|MHcCAQEE|MC4CAQAw|b3BlbnNzaC1rZXktdjE)[A-Za-z0-9+/=]{12,}"
)
_RUN = re.compile(r"(?<![A-Za-z0-9+/=\\])[A-Za-z0-9+/=]{20,}")
_CLASS_OF = {**dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 0), **dict.fromkeys("0123456789", 2)}


def _looks_random(run: str) -> bool:
    """Upper case, lower case and digits mixed as in random text (the kind of character
    changes often, unlike CamelCase words), with many different characters (Shannon entropy
    near that of random text of its length): a key or its base64 body, not a word or path."""
    kinds = [_CLASS_OF.get(c, 1) for c in run if c.isalnum()]  # `/+=` count for no kind
    if not {0, 1} <= set(kinds):
        return False  # upper and lower case
    changes = sum(1 for a, b in itertools.pairwise(kinds) if a != b)
    if changes < 0.3 * (len(kinds) - 1):
        return False
    lower_runs = [len(r) for r in re.findall(r"[a-z]+", run)]
    if 2 not in kinds and sum(lower_runs) / len(lower_runs) > 3:
        return False  # words: `DockerComposeFileNotFound` has runs of 4-6 lower-case letters
    length = len(run)
    counts: dict[str, int] = {}
    for char in run:
        counts[char] = counts.get(char, 0) + 1
    entropy = -sum(c / length * math.log2(c / length) for c in counts.values())
    return entropy >= 0.7 * math.log2(min(length, 64))


def _only_public(value: str) -> bool:
    """A format's public prefix and nothing after it (a key block's header alone, as a
    redacted message shows it): nothing to hide."""
    prefix = _PUBLIC_PREFIX.match(value)
    return prefix is not None and prefix.end() >= len(value.rstrip())


def redact_text(text: str) -> str:
    """The text with every credential in it replaced by its `redact` stand-in: the formats
    `scan` knows, passwords in URLs, the start of a token format cut short, and long runs of
    random-looking characters. What every message quoting input goes through."""
    # a report repeats its short strings (a path, a message, a rule id) once per finding:
    # each is scanned once
    return _redact_short(text) if len(text) <= 512 else _redact_text(text)


@functools.lru_cache(maxsize=8192)
def _redact_short(text: str) -> str:
    return _redact_text(text)


def _redact_text(text: str) -> str:
    spans: list[tuple[int, int, str]] = []
    for found in scan(text):
        url = _URL_CREDENTIALS.match(text, found.start)
        if found.kind == "password in a URL" and url is not None:
            # only the password goes: `https://user:<7 chars>@host/path` still says where
            spans.append((url.start(2), url.end(2), redact(url.group(2))))
        elif not _only_public(text[found.start : found.end]):
            spans.append((found.start, found.end, found.redacted))
    for match in _TOKEN_START.finditer(text):
        rest = match.group(1)
        if re.search(r"\d", rest) or (re.search(r"[A-Z]", rest) and re.search(r"[a-z]", rest)):
            spans.append((match.start(), match.end(), redact(match.group())))
    for match in _KEY_BODY.finditer(text):
        spans.append((match.start(), match.end(), redact(match.group())))
    for match in _RUN.finditer(text):
        if _looks_random(match.group()):
            spans.append((match.start(), match.end(), redact(match.group())))
    if not spans:
        return text
    spans.sort(key=lambda s: (s[0], -s[1]))
    parts: list[str] = []
    done = 0
    for start, end, stand_in in spans:
        if start < done:
            continue  # inside a span already replaced
        parts.append(text[done:start])
        parts.append(stand_in)
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _format_kind(value: str) -> str | None:
    found = scan(value)
    return found[0].kind if found else None


def classify(name: str, value: str | None) -> SecretMatch | None:
    """Is `name=value` a credential? By the value's format first, else by a secret-like name
    with a literal value that is not a placeholder. None when it is not (or has no value)."""
    if value is None:
        return None
    kind = _format_kind(value)
    if kind is not None:
        return SecretMatch(kind, redact(value), True)
    parts = name_parts(name)
    if "aws" in parts and "secret" in parts and _AWS_SECRET.fullmatch(value.strip()):
        return SecretMatch("AWS secret access key", redact(value), True)
    if is_secret_name(name) and not is_placeholder(value):
        return SecretMatch(_name_kind(parts), redact(value), False)
    return None


def _name_kind(parts: list[str]) -> str:
    def has(*words: str) -> bool:
        return any(p in words or p.endswith(words) for p in parts)

    if has("password", "passwd", "pwd", "pass", "passphrase"):
        return "password"
    if has("token", "tokens", "pat"):
        return "token"
    if has("credential", "credentials", "creds"):
        return "credential"
    if has("key", "apikey", "accesskey", "secretkey", "privatekey"):
        return "key"
    return "secret"


# -- credentials passed on a command line -------------------------------------------------

# curl's `-u user:password` and its relatives; wget's password options
_CURL_USER_OPTIONS = ("--user", "--proxy-user", "-u", "-U")
_WGET_PASSWORD_OPTIONS = ("--password", "--http-password", "--ftp-password", "--proxy-password")
# anchored (used with fullmatch): linear on any input
_ASSIGNMENT = re.compile(r"\A((?:--)?[A-Za-z_][A-Za-z0-9_.-]*)=(.*)\Z", re.DOTALL)


def _password(value: str) -> SecretMatch | None:
    if is_placeholder(value) or "$" in value:
        return None
    return SecretMatch("password", redact(value), False)


def _option_values(words: Sequence[str], options: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(index of the word holding the value, value) of each `--opt value`, `--opt=value` and
    (one-letter options) `-ovalue` among the words."""
    for i, word in enumerate(words):
        for option in options:
            if word == option and i + 1 < len(words):
                yield i + 1, words[i + 1]
            elif option.startswith("--") and word.startswith(option + "="):
                yield i, word[len(option) + 1 :]
            elif len(option) == 2 and word.startswith(option) and len(word) > 2:
                yield i, word[2:]


def command_credentials(words: Sequence[str]) -> list[tuple[int, SecretMatch]]:
    """(index of the word, what it is) of each literal password a command passes by option:
    curl's `-u user:password` (`--user`, `--proxy-user`, `-U`), wget's `--password`,
    `--http-password`, `--ftp-password`, `--proxy-password`; and a secret-named literal
    assignment anywhere (`TOKEN=abc cmd`, `--password=abc`, `-e API_TOKEN=abc`). A value
    that is a placeholder or reads a variable is none. Words are a command's, program first."""
    if not words:
        return []
    program = words[0].rsplit("/", 1)[-1]
    found: dict[int, SecretMatch] = {}
    if program == "curl":
        for index, value in _option_values(words[1:], _CURL_USER_OPTIONS):
            _, colon, password = value.partition(":")
            match = _password(password) if colon else None  # no password: curl asks for it
            if match is not None:
                found.setdefault(index + 1, match)
    elif program == "wget":
        for index, value in _option_values(words[1:], _WGET_PASSWORD_OPTIONS):
            match = _password(value)
            if match is not None:
                found.setdefault(index + 1, match)
    for index, word in enumerate(words):
        if "=" not in word:
            continue  # no assignment (saves a match per word of a long command)
        assignment = _ASSIGNMENT.fullmatch(word)
        if assignment is None or index in found:
            continue
        name, value = assignment.group(1).removeprefix("--"), assignment.group(2)
        if is_secret_name(name) and not is_placeholder(value) and not scan(value):
            match = classify(name, value)
            if match is not None:
                found[index] = match
    return sorted(found.items())


# -- documented local defaults of database images ------------------------------------------


@dataclass(frozen=True)
class DatabaseDefaults:
    """A database image's password variables and the few literal passwords its own docs (or
    the official dev container templates) use for a throw-away local instance. Only these
    exact values count: anything else given to the image is judged like any other secret."""

    image: str  # for messages: `postgres`, `mcr.microsoft.com/mssql/server`
    repositories: frozenset[str]  # normalised repository names (see `image_repository`)
    variables: frozenset[str]  # the variables that set a password
    values: frozenset[str]  # the documented or well-known placeholder passwords
    schemes: frozenset[str]  # URL schemes of connection strings to it


# Sources: the Docker Hub pages of the official images (the `docker run` and compose examples;
# `example`, used in their compose examples, is a placeholder already), Microsoft's SQL Server
# container page, and the templates of github.com/devcontainers/templates (postgres/postgres,
# mariadb/mariadb, the dotnet-mssql template's P@ssw0rd; Microsoft's own examples,
# `yourStrong(!)Password` and `<YourStrong@Passw0rd>`, are placeholders already). Redis has
# none: its official image has no password variable, so a password given to a redis service
# is the user's own.
LOCAL_DATABASE_DEFAULTS: tuple[DatabaseDefaults, ...] = (
    DatabaseDefaults(
        "postgres",
        frozenset({"postgres"}),
        frozenset({"POSTGRES_PASSWORD"}),
        frozenset({"postgres", "mysecretpassword"}),
        frozenset({"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}),
    ),
    DatabaseDefaults(
        "mysql",
        frozenset({"mysql"}),
        frozenset({"MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"}),
        frozenset({"my-secret-pw"}),
        frozenset({"mysql", "mysql+pymysql", "mysql+mysqldb"}),
    ),
    DatabaseDefaults(
        "mariadb",
        frozenset({"mariadb"}),
        frozenset(
            {"MARIADB_ROOT_PASSWORD", "MARIADB_PASSWORD", "MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"}
        ),
        frozenset({"mariadb", "my-secret-pw"}),
        frozenset({"mariadb", "mysql", "mysql+pymysql", "mariadb+mariadbconnector"}),
    ),
    DatabaseDefaults(
        "mongo",
        frozenset({"mongo"}),
        frozenset({"MONGO_INITDB_ROOT_PASSWORD"}),
        frozenset({"secret"}),
        frozenset({"mongodb"}),
    ),
    DatabaseDefaults(
        "mcr.microsoft.com/mssql/server",
        frozenset({"mcr.microsoft.com/mssql/server"}),
        frozenset({"MSSQL_SA_PASSWORD", "SA_PASSWORD"}),
        frozenset({"P@ssw0rd"}),
        frozenset({"mssql", "sqlserver", "mssql+pyodbc"}),
    ),
)


def image_repository(reference: str) -> str | None:
    """The repository an image reference names, without tag or digest, with Docker Hub's
    default registry and `library/` left out (`docker.io/library/postgres:16` -> `postgres`).
    None for a reference with a variable in it."""
    text = reference.strip()
    if not text or "$" in text:
        return None
    text = text.partition("@")[0]
    last_slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > last_slash:
        text = text[:colon]
    text = text.lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.startswith("library/"):
        text = text[len("library/") :]
    return text or None


def database_defaults(reference: str) -> DatabaseDefaults | None:
    """The local defaults of the database image a reference names, None for any other."""
    repository = image_repository(reference)
    for defaults in LOCAL_DATABASE_DEFAULTS:
        if repository in defaults.repositories:
            return defaults
    return None
