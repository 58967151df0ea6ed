"""insecure-package-source: downloads and package indexes with TLS or signatures turned off."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat

from devcon.compose import EnvEntry
from devcon.dockerfile.model import Instruction, LocatedCommand
from devcon.dockerfile.parser import key_values
from devcon.dockerfile.shell import Command
from devcon.findings import Severity
from devcon.rules.add_remote_unverified import safe_url
from devcon.rules.base import (
    Category,
    ComposeContext,
    ConfigContext,
    DockerfileContext,
    Problem,
    Rule,
    RuleDoc,
)

_HTTPS = "use an https:// index (add your proxy's CA certificate to the image if that is why)"
_TLS = "keep verification on (add your proxy's CA certificate to the image if that is why)"
_FALSE = frozenset({"false", "no", "0", "off"})
# places reported in one RUN at most: each is searched for in the instruction's text
_MAX_PLACES = 100
_SSLVERIFY_END = re.compile(r"sslverify\Z", re.IGNORECASE)

# environment variables: name (upper case) -> (insecure when, message)
_URL_VARIABLES = frozenset(
    {
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "PIP_FIND_LINKS",
        "UV_INDEX_URL",
        "UV_EXTRA_INDEX_URL",
        "UV_DEFAULT_INDEX",
        "UV_INDEX",
        "NPM_CONFIG_REGISTRY",
        "YARN_REGISTRY",
        "YARN_NPM_REGISTRY_SERVER",
        "GOPROXY",
        "CONDA_CHANNEL_ALIAS",
    }
)


# every name `_env_hit` judges (any other is let through at once)
_KNOWN_NAMES = _URL_VARIABLES | {
    "PIP_TRUSTED_HOST",
    "UV_INSECURE_HOST",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "GIT_SSL_NO_VERIFY",
    "PYTHONHTTPSVERIFY",
    "NPM_CONFIG_STRICT_SSL",
    "YARN_ENABLE_STRICT_SSL",
    "CONDA_SSL_VERIFY",
    "GOINSECURE",
    "GOSUMDB",
    "GOFLAGS",
}


@dataclass(frozen=True)
class _Hit:
    text: str  # what to look for in the instruction, for the position
    message: str


def _env_hit(name: str, value: str | None) -> str | None:
    """Why `name=value` in the environment makes downloads insecure, or None."""
    upper = name.upper()
    if value is None or upper not in _KNOWN_NAMES:
        return None
    val = value.strip().strip("'\"").strip()
    low = val.lower()
    if upper in _URL_VARIABLES:
        if any(w.lower().startswith("http://") for w in re.split(r"[\s,]+", val)):
            return f"`{name}` points at a plain http:// index: {_HTTPS}"
        return None
    if upper in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST") and val:
        return f"`{name}` turns off TLS certificate checks for `{val}`: {_TLS}"
    if upper == "NODE_TLS_REJECT_UNAUTHORIZED" and val == "0":
        return f"`{name}=0` turns off TLS certificate checks for every Node.js download: {_TLS}"
    if upper == "GIT_SSL_NO_VERIFY":
        return f"`{name}` (set to any value) turns off git's TLS certificate checks: {_TLS}"
    if upper == "PYTHONHTTPSVERIFY" and val == "0":
        return f"`{name}=0` turns off Python's HTTPS certificate checks: {_TLS}"
    if upper in ("NPM_CONFIG_STRICT_SSL", "YARN_ENABLE_STRICT_SSL", "CONDA_SSL_VERIFY") and (
        low in _FALSE
    ):
        return f"`{name}={val}` turns off TLS certificate checks: {_TLS}"
    if upper == "GOINSECURE" and val:
        return f"`{name}` lets go fetch modules without TLS or checksum checks: {_TLS}"
    if upper == "GOSUMDB" and low == "off":
        return (
            "`GOSUMDB=off` turns off Go's checksum database: remove it (use GONOSUMDB for "
            "private modules only)"
        )
    if upper == "GOFLAGS" and "-insecure" in val:
        return f"`{name}` contains `-insecure`: remove it"
    return None


def _option_values(cmd: Command, names: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(option as written, value) for `--opt value`, `--opt=value` and `-o value` (names
    begin with `-`: only the words that do are looked at)."""
    names = tuple(names)
    words = cmd.words
    for i in cmd.dashed:
        word = words[i]
        for name in names:
            if word == name and i + 1 < len(words):
                yield word, words[i + 1]
            elif name.startswith("--") and word.startswith(name + "="):
                yield word, word.split("=", 1)[1]


def _pip_args(cmd: Command) -> list[str] | None:
    """The arguments after `pip`, `pip3`, `python -m pip` (None for other commands)."""
    words = cmd.words
    if re.fullmatch(r"pip(?:3(?:\.\d+)?)?", cmd.name):
        return list(words[1:])
    if re.fullmatch(r"python(?:3(?:\.\d+)?)?", cmd.name) and words[1:3] == ("-m", "pip"):
        return list(words[3:])
    return None


def _config_set_args(args: list[str]) -> list[str] | None:
    """What follows `config set` (or npm's `set`), options dropped; None if not that."""
    if args[:2] == ["config", "set"]:
        rest = args[2:]
    elif args[:1] == ["set"]:
        rest = args[1:]
    else:
        return None
    return [a for a in rest if not a.startswith("-")]


def _command_hits(located: LocatedCommand) -> Iterator[_Hit]:
    cmd = located.command
    name = cmd.name
    is_pip = located.package is not None and located.package.manager == "pip"
    index_options = ["--index-url", "--extra-index-url", "--find-links", "--default-index"]
    if is_pip:
        index_options += ["-i", "-f"]
    if name == "uv" or is_pip:
        index_options.append("--index")
    for option, value in _option_values(cmd, index_options):
        if value.lower().startswith("http://"):
            yield _Hit(
                option,
                f"`{option.split('=')[0]} {safe_url(value)}` fetches packages "
                f"over plain HTTP: {_HTTPS}",
            )
    for option, value in _option_values(cmd, ["--registry"]):
        if value.lower().startswith("http://"):
            yield _Hit(
                option, f"`--registry {safe_url(value)}` fetches packages over plain HTTP: {_HTTPS}"
            )
    for option in ("--trusted-host", "--allow-insecure-host"):
        if cmd.has(option):
            yield _Hit(option, f"`{option}` turns off TLS certificate checks for that host: {_TLS}")
    if name == "curl":
        if cmd.has("-k", "--insecure"):
            shown = "--insecure" if cmd.has("--insecure") else "-k"
            yield _Hit(
                "k" if shown == "-k" else shown,
                f"`curl {shown}` skips TLS certificate checks: {_TLS}",
            )
        if cmd.has("--proxy-insecure"):
            yield _Hit("--proxy-insecure", f"`curl --proxy-insecure` skips TLS checks: {_TLS}")
    if name == "wget":
        if cmd.has("--no-check-certificate"):
            yield _Hit(
                "--no-check-certificate",
                f"`wget --no-check-certificate` skips TLS certificate checks: {_TLS}",
            )
        for word in _containing(cmd.args, "="):
            if re.fullmatch(r"check[-_]certificate\s*=\s*(off|0|no)", word, re.IGNORECASE):
                yield _Hit(word, f"`wget -e {word}` skips TLS certificate checks: {_TLS}")
    if name == "apk" and cmd.has("--allow-untrusted"):
        yield _Hit(
            "--allow-untrusted",
            "`apk --allow-untrusted` installs packages whose "
            "signature is not checked: add the signing key instead",
        )
    if name in ("apt-get", "apt", "aptitude"):
        for option in ("--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"):
            if cmd.has(option):
                yield _Hit(
                    option,
                    f"`{name} {option}` installs packages whose signature is "
                    "not checked: add the repository's signing key (signed-by=) "
                    "instead",
                )
    if name in ("conda", "mamba", "micromamba"):
        words = cmd.words
        for i in cmd.dashed:
            if (
                words[i] == "--set"
                and i + 2 < len(words)
                and words[i + 1] == "ssl_verify"
                and words[i + 2].lower() in _FALSE
            ):
                yield _Hit(
                    "ssl_verify",
                    f"`{name} config --set ssl_verify {words[i + 2]}` turns off TLS certificate "
                    f"checks: {_TLS}",
                )
        if cmd.has("--insecure", "-k"):
            yield _Hit(
                "--insecure" if cmd.has("--insecure") else "-k",
                f"`{name} --insecure` skips TLS certificate checks: {_TLS}",
            )
    if name in ("npm", "yarn", "pnpm"):
        rest = _config_set_args(list(cmd.args))
        if rest is not None:
            key, val = [*rest, "", ""][:2]
            if "=" in key:
                key, val = key.split("=", 1)
            if key.lower() in ("strict-ssl", "strict_ssl", "enablestrictssl") and (
                val.lower() in _FALSE
            ):
                yield _Hit(
                    key, f"`{name} config set {key} {val}` turns off TLS certificate checks: {_TLS}"
                )
            if key.lower() in ("registry", "npmregistryserver") and val.startswith("http://"):
                yield _Hit(key, f"`{name}` registry set to a plain http:// URL: {_HTTPS}")
        for option, value in _option_values(cmd, ["--strict-ssl"]):
            if value.lower() in _FALSE:
                yield _Hit(
                    option, f"`--strict-ssl={value}` turns off TLS certificate checks: {_TLS}"
                )
    pip_args = _pip_args(cmd)
    if pip_args is not None and pip_args[:1] == ["config"]:
        rest = _config_set_args(pip_args)
        if rest is not None:
            key, val = [*rest, "", ""][:2]
            if key.endswith("trusted-host"):
                yield _Hit(key, f"`pip config set {key}` turns off TLS certificate checks: {_TLS}")
            if key.endswith("index-url") and val.lower().startswith("http://"):
                yield _Hit(key, f"`pip config set {key}` to a plain http:// index: {_HTTPS}")
    if name == "git":
        args = cmd.args
        for i in _git_candidates(cmd):
            word = args[i]
            key, val = "", ""
            if word == "-c" and i + 1 < len(args) and "=" in args[i + 1]:
                key, val = args[i + 1].split("=", 1)
            elif re.fullmatch(r"http\.(?:.+\.)?sslverify", word, re.IGNORECASE) and i + 1 < len(
                args
            ):
                key, val = word, args[i + 1]
            if re.fullmatch(r"http\.(?:.+\.)?sslverify", key, re.IGNORECASE) and (
                val.lower() in _FALSE
            ):
                yield _Hit(key, f"git `{key} {val}` turns off TLS certificate checks: {_TLS}")


def _containing(words: Sequence[str], text: str) -> list[str]:
    """The words that contain `text` (in one pass that makes no Python call per word)."""
    return list(compress(words, map(operator.contains, words, repeat(text))))


def _git_candidates(cmd: Command) -> list[int]:
    """Indexes in `cmd.args` of `-c` and of the words ending in `sslverify` (any case)."""
    found = set(compress(count(), map(_SSLVERIFY_END.search, cmd.args)))
    found.update(i - 1 for i in cmd.dashed if cmd.words[i] == "-c")
    return sorted(found)


# apt settings and sources written with echo/printf/heredocs, or passed with -o
_TEXT_PATTERNS = (
    (
        # one bracket at a time (no `[` inside): each character is looked at a bounded
        # number of times however many brackets a line holds
        re.compile(r"\[(?=[^\[\]\n]*\b(?:trusted|allow-insecure|allow-weak)=yes\b)[^\[\]\n]*\]"),
        "an apt source marked `[trusted=yes]` installs packages whose signature is not "
        "checked: add the repository's signing key (signed-by=) instead",
    ),
    (
        re.compile(
            r"(?:AllowInsecureRepositories|AllowUnauthenticated|AllowDowngradeToInsecure"
            r"Repositories)[\"'\s=]*(?:true|1|yes)\b",
            re.IGNORECASE,
        ),
        "apt told to accept unsigned repositories or packages: add the repository's signing "
        "key (signed-by=) instead",
    ),
    (
        re.compile(r"Verify-(?:Peer|Host)[\"'\s=]*(?:false|0|no)\b", re.IGNORECASE),
        f"apt told to skip TLS certificate checks: {_TLS}",
    ),
    (
        re.compile(r"^[^\S\n]*trusted-host[^\S\n]*=", re.MULTILINE),
        f"a pip config file with `trusted-host` turns off TLS certificate checks: {_TLS}",
    ),
)


def _run_problems(instruction: Instruction) -> Iterator[Problem]:
    script = instruction.script
    hits: list[_Hit] = []
    for located in script.commands:
        hits.extend(_command_hits(located))
    for word in _containing(script.words.texts, "="):
        # `export VAR=x`, `VAR=x cmd` assignments
        if word.split("=", 1)[0].isidentifier():
            name, value = word.split("=", 1)
            message = _env_hit(name, value)
            if message:
                hits.append(_Hit(word.split("=", 1)[0] + "=", message))
    for pattern, message in _TEXT_PATTERNS:
        for match in pattern.finditer(script.text):
            hits.append(_Hit(match.group().strip().split("\n")[0][:40], message))
    seen: set[tuple[int, int]] = set()
    searched: set[str] = set()
    for hit in hits:
        if hit.text in searched:
            continue  # found at the same place as before
        searched.add(hit.text)
        if len(searched) > _MAX_PLACES:
            return
        line, column = instruction.find(hit.text)
        if hit.text == "k":  # curl -k inside a cluster such as -fsSLk
            line, column = _find_curl_k(instruction)
        if (line, column) in seen:
            continue
        seen.add((line, column))
        yield Problem(line, column, hit.message)


def _find_curl_k(instruction: Instruction) -> tuple[int, int]:
    """The `-k` (or a `-fsSLk` cluster) after `curl`."""
    cluster = re.compile(r"(?<!\S)-[A-Za-z]*k[A-Za-z]*(?=\s|$)")
    after_curl = False
    for offset, source in enumerate(instruction.original.split("\n")):
        begin = 0
        if not after_curl:
            curl = re.search(r"(?<![\w-])curl(?![\w-])", source)
            if curl is None:
                continue
            after_curl, begin = True, curl.end()
        match = cluster.search(source, begin)
        if match:
            return instruction.line + offset, match.start() + 1
    return instruction.line, instruction.column


def check_dockerfile(ctx: DockerfileContext) -> Iterator[Problem]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword == "RUN":
            yield from _run_problems(instruction)
        elif instruction.keyword in ("ENV", "ARG"):
            for kv in key_values(instruction):
                message = _env_hit(kv.key, kv.value)
                if message:
                    yield Problem.at(kv, message)


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    for prop in ("containerEnv", "remoteEnv"):
        mapping = ctx.doc.value.get(prop)
        if not isinstance(mapping, dict):
            continue
        for name, value in mapping.items():
            if isinstance(value, str):
                message = _env_hit(name, value)
                if message:
                    yield ctx.at_key((prop, name), message)


def _compose_entries(ctx: ComposeContext) -> Iterator[EnvEntry]:
    for service in ctx.compose.services:
        yield from service.environment


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    for entry in _compose_entries(ctx):
        message = _env_hit(entry.key.value, entry.value.value if entry.value else None)
        if message:
            yield Problem.at(entry.key, message)


_DOC = RuleDoc(
    what=(
        "Reports, in RUN lines: pip/uv `--index-url`, `--extra-index-url`, `-i`, "
        "`--find-links` and npm `--registry` with an `http://` URL, `--trusted-host`, "
        "`--allow-insecure-host`, `curl -k`/`--insecure`, `wget --no-check-certificate`, "
        "`apk add --allow-untrusted`, `apt-get --allow-unauthenticated`/"
        "`--allow-insecure-repositories`/`--force-yes`, apt sources with `[trusted=yes]` "
        "and apt options accepting unsigned repositories or skipping certificate checks, "
        "`conda config --set ssl_verify false` (or `no`/`0`), `npm config set strict-ssl "
        "false`, `pip config set global.trusted-host`, `git config http.sslVerify false` "
        "and `git -c http.sslVerify=false`. In ENV/ARG, RUN assignments, containerEnv/"
        "remoteEnv and compose environment: `PIP_TRUSTED_HOST`, `PIP_INDEX_URL=http://...` "
        "(and the uv/npm/yarn/Go equivalents), `NODE_TLS_REJECT_UNAUTHORIZED=0`, "
        "`GIT_SSL_NO_VERIFY` (any value), `PYTHONHTTPSVERIFY=0`, `NPM_CONFIG_STRICT_SSL="
        "false`, `CONDA_SSL_VERIFY=false`, `GOINSECURE`, `GOSUMDB=off`. Plain http to "
        "localhost or a private mirror is reported too: the image, not the build host, "
        "is what later runs elsewhere, and the same setting in a shared Dockerfile "
        "travels."
    ),
    why=(
        "Without TLS verification or package signatures, anyone on the network path (a "
        "hostile Wi-Fi, a compromised proxy) can substitute the packages installed into "
        "the image, and settings left in ENV keep the container insecure at run time."
    ),
    example=(
        "RUN pip install --trusted-host pypi.org -i http://pypi.org/simple numpy\n"
        "RUN curl -k https://example.com/install.sh | sh\n"
        "ENV NODE_TLS_REJECT_UNAUTHORIZED=0"
    ),
    fix=(
        "Use https:// indexes and keep verification on. Behind a TLS-intercepting proxy, "
        "add its CA to the image (`COPY corp-ca.crt /usr/local/share/ca-certificates/` + "
        "`update-ca-certificates`; `PIP_CERT`, `NODE_EXTRA_CA_CERTS`, `REQUESTS_CA_BUNDLE` "
        "for tools with their own store). For apt/apk, install the repository's signing "
        "key instead of trusting it blindly."
    ),
)

RULE = Rule(
    "insecure-package-source",
    Category.SECURITY,
    "package index over plain http, or TLS / signature checks turned off",
    _DOC,
    severity=Severity.ERROR,
    dockerfile=check_dockerfile,
    config=check_config,
    compose=check_compose,
)
