"""secret-in-config: a literal credential in devcontainer.json or compose environment/args."""

from __future__ import annotations

from collections.abc import Iterator

from devcon.compose import EnvEntry
from devcon.findings import Severity
from devcon.jsonc import format_pointer
from devcon.rules.base import Category, ComposeContext, ConfigContext, Problem, Rule, RuleDoc
from devcon.secrets import classify, scan

_CONFIG_MAPS = ("containerEnv", "remoteEnv")


def check_config(ctx: ConfigContext) -> Iterator[Problem]:
    yield from _check_maps(ctx)
    yield from check_customizations(ctx)


def _check_maps(ctx: ConfigContext) -> Iterator[Problem]:
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
            yield ctx.at_value(
                (*pointer, name),
                f"`{where}.{name}` holds a literal {match.kind} ({match.redacted}), readable by "
                f"anyone with this file: {fix}",
            )


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


def check_customizations(ctx: ConfigContext) -> Iterator[Problem]:
    """Tool settings are committed with the config too: a connection's `password`, a token
    in an extension's settings."""
    if ctx.doc is None or not isinstance(ctx.doc.value, dict):
        return
    for pointer, key, text in _customization_strings(
        ctx.doc.value.get("customizations"), ("customizations",)
    ):
        if key is not None:
            match = classify(key, text)
            found = (match.kind, match.redacted) if match else None
        else:
            hits = scan(text)
            found = (hits[0].kind, hits[0].redacted) if hits else None
        if found is None:
            continue
        where = format_pointer(pointer)
        yield ctx.at_value(
            pointer,
            f"`{where}` holds a literal {found[0]} ({found[1]}), readable by anyone with this "
            "file: leave it out and let the tool ask for it, or read it from the environment "
            "(`${localEnv:NAME}` where the tool expands variables)",
        )


def _entries(ctx: ComposeContext) -> Iterator[tuple[str, EnvEntry]]:
    for service in ctx.compose.services:
        for entry in service.environment:
            yield f"service `{service.name.value}` environment", entry
        if service.build is not None:
            for entry in service.build.args:
                yield f"service `{service.name.value}` build arg", entry


def check_compose(ctx: ComposeContext) -> Iterator[Problem]:
    for where, entry in _entries(ctx):
        if entry.value is None:
            continue
        name = entry.key.value
        match = classify(name, entry.value.value)
        if match is None:
            continue
        yield Problem(
            entry.value.line,
            entry.value.column,
            f"{where} `{name}` holds a literal {match.kind} ({match.redacted}), readable by "
            f"anyone with this file: use `${{{name}}}` interpolation (from the shell or an "
            "untracked .env file) or compose `secrets:`",
        )


RULE = Rule(
    name="secret-in-config",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    summary=(
        "literal secret in containerEnv, remoteEnv, build args, customizations or compose "
        "environment"
    ),
    config=check_config,
    compose=check_compose,
    doc=RuleDoc(
        what=(
            "Reports credentials written into devcontainer.json `containerEnv`, `remoteEnv`, "
            "`build.args` and tool settings under `customizations` (a database connection's "
            "`password`, a token in an extension setting), and into compose `environment` (map "
            "and list forms) and `build.args`. A value is a credential when it has a known "
            "token format whatever its name (AWS access key ids, GitHub, GitLab, Slack, Stripe, "
            "npm, PyPI, Hugging Face, OpenAI and Docker Hub tokens, Google API keys, JWTs, "
            "private key blocks, Azure storage keys, `scheme://user:password@host` URLs), or "
            "when a secret-like name (TOKEN, PASSWORD, SECRET, API_KEY, ...) has a literal "
            "value. Placeholders (`${localEnv:X}`, `${X}`, `<token>`, `xxx`, `your-token-here`, "
            "empty) are fine; literal default passwords such as `changeme` or `postgres` are "
            "reported. The message shows the name and a redacted value, never the value."
        ),
        why=(
            "These files are committed and shared: whoever can read the repository (or the "
            "image metadata and `docker inspect` output) has the credential."
        ),
        example=(
            '"containerEnv": {\n  "GITHUB_TOKEN": "ghp_<36 letters and digits>"\n}\n'
            "# compose\nenvironment:\n  POSTGRES_PASSWORD: changeme"
        ),
        fix=(
            'devcontainer.json: `"GITHUB_TOKEN": "${localEnv:GITHUB_TOKEN}"`, or declare it in '
            "the `secrets` property (Codespaces and the CLI's `--secrets-file` supply it). "
            "compose: `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}` with the value in the shell or "
            "an untracked `.env`, or a compose `secrets:` entry read from a file. Then rotate "
            "the leaked credential."
        ),
    ),
)
