"""secret-in-config: a literal credential in devcontainer.json or compose environment/args.

An error, except a database image's documented local default password given to a dev-only
sidecar (a compose service VS Code does not attach to, running that official image), and
copies of it that point at that sidecar: those are warnings (see `Sidecar`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from devcon.compose import ComposeFile, ComposeService, EnvEntry
from devcon.discovery import references
from devcon.dockerfile.shell import commands, split_words
from devcon.errors import InputError
from devcon.findings import Severity
from devcon.jsonc import format_pointer
from devcon.rules.base import Category, ComposeContext, ConfigContext, Problem, Rule, RuleDoc
from devcon.secrets import (
    DatabaseDefaults,
    SecretMatch,
    classify,
    command_credentials,
    database_defaults,
    scan,
)

_CONFIG_MAPS = ("containerEnv", "remoteEnv")


# -- dev-only database sidecars ------------------------------------------------------------


@dataclass(frozen=True)
class Sidecar:
    """A compose service VS Code does not attach to, running an official database image
    (not built here), that is given one of that image's documented local default passwords."""

    service: str
    defaults: DatabaseDefaults
    passwords: frozenset[str]  # the documented defaults it is given


def _is_sidecar_default(defaults: DatabaseDefaults, entry: EnvEntry) -> bool:
    return (
        entry.value is not None
        and entry.key.value in defaults.variables
        and entry.value.value in defaults.values
    )


def _database_of(service: ComposeService, attached: frozenset[str]) -> DatabaseDefaults | None:
    """The database image a service runs as a sidecar, None when it is not one: the service
    VS Code attaches to, a service that builds its image (the tag then names a custom image),
    or any other image."""
    if service.name.value in attached or service.build is not None or service.image is None:
        return None
    return database_defaults(service.image.value)


def sidecars(compose: ComposeFile, attached: frozenset[str]) -> tuple[Sidecar, ...]:
    """The dev-only database sidecars of a compose file (see `Sidecar`). With no attached
    service known (a compose file named on its own), every database service counts."""
    found: list[Sidecar] = []
    for service in compose.services:
        defaults = _database_of(service, attached)
        if defaults is None:
            continue
        passwords = frozenset(
            entry.value.value
            for entry in service.environment
            if entry.value is not None and _is_sidecar_default(defaults, entry)
        )
        if passwords:
            found.append(Sidecar(service.name.value, defaults, passwords))
    return tuple(found)


_LOCALHOST = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# the whole value is one connection URL: scheme://user:password@host[:port][/...]
_CONNECTION_URL = re.compile(  # anchored (\A...\Z, used with fullmatch): linear
    r"\A([A-Za-z][A-Za-z0-9+.-]*)://[^\s/:@]*:([^\s/@]+)@([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\])"
    r"(?::\d+)?(?:[/?#]\S*)?\Z"
)


def _reaches(host: str, sidecar: Sidecar, network_mode: str | None) -> bool:
    """Does `host`, seen from a service with this network_mode, name the sidecar?"""
    host = host.lower()
    if host == sidecar.service.lower():
        return True
    return host in _LOCALHOST and network_mode == f"service:{sidecar.service}"


def _copied_default(
    value: str, match: SecretMatch, found: Iterable[Sidecar], network_mode: str | None
) -> Sidecar | None:
    """The sidecar whose local default password `value` repeats, for a service other than the
    sidecar: a password-named variable with exactly that value, or a connection URL (the whole
    value) to the sidecar with that password and a scheme of its database."""
    for sidecar in found:
        if match.by_format:
            url = _CONNECTION_URL.fullmatch(value.strip())
            if (
                url is not None
                and match.kind == "password in a URL"
                and url.group(1).lower() in sidecar.defaults.schemes
                and url.group(2) in sidecar.passwords
                and _reaches(url.group(3), sidecar, network_mode)
            ):
                return sidecar
        elif match.kind == "password" and value in sidecar.passwords:
            return sidecar
    return None


def _local_default_note(sidecar: Sidecar, copied: bool) -> str:
    image = f"`{sidecar.defaults.image}` image"
    if copied:
        return (
            f"the {image}'s documented local default, a copy of the password of the dev-only "
            f"sidecar `{sidecar.service}`"
        )
    return f"the {image}'s documented local default for the dev-only sidecar `{sidecar.service}`"


def _config_sidecars(ctx: ConfigContext) -> tuple[tuple[Sidecar, ...], str | None]:
    """The sidecars of the compose files a devcontainer.json uses, and the network_mode of
    the service it attaches to."""
    value = ctx.doc.value if ctx.doc is not None else None
    if not isinstance(value, dict) or "dockerComposeFile" not in value:
        return (), None
    service = value.get("service")
    attached = frozenset({service}) if isinstance(service, str) else frozenset()
    found: list[Sidecar] = []
    network_mode: str | None = None
    for path in references(ctx.path, value).compose_files:
        try:
            compose = ctx.compose_file(path)
        except InputError:
            continue
        found.extend(sidecars(compose, attached))
        for item in compose.services:
            if item.name.value in attached and item.network_mode is not None:
                network_mode = item.network_mode
    return tuple(found), network_mode


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    found, network_mode = _config_sidecars(ctx)
    yield from _check_maps(ctx, found, network_mode)
    yield from check_customizations(ctx, found, network_mode)
    yield from check_commands(ctx)


# -- runArgs, lifecycle commands, mounts ----------------------------------------------------

LIFECYCLE_COMMANDS = (
    "initializeCommand",
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
)
_ENV_OPTIONS = ("--env", "-e")
_FIX = "read it from the environment (`${localEnv:NAME}`, or a variable the command expands)"


def _command_credential(words: list[str]) -> SecretMatch | None:
    """The first credential in a command's words: a known format, or one passed by option or
    secret-named assignment (`secrets.command_credentials`)."""
    for word in words:
        hits = scan(word)
        if hits:
            return SecretMatch(hits[0].kind, hits[0].redacted, True)
    found = command_credentials(words)
    return found[0][1] if found else None


def _shell_credential(text: str) -> SecretMatch | None:
    hits = scan(text)
    if hits:
        return SecretMatch(hits[0].kind, hits[0].redacted, True)
    for command in commands(text):
        found = command_credentials(command.words)
        if found:
            return found[0][1]
    # assignments before a program (`TOKEN=abc ./sync.sh`) are not a command's words
    words = [w for w in split_words(text) if w is not None]
    found = command_credentials(["", *words])
    return found[0][1] if found else None


def _lifecycle_places(
    root: dict[str, object],
) -> Iterator[tuple[tuple[str | int, ...], SecretMatch]]:
    """(pointer of the string, credential) in the lifecycle commands: a string is a shell
    command line, an array the words of one command, an object names commands of both forms."""
    for key in LIFECYCLE_COMMANDS:
        value = root.get(key)
        named = value.items() if isinstance(value, dict) else [(None, value)]
        for name, command in named:
            pointer: tuple[str | int, ...] = (key,) if name is None else (key, str(name))
            if isinstance(command, str):
                match = _shell_credential(command)
                if match is not None:
                    yield pointer, match
            elif isinstance(command, list):
                words = [w if isinstance(w, str) else "" for w in command]
                for index, word in enumerate(words):
                    match = _command_credential([word])
                    if match is None:
                        match = dict(command_credentials(words)).get(index)
                    if match is not None:
                        yield (*pointer, index), match
                        break


def _run_arg_places(args: object) -> Iterator[tuple[int, SecretMatch]]:
    """(index, credential) in runArgs: `--env NAME=VALUE`, `-e NAME=VALUE`, `--env=NAME=VALUE`
    judged like containerEnv; a known format in any argument."""
    if not isinstance(args, list):
        return
    words = [a if isinstance(a, str) else "" for a in args]
    env_values = {}
    for index, word in enumerate(words):
        if word in _ENV_OPTIONS and index + 1 < len(words):
            env_values[index + 1] = words[index + 1]
        elif word.startswith("--env="):
            env_values[index] = word[len("--env=") :]
        elif word.startswith("-e") and len(word) > 2 and not word.startswith("--"):
            env_values[index] = word[2:]
    for index, word in enumerate(words):
        match = None
        if index in env_values:
            name, equals, value = env_values[index].partition("=")
            match = classify(name, value) if equals else None
        if match is None:
            hits = scan(word)
            match = SecretMatch(hits[0].kind, hits[0].redacted, True) if hits else None
        if match is not None:
            yield index, match


def _mount_places(mounts: object) -> Iterator[tuple[tuple[str | int, ...], SecretMatch]]:
    """A credential in a mount: a known format (a password in a source URL) or a
    secret-named `key=value` (`volume-opt=o=...,password=...`), string or object form."""
    if not isinstance(mounts, list):
        return
    for index, mount in enumerate(mounts):
        if isinstance(mount, str):
            pairs = [part.partition("=")[::2] for part in mount.split(",")]
            where: tuple[str | int, ...] = ("mounts", index)
        elif isinstance(mount, dict):
            pairs = [(str(k), v) for k, v in mount.items() if isinstance(v, str)]
            where = ("mounts", index, "source") if "source" in mount else ("mounts", index)
        else:
            continue
        for key, value in pairs:
            match = classify(key.rsplit("=", 1)[-1], value)
            if match is not None:
                yield where, match
                break


def check_commands(ctx: ConfigContext) -> Iterator[Problem]:
    """Credentials in `runArgs`, the lifecycle commands and `mounts`: committed with the
    config, and shown by `docker inspect` / the process list once the container runs."""
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    root = ctx.doc.value
    for index, match in _run_arg_places(root.get("runArgs")):
        yield ctx.at_value(
            ("runArgs", index),
            f"`runArgs[{index}]` holds a literal {match.kind} ({match.redacted}), readable by "
            f"anyone with this file and in `docker inspect`: use `containerEnv` with "
            "`${localEnv:NAME}`, or the `secrets` property",
        )
    for pointer, match in _lifecycle_places(root):
        yield ctx.at_value(
            pointer,
            f"`{format_pointer(pointer)}` holds a literal {match.kind} ({match.redacted}), "
            f"readable by anyone with this file: {_FIX}",
        )
    for pointer, match in _mount_places(root.get("mounts")):
        yield ctx.at_value(
            pointer,
            f"`{format_pointer(pointer)}` holds a literal {match.kind} ({match.redacted}), "
            "readable by anyone with this file: keep credentials in a docker volume's own "
            "configuration or read them from the environment (`${localEnv:NAME}`)",
        )


def _check_maps(
    ctx: ConfigContext, found: tuple[Sidecar, ...] = (), network_mode: str | None = None
) -> Iterator[Problem]:
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    root = ctx.doc.value
    places: list[tuple[tuple[str, ...], object]] = [((key,), root.get(key)) for key in _CONFIG_MAPS]
    build = root.get("build")
    if isinstance(build, dict):
        places.append((("build", "args"), build.get("args")))
    for pointer, mapping in places:
        if not isinstance(mapping, dict):
            continue
        where = ".".join(pointer)
        for name, value in mapping.items():
            if not isinstance(value, str):
                continue
            match = classify(name, value)
            if match is None:
                continue
            fix = f"use `${{localEnv:{name}}}` or declare it in the `secrets` property"
            if pointer == ("build", "args"):
                fix = (
                    f"use `${{localEnv:{name}}}` (a build arg also stays in the image history: "
                    "prefer a BuildKit secret, `RUN --mount=type=secret`)"
                )
            copied = None
            if pointer != ("build", "args"):
                copied = _copied_default(value, match, found, network_mode)
            if copied is not None:
                yield _warning(
                    ctx.at_value((*pointer, name), ""),
                    f"`{where}.{name}` holds a literal {match.kind} ({match.redacted}), "
                    f"{_local_default_note(copied, True)}: keep it out of the committed file all "
                    f"the same, use `${{localEnv:{name}}}` (set on your machine or in an env file "
                    "kept out of git)",
                )
                continue
            yield ctx.at_value(
                (*pointer, name),
                f"`{where}.{name}` holds a literal {match.kind} ({match.redacted}), readable by "
                f"anyone with this file: {fix}",
            )


def _warning(at: Problem, message: str) -> Problem:
    return Problem.at(at, message, at.path, Severity.WARNING)


def _customization_strings(
    value: object, pointer: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str | None, str]]:
    """(pointer, key or None in an array, text) of every string under `customizations`."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield (*pointer, key), str(key), item
            else:
                yield from _customization_strings(item, (*pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield (*pointer, index), None, item
            else:
                yield from _customization_strings(item, (*pointer, index))


_SERVER_KEYS = ("server", "host", "hostname")


def _connection_host(connection: object) -> str | None:
    """The host a tool's connection settings name (`localhost,1433`, `db:5432`, `tcp:db`)."""
    if not isinstance(connection, dict):
        return None
    for key in _SERVER_KEYS:
        server = connection.get(key)
        if isinstance(server, str) and server.strip():
            text = server.strip()
            text = text[4:] if text.lower().startswith("tcp:") else text
            if text.startswith("["):
                return text.partition("]")[0] + "]"
            return re.split(r"[,:\\]", text, maxsplit=1)[0]
    return None


def _at(value: object, pointer: tuple[str | int, ...]) -> object:
    for part in pointer:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return None
    return value


def check_customizations(
    ctx: ConfigContext, sidecar_list: tuple[Sidecar, ...] = (), network_mode: str | None = None
) -> Iterator[Problem]:
    """Tool settings are committed with the config too: a connection's `password`, a token
    in an extension's settings. A connection to a dev-only database sidecar (its `server`
    or `host` names the sidecar) with the sidecar's local default password is a warning."""
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    for pointer, key, text in _customization_strings(
        ctx.doc.value.get("customizations"), ("customizations",)
    ):
        if key is not None:
            match = classify(key, text)
            found = (match.kind, match.redacted) if match else None
        else:
            match = None
            hits = scan(text)
            found = (hits[0].kind, hits[0].redacted) if hits else None
        if found is None:
            continue
        where = format_pointer(pointer)
        if match is not None and not match.by_format:
            host = _connection_host(_at(ctx.doc.value, pointer[:-1]))
            copied = _copied_default(text, match, sidecar_list, network_mode)
            if copied is not None and host is not None and _reaches(host, copied, network_mode):
                yield _warning(
                    ctx.at_value(pointer, ""),
                    f"`{where}` holds a literal {found[0]} ({found[1]}), "
                    f"{_local_default_note(copied, True)}: keep it out of the committed file "
                    "all the same: leave it out and let the tool ask for it, or read it from "
                    "the environment (`${localEnv:NAME}` where the tool expands variables, set "
                    "on your machine or in an env file kept out of git)",
                )
                continue
        yield ctx.at_value(
            pointer,
            f"`{where}` holds a literal {found[0]} ({found[1]}), readable by anyone with this "
            "file: leave it out and let the tool ask for it, or read it from the environment "
            "(`${localEnv:NAME}` where the tool expands variables)",
        )


def _entries(ctx: ComposeContext) -> Iterator[tuple[ComposeService, str, EnvEntry, bool]]:
    """(service, where, entry, is environment) of every environment entry and build arg."""
    for service in ctx.compose.services:
        for entry in service.environment:
            yield service, f"service `{service.name.value}` environment", entry, True
        if service.build is not None:
            for entry in service.build.args:
                yield service, f"service `{service.name.value}` build arg", entry, False


def _compose_local_default(
    service: ComposeService,
    entry: EnvEntry,
    match: SecretMatch,
    found: tuple[Sidecar, ...],
    attached: frozenset[str],
) -> tuple[Sidecar, bool] | None:
    """(sidecar, is a copy) when an environment entry of `service` is a sidecar's documented
    local default, or a copy of it in the service VS Code attaches to (the app that connects
    to the sidecar; never in another sidecar or a compose file named on its own); None
    otherwise."""
    assert entry.value is not None
    own = next((s for s in found if s.service == service.name.value), None)
    if own is not None:
        defaults = _database_of(service, attached)
        if defaults is not None and _is_sidecar_default(defaults, entry):
            return own, False
        return None
    if service.name.value not in attached:
        return None
    copied = _copied_default(entry.value.value, match, found, service.network_mode)
    return (copied, True) if copied is not None else None


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    found = sidecars(ctx.compose, ctx.attached_services)
    for service, where, entry, is_env in _entries(ctx):
        if entry.value is None:
            continue
        name = entry.key.value
        match = classify(name, entry.value.value)
        if match is None:
            continue
        local = None
        if is_env:
            local = _compose_local_default(service, entry, match, found, ctx.attached_services)
        if local is not None:
            yield Problem.at(
                entry.value,
                f"{where} `{name}` holds a literal {match.kind} ({match.redacted}), "
                f"{_local_default_note(*local)}: keep it out of the committed file all the "
                f"same, use `${{{name}}}` interpolation with the value in an untracked .env "
                "file (or the shell)",
                severity=Severity.WARNING,
            )
            continue
        yield Problem.at(
            entry.value,
            f"{where} `{name}` holds a literal {match.kind} ({match.redacted}), readable by "
            f"anyone with this file: use `${{{name}}}` interpolation (from the shell or an "
            "untracked .env file) or compose `secrets:`",
        )


_DOC = RuleDoc(
    what=(
        "Reports credentials written into devcontainer.json `containerEnv`, `remoteEnv`, "
        "`build.args` and tool settings under `customizations` (a database connection's "
        "`password`, a token in an extension setting), and into compose `environment` (map "
        "and list forms) and `build.args`; and in `runArgs` (`--env NAME=VALUE`, `-e`, and "
        "any argument in a credential format), the lifecycle commands (`initializeCommand` "
        "... `postAttachCommand`, string, array and object forms: curl's `-u user:password`, "
        "wget's `--password`/`--http-password`, secret-named `NAME=value` assignments and "
        "credential formats such as `https://user:token@host`) and `mounts` (a password in "
        "a source URL, a secret-named `key=value` option). A value is a credential when it "
        "has a known "
        "token format whatever its name (AWS access key ids, GitHub, GitLab, Slack, Stripe, "
        "npm, PyPI, Hugging Face, OpenAI and Docker Hub tokens, Google API keys, JWTs, "
        "private key blocks, Azure storage keys, `scheme://user:password@host` URLs), or "
        "when a secret-like name (TOKEN, PASSWORD, SECRET, API_KEY, ...) has a literal "
        "value. Placeholders (`${localEnv:X}`, `${X}`, `<token>`, `xxx`, `your-token-here`, "
        "empty) are fine; literal default passwords such as `changeme` are reported. "
        "A finding is an error, except a database image's documented local default given "
        "to a dev-only sidecar, which is a warning: a compose service VS Code does not "
        "attach to, running the official image (not built here), with exactly one of the "
        "short list of defaults for that image's password variable: `postgres` "
        "(POSTGRES_PASSWORD `postgres`, `mysecretpassword`), `mysql` (MYSQL_ROOT_PASSWORD, "
        "MYSQL_PASSWORD `my-secret-pw`), `mariadb` (MARIADB_/MYSQL_ROOT_PASSWORD and "
        "_PASSWORD `mariadb`, `my-secret-pw`), `mongo` (MONGO_INITDB_ROOT_PASSWORD "
        "`secret`), `mcr.microsoft.com/mssql/server` (MSSQL_SA_PASSWORD, SA_PASSWORD "
        "`P@ssw0rd`). Copies of that password in the service VS Code attaches to are "
        "warnings too: a password-named variable (in its compose environment, containerEnv "
        "or remoteEnv) with the same value, a connection "
        "URL whose host is the sidecar (or localhost under `network_mode: service:<it>`) "
        "with the database's scheme, and a tool's connection setting (`password` beside a "
        "`server`/`host` naming the sidecar). Any other value, a token format, another "
        "image (redis has no password variable) or the service VS Code attaches to stays "
        "an error. The message shows the name and a redacted value, never the value."
    ),
    why=(
        "These files are committed and shared: whoever can read the repository (or the "
        "image metadata and `docker inspect` output) has the credential. A dev sidecar's "
        "well-known default protects nothing secret, but it still logs in wherever that "
        "database is reachable, so it is worth moving out of the file, not failing a build."
    ),
    example=(
        '"containerEnv": {\n  "GITHUB_TOKEN": "ghp_<36 letters and digits>"\n}\n'
        "# compose\nenvironment:\n  POSTGRES_PASSWORD: changeme   # error\n"
        "# compose sidecar `db` (image: postgres:16), not the service VS Code attaches to\n"
        "environment:\n  POSTGRES_PASSWORD: postgres   # warning: the local default"
    ),
    fix=(
        'devcontainer.json: `"GITHUB_TOKEN": "${localEnv:GITHUB_TOKEN}"`, or declare it in '
        "the `secrets` property (Codespaces and the CLI's `--secrets-file` supply it). "
        "compose: `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}` with the value in the shell or "
        "an untracked `.env`, or a compose `secrets:` entry read from a file. Then rotate "
        "the leaked credential. A sidecar's local default: the same `${NAME}` (compose) or "
        "`${localEnv:NAME}` (devcontainer.json) with the value in an env file kept out of "
        "git."
    ),
)

RULE = Rule(
    "secret-in-config",
    Category.SECURITY,
    "literal secret in containerEnv, remoteEnv, build args, customizations, runArgs, "
    "lifecycle commands, mounts or compose environment",
    _DOC,
    severity=Severity.ERROR,
    config=check_config,
    compose=check_compose,
)
