"""secret-in-dockerfile: a credential in ENV, an ARG default, a LABEL (or a RUN line)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from devcon.dockerfile.model import Instruction, KeyValue
from devcon.dockerfile.parser import key_values
from devcon.findings import Severity
from devcon.rules.base import Category, DockerfileContext, Problem, Rule, RuleDoc
from devcon.secrets import classify, command_credentials, is_placeholder, is_secret_name, scan

_KEY_VALUE_INSTRUCTIONS = frozenset({"ENV", "ARG", "LABEL"})
# anchored (used with fullmatch): linear on any input
_ASSIGNMENT = re.compile(r"\A((?:--)?[A-Za-z_][A-Za-z0-9_.-]*)=(.*)\Z", re.DOTALL)
_BUILDKIT = "a BuildKit secret (`RUN --mount=type=secret,id=NAME ...`)"


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _value_position(instruction: Instruction, kv: KeyValue) -> tuple[int, int]:
    """Where the value of `key=value` (or legacy `ENV key value`) starts."""
    lines = instruction.original.split("\n")
    index = kv.line - instruction.line
    if not 0 <= index < len(lines):
        return kv.line, kv.column
    source = lines[index]
    at = kv.column - 1 + len(kv.key)
    if source[at : at + 1] == "=":
        at += 1
    else:
        while at < len(source) and source[at] in " \t":
            at += 1
    if source[at : at + 1] in ("'", '"'):
        at += 1
    return kv.line, at + 1


def _key_value_problems(instruction: Instruction) -> Iterator[Problem]:
    for kv in key_values(instruction):
        match = classify(kv.key, kv.value)
        if match is None:
            continue
        line, column = _value_position(instruction, kv)
        what = f"a literal {match.kind} ({match.redacted})"
        if instruction.keyword == "ARG":
            message = (
                f"ARG `{kv.key}` defaults to {what}; build args are recorded in the image "
                f"history: drop the default and pass it with {_BUILDKIT}"
            )
        elif instruction.keyword == "LABEL":
            message = f"LABEL `{kv.key}` holds {what}; labels are public image metadata: remove it"
        else:
            message = (
                f"ENV `{kv.key}` holds {what}, stored in the image for anyone who pulls it: set "
                f"it at run time (containerEnv/remoteEnv with `${{localEnv:{kv.key}}}`), or use "
                f"{_BUILDKIT} for build steps"
            )
        yield Problem(line, column, message)


def _script_problems(instruction: Instruction) -> Iterator[Problem]:
    """Known token formats anywhere in the instruction; secret-named literal assignments
    (`TOKEN=abc cmd`, `export TOKEN=abc`, `--password=abc`) in RUN, each place reported once
    (a token format found there first wins)."""
    if instruction.keyword == "RUN":
        text = instruction.script.text
    else:  # COPY/ADD <<EOF write the heredoc's text into the image as a file
        text = "\n".join([instruction.args, *(h.body for h in instruction.heredocs)])
    kept = (
        "kept in the image history"
        if instruction.keyword in ("RUN", "ONBUILD")
        else "kept in the image for anyone who pulls it"
    )
    seen: set[tuple[int, int]] = set()
    for found in scan(text):
        # a key block spans lines: where its first line is
        line, column = instruction.find(text[found.start : found.end].split("\n", 1)[0])
        seen.add((line, column))
        yield Problem(
            line,
            column,
            f"{instruction.keyword} holds {_article(found.kind)} {found.kind} ({found.redacted}), "
            f"{kept}: pass it with {_BUILDKIT} and rotate it",
        )
    if instruction.keyword != "RUN":
        return
    for written, message in (*_credential_words(instruction), *_secret_assignments(instruction)):
        line, column = instruction.find(written)
        if (line, column) not in seen:
            seen.add((line, column))
            yield Problem(line, column, message)


def _credential_words(instruction: Instruction) -> Iterator[tuple[str, str]]:
    """(word, message) for credentials given to a command (curl -u user:pass, wget
    --password pass); secret-named assignments are `_secret_assignments`'."""
    for located in instruction.script.commands:
        command = located.command
        for index, given in command_credentials(command.words):
            assignment = _ASSIGNMENT.fullmatch(command.words[index])
            if assignment is not None and is_secret_name(assignment.group(1).removeprefix("--")):
                continue
            yield (
                command.words[index],
                f"RUN `{command.name}` is given a literal {given.kind} ({given.redacted}), "
                f"kept in the image history: pass it with {_BUILDKIT}",
            )


def _secret_assignments(instruction: Instruction) -> Iterator[tuple[str, str]]:
    """(`NAME=`, message) for each RUN word assigning a literal credential to a secret name."""
    for word in instruction.script.words.texts:
        if "=" not in word:
            continue
        assignment = _ASSIGNMENT.fullmatch(word)
        if assignment is None:
            continue
        written, value = assignment.group(1), assignment.group(2)
        name = written.removeprefix("--")
        if not is_secret_name(name) or is_placeholder(value) or scan(value):
            continue
        match = classify(name, value)
        if match is None:
            continue
        yield (
            f"{written}=",
            f"RUN sets `{written}` to a literal {match.kind} ({match.redacted}), kept in the "
            f"image history: pass it with {_BUILDKIT}",
        )


def check(ctx: DockerfileContext) -> Iterator[Problem]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword in _KEY_VALUE_INSTRUCTIONS:
            yield from _key_value_problems(instruction)
        elif instruction.keyword != "FROM":
            yield from _script_problems(instruction)


_DOC = RuleDoc(
    what=(
        "Reports credentials in `ENV`, `ARG` defaults and `LABEL`, decided by name AND "
        "value: a secret-like name (TOKEN, PASSWORD, SECRET, API_KEY, ...) with a literal "
        "value that is not a placeholder, or any value in a known credential format "
        "(AWS access key ids, GitHub/GitLab/Slack/Stripe/npm/PyPI/Hugging Face/OpenAI/"
        "Docker Hub tokens, Google API keys, JWTs, private key blocks, Azure storage keys, "
        "`scheme://user:password@host` URLs). Names alone are not enough: `ARG TOKEN` "
        "without a default, `ARG USERNAME=vscode`, `ENV GPG_KEY=<key id>`, `*_FILE`/"
        "`*_PATH`/`*_URL`/`*_ID` variables and placeholders (`$VAR`, `<token>`, `xxx`) are "
        "not reported. RUN, ADD, COPY, CMD, ... lines are searched for credential formats, "
        "and RUN lines for secret-named literal assignments (`TOKEN=abc cmd`, "
        "`--password=abc`) and passwords given by option (curl's `-u user:password`, "
        "`--user`, `--proxy-user`; wget's `--password`, `--http-password`, "
        "`--ftp-password`, `--proxy-password`). Messages show a redacted value only."
    ),
    why=(
        "ENV values and labels are in the image config, ARG values and RUN lines in its "
        "history (`docker history`, `docker inspect`): anyone who pulls the image or reads "
        "the repository has the credential. Even `ARG TOKEN` without a default leaks the "
        "value passed at build time into the history of the layers that use it."
    ),
    example=(
        "ARG NPM_TOKEN=npm_<36 letters and digits>\nENV DB_PASSWORD=changeme\n"
        "RUN git clone https://user:hunter2@git.example.com/repo.git"
    ),
    fix=(
        "Use a BuildKit secret for build steps: `RUN --mount=type=secret,id=npm_token "
        "NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci` (devcontainer.json: "
        '`"build": {"options": ["--secret", "id=npm_token,env=NPM_TOKEN"]}`); set run-time '
        "secrets from outside the image (`containerEnv` with `${localEnv:VAR}`, the "
        "`secrets` property, compose `secrets:`). Then rotate the leaked credential."
    ),
)

RULE = Rule(
    "secret-in-dockerfile",
    Category.SECURITY,
    "credential in ENV, an ARG default, a LABEL or a RUN line",
    _DOC,
    severity=Severity.ERROR,
    dockerfile=check,
)
