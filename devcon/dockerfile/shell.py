"""Just enough shell to read RUN lines: split into simple commands, then into words.

Not a shell: no expansion is performed. `&&`, `||`, `;`, `|`, `&` and newlines separate
commands; quotes and backslash escapes are honoured; `$(...)` and backticks stay inside a
word. `env VAR=x cmd`, `sudo cmd`, leading `VAR=x` assignments and `exec` are stripped so
that `command.name` is the program that runs.
"""

from __future__ import annotations

from dataclasses import dataclass

_SEPARATORS = ("&&", "||", ";", "|", "&", "\n", "(", ")")
_WRAPPERS = frozenset({"sudo", "exec", "nohup", "time", "command", "xargs"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"})
_WRAPPER_VALUE_OPTIONS = frozenset({"-u", "-g", "-p", "-C", "-h", "-U", "--user", "--group"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})


@dataclass(frozen=True)
class Command:
    """One simple command: its words, with the program first."""

    words: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.words[1:]

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

    def positionals(self, skip_values_of: frozenset[str] = frozenset()) -> list[str]:
        """Arguments that are not options (and not values of the options named)."""
        out: list[str] = []
        skip_next = False
        for word in self.args:
            if skip_next:
                skip_next = False
                continue
            if word.startswith("-"):
                if word in skip_values_of:
                    skip_next = True
                continue
            out.append(word)
        return out


def split_words(text: str) -> list[str | None]:
    """Words of a command line; None stands for a command separator."""
    out: list[str | None] = []
    word: list[str] = []
    in_word = False
    i = 0
    n = len(text)

    def flush() -> None:
        nonlocal in_word
        if in_word:
            out.append("".join(word))
            word.clear()
            in_word = False

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            if text[i + 1] == "\n":
                i += 2
                continue
            word.append(text[i + 1])
            in_word = True
            i += 2
            continue
        if ch == "'":
            end = text.find("'", i + 1)
            end = n if end < 0 else end
            word.append(text[i + 1 : end])
            in_word = True
            i = end + 1
            continue
        if ch == '"':
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] in '"\\$`':
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            word.append("".join(buf))
            in_word = True
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
            word.append(text[i : j + 1])
            in_word = True
            i = j + 1
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            end = n if end < 0 else end
            word.append(text[i : end + 1])
            in_word = True
            i = end + 1
            continue
        if ch == "#" and not in_word:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in " \t\r":
            flush()
            i += 1
            continue
        matched = next((s for s in _SEPARATORS if text.startswith(s, i)), None)
        if matched is not None:
            if matched in ("&", "|") and i > 0 and text[i - 1] in "<>":
                word.append(matched)  # redirections such as 2>&1
                in_word = True
                i += 1
                continue
            flush()
            out.append(None)
            i += len(matched)
            continue
        word.append(ch)
        in_word = True
        i += 1
    flush()
    return out


def commands(text: str, _depth: int = 0) -> list[Command]:
    """Simple commands of a shell text, wrappers, keywords and assignments stripped; the
    script of `sh -c '...'` / `bash -c` / `su USER -c '...'` is read too."""
    result: list[Command] = []
    current: list[str] = []
    for word in [*split_words(text), None]:
        if word is not None:
            current.append(word)
            continue
        words = _strip_prefixes(current)
        current = []
        if not words:
            continue
        command = Command(tuple(words))
        script = _inner_script(command)
        if script is not None and _depth < 3:
            result.extend(commands(script, _depth + 1))
        else:
            result.append(command)
    return result


def _inner_script(command: Command) -> str | None:
    if command.name in _SHELLS or command.name == "su":
        args = list(command.args)
        for index, arg in enumerate(args[:-1]):
            if arg == "-c" or (
                arg.startswith("-") and not arg.startswith("--") and arg.endswith("c")
            ):
                return args[index + 1]
    return None


def _strip_prefixes(words: list[str]) -> list[str]:
    i = 0
    while i < len(words):
        word = words[i]
        if "=" in word and not word.startswith("-") and word.split("=", 1)[0].isidentifier():
            i += 1  # VAR=value prefix
            continue
        name = word.rsplit("/", 1)[-1]
        if word in _KEYWORDS:
            i += 1
            continue
        if name == "env":
            i += 1
            while i < len(words) and (words[i].startswith("-") or "=" in words[i]):
                i += 1
            continue
        if name in _WRAPPERS:
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in _WRAPPER_VALUE_OPTIONS else 1
            continue
        break
    return words[i:]
