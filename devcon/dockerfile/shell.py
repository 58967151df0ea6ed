"""Just enough shell to read RUN lines: the one tokenizer, and simple commands with positions.

Not a shell: no expansion is performed. `&&`, `||`, `;`, `|`, `&`, newlines and parentheses
separate commands; quotes and backslash escapes are honoured; `$(...)` and backticks stay
inside a word. Every word keeps the offset in the text of each of its characters, so a
word (even one inside `sh -c '...'`) can be placed in the file.

`commands()` strips what comes before the program (shell keywords, `VAR=x` assignments,
`env`, `sudo`, `exec`, `nohup`, `time`, `command`, `xargs` and their options), and reads the
script of `sh -c '...'` (sh, bash, dash, ash, zsh, ksh) and `su/runuser USER -c '...'`: the
wrapper command comes first, then the commands of its script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_SEPARATORS = ("&&", "||", ";", "|", "&", "\n", "(", ")")
# characters the tokenizer treats specially (quotes, escapes, substitutions, comments,
# blanks, the first character of a separator); any other run of characters is plain text
_SPECIAL_FIRST = frozenset("\\'\"$`# \t\r" + "".join(s[0] for s in _SEPARATORS))
_ORDINARY_RUN = re.compile("[^" + re.escape("".join(sorted(_SPECIAL_FIRST))) + "]+")
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"})
# wrappers that run the rest of the line as a command, with their options that take a value
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset(
        {"-u", "-g", "-p", "-C", "-h", "-U", "-r", "-t", "-T", "-D", "-R", "--user", "--group"}
    ),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "command": frozenset(),
    "xargs": frozenset({"-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s"}),
}
_ENV_VALUE_OPTIONS = frozenset({"-u", "--unset", "-C", "--chdir"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O"})
_MAX_DEPTH = 3  # scripts inside scripts read


@dataclass(frozen=True)
class Word:
    """A shell word after quote removal; `chars` is the offset in the text of each of its
    characters (`start` is where the word begins when it has none, e.g. `''`)."""

    text: str
    start: int
    chars: tuple[int, ...] = field(repr=False)

    @property
    def offset(self) -> int:
        """Offset of the word's first character in the text."""
        return self.chars[0] if self.chars else self.start


@dataclass(frozen=True)
class Command:
    """One simple command: its words, with the program first.

    `offsets` are the words' offsets in the tokenized text (empty for a Command built by
    hand); `script` is the index of the word holding the script a shell runs (`sh -c`)."""

    words: tuple[str, ...]
    offsets: tuple[int, ...] = field(default=(), compare=False)
    script: int | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.words[1:]

    @property
    def offset(self) -> int:
        """Offset of the program word (-1 when unknown)."""
        return self.offsets[0] if self.offsets else -1

    def has(self, *options: str) -> bool:
        """Any of these options present (`--opt`, `--opt=value`, or in a `-abc` cluster)."""
        for word in self.args:
            for option in options:
                if word == option or (option.startswith("--") and word.startswith(option + "=")):
                    return True
                if (
                    len(option) == 2
                    and option[0] == "-"
                    and option[1] != "-"
                    and word.startswith("-")
                    and not word.startswith("--")
                    and option[1] in word[1:]
                ):
                    return True
        return False


def tokenize(text: str) -> list[Word | None]:
    """Words of a shell text with their character offsets; None stands for a separator."""
    out: list[Word | None] = []
    word: list[str] = []
    chars: list[int] = []
    start = -1
    i = 0
    n = len(text)

    def flush() -> None:
        nonlocal start
        if start >= 0:
            out.append(Word("".join(word), start, tuple(chars)))
            word.clear()
            chars.clear()
            start = -1

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            if text[i + 1] == "\n":
                i += 2
                continue
            if start < 0:
                start = i
            word.append(text[i + 1])
            chars.append(i + 1)
            i += 2
            continue
        if ch == "'":
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            if start < 0:
                start = i
            word.append(text[i + 1 : end])
            chars.extend(range(i + 1, end))
            i = end + 1
            continue
        if ch == '"':
            if start < 0:
                start = i
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] in '"\\$`':
                    word.append(text[j + 1])
                    chars.append(j + 1)
                    j += 2
                    continue
                word.append(text[j])
                chars.append(j)
                j += 1
            i = j + 1
            continue
        if ch == "$" and i + 1 < n and text[i + 1] == "(":
            depth = 0
            j = i
            while j < n:
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if start < 0:
                start = i
            word.append(text[i : j + 1])
            chars.extend(range(i, min(j + 1, n)))
            i = j + 1
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            end = n if end < 0 else end
            if start < 0:
                start = i
            word.append(text[i : end + 1])
            chars.extend(range(i, min(end + 1, n)))
            i = end + 1
            continue
        if ch == "#" and start < 0:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in " \t\r":
            flush()
            i += 1
            continue
        if ch not in _SPECIAL_FIRST:
            # a run of ordinary characters is part of the current word, taken in one step
            run = _ORDINARY_RUN.match(text, i)
            assert run is not None  # `ch` itself is ordinary
            end = run.end()
            if start < 0:
                start = i
            word.append(text[i:end])
            chars.extend(range(i, end))
            i = end
            continue
        matched = next((s for s in _SEPARATORS if text.startswith(s, i)), None)
        if matched is not None:
            if matched in ("&", "|") and i > 0 and text[i - 1] in "<>":
                if start < 0:
                    start = i
                word.append(matched)  # redirections such as 2>&1
                chars.append(i)
                i += 1
                continue
            flush()
            out.append(None)
            i += len(matched)
            continue
        if start < 0:
            start = i
        word.append(ch)
        chars.append(i)
        i += 1
    flush()
    return out


def split_words(text: str) -> list[str | None]:
    """Words of a command line; None stands for a command separator."""
    return [None if word is None else word.text for word in tokenize(text)]


def commands(text: str | Sequence[Word | None]) -> tuple[Command, ...]:
    """Simple commands of a shell text (or of its tokens), in order, each with its words'
    offsets in the text; what comes before the program is stripped, and the script of
    `sh -c '...'` / `su USER -c '...'` is read too (its commands follow the wrapper's)."""
    return tuple(_commands(tokenize(text) if isinstance(text, str) else text, 0))


def _commands(tokens: Sequence[Word | None], depth: int) -> list[Command]:
    result: list[Command] = []
    current: list[Word] = []
    for token in [*tokens, None]:
        if token is not None:
            current.append(token)
            continue
        words = current[_prefix_length(current) :]
        current = []
        if not words:
            continue
        texts = tuple(w.text for w in words)
        script = _script_index(texts)
        result.append(Command(texts, tuple(w.offset for w in words), script))
        if script is not None and depth < _MAX_DEPTH:
            inner = words[script]
            result.extend(_commands(_relocated(tokenize(inner.text), inner), depth + 1))
    return result


def _relocated(tokens: list[Word | None], outer: Word) -> list[Word | None]:
    """Tokens of a word's text, placed in the text the word came from."""
    where = outer.chars

    def place(offset: int) -> int:
        return where[offset] if 0 <= offset < len(where) else outer.offset

    return [
        None if t is None else Word(t.text, place(t.start), tuple(place(c) for c in t.chars))
        for t in tokens
    ]


def _script_index(words: tuple[str, ...]) -> int | None:
    """Index of the script word of `bash -c 'script'` / `su user -c 'script'`, if any."""
    name = words[0].rsplit("/", 1)[-1]
    if name in _SHELLS:
        i = 1
        while i < len(words):
            word = words[i]
            if word in _SHELL_VALUE_OPTIONS:
                i += 2
                continue
            if word == "--" or not word.startswith(("-", "+")):
                return None
            if not word.startswith("--") and word.startswith("-") and "c" in word[1:]:
                return i + 1 if i + 1 < len(words) else None
            i += 1
        return None
    if name in ("su", "runuser"):
        for i, word in enumerate(words[1:-1], 1):
            if word in ("-c", "--command") or (
                word.startswith("-") and not word.startswith("--") and word.endswith("c")
            ):
                return i + 1
    return None


def _prefix_length(words: Sequence[Word]) -> int:
    """How many words come before the program: shell keywords, `VAR=x` assignments and
    wrappers (`sudo -u user`, `env -i A=1`, `exec`, `nohup`, `time`, ...)."""
    i = 0
    while i < len(words):
        word = words[i].text
        if "=" in word and not word.startswith("-") and word.split("=", 1)[0].isidentifier():
            i += 1  # VAR=value prefix
            continue
        if word in _KEYWORDS:
            i += 1
            continue
        name = word.rsplit("/", 1)[-1]
        if name == "env":
            i += 1
            while i < len(words) and (words[i].text.startswith("-") or "=" in words[i].text):
                i += 2 if words[i].text in _ENV_VALUE_OPTIONS else 1
            continue
        value_options = _WRAPPERS.get(name)
        if value_options is not None:
            i += 1
            while i < len(words) and words[i].text.startswith("-"):
                i += 2 if words[i].text in value_options else 1
            continue
        break
    return i


def is_variable(word: str) -> bool:
    """The word holds a parameter or command expansion (its value is not known)."""
    return "$" in word or "`" in word
