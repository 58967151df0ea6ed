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

import bisect
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, repeat
from typing import overload

_SEPARATORS = ("&&", "||", ";", "|", "&", "\n", "(", ")")
# characters the tokenizer treats specially (quotes, escapes, substitutions, comments,
# blanks, the first character of a separator); any other run of characters is plain text
_SPECIAL_FIRST = frozenset("\\'\"$`# \t\r" + "".join(s[0] for s in _SEPARATORS))
_ORDINARY_RUN = re.compile("[^" + re.escape("".join(sorted(_SPECIAL_FIRST))) + "]+")
# a stretch of plain words and separators, each followed by blanks, is split in one step
_BULK_SEPARATOR_FIRST = frozenset("&|;()")
_SEPARATOR_WORDS = frozenset(_SEPARATORS) - {"\n"}
_PLAIN = r"[^\s" + re.escape("".join(sorted(_SPECIAL_FIRST))) + "]"
# (never starting inside a plain word, so that a search, too, looks at each character a
# bounded number of times)
_PLAIN_STRETCH = re.compile("(?<!" + _PLAIN + ")(?:(?:" + _PLAIN + r"+|&&|\|\||[;|&()])[ \t\r]+)+")
_NOT_BLANK = re.compile(r"[^ \t\r]+")
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
# Commands of one script analysed (README, Input limits): each costs every rule a few
# microseconds, and a 4 MiB RUN holds 420,000 `&&` commands
MAX_COMMANDS = 10_000
_FIRST_CHAR = operator.itemgetter(slice(0, 1))  # a word's first character ('' if none)


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

    @property
    def dashed(self) -> tuple[int, ...]:
        """Indexes in `words` of the arguments that begin with `-` (found once, in one pass
        that makes no Python call per word)."""
        found: tuple[int, ...] | None = self.__dict__.get("_dashed")
        if found is None:
            words = self.words
            if len(words) < 32:
                found = tuple(i for i in range(1, len(words)) if words[i][:1] == "-")
            else:
                starts = map(operator.eq, map(_FIRST_CHAR, words), repeat("-"))
                found = tuple(compress(count(), starts))
                found = found[1:] if found[:1] == (0,) else found
            self.__dict__["_dashed"] = found  # a cache, not a field (frozen all the same)
        return found

    @property
    def _options(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(the `-` words, the names before `=` of `--name=value` words, the letters of
        `-abc` clusters) of the arguments."""
        found: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = self.__dict__.get(
            "_option_sets"
        )
        if found is None:
            found = self.__dict__["_option_sets"] = self._find_options()
        return found

    def _find_options(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        words = self.words
        dashed = [words[i] for i in self.dashed]
        longs = frozenset(w.split("=", 1)[0] for w in dashed if w.startswith("--") and "=" in w)
        letters: set[str] = set()
        for word in dashed:
            if not word.startswith("--"):
                letters.update(word[1:])
        return frozenset(dashed), longs, frozenset(letters)

    def has(self, *options: str) -> bool:
        """Any of these options present (`--opt`, `--opt=value`, or in a `-abc` cluster)."""
        exact, longs, letters = self._options
        for option in options:
            if not option.startswith("-"):
                if option in self.args:
                    return True
            elif option in exact:
                return True
            elif option.startswith("--"):
                if "=" not in option and option in longs:
                    return True
                if "=" in option and any(w.startswith(option + "=") for w in exact):
                    return True
            elif len(option) == 2 and option[1] in letters:
                return True
        return False


class Tokens(Sequence["Word | None"]):
    """A tokenized text kept as columns: each token's text (None for a separator) and offset,
    with the character offsets kept only for the words whose characters are not one
    contiguous stretch of the text (quotes, escapes); `Word` objects are made on demand."""

    __slots__ = ("_irregular", "offsets", "separators", "texts")

    def __init__(self) -> None:
        self.texts: list[str | None] = []
        self.offsets: list[int] = []  # each word's `Word.offset` (a separator's: its own)
        self.separators: list[int] = []  # indexes of the separators, in order
        self._irregular: dict[int, tuple[int, tuple[int, ...]]] = {}  # index -> start, chars

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> Word | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[Word | None]: ...

    def __getitem__(self, index: int | slice) -> Word | list[Word | None] | None:
        if isinstance(index, slice):
            return [self.word(i) for i in range(*index.indices(len(self.texts)))]
        if index < 0:
            index += len(self.texts)
        if not 0 <= index < len(self.texts):
            raise IndexError(index)
        return self.word(index)

    def word(self, index: int) -> Word | None:
        text = self.texts[index]
        if text is None:
            return None
        irregular = self._irregular.get(index)
        if irregular is not None:
            return Word(text, irregular[0], irregular[1])
        offset = self.offsets[index]
        return Word(text, offset, tuple(range(offset, offset + len(text))))

    def words(self) -> Words:
        """The words, separators left out."""
        return Words(self)


class Words(Sequence[Word]):
    """The words of a tokenized text (no separators), in order; `texts` are their texts.
    Indexing makes the `Word` asked for; nothing is made for a word nobody asks about."""

    __slots__ = ("_before", "_tokens", "texts")

    def __init__(self, tokens: Tokens) -> None:
        self._tokens = tokens
        texts = tokens.texts
        separators = tokens.separators
        parts: list[str] = []
        before: list[int] = []  # for each separator: how many words come before it
        previous = 0
        for number, index in enumerate(separators):
            parts.extend(texts[previous:index])  # type: ignore[arg-type]
            before.append(index - number)
            previous = index + 1
        parts.extend(texts[previous:])  # type: ignore[arg-type]
        self.texts: tuple[str, ...] = tuple(parts)
        self._before = before

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> Word: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Word, ...]: ...

    def __getitem__(self, index: int | slice) -> Word | tuple[Word, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self.texts))))
        if index < 0:
            index += len(self.texts)
        if not 0 <= index < len(self.texts):
            raise IndexError(index)
        word = self._tokens.word(index + bisect.bisect_right(self._before, index))
        assert word is not None
        return word

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Words):
            return self.texts == other.texts and tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Words({self.texts!r})"


def tokenize(text: str, *, bulk: bool = True) -> Tokens:
    """Words of a shell text with their character offsets; None stands for a separator
    (kept as columns, see `Tokens`). Stretches of plain words and
    separators between blanks are split in one step (`bulk`); quotes, escapes,
    substitutions and comments are read character by character."""
    tokens = Tokens()
    texts = tokens.texts
    offsets = tokens.offsets
    separators = tokens.separators
    irregular = tokens._irregular
    word: list[str] = []
    chars: list[int] = []
    start = -1
    i = 0
    n = len(text)

    def flush() -> None:
        nonlocal start
        if start >= 0:
            count = len(chars)
            if count and chars[0] == start and chars[-1] == start + count - 1:
                offsets.append(start)
            else:
                irregular[len(texts)] = (start, tuple(chars))
                offsets.append(chars[0] if chars else start)
            texts.append("".join(word))
            word.clear()
            chars.clear()
            start = -1

    while i < n:
        ch = text[i]
        if bulk and start < 0 and (ch not in _SPECIAL_FIRST or ch in _BULK_SEPARATOR_FIRST):
            stretch = _PLAIN_STRETCH.match(text, i)
            if stretch is not None:
                i = _take_stretch(tokens, text, i, stretch.end())
                continue
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
            separators.append(len(texts))
            texts.append(None)
            offsets.append(i)
            i += len(matched)
            continue
        if start < 0:
            start = i
        word.append(ch)
        chars.append(i)
        i += 1
    flush()
    return tokens


def _take_stretch(tokens: Tokens, text: str, begin: int, end: int) -> int:
    """Add the plain words and separators of text[begin:end] (each followed by blanks)."""
    stretch = text[begin:end]
    parts: list[str | None] = list(stretch.split())
    if "  " in stretch or "\t" in stretch or "\r" in stretch:
        where = [m.start() for m in _NOT_BLANK.finditer(text, begin, end)]
    else:  # one space after each: each offset follows from the lengths before it
        where = list(accumulate(map((1).__add__, map(len, parts)), initial=begin))  # type: ignore[arg-type]
        where.pop()
    first = len(tokens.texts)
    if any(c in stretch for c in _BULK_SEPARATOR_FIRST):
        for k, part in enumerate(parts):
            if part in _SEPARATOR_WORDS:
                parts[k] = None
                tokens.separators.append(first + k)
    tokens.texts.extend(parts)
    tokens.offsets.extend(where)
    return end


def split_words(text: str) -> list[str | None]:
    """Words of a command line; None stands for a command separator."""
    return list(tokenize(text).texts)


def commands(
    text: str | Tokens | Sequence[Word | None], limit: int | None = None
) -> tuple[Command, ...]:
    """Simple commands of a shell text (or of its tokens), in order, each with its words'
    offsets in the text; what comes before the program is stripped, and the script of
    `sh -c '...'` / `su USER -c '...'` is read too (its commands follow the wrapper's).
    With `limit`, the first `limit` commands only (reading stops there)."""
    if isinstance(text, str):
        tokens = tokenize(text)
    elif isinstance(text, Tokens):
        tokens = text
    else:
        tokens = _from_words(text)
    found = _commands(tokens, 0, limit if limit is not None else len(tokens.texts) + 1)
    return tuple(found if limit is None else found[:limit])


def _from_words(words: Sequence[Word | None]) -> Tokens:
    tokens = Tokens()
    for word in words:
        if word is None:
            tokens.separators.append(len(tokens.texts))
            tokens.texts.append(None)
            tokens.offsets.append(-1)
        else:
            tokens._irregular[len(tokens.texts)] = (word.start, word.chars)
            tokens.texts.append(word.text)
            tokens.offsets.append(word.offset)
    return tokens


def _commands(tokens: Tokens, depth: int, limit: int) -> list[Command]:
    """The commands of `tokens`, reading stopped once there are `limit` (or more: a
    script inside the last one may add some)."""
    result: list[Command] = []
    texts = tokens.texts
    offsets = tokens.offsets
    begin = 0
    for stop in [*tokens.separators, len(texts)]:
        if len(result) >= limit:
            break
        if stop > begin:
            segment: list[str] = texts[begin:stop]  # type: ignore[assignment]
            first = begin + _prefix_length(segment)
            if first < stop:
                words = tuple(texts[first:stop]) if first > begin else tuple(segment)
                script = _script_index(words)  # type: ignore[arg-type]
                result.append(Command(words, tuple(offsets[first:stop]), script))  # type: ignore[arg-type]
                if script is not None and depth < _MAX_DEPTH:
                    inner = _relocated(tokens, first + script)
                    result.extend(_commands(inner, depth + 1, limit - len(result)))
        begin = stop + 1
    return result


def _relocated(outer: Tokens, index: int) -> Tokens:
    """The tokens of the text of word `index` of `outer`, placed in the text that word came
    from (a shift when the word's characters are one stretch of it)."""
    text = outer.texts[index]
    assert text is not None
    inner = tokenize(text)
    irregular = outer._irregular.get(index)
    start, chars = irregular if irregular is not None else (outer.offsets[index], None)
    if chars is not None and chars and chars[-1] - chars[0] == len(chars) - 1:
        start, chars = chars[0], None  # quoted, but one stretch all the same
    moved = Tokens()
    moved.texts = inner.texts
    moved.separators = inner.separators
    if chars is None:  # a shift
        moved.offsets = list(map(start.__add__, inner.offsets))
        moved._irregular = {
            k: (begin + start, tuple(map(start.__add__, cs)))
            for k, (begin, cs) in inner._irregular.items()
        }
        return moved

    def place(offset: int) -> int:
        return chars[offset] if 0 <= offset < len(chars) else start

    for k, word in enumerate(inner.texts):
        if word is None:
            moved.offsets.append(place(inner.offsets[k]))
            continue
        found = inner._irregular.get(k)
        begin, cs = (
            found
            if found is not None
            else (
                inner.offsets[k],
                range(inner.offsets[k], inner.offsets[k] + len(word)),
            )
        )
        placed = tuple(place(c) for c in cs)
        moved._irregular[k] = (place(begin), placed)
        moved.offsets.append(placed[0] if placed else place(begin))
    return moved


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


def _prefix_length(words: Sequence[str]) -> int:
    """How many words come before the program: shell keywords, `VAR=x` assignments and
    wrappers (`sudo -u user`, `env -i A=1`, `exec`, `nohup`, `time`, ...)."""
    i = 0
    while i < len(words):
        word = words[i]
        if "=" in word and not word.startswith("-") and word.split("=", 1)[0].isidentifier():
            i += 1  # VAR=value prefix
            continue
        if word in _KEYWORDS:
            i += 1
            continue
        name = word.rsplit("/", 1)[-1]
        if name == "env":
            i += 1
            while i < len(words) and (words[i].startswith("-") or "=" in words[i]):
                i += 2 if words[i] in _ENV_VALUE_OPTIONS else 1
            continue
        value_options = _WRAPPERS.get(name)
        if value_options is not None:
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in value_options else 1
            continue
        break
    return i


def is_variable(word: str) -> bool:
    """The word holds a parameter or command expansion (its value is not known)."""
    return "$" in word or "`" in word
