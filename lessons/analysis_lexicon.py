"""The analyser's data: its version, lexicon, word lists and phrase rules.

Everything here is data or a regular expression compiled from data; the engine
that reads a comment with it is lessons.analysis. Keeping the two apart lets the
word lists grow without the engine growing, and puts the version constant next
to what it versions.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

# The parser behind `re`, to see which characters each rule can start with (no public API).
_parser = importlib.import_module("re._parser")
_constants = importlib.import_module("re._constants")

# Bump whenever a rule, a word list or a threshold changes: stored analyses
# made by an older version are then re-analysed, the rest are left alone.
ANALYSER_VERSION = "2.0.5"


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- scanning for many rules at once ---------------------------------------------------------


class WordStartScanner:
    """`finditer` for an alternation of named groups whose every match starts a word, as
    fast as an index on each place's first word can make it.

    The same matches as `re.compile(rf"\\b(?=[{starts}])(?:(?P<name>pattern)|...)")`:
    leftmost first, the first alternative that matches at a place wins, and the search
    goes on after each match. Rather than try every alternative at every word, each
    place tries only the alternatives that can begin there. Most begin with one of a few
    whole words ("too", "no one", "could ..."), worked out from the parsed patterns: they
    are tried only at those words. The rest ("learn\\w* ...") are tried at the words that
    begin with the one or two characters they can begin with (erring towards trying
    them). One that could begin with any word ("\\w+n't ... enough") is looked for only in
    a text that holds the characters all its matches hold ("enough"), and there only
    where the engine finds it can match. The places with nothing to try are passed over
    by the engine, not looked at one by one.
    """

    def __init__(self, groups: Sequence[tuple[str, str]], starts: str) -> None:
        self._starts = starts
        self._order = [name for name, _ in groups]
        # Each alternative with the words its matches can begin with, or else the one or
        # two characters (one for a match that can be a single character), or else None
        # and None: it could begin anywhere.
        self._alternatives: list[tuple[str, str, frozenset[str] | None, frozenset[str] | None]] = []
        self._anywhere: list[tuple[int, str]] = []  # (index, the characters it must hold)
        for name, pattern in groups:
            for alternative in _top_level_alternatives(pattern):
                parsed = _parser.parse(alternative)
                flagged = parsed.state.flags & _FLAGS
                first_words = None if flagged else _first_words(parsed.data)
                begins = None
                if first_words is None and not flagged:
                    begins = _prefixes(parsed.data, 2)
                    if "" in (begins or {""}):
                        begins = None
                if first_words is None and begins is None:
                    self._anywhere.append((len(self._alternatives), _needle(parsed.data)))
                self._alternatives.append(
                    (
                        name,
                        alternative,
                        None if first_words is None else frozenset(first_words),
                        None if begins is None else frozenset(begins),
                    )
                )
        self._pairs = frozenset(
            b for _, _, _, begins in self._alternatives for b in begins or () if len(b) == 2
        )
        # Words of two characters or more that alternatives begin with, looked up whole;
        # a shorter one ("i", "a", or none before "'d") with the character after it.
        self._words = frozenset(
            w for _, _, first, _ in self._alternatives for w in first or () if len(w) > 1
        )
        self._compiled: dict[str, re.Pattern[str]] = {}  # by source, shared
        # By the indices of the alternatives that could begin anywhere and may match in
        # the text: the places to try, and the patterns to try there. Those of a text where
        # none of them may match are compiled now, so no reading waits for a compile; the
        # rest as they are first needed.
        self._tables: dict[tuple[int, ...], _Tables] = {}
        usual = self._tables[()] = self._new_tables(())
        for word in sorted(self._words):
            usual.by_word[word] = self._pattern(word, word[:2], ())
        for begin in sorted(self._pairs | _letters(starts)):
            usual.by_begin[begin] = self._begin_pattern(begin, ())

    def _new_tables(self, anywhere: tuple[int, ...]) -> _Tables:
        """Empty tables for texts where the alternatives `anywhere` may match, with the
        places to try in them: a word some alternatives begin with, a word that begins
        as some can, and where one of those `anywhere` can match (a lookahead)."""
        first_words = {w for _, _, first, _ in self._alternatives for w in first or ()}
        begins = {b for _, _, _, begins in self._alternatives for b in begins or ()}
        places = [f"{trie(first_words)}(?!\\w)"]
        if begins:
            places.append(f"(?={trie(begins)})\\w*")
        if anywhere:
            either = "|".join(self._alternatives[i][1] for i in anywhere)
            places.append(f"(?=(?:{either}))\\w*")
        # Each place found with the word it begins (its run of `\w`, maybe empty: "'d").
        places_re = re.compile(rf"\b(?=[{self._starts}])(?:{'|'.join(places)})")
        return _Tables(places_re, {}, {})

    def _begin_pattern(self, begin: str, anywhere: tuple[int, ...]) -> re.Pattern[str] | None:
        """The alternatives that can match at a place whose first two characters are
        `begin` (or its only one) and whose word is none of `self._words`: a shorter word
        ("i", or none before "'d") shows whole in `begin`."""
        word = _WORD_RUN.match(begin).group()  # type: ignore[union-attr]
        return self._pattern(
            word if len(word) < 2 else None, begin if begin in self._pairs else begin[0], anywhere
        )

    def _pattern(
        self, word: str | None, begin: str, anywhere: tuple[int, ...]
    ) -> re.Pattern[str] | None:
        """The alternatives that can match at a place beginning with `word` (None when
        it is not one of theirs) and characters `begin`, in their order."""
        merged: dict[str, list[str]] = {}  # a name's alternatives stay together, in order
        for i, (name, alternative, first_words, begins) in enumerate(self._alternatives):
            if first_words is not None:
                can = word in first_words
            elif begins is not None:
                can = begin in begins or begin[0] in begins
            else:
                can = i in anywhere
            if can:
                merged.setdefault(name, []).append(alternative)
        if not merged:
            return None
        source = "|".join(
            f"(?P<{name}>{'|'.join(merged[name])})" for name in self._order if name in merged
        )
        if source not in self._compiled:
            self._compiled[source] = re.compile(source)
        return self._compiled[source]

    def finditer(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(name, start, end) of each match, left to right."""
        anywhere = (
            tuple(i for i, needle in self._anywhere if needle in text) if self._anywhere else ()
        )
        tables = self._tables.get(anywhere)
        if tables is None:
            tables = self._tables[anywhere] = self._new_tables(anywhere)
        by_word, by_begin = tables.by_word, tables.by_begin
        end = 0
        for place in tables.places.finditer(text):
            at = place.start()
            if at < end:
                continue
            word = place.group()
            pattern = by_word.get(word, _UNKNOWN)
            if pattern is _UNKNOWN:
                if word in self._words:  # not yet needed in a text like this
                    pattern = by_word[word] = self._pattern(word, word[:2], anywhere)
                else:
                    begin = text[at : at + 2]
                    pattern = by_begin.get(begin, _UNKNOWN)
                    if pattern is _UNKNOWN:  # a beginning not met before
                        pattern = self._begin_pattern(begin, anywhere)
                        if len(by_begin) < _MAX_BEGINNINGS:
                            by_begin[begin] = pattern
            if pattern is None:
                continue
            match = pattern.match(text, at)
            if match is not None:
                end = match.end()
                yield match.lastgroup or "", at, end


@dataclass(slots=True)
class _Tables:
    """Where to look in a text, and what to try there (see `WordStartScanner`)."""

    places: re.Pattern[str]  # the places where an alternative can begin, each with its word
    by_word: dict[str, re.Pattern[str] | None]  # by the place's word, for `_words`
    by_begin: dict[str, re.Pattern[str] | None]  # else by its first two characters


# Flags that change what a pattern's characters match.
_FLAGS = re.IGNORECASE | re.LOCALE | re.VERBOSE
# Beyond this many beginnings an alternative is taken to begin anywhere.
_MAX_BEGINNINGS = 4096


def trie(words: set[str]) -> str:
    """A pattern for any of `words` that rejects a place at its first character: the
    engine passes over an alternative that starts with another character at once, but
    tries a long flat list of words one by one."""
    branches = []
    for first in sorted({word[0] for word in words if word}):
        rest = trie({word[1:] for word in words if word[:1] == first})
        branches.append(re.escape(first) + rest)
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{pattern})?" if "" in words else pattern


def _letters(chars: str) -> set[str]:
    """The characters of a character class body such as "a-z0-9'"."""
    found: set[str] = set()
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            found.update(chr(o) for o in range(ord(chars[i]), ord(chars[i + 2]) + 1))
            i += 3
        else:
            found.add(chars[i])
            i += 1
    return found


def _top_level_alternatives(pattern: str) -> list[str]:
    """A pattern cut at its top-level "|"."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _prefixes(items: Sequence[tuple[Any, Any]], length: int) -> set[str] | None:
    """What a match of parsed pattern `items` can begin with: its first `length`
    characters, or the whole match when it is shorter. None when that cannot be said."""
    found = {""}
    for op, arg in items:
        if op is _constants.AT or op in (_constants.ASSERT, _constants.ASSERT_NOT):
            continue  # zero width: what follows decides
        short = {s for s in found if len(s) < length}
        if not short:
            break
        item = _item_prefixes(op, arg, length - min(map(len, short)))
        if item is None:
            return None
        found = {s for s in found if len(s) == length} | {
            (s + t)[:length] for s in short for t in item
        }
        if len(found) > _MAX_BEGINNINGS:
            return None
    return found


def _item_prefixes(op: Any, arg: Any, length: int) -> set[str] | None:
    """`_prefixes` of one parsed item."""
    if op is _constants.LITERAL:
        return {chr(arg)}
    if op is _constants.IN:
        return _class_chars(arg, spaces=False)
    if op is _constants.SUBPATTERN:
        return None if arg[1] or arg[2] else _prefixes(arg[3], length)  # unless local flags
    if op is _constants.BRANCH:
        return _union(_prefixes(branch, length) for branch in arg[1])
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
        low, high, repeated = arg
        once = _prefixes(repeated, length)
        if once is None or "" in once:
            return None
        found, reached = set(), {""}
        # Each repeat adds a character at least, so `length` repeats fill every prefix.
        for count in range(length + 1):
            if count >= low:
                found |= reached
            if count == high:
                break
            reached = {s if len(s) == length else (s + t)[:length] for s in reached for t in once}
        if low > length:
            found |= reached
        return found
    return None


_Item = TypeVar("_Item")


def _union(sets: Iterable[set[_Item] | None]) -> set[_Item] | None:
    """All the sets' items; None as soon as one of them is None (cannot be said)."""
    found: set[_Item] = set()
    for items in sets:
        if items is None:
            return None
        found |= items
    return found


def _class_chars(items: Sequence[tuple[Any, Any]], spaces: bool) -> set[str] | None:
    """The characters of a parsed character class; with `spaces`, a class of characters
    that are no part of a word ("\\s") stands as " ". None when they cannot be listed (a
    category of word characters, a negated class)."""
    chars: set[str] = set()
    for kind, value in items:
        if kind is _constants.LITERAL:
            chars.add(chr(value))
        elif kind is _constants.RANGE:
            chars.update(chr(o) for o in range(value[0], value[1] + 1))
        elif spaces and kind is _constants.CATEGORY and value in _NOT_WORD_CATEGORIES:
            chars.add(" ")
        else:
            return None
    return chars


def _needle(items: Sequence[tuple[Any, Any]]) -> str:
    """The longest run of characters every match of parsed pattern `items` holds."""
    best = run = ""
    for op, arg in items:
        if op is _constants.LITERAL:
            run += chr(arg)
        else:
            best, run = max(best, run, key=len), ""
    return max(best, run, key=len)


# A word's characters as the engine counts them (`\w`), and a run of them.
_WORD_CHAR = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w*")
# A word start's entry not yet worked out.
_UNKNOWN: Any = object()
# Zero-width items that end a word when a word character stands before them.
_WORD_ENDS = (_constants.AT_BOUNDARY, _constants.AT_END, _constants.AT_END_STRING)
_NOT_WORD_CATEGORIES = (_constants.CATEGORY_SPACE, _constants.CATEGORY_NOT_WORD)
# Beyond this many repeats of a part of a pattern, its first word is taken to be any.
_MAX_REPEATS = 32


def _first_words(items: Sequence[tuple[Any, Any]]) -> set[str] | None:
    """The words a match of parsed pattern `items` can begin with: its first run of
    word characters (`\\w`, maybe empty), when the pattern itself says what ends it (a
    non-word character, a word boundary) and there are few. None when that cannot be
    said: the first word could be any ("\\w+ed"), or runs on past the pattern ("too")."""
    found = _words_after(items, {("", False)})
    if found is None or not all(ended for _, ended in found):
        return None
    return {word for word, _ in found}


def _words_after(
    items: Sequence[tuple[Any, Any]], words: set[tuple[str, bool]]
) -> set[tuple[str, bool]] | None:
    """(word, ended) after the parsed items, from (word, ended) before them: a word not
    ended yet grows by the word characters that follow it, and ends at what cannot
    belong to a word. None when that cannot be said."""
    for op, arg in items:
        growing = {word for word, ended in words if not ended}
        if not growing:
            break
        after = _item_words(op, arg, growing)
        if after is None:
            return None
        words = {item for item in words if item[1]} | after
        if len(words) > _MAX_BEGINNINGS:
            return None
    return words


def _item_words(op: Any, arg: Any, growing: set[str]) -> set[tuple[str, bool]] | None:
    """`_words_after` one parsed item, for the words not ended before it."""
    if op is _constants.LITERAL:
        return _next_char(growing, {chr(arg)})
    if op is _constants.IN:
        chars = _class_chars(arg, spaces=True)
        return None if chars is None else _next_char(growing, chars)
    if op is _constants.AT:
        if arg in _WORD_ENDS:
            # "\b" after a word character says a non-word character follows (or nothing)
            return {(word, arg is not _constants.AT_BOUNDARY or word != "") for word in growing}
        if arg in (_constants.AT_BEGINNING, _constants.AT_BEGINNING_STRING):
            return {(word, False) for word in growing}
        return None
    if op in (_constants.ASSERT, _constants.ASSERT_NOT):
        return {(word, False) for word in growing}  # zero width: what follows decides
    if op is _constants.SUBPATTERN:
        if arg[1] or arg[2]:
            return None  # local flags
        return _words_after(arg[3], {(word, False) for word in growing})
    if op is _constants.BRANCH:
        return _union(
            _words_after(branch, {(word, False) for word in growing}) for branch in arg[1]
        )
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
        low, high, repeated = arg
        reached = {(word, False) for word in growing}
        found = set()
        for count in range(_MAX_REPEATS):
            if count >= low:
                found |= reached
            if count == high or all(ended for _, ended in reached):
                # Once every word has ended, further repeats leave them as they are.
                return found | reached
            more = _words_after(repeated, reached)
            if more is None:
                return None
            if more == reached:
                return found | more
            reached = more
        return None
    return None


def _next_char(growing: set[str], chars: set[str]) -> set[tuple[str, bool]] | None:
    """The words after one character of `chars`: a word character lengthens the word,
    any other ends it."""
    if len(growing) * len(chars) > _MAX_BEGINNINGS:
        return None
    return {
        (word + char, False) if _WORD_CHAR.match(char) else (word, True)
        for word in growing
        for char in chars
    }


# --- the lexicon -----------------------------------------------------------------------------

# Words TextBlob lacks or misreads in feedback. Values are polarities on
# TextBlob's scale. Zero means "carries no opinion here" ("first hour", "more
# examples", "small group", "make sure").
# fmt: off
DOMAIN_LEXICON: dict[str, float] = {
    # praise TextBlob does not know
    "helpful": 0.5, "informative": 0.5, "knowledgeable": 0.5, "useful": 0.5, "insightful": 0.6,
    "enjoyable": 0.6, "enjoyed": 0.5, "enjoy": 0.4, "thank": 0.4, "thanks": 0.4, "thankyou": 0.4,
    "organised": 0.3, "well-organised": 0.5, "well-run": 0.5, "well-paced": 0.5,
    "well-presented": 0.5, "clear": 0.35, "clearly": 0.3, "practical": 0.2, "valuable": 0.6,
    "worthwhile": 0.5, "approachable": 0.5, "patient": 0.4, "supportive": 0.5, "friendly": 0.5,
    "welcoming": 0.4, "reassuring": 0.4, "reassured": 0.3, "confident": 0.4, "empowering": 0.5,
    "inspiring": 0.6, "inspired": 0.5, "eye-opening": 0.5, "learnt": 0.3, "learned": 0.3,
    "understandable": 0.3, "polite": 0.4, "courteous": 0.4, "professional": 0.4,
    "professionally": 0.4, "efficient": 0.4, "efficiently": 0.4, "efficiency": 0.3, "prompt": 0.3,
    "promptly": 0.3, "punctual": 0.3, "caring": 0.5, "attentive": 0.4, "recommend": 0.4,
    "recommended": 0.3, "appreciated": 0.4, "appreciate": 0.4, "engaging": 0.5, "interactive": 0.3,
    "accessible": 0.2, "relevant": 0.4, "pleasant": 0.4, "thorough": 0.4, "concise": 0.3,
    "succinct": 0.3, "excellent": 1.0, "fab": 0.6, "brill": 0.6, "superb": 1.0, "invaluable": 0.7,
    "loved": 0.6, "liked": 0.4, "likes": 0.3, "love": 0.5, "loves": 0.5, "fun": 0.4, "helped": 0.3,
    "helps": 0.3, "well-explained": 0.5, "user-friendly": 0.4, "tailored": 0.3, "empathetic": 0.5,
    "reliable": 0.4, "kindness": 0.5, "smooth": 0.3, "seamless": 0.4, "yay": 0.5,
    "congratulations": 0.5, "congrats": 0.5, "glad": 0.5, "grateful": 0.6, "thankful": 0.6,
    "brilliantly": 0.8, "expertly": 0.6, "enthusiastic": 0.5, "quickly": 0.2, "swiftly": 0.3,
    "speedy": 0.3, "competently": 0.4, "considerate": 0.4, "satisfactory": 0.3, "calming": 0.3,
    "listened": 0.3, "respectful": 0.4, "understanding": 0.2, "fair": 0.2,
    # the misspellings a phone keyboard lets through
    "excelent": 1.0, "helpfull": 0.5, "usefull": 0.5, "brillant": 0.9, "proffesional": 0.4,
    # criticism TextBlob does not know
    "rushed": -0.5, "overran": -0.5, "overrun": -0.5, "overrunning": -0.5, "unhelpful": -0.5,
    "confusing": -0.4, "confused": -0.4, "unclear": -0.4, "dull": -0.4, "waffle": -0.4,
    "waffled": -0.4, "waffly": -0.4, "rambling": -0.4, "irrelevant": -0.5, "patronising": -0.6,
    "patronizing": -0.6, "condescending": -0.6, "disorganised": -0.5, "disorganized": -0.5,
    "chaotic": -0.5, "shambles": -0.7, "useless": -0.6, "pointless": -0.5, "waste": -0.5,
    "wasted": -0.5, "struggled": -0.4, "struggle": -0.3, "struggling": -0.4, "delay": -0.4,
    "delays": -0.4, "delayed": -0.4, "cancelled": -0.4, "rude": -0.6, "noisy": -0.4,
    "unreadable": -0.5, "illegible": -0.5, "inaudible": -0.5, "unusable": -0.5,
    "cramped": -0.4, "stuffy": -0.3, "uncomfortable": -0.4, "draughty": -0.3, "freezing": -0.4,
    "hot": -0.1, "problem": -0.3, "problems": -0.3, "issue": -0.2, "issues": -0.2,
    "difficulty": -0.3, "difficulties": -0.3, "crashed": -0.4, "froze": -0.4, "glitchy": -0.4,
    "laggy": -0.4, "broken": -0.5, "failed": -0.5, "fails": -0.4, "disappointing": -0.6,
    "disappointed": -0.6, "disappointment": -0.6, "frustrating": -0.5, "frustrated": -0.5,
    "annoying": -0.5, "annoyed": -0.5, "awkward": -0.3, "repetitive": -0.3, "jargon": -0.3,
    "overwhelming": -0.3, "overwhelmed": -0.3, "lacking": -0.4, "lacked": -0.4, "lack": -0.3,
    "insufficient": -0.4, "inadequate": -0.5, "wait": -0.2, "waiting": -0.3, "waited": -0.3,
    "ages": -0.2, "upset": -0.5, "hate": -0.7, "hated": -0.7, "ugh": -0.5, "sucks": -0.6,
    "sucked": -0.6, "unacceptable": -0.7, "complaint": -0.3, "complain": -0.3, "mistake": -0.3,
    "mistakes": -0.3, "error": -0.3, "errors": -0.3, "lost": -0.2, "stressful": -0.5,
    "stressed": -0.4, "worried": -0.2, "scary": -0.4, "shame": -0.4, "pity": -0.3, "sorry": -0.3,
    "unfortunately": -0.4, "sadly": -0.4, "longwinded": -0.3, "long-winded": -0.3,
    "unprofessional": -0.6, "unorganised": -0.5, "uninformative": -0.5, "unanswered": -0.3,
    "ignored": -0.4, "defective": -0.6, "flimsy": -0.4, "junk": -0.6, "garbage": -0.6,
    "rubbish": -0.6, "dreadful": -0.8, "slow": -0.3, "slower": -0.2, "late": -0.3,
    "impatient": -0.4, "unable": -0.4,
    # TextBlob gives these an opinion they rarely carry in feedback
    "first": 0.0, "more": 0.0, "much": 0.0, "last": 0.0, "other": 0.0, "own": 0.0, "same": 0.0,
    "real": 0.0, "high": 0.0, "few": 0.0, "full": 0.0, "early": 0.0, "only": 0.0, "less": 0.0,
    "small": 0.0, "large": 0.0, "big": 0.0, "busy": 0.0, "loud": 0.0, "long": 0.0, "short": 0.0,
    "little": 0.0, "sure": 0.0, "free": 0.1, "social": 0.0, "public": 0.0, "certain": 0.0,
    "general": 0.0, "live": 0.0, "next": 0.0, "final": 0.0, "second": 0.0, "third": 0.0,
    "mean": 0.0, "kind": 0.5, "most": 0.0, "enough": 0.0, "whole": 0.0, "main": 0.0, "extra": 0.0,
    "different": 0.0, "particular": 0.0, "specific": 0.0, "open": 0.0, "basic": 0.0, "simple": 0.1,
    "advanced": 0.0, "technical": 0.0, "quick": 0.1, "fast": 0.0, "right": 0.2, "light": 0.0,
    "top": 0.0, "straight": 0.0, "original": 0.0, "positive": 0.1, "ready": 0.0, "available": 0.0,
    "many": 0.0, "able": 0.2, "far": 0.0, "young": 0.0, "old": 0.0, "past": 0.0,
    "considerable": 0.0, "minor": 0.0, "becoming": 0.0, "alive": 0.0, "due": 0.0, "usual": 0.0,
    "normal": 0.0, "near": 0.0, "special": 0.1, "major": 0.0, "certainly": 0.0,
    "hesitation": -0.3, "expected": 0.0, "lately": 0.0, "down": 0.0, "spent": 0.0,
    "disabled": 0.0, "huge": 0.0, "honestly": 0.0, "convinced": 0.3,
    "unconvinced": -0.4, "sceptical": -0.3, "nightmare": -0.6, "responsive": 0.4,
    "compassionate": 0.5, "reassurance": 0.4, "dignity": 0.3, "respect": 0.3,
    "consideration": 0.3, "assured": 0.3, "well-mannered": 0.4, "truthful": 0.0,
    "truthfully": 0.0, "evident": 0.0, "logical": 0.0, "precisely": 0.0, "complete": 0.0,
    "official": 0.0, "sound": 0.0, "half": 0.0, "new": 0.0, "straightforward": 0.4,
    "straight-forward": 0.4, "friendliness": 0.5, "disgrace": -0.8, "disgraceful": -0.8,
    "common": 0.0, "miracle": 0.4, "round": 0.0, "all-round": 0.3, "previous": 0.0,
    "previously": 0.0, "firstly": 0.0, "normally": 0.0, "daunting": -0.3, "true": 0.0,
    "marked": 0.0, "autistic": 0.0, "rarely": 0.0, "significantly": 0.0, "interestingly": 0.0,
    "swift": 0.3, "chatty": 0.2, "lifesaver": 0.7, "life-saver": 0.7, "a1": 0.6, "tip-top": 0.8,
    "sorted": 0.3, "embarrassing": -0.4, "argumentative": -0.5, "dismissive": -0.5,
    "unprepared": -0.4, "unnecessary": -0.3, "deleterious": -0.5, "inconsistent": -0.3,
    "misleading": -0.4, "incorrect": -0.4, "conflicting": -0.3, "ridiculous": -0.6,
    "appalling": -0.8, "shocking": -0.6, "satisfaction": 0.5, "dissatisfaction": -0.5,
    "dissatisfied": -0.5, "unhappy": -0.5, "inappropriate": -0.5, "inappropriately": -0.5,
    "arrogant": -0.6, "stretched": -0.2, "shortage": -0.3, "shortages": -0.3,
    "understaffed": -0.4, "under-resourced": -0.4, "gripe": -0.4, "criticism": -0.3,
    "niggle": -0.3, "downside": -0.3, "compassion": 0.5, "professionalism": 0.5, "empathy": 0.4,
    "empathic": 0.5, "careful": 0.3, "thourgh": 0.4, "promt": 0.3, "excellant": 1.0,
    "profesional": 0.4, "queue": -0.2, "queues": -0.2, "queuing": -0.3,
    "queueing": -0.3,
    # A person's health or fear is the situation, not a verdict on the service or the
    # session: "I was poorly and the crew were kind", "a very anxious time".
    "poorly": 0.0, "ill": 0.0, "sick": 0.0, "unwell": 0.0, "anxious": 0.0, "scared": 0.0,
    "frightened": 0.0, "distressing": 0.0, "distressed": 0.0, "serious": 0.0, "vulnerable": 0.0,
    "severe": 0.0, "extreme": 0.0, "emergency": 0.0, "urgent": 0.0, "painful": 0.0,
}
# fmt: on

# Words that strengthen or soften the next opinion word, and by how much.
# fmt: off
INTENSIFIERS: dict[str, float] = {
    "very": 1.3, "really": 1.2, "so": 1.3, "extremely": 1.5, "incredibly": 1.5, "super": 1.3,
    "absolutely": 1.4, "particularly": 1.2, "highly": 1.3, "truly": 1.3, "thoroughly": 1.3,
    "exceptionally": 1.5, "genuinely": 1.2, "totally": 1.3, "completely": 1.3, "quite": 1.0,
    "fairly": 0.8, "pretty": 1.0, "rather": 0.9, "slightly": 0.6, "somewhat": 0.7, "bit": 0.7,
    "mostly": 0.8, "generally": 0.9, "reasonably": 0.8, "relatively": 0.8,
}
# fmt: on

# Adjectives that also modify: alone they keep TextBlob's opinion ("very pretty").
STANDALONE: dict[str, float] = {"pretty": 0.25, "super": 0.33}

# Negations that reach NEGATION_WINDOW words, and the ones that reach fewer.
NEGATORS = words(
    """
    not never cannot neither nor hardly barely dont didnt doesnt wasnt werent isnt cant couldnt
    wouldnt wont shouldnt havent hasnt hadnt aint arent don't didn't doesn't wasn't weren't isn't
    can't couldn't wouldn't won't shouldn't haven't hasn't hadn't ain't aren't mustn't needn't
    """
)
SHORT_NEGATORS = frozenset({"no", "nothing", "none", "nobody", "without"})
# "not sure it helped", "don't think it was useful": the doubt covers the whole clause.
BELIEFS = words("think thought convinced sure believe feel felt certain")
# Words after "not" that cancel the negation: "not only useful but...", "no doubt".
NEGATION_BREAKERS = words("only just doubt matter wonder expect expected")
# "the patient", "a patient" is a person, not praise.
DETERMINERS = words("the a an my his her our your their each every this that another any")
NOUN_WHEN_DETERMINED = words("patient kind positive right")
# "patient" praises a person only after "was", "very", "and"...: "patient transport" does not.
PREDICATIVE_ONLY = words("patient")
PREDICATIVE_CUES = words(
    "was were is are be been being very so really extremely incredibly and most more quite always"
    " too how remained stayed felt"
)
# Words whose praise stands even inside a request ("I would recommend it").
SINCERE = frozenset({"recommend", "recommended", "thank", "thanks", "thankyou", "grateful"})

# Emoji people put in a quick phone answer.
# fmt: off
EMOJI: dict[str, float] = {
    "\U0001f44d": 0.5, "\U0001f44f": 0.5, "\U0001f642": 0.5, "\U0001f600": 0.6, "\U0001f603": 0.6,
    "\U0001f604": 0.6, "\U0001f601": 0.6, "\U0001f60a": 0.6, "\U0001f60d": 0.8, "\u2764": 0.6,
    "\U0001f496": 0.6, "\U0001f4af": 0.5, "\U0001f389": 0.5, "\u2b50": 0.3, "\U0001f31f": 0.4,
    "\U0001f64f": 0.4, "\U0001f44e": -0.5, "\U0001f641": -0.5, "\u2639": -0.5, "\U0001f61e": -0.6,
    "\U0001f622": -0.6, "\U0001f62d": -0.6, "\U0001f621": -0.7, "\U0001f620": -0.7,
    "\U0001f634": -0.4, "\U0001f612": -0.4, "\U0001f644": -0.4, "\U0001f615": -0.3,
}
# fmt: on


# --- phrase rules ----------------------------------------------------------------------------


# The setting of "at a stressful time", "during a difficult night" (see the rule below).
_SITUATION_BEFORE = (
    "at a",
    "at an",
    "at such a",
    "during a",
    "during an",
    "through a",
    "through her",
    "through his",
    "through my",
    "through the",
    "through their",
    "through our",
    "in a",
    "in an",
    "in such a",
    "in such an",
    "at this",
    "after a",
    "after an",
    "very",
    "really",
    "extremely",
    "incredibly",
    "particularly",
    "most",
)
_SITUATION_WORDS = (
    "stressful",
    "difficult",
    "awful",
    "bad",
    "scary",
    "distressing",
    "worrying",
    "traumatic",
    "anxious",
    "upsetting",
    "horrible",
    "frightening",
    "terrible",
    "hard",
    "tough",
    "trying",
    "emotional",
    "confusing",
    "challenging",
    "sad",
    "dreadful",
    "panicky",
)


def _after(before: Sequence[str], words: Sequence[str], otherwise: str = "") -> str:
    """Any of `words`, only where it follows one of the words `before`: "stressful" after
    "at a" or "during a". The word itself is matched first and what stands before it looked
    back at, so the rule costs something only where its telling word stands, not at every
    "a", "i" or "was" (which start so many words that trying a rule there costs time).
    `otherwise`, a pattern, lets the word stand without those words before it (a lookahead
    at what follows, say)."""
    return (
        "(?:"
        + "|".join(
            re.escape(w)
            + "(?:"
            + "|".join(
                [
                    *(rf"(?<=\b{re.escape(b)} {re.escape(w)})" for b in before),
                    *([otherwise] if otherwise else []),
                ]
            )
            + ")"
            for w in words
        )
        + ")"
    )


AUX_NOT = (
    r"(?:(?:did|does|do|was|were|is|are|would|could|can|will|wo|has|have|had|should)"
    r"(?: not|n't|nt)|cannot|can not|never|not)"
)
CANNOT = r"(?:could ?n't|could ?not|couldnt|can't|cannot|can not|cant)"
TIME_GONE = (
    r"(?:ran|run|running|runs) out of time|(?:short|pushed|pressed|tight) (?:of|for|on) time"
    r"|time was (?:tight|short|limited)|over ?ran|over ?run(?:ning)?|ran (?:over|late)"
    r"|running (?:over|late)|(?:started|start|starting|finished|finish|ended) late"
    r"|went on (?:too long|a bit|and on|for too long)|dragged(?: on)?|drags? on"
    r"|took (?:ages|forever|so long|too long|(?:quite )?a (?:long|while)|(?:over |nearly |almost"
    r" |about |more than |well over |just over |at least |around |up to )?"
    r"(?:(?:an?|\d+(?:[.,/]\d+)?|two|three|four|five|ten|twenty|thirty|forty) ?(?:hours?|hrs?"
    r"|hr|minutes|mins) ?)+)(?: (?:to|for|before|until)\b|(?=\s*(?:[.!?,;]|$)))"
    r"|\b(?:length|amount) of time (?:it|they|we|you|i) (?:took|takes|had to wait)"
    r"|(?:a|such a|very) long time|on hold for"
)
NEEDED = (
    r"wi-?fi|wi fi|internet|signal|connection|breaks?|handouts?|slides|microphone|mic"
    r"|parking|refreshments|coffee|tea|water|time|chance|opportunity|examples|support"
    r"|help|follow[- ]up|practice|practical|hands[- ]on|explanation|guidance|notes"
    r"|agenda|structure|sound|projector|feedback|answers?|reply|response|information|info"
    r"|updates?|contact|communication|apology|compassion|empathy|instructions|service|staff"
    r"|one"
)
FUNCTION_WORDS = (
    r"(?:and|but|or|i|we|you|they|it|the|a|an|so|as|is|was|which|though|who|that|for|with"
    r"|before|after|when|if|because|then|there|here"
    r"|in|on|at|to|of|this|my|me)\b"
)

# How far back a "not" reaches to deny a phrase: not at all, the word just
# before ("not too long"), or anywhere earlier in its clause ("I don't think
# anything could have been better").
NEVER, NEAR, WIDE = 0, 1, 2

# (pattern, polarity, how far back a negation denies it).
# Order matters: the first pattern that matches at a place wins, so the
# idioms that contain "not" come before the complaints that start with it.
PHRASE_RULES: tuple[tuple[str, float, int], ...] = (
    # "Nothing could have been done better", "you could have done nothing better", "no one
    # could have done it better": the best possible, however the denial is placed. First, so
    # that "could have done" is not read as a might-have-been complaint.
    (
        r"\b(?:nothing|no one|nobody|no-one|noone)(?: else)? (?:could|can|would)(?: (?:have|of))?"
        r"(?: \w+)?(?: (?:it|that|this|things|anything"
        r"|the \w+))?(?: (?:any|much|a lot|even))? (?:better|more)\b"
        r"|\b(?:could|can|would)(?: (?:have|of))?(?: (?:done|do|made|make|been|be))?"
        r" (?:nothing|not (?:(?:done|do|made|make|been|be) )?anything|no more)(?: (?:any|much"
        r"|else))? (?:better|more)\b",
        0.6,
        NEVER,
    ),
    # Not having to wait is praise, and so is someone waiting for you: "didn't have to wait
    # long", "the driver waited patiently". Before the complaint "they didn't wait".
    (
        r"\b(?:didn'?t|did not|never|wasn'?t|was not|weren'?t|were not|not)(?: (?:have|need"
        r"|had))?(?: to)? (?:wait|waiting)(?: (?:long|too long|very long|for long|at all|much"
        r"|any time|a long time))\b"
        r"|\b(?:didn'?t|did not|never) (?:have|need) to wait\b"
        r"|\b(?:didn'?t|did not|never) (?:have|had) (?:a|any|too) (?:long |lengthy )?wait\b"
        r"|\bwaited patiently\b",
        0.4,
        NEVER,
    ),
    # praise idioms that a word-by-word reading gets wrong
    # "nothing was too much trouble", "no question was too basic"
    (
        r"\b(?:nothing|no (?:question|request|query|problem|task|job))"
        r" (?:was|is|seemed|felt|ever seemed)(?: ever)?(?: too (?:much|big|small|silly|basic|hard"
        r"|difficult|trivial)(?: (?:trouble|bother|effort|work|to ask))?| an? (?:trouble|bother"
        r"|problem))\b",
        0.6,
        NEVER,
    ),
    # a remedy: "sorted my problem", "answered all my questions", "got me through a bad time"
    (
        r"\b(?:sorted|solved|fixed|resolved|dealt with|sort|solve|fix|resolve|eased|ease"
        r"|relieved|addressed|cleared up|helped (?:me |us )?(?:with|overcome)|answered)(?: out)?"
        r" (?:all )?(?:my|our|the|his|her|their|any|every|a|each|this|that|these|those|all)"
        r"(?: \w+)?? (?:problems?|issues?|quer(?:y|ies)|worr(?:y|ies)|concerns?"
        r"|difficult(?:y|ies)|pain|symptoms|confusion|doubts|fears?|anxiet(?:y|ies)|stress"
        r"|mess|mistakes?|errors?|troubles?)\b"
        r"|\b(?:got|get|gets|getting|helped|help|helping|pulled|saw|see|carried|talked)"
        r" (?:me|us|him|her|them|people) through(?: (?:a|the|my|our|his|her|their|this|that"
        r"|some|what|an)(?: (?!with\b|and\b|but\b|of\b|on\b|in\b)[\w'-]+){1,3}"
        r"| (?:it|this|that|everything|all))?"
        r"|\bput (?:my |our |his |her |their )?minds? at (?:rest|ease)\b"
        r"|\bsaved? (?:me|us|him|her|them|my \w+) from(?: [\w'-]+){1,4}"
        r"|\bsaved? (?:me |us )?(?:a |an |the |my |our )?(?:[\w'-]+ ){0,3}(?:wait|trip|journey"
        r"|visit)\b"
        r"|\b(?:problems?|issues?|quer(?:y|ies)|concerns?|worr(?:y|ies))(?: (?:was|were|got|has"
        r" been|have been|is|are))?(?: (?:quickly|promptly|fully|soon|all|easily))?"
        r" (?:resolved|solved|sorted|fixed|dealt with|handled|addressed|answered)\b"
        r"|\b(?:nothing|anything)(?: (?:else|more))? (?:that )?(?:\w+ |the \w+ )?(?:could|can)"
        r"(?: (?:have|of))?(?: been)? (?:done|improved|changed|better)\b",
        0.5,
        NEAR,
    ),
    # Understanding offered for a shortcoming: "not your fault", "I appreciate how busy you are".
    # It excuses a complaint rather than praising anything, so it carries no opinion: alone it
    # leaves the answer neutral, beside a complaint the complaint stands (the reader rated the
    # wait, not the excuse), and it no longer makes a complaint look "mixed".
    (
        r"\bnot (?:\w+ )?(?:your|their|his|her|the staff'?s?|anyone'?s?|individual'?s?|the crew'?s?"
        r"|the \w+'s|our|my) fault\b|\bthrough no fault\b|\bcan'?t be helped\b"
        r"|\b(?:i|we)(?: do| fully| totally| completely| can| really)? (?:understand|realise"
        r"|realize|appreciate|know|accept)(?: that| how| it| you| they| the| there| this| why"
        r"| what| staff)\b|\bout of (?:your|their|anyone'?s|the staff'?s) (?:control|hands)\b"
        r"|\bgiven the (?:current )?(?:circumstances|situation|pressures?)\b"
        r"|\bunder (?:a lot of |so much |great |huge |immense )?pressure\b|\bhard[- ]pushed\b"
        r"|\bunderstandably\b|\b(?:but|which is|which was|that's|that is|though|although)"
        r" (?:\w+ )?understandable\b|\bunderstandable (?:given|due|with|as|because|at|in|under"
        r"|considering)\b|\bunderstand (?:the (?:need|pressure|reason)|that|why|how)\b",
        0.0,
        NEAR,
    ),
    # Effort is praised even when the result was not: "they did their best"
    (
        r"\b(?:doing|did|do|tried|trying) (?:their|your|his|her|our) (?:best|utmost|upmost)\b",
        0.3,
        NEAR,
    ),
    # A promise of speed is no praise: "I was told a doctor would call within the hour"
    (
        r"\b(?:would|will|should|'d|'ll)(?: [\w'-]+){0,7}? within (?:\d+|a few|an?|half an|the"
        r"|minutes|an hour|ten|twenty|thirty|five|fifteen)(?: \w+)? (?:minutes?|mins?|hours?"
        r"|hrs?|hour|day)\b",
        0.0,
        NEVER,
    ),
    # Speed and good care told as facts: "arrived within 10 minutes", "saved my life"
    (
        r"\bwithin (?:\d+|a few|an?|half an|the|minutes|an hour|ten|twenty|thirty|five|fifteen)"
        r"(?: \w+)? (?:minutes?|mins?|hours?|hrs?|hour|day)\b|\b(?:straight|right) away\b"
        r"|\bin no time\b|\b(?:short|no|little|minimal) wait(?:ing)?(?: times?)?\b"
        r"|\bsaved? (?:my|his|her|their|our) li(?:fe|ves)\b|\babove (?:and|&) beyond\b"
        r"|\bmet (?:all )?(?:my|our|his|her|their) needs\b|\btop class\b",
        0.4,
        NEAR,
    ),
    # "kind of", "sort of" hedge; they are not kindness; "to be honest" is no praise
    (r"\b(?:kind|sort) of\b|\bto be (?:honest|fair|truthful)\b|\bin all honesty\b", 0.0, NEVER),
    # what only went wrong: "my only criticism", "only gripe"
    (
        r"\bonly (?:real )?(?:criticism|gripe|complaint|downside|issue|problem|negative|concern"
        r"|niggle|quibble|fault|thing (?:i|that) (?:would|could|didn'?t|did not))\b",
        -0.4,
        NEVER,
    ),
    # Trouble named as the situation, not as a complaint: "helped when I was stuck",
    # "let people make mistakes". Zero: these words carry no opinion here.
    (
        r"\b(?:when|whenever|if)(?: \w+){1,4}? (?:stuck|lost|problems?|issues?|trouble"
        r"|difficult(?:y|ies)?|struggl\w*|confused|mistakes?|errors?|unsure)\b"
        r"|\b(?:make|made|making|let|letting|allowed?|allowing|learn\w*|from)"
        r"(?: \w+){0,2}? (?:mistakes?|errors?)\b",
        0.0,
        NEVER,
    ),
    # The writer's situation is not a verdict on the service or the session: "at a very
    # stressful time", "soothed a difficult situation", "I was upset when I called", "listened
    # to my problem", "the difficulty I was having". What the service did there carries it.
    # Each alternative starts at its telling word (with the words before it looked back at),
    # not at "a", "i" or "was", which start so many words that trying them costs time.
    (
        _after(
            _SITUATION_BEFORE,
            _SITUATION_WORDS,
            otherwise=r"(?= (?:situation|circumstances|ordeal|episode))",
        )
        + r" (?:situation|circumstances|ordeal|episode|time|experience|moment|day|night|period"
        r"|event)s?\b"
        + r"|"
        + _after(
            (
                "was",
                "were",
                "am",
                "got",
                "felt",
                "feel",
                "became",
                "get",
                "gets",
                "getting",
                "very",
                "so",
                "really",
                "quite",
                "bit",
                "little",
                "extremely",
                "rather",
            ),
            (
                "upset",
                "worried",
                "stressed",
                "anxious",
                "scared",
                "frightened",
                "panicking",
                "panicked",
                "distressed",
                "nervous",
                "frantic",
                "petrified",
                "terrified",
                "apprehensive",
                "emotional",
            ),
        )
        + r"\b"
        r"(?! (?:by|with|at|that|about the))"
        + r"|"
        + _after(
            ("my", "his", "her", "our", "their", "patient's", "patients"),
            (
                "problems",
                "problem",
                "issues",
                "issue",
                "concerns",
                "concern",
                "difficulty",
                "difficulties",
                "injury",
                "injuries",
                "symptoms",
            ),
        )
        + r"\b"
        r"(?! (?:is|was|are|were|would|with))"
        r"|\b(?:listened to|understood|assessed|identified|diagnosed|described|explained)"
        r" (?:the|a|what (?:the|my|his|her) ?) ?(?:\w+ )?(?:problems?|issues?|concerns?)\b"
        r"|\b(?:difficulty|difficulties|problems?|trouble) (?:i|he|she|we|they) (?:was|were|had"
        r" been|am|are) having\b|\bhard of hearing\b"
        + r"|"
        + _after(
            ("in", "with", "of"),
            (
                "great",
                "so much",
                "a lot of",
                "a great deal of",
                "severe",
                "terrible",
                "extreme",
                "considerable",
                "constant",
            ),
        )
        + r" (?:pain|agony|distress|discomfort)\b"
        r"|\bgreat deal of (?:pain|distress|discomfort)\b"
        r"|\b(?:bleeding|bleed|walk|walking|walks|hurt|injured|burnt|burned|bruised|swollen"
        r"|shaking|limping|breathing)\s+(?:(?:very|so|quite|really)\s+)?badly\b"
        r"|\bunder (?:\w+ )?(?:difficult|trying|tough|hard|extreme|challenging) (?:\w+ )?"
        r"(?:conditions|circumstances)\b"
        r"|\b(?:if|whether) (?:i|he|she|we|they|you|my \w+|everything|all)"
        r" (?:was|were|am|is|are|'m|'s|felt) (?:ok|okay|alright|all right|fine|well|safe)\b"
        + r"|"
        + _after(
            (
                "i",
                "he",
                "she",
                "who",
                "husband",
                "wife",
                "mum",
                "dad",
                "mam",
                "son",
                "daughter",
                "mother",
                "father",
                "partner",
                "also",
                "still",
                "has",
                "had",
                "have",
            ),
            ("suffers", "suffer", "suffered", "suffering"),
        )
        + r" (?:with|from)\b|\banxiety problems?\b"
        + r"|"
        + _after(
            (
                "he was",
                "she was",
                "he is",
                "she is",
                "he got",
                "she got",
                "he was very",
                "she was very",
                "he became",
                "she became",
                "he seemed",
                "she seemed",
                "mum was",
                "dad was",
                "mam was",
            ),
            ("confused",),
        )
        + r"\b",
        0.0,
        NEVER,
    ),
    # Harder work asked for is wanted, not a complaint: "more complicated examples"
    (
        r"\b(?:more|harder|extra|additional|some) (?:difficult|complicated|complex|challenging"
        r"|advanced|tricky|hard|open-ended|realistic) (?:problems|examples|exercises|tasks"
        r"|questions|challenges|material|topics|case studies|cases|scenarios|data ?sets?)\b",
        0.0,
        NEVER,
    ),
    # A person's condition is the situation, not a complaint: "poor health", "hearing
    # difficulties", "mobility problems", "heart failure", "learning disability".
    (
        r"\b(?:poor|ill|bad|failing|limited|reduced) (?:health|mobility|hearing|eyesight|sight"
        r"|balance|circulation|memory|vision)\b"
        r"|\b(?:health|medical|mobility|hearing|breathing|heart|cardiac|mental health|kidney"
        r"|bladder|bowel|back|memory|balance|learning|walking|sight|vision|chest|speech|eye"
        r"|skin|stomach|sleep|dental) (?:problems?|issues?|difficult(?:y|ies)|failure"
        r"|disabilit(?:y|ies)|troubles?|complaints?)\b"
        r"|\b(?:heart|kidney|renal|liver|respiratory|organ) failure\b",
        0.0,
        NEVER,
    ),
    (
        rf"{CANNOT}(?: have)?(?: been| be| done| do| get| got| had| ask(?:ed)? for| wish for"
        r"| want)?(?: anything| any thing| any| much)? (?:better|nicer|kinder|happier"
        r"|more(?: \w+)?)\b|\b(?:ask|wish|hope) for (?:no|nothing) better\b",
        0.8,
        NEVER,
    ),
    (rf"{CANNOT}(?: (?:find|see))?(?: any)? fault\b", 0.7, NEVER),
    (
        r"\b(?:ready|willing|happy|eager|keen) to help\b|\bwent out of (?:their|his|her|the|our)"
        r" way\b|\babove and beyond\b|\bk[e]pt (?:me|us|him|her|them|everyone|people)"
        r" (?:informed|updated|up ?to ?date|in the loop)\b|\bin record time\b"
        r"|\bfirst[- ]rate\b|\btip[- ]top\b|\bon point\b|\bstraight forward\b"
        r"|\b(?:n't|not|never) (?:\w+ ){0,4}?(?:suggest|think of|see|find|recommend|fault)"
        r" any(?:thing| improvements?| changes?| way| faults?)?\b"
        r"|\bno (?:changes?|improvements?) (?:needed|necessary|required)\b",
        0.5,
        NEVER,
    ),
    # Not one thing to change, however it is counted: "I can't think of a single thing that
    # could have gone better", "couldn't name one thing to improve". Only with the change it
    # denies, since "I didn't find a single thing useful" is a complaint.
    (
        r"\b(?:cannot|can'?t|can not|couldn'?t|could not|don'?t|do not|didn'?t|did not|not"
        r"|never) (?:\w+ ){0,3}?(?:suggest|think of|see|find|name|come up with)"
        r" (?:anything|a thing|one thing|a single thing|one single thing|any one thing)"
        r"(?: (?:that|which|i|we|you|they|to|it))?(?: [\w']+){0,4}? (?:better|change|changed"
        r"|changing|improve|improved|improving|different|differently|wrong)\b",
        0.5,
        NEVER,
    ),
    (rf"{CANNOT} (?:thank|praise|recommend|help|do)\w*(?: \w+){{0,3}} enough\b", 0.8, NEVER),
    (
        r"\b(?:would|i'd|we'd|wouldn't|would not|will) (?:have )?(?:been |be )?lost without\b"
        rf"|\b{CANNOT} (?:have )?(?:done|managed|do|manage|cope) (?:it |this )?without\b"
        # "I couldn't get to my appointment without the transport": the service made it possible
        rf"|\b(?:{CANNOT}|wouldn't be able to|would not be able to|unable to) (?:\w+ ){{0,5}}?"
        r"(?:without (?:this|the|your|their|it|them|you|such|that)\b|otherwise\b)"
        r"|\bwithout(?: (?:this|the|your|their|you|such|that))?(?: [\w'-]+){0,4}? (?:i|we|he|she"
        r"|they)"
        rf" (?:{CANNOT}|would ?n'?t|would not|would be lost|would be stuck)\b",
        0.6,
        NEVER,
    ),
    (
        r"\bnothing (?:(?:at all |really |much |else |i would |i'd |we would |that i would |"
        r"that needs to be |that could be |that i'd |to be |i can think of to |in my opinion )?)"
        r"(?:to |needs? to |needs? |needed |that needs? )?(?:be )?(?:change|changed|changing"
        r"|improve|improved|improving|improvement|add|fault|complain about|better)\b",
        0.5,
        NEVER,
    ),
    (
        r"\bwithout (?:a |any )?(?:faults?|complaints?|problems?|issues?|a hitch|hitch|fuss)\b"
        r"|\bno (?:complaints?|problems?|issues?|faults?|concerns?|suggestions?"
        r"|improvements? (?:needed|necessary))\b|\bnothing (?:wrong|negative|bad)\b"
        r"|\b(?:can'?t|cannot|can not) (?:think of|suggest) any(?:thing| improvements?)?\b"
        r"|\bdon'?t change (?:a thing|anything)\b",
        0.5,
        NEVER,
    ),
    (r"\b(?:can'?t|cannot|can not) wait\b|\blook(?:ing|ed)? forward\b", 0.5, NEVER),
    (
        r"\bkeep (?:it|up) (?:up|the (?:good|great) work|as it is|the same)\b"
        r"|\bkeep doing\b|\bmore of (?:the same|this|these|that)\b|\bmore (?:sessions )?like this\b"
        r"|\bcarry on\b|\bwell done\b|\bspot on\b"
        r"|\b(?:can'?t|cannot) improve on\b|\b100 ?%|\b10 ?/ ?10\b|\b(?:five|5) stars?\b"
        r"|\b(?:just )?(?:continue|keep) (?:with )?(?:the )?same\b|\bkeep it up\b"
        # "keep up" praises, "hard to keep up" and "keep up with" tell of the pace
        r"|(?<!to )\bkeep up\b(?! with)"
        r"|\bfirst class\b|\b1st class\b|\btop notch\b|\bat ease\b|\bthank you\b"
        r"|\blearn(?:t|ed) (?:a lot|so much|loads)\b|\blooked after\b"
        r"|\bcould have (?:stayed|listened|gone on|carried on)\b",
        0.5,
        NEVER,
    ),
    (
        # Work done well is praise whoever did it ("handled very well", "responded well");
        # "wasn't explained well" denies it.
        r"\b(?:went|worked|works|explained|presented|organised|organized|run|paced|structured"
        r"|delivered|planned|managed|thought out|handled|responded|dealt with|treated|behaved"
        r"|behave|communicated|coordinated|co-ordinated|facilitated|taught|led|prepared"
        r"|supported|looked after|cared for|chaired|hosted|pitched|laid out|put together"
        r"|designed|written)"
        r" (?:really |very |so |extremely |quite |pretty |fairly |all |very very )?well\b"
        r"|\bwell (?:explained|presented|organised|organized|run|paced|structured|delivered"
        r"|planned|managed|thought out|done|informed|handled|prepared|led|looked after|pitched"
        r"|designed|written|chosen|timed|equipped|resourced)\b",
        0.5,
        NEAR,
    ),
    # What fell short, said by leaving it out: "the crew were great, the wait not so much"
    (r"\b(?:not so much|less so)(?=\s*(?:[.!?,;]|$|and\b|but\b))", -0.4, NEVER),
    # complaints
    (r"\bwaste of (?:time|money|space)\b", -0.7, NEAR),
    # complaints with no negative word: a failing that persists, or nobody acting
    (
        r"\bstill (?:no|nothing|waiting|awaiting|nobody|no one|to (?:hear|receive|get))\b"
        r"|\bstill (?:not|haven'?t|hasn'?t|have not|has not|had no|not been) (?:\w+ )?(?:heard"
        r"|received|had|got|been|arrived|fixed|working|sorted|replied|called|contacted|seen"
        r"|resolved|answered|back)\b"
        r"|\b(?:yet to|never) (?:hear|heard|receive|received|get|got|had) (?:back|a reply"
        r"|a response|anything|from)\b"
        r"|\b(?:no one|nobody|no-one|noone) (?:\w+ )?(?:called|rang|came|answered|replied"
        r"|got back|told|explained|listened|bothered|turned up|showed up|contacted|helped"
        r"|spoke|seemed|knew|cared|checked)\b"
        r"|\bno (?:\w+ )?(?:turned up|showed up|arrived|came|ever came)\b"
        r"|\b(?:should|ought to) (?:have|of) been (?:sent|told|given|seen|taken|referred|offered"
        r"|informed|called|asked|warned|admitted)\b",
        -0.5,
        NEVER,
    ),
    # Care told as what was done: "well taken care of", "they were there when I needed
    # them", "put me first", "all went as arranged", "deserve recognition", "saves lives"
    (
        r"\b(?:taken|took) (?:good |great |excellent |such good )?care of\b"
        r"|\b(?:take|takes|taking) (?:good |great |excellent )?care of (?:me|us|him|her|them"
        r"|patients|people|everyone)\b"
        r"|(?<!been )(?<!be )\bkept (?:(?:well|fully|constantly|regularly) )?(?:informed|updated"
        r"|up ?to ?date|in the loop)\b"
        + r"|"
        + _after(
            ("was", "were", "are", "is", "be", "being", "always", "just", "really"), ("there",)
        )
        + r" (?:for (?:me|us|him|her|them|people|everyone)|when (?:i |we |you |he |she "
        r"|they )?(?:needed|need)(?: (?:it|them|help|him|her|me|us))?|to (?:help|give|support"
        r"|listen|assist|reassure|answer))\b"
        r"|\bcare and (?:attention|compassion|kindness|consideration|respect|understanding"
        r"|support)\b|\bput(?:s|ting)? (?:me|us|him|her|them|patients|people|the patients?"
        r"|everyone) first\b"
        + r"|"
        + _after(
            (
                "went",
                "happened",
                "arrived",
                "came",
                "worked",
                "up",
                "all",
                "everything",
                "exactly",
                "just",
            ),
            ("as",),
        )
        + r" (?:stated|advised|promised|planned|arranged|agreed|described|booked|scheduled"
        r"|said)\b"
        r"|\bdeserve[sd]? (?:\w+ )?(?:recognition|praise|credit|a medal|medals|an award"
        r"|a pay ?rise|thanks)\b|\bsav(?:e|es|ed|ing) (?:people'?s |many |countless )?lives\b"
        + r"|"
        + _after(("the", "a"), ("right",))
        + r" (?:treatment|service|care|place|person|people|decision|advice|help|hospital"
        r"|department|level|support|answers?|pace)\b"
        r"|\btook (?:the |their |his |her |some |a lot of |plenty of )?time (?:to (?:listen|explain"
        r"|chat|talk|reassure|answer|help|sit|understand|get to know|go through|make sure)"
        r"|listening|explaining|talking|over)\b",
        0.4,
        NEAR,
    ),
    # Being passed around, kept on hold or hung up on, told with no opinion word
    (
        _after(
            (
                "was",
                "were",
                "been",
                "being",
                "kept",
                "left",
                "held",
                "put",
                "sat",
                "sitting",
                "waiting",
                "min",
                "mins",
                "minutes",
                "hour",
                "hours",
                "hr",
                "hrs",
            ),
            ("on hold",),
        )
        + r"\b"
        r"|\btook (?:(?:all|the whole|most of the) (?:day|night|morning|afternoon|evening"
        r"|weekend)|(?:\d+|two|three|four|five|several|many|numerous) (?:phone )?(?:calls"
        r"|attempts|tries|goes)|half an? hour|days|weeks|hours)\b"
        r"|\b(?:passed|passing|pass|pushed|sent) (?:me |us |you |him |her |them )?(?:down the"
        r" line|from pillar to post|around|round|back and forth|from one \w+ to (?:another"
        r"|the next)|on(?:to| to) someone else)\b|\bfobbed off\b"
        r"|\b(?:hang|hung|hanging|hangs) up (?:on|the phone on)\b"
        r"|\b(?:had )?no records? of\b"
        r"|\bfelt (?:\w+ )?(?:judged|belittled|dismissed|like a (?:nuisance|burden|number))\b"
        r"|\b(?:second|2nd) class (?:citizen|service|treatment)\b"
        + r"|"
        + _after(
            ("a bit", "very", "quite", "rather", "so", "really", "most", "extremely", "a little"),
            ("trying",),
        )
        + r"\b"
        + r"|"
        + _after(
            (
                "was a",
                "were a",
                "was quite a",
                "were quite a",
                "was a long",
                "was a good",
                "was rather a",
            ),
            ("while",),
        )
        + r" (?:before|until)\b"
        r"|\b(?:no|not|wasn'?t|weren'?t|isn'?t|aren'?t) (?:\w+ ){0,3}?available\b"
        r"|\bnot an option\b"
        r"|\btime taken (?:was )?(?:over |about |nearly )?(?:\d+|an?|one|two|three|four|five|six"
        r"|ten) (?:hours?|hrs?|minutes|mins)\b"
        r"|\bwaited (?:all|the whole|most of the) (?:day|night|morning|afternoon|evening)\b"
        r"|\b(?:had|have|has|needed) to \w+(?: [\w'-]+){0,4}? (?:myself|ourselves)\b"
        r"|\bhad to chase\b|\bof (?:no|little) use\b"
        + r"|"
        + _after(("the", "one", "only"), ("negative", "bad", "downside", "down side", "worst"))
        + r" (?:aspect|point|side|thing|part|bit)\b"
        r"|\bonly trouble\b",
        -0.4,
        NEAR,
    ),
    (r"\blet (?:me |us |them |you |people )?down\b", -0.5, NEAR),
    # "started on time" is praise; "not on time" is not
    (r"\b(?:on|in good|in plenty of) time\b(?! to\b)", 0.3, NEAR),
    (
        r"\b(?:not|never|no|\w+n'?t)(?: \w+){0,2}? enough(?: (?!" + FUNCTION_WORDS + r")\w+)?"
        r"|\btoo (?:little|few)\b|\black of\b|\bnot up to (?:standard|scratch|par)\b"
        r"|\bbelow (?:par|standard)\b|\bsub-?standard\b",
        -0.5,
        NEVER,
    ),
    (
        rf"\b{AUX_NOT} (?:\w+ )?(?:work|working|load|loading|connect|connecting|open|opening"
        r"|turn on|switch on)\b|\bstopped working\b|\b(?:wasn't|was not|weren't|were not) "
        r"(?:set up|ready|available|charged|switched on)\b"
        # equipment that failed again and again: "the wifi kept dropping"
        r"|\b(?:kept|keeps|keep) (?:on )?(?:dropping|crashing|freezing|failing|cutting out"
        r"|dropping out|breaking|breaking up|disconnecting|buffering|logging (?:me|us) out)\b",
        -0.5,
        NEVER,
    ),
    # what should have happened and did not: "they didn't ring back", "never arrived"
    (
        rf"\b{AUX_NOT} (?:\w+ )?(?:get|help|answer|ring|call|arrive|arrived|turn up|turned up"
        r"|come|came|show up|showed up|cover|explain|listen|reply|respond|happen|offer|tell|wait"
        r"|bother|visit|send|refer|let (?:me|us|him|her|them) know|inform|update|come out"
        r"|check on)\b|\bexpected (?:more|better)\b",
        -0.4,
        NEVER,
    ),
    (
        rf"\b(?:{AUX_NOT}(?: be)?|unable to|(?:was|were)n't able to|not able to|struggled to"
        r"|impossible to|hard to|difficult to|tricky to) (?:\w+ )?(?:hear|see|follow|understand"
        r"|log|sign|get on|get in|get online|get connected|access|connect|keep up|read)\b",
        -0.5,
        NEVER,
    ),
    (TIME_GONE, -0.5, NEAR),
    # "a bit long", "a little fast": the hedge marks a complaint
    (
        r"\b(?:a (?:little|bit|tad|touch)|slightly|bit) (?:(?:too|over) )?(?:fast|quick|quickly"
        r"|slow|slowly|long|short|basic|advanced|technical|early|late|much|loud|quiet|cold|hot"
        r"|warm|busy|crowded|rushed|repetitive|dry|heavy|intense|brief|rigid|formal|hard"
        r"|complicated|complex|vague|confusing|later|daunting)\b",
        -0.4,
        NEAR,
    ),
    (r"\bnot (?:really |strictly |always )?(?:necessary|needed|required)\b", -0.3, NEVER),
    (
        r"\b(?:could|should|would|might|needs? to|ought to|can)(?: have| of)?(?: been| be)?"
        r"(?: done| do)?(?: any)? (?:a (?:lot |little |bit )?|much |far )?(?:better|shorter|longer"
        r"|clearer|quicker|improved|simpler|slower|faster|tighter|more focused|more organised"
        r"|bettered|differently)\b"
        r"|\bmore could (?:have|of) been done\b",
        -0.4,
        WIDE,
    ),
    # "you could have asked": a past might-have-been is a complaint; "could have had
    # more breaks" asks for an addition, and is read as a request instead
    (
        r"\b(?:could|should) (?:have|of) (?!been\b|had\b|done with\b|used\b|included\b"
        r"|added\b|offered\b|provided\b|given\b|spent\b|covered\b|liked\b|preferred\b)\w+",
        -0.3,
        NEVER,
    ),
    (
        r"\b(?:(?:far|way|much|a bit|a little|slightly|rather|bit|just|simply|a tad) )?too "
        r"(?:(?:much|many)(?: (?:of )?(?:the )?(?!" + FUNCTION_WORDS + r")\w+)?"
        r"|(?!" + FUNCTION_WORDS + r"|good\b|kind\b)\w+)",
        -0.5,
        NEAR,
    ),
    (
        rf"\b(?:no|without|never (?:got|had|given)(?: a| any)?|{AUX_NOT} (?:get|have|given)"
        rf"(?: a| any)?) (?:{NEEDED})\b",
        -0.4,
        NEVER,
    ),
    (
        r"\b(?:learn(?:t|ed)|gained|got) (?:nothing|very little|little)\b"
        r"|\bnothing (?:new|useful|i didn'?t (?:already )?know)\b"
        r"|\b(?:didn'?t|did not) (?:learn|get) (?:anything|much)\b",
        -0.5,
        NEVER,
    ),
)
# One pass for all the rules. Every rule starts at the start of a word, and each word
# tries only the rules that can start with its first letter.
PHRASE_RE = WordStartScanner(
    [(f"r{i}", pattern) for i, (pattern, _, _) in enumerate(PHRASE_RULES)], "a-z0-9"
)
# A negation in the words just before a complaint denies it ("not too long").
NEGATED_BEFORE_RE = re.compile(
    r"\b(not|never|no|nothing|hardly|\w+n't)\s+(?:(?:\w+ing|arrive|come|get|start|finish|be"
    r"|been)\s+)?(?:(?:a|an|the|at all|really|that|as|so|particularly|overly)\s+)?$"
)

NEGATED_IN_CLAUSE_RE = re.compile(
    r"\b(not|never|no|nothing|\w+n't|dont|didnt|cant|couldnt|cannot)\b[^.,;:!?\n]*$"
)

# --- question-aware readings -----------------------------------------------------------------

# Whole answers (or whole clauses) that say "nothing to report".
NOTHING_RE = re.compile(
    r"^(?:(?:absolutely|really|honestly|genuinely|there's|there is|there was|i think|literally)"
    r" )?(?:nothing|none|non|no|nope|nah|nil|n/?a|na|not really|nothing really|nothing at all"
    r"|nothing else|nothing more|nothing much|none really|not applicable|no comments?"
    r"|no changes?|no change needed|nothing to (?:add|say|report|mention)|not a thing"
    r"|(?:nothing|none|non|nowt|no) (?:that )?i can think of|no thanks?|none needed"
    r"|none at present|very little|nowt|isn'?t nowt|nothing whatsoever|no comments? needed"
    r"|not much|not very much|not a lot|nothing obvious|none that i can think of"
    r"|nothing at (?:the|this) (?:moment|time|stage)|nothing for now"
    r"|(?:on|for) this occasion nothing|nothing on this occasion|no improvements?"
    r"|for me nothing|-+|x)"
    r"(?: (?:really|at all|thanks?|thank you|for now|so far|to be honest|honestly|for me"
    r"|in my case|from me))*$"
)
UNSURE_RE = re.compile(
    r"^(?:not sure|unsure|don'?t know|do not know|no idea|idk|dunno|can'?t say|not certain)"
    r"(?: (?:really|yet|at the moment|at this stage))*$"
)
# "Nothing great service": a leading "nothing" that does not govern what follows
# is an answer of its own. Group 1 (or 2, before "I think") is that answer.
LEADING_NOTHING_RE = re.compile(
    r"^\s*((?:nothing|none|nope|no(?= (?:everything|it|its|it's|all|very|really|great|good"
    r"|excellent|brilliant|fine|perfect|thanks|thank|they|you|keep)\b))"
    r"(?: (?:really|at all|else|thanks?|thank you))?)\s+"
    r"(?!(?:to|wrong|bad|negative|new|useful|of|in|about|that|which|more|much|but|better"
    r"|really|at|else|thanks?|thank|for|i|comes?|needed|springs|whatsoever|obvious|come"
    r"|worked|helped|was|is|were|could|would|needs?|needed|i|we|one|way|doubt|problems?"
    r"|issues?|complaints?|real|major|apart|except|other|[a-z]+ed)\b)\S"
    r"|^\s*((?:nothing|none|no|nope))\s+(?=(?:i|we) (?:think|feel|thought|found|was|am|were)\b)"
)
BARE_RE = re.compile(r"[^\w\s/'-]+")
# The first word of a clause as BARE_RE leaves it (its first run of `\w`, maybe empty), and
# the words NOTHING_RE and UNSURE_RE can begin with: a clause whose first word is none of
# them says more than "nothing", and need not be stripped and matched to know it.
BARE_FIRST_WORD_RE = re.compile(r"[^\w/'-]*(\w*)")


def first_words(pattern: re.Pattern[str]) -> frozenset[str]:
    """The words every match of `pattern` begins with (see `_first_words`)."""
    found = _first_words(_parser.parse(pattern.pattern, pattern.flags).data)
    if found is None:
        raise ValueError(f"no first words known for {pattern.pattern[:40]!r}...")
    return frozenset(found)


NOTHING_FIRST_WORDS = first_words(NOTHING_RE) | first_words(UNSURE_RE)

# --- requests: answers that ask for a change or an addition ----------------------------------

# Clear asks, read in any question: "handout please", "I would have liked more time",
# "it would be nice to have a break". Their praise words name what is wanted.
ASK_RE = re.compile(
    r"\bplease\b"
    r"|\b(?:would|'d|could|might|may)(?: (?:have|of)|'ve)? (?:like|liked|love|loved|prefer"
    r"|preferred|welcome|appreciate|appreciated|benefit(?:ted)? from)\b"
    r"(?! to (?:thank|say|add|congratulate|praise|commend|compliment|express|mention|come))"
    r"|\bi wish\b|\bif only\b|\bit'?d be\b|\bcould (?:do with|use|have had|have done with)\b"
    r"|\b(?:would|could|might|may)(?: also)?(?: (?:have|of)(?: been)?| be)?"
    r" (?:really |very |so |much |even |a lot |a bit |more )?(?:nice|good|great|helpful|useful"
    r"|better|beneficial|ideal|brilliant|lovely|handy|interesting|worth\w*|cool|fun|valuable"
    r"|easier|clearer|simpler|wonderful|excellent|an? (?:\w+ )?idea)\b"
    r"|\b(?:would|could|might|may)(?: also)?(?: (?:have|of))? (?:help|helped|make sense)\b"
    r"|\b(?:could|should|would|might)(?: (?:have|of)|'ve) been (?:a (?:bit|little|lot) )?more\b"
    r"|\b(?:could|can|would|will) (?:you|we|they) (?:please )?(?:send|share|provide|give|make"
    r"|add|include|run|do|have|offer|put|consider|arrange|record|circulate|email|let|start"
    r"|finish|book|repeat)\b"
)
# Advice and wants, read under "what should we change?" and "what help next?" (under
# "what worked well?" the same words describe: "wanted to learn Python", "should use").
ADVICE_RE = re.compile(
    r"\bshould(?:n't| not)?\b(?! have been)|\bought to\b|\bmust\b"
    r"|(?<!the )(?<!a )\bneeds? (?:to|more|less|fewer|a|an|some|better|longer|shorter|clearer|extra"
    r"|additional)\b|\bneeded (?:a|an|more|some|extra|better|longer|clearer)\b"
    r"|\b(?:was|were|is|are) needed\b|\bsuggest(?:ion)?s?\b"
    r"|\b(?:what|how) about\b|\bwhy not\b|\bideally\b|\bhopefully\b|\bmaybe\b|\bperhaps\b"
    r"|(?:^\s*|\b(?:i|we)(?: just| really| would have| would've)? )want(?:ed|s)? (?:more|less"
    r"|fewer|a|an|some|to|the|just|extra)\b"
    r"|\b(?:quicker|sooner|faster|earlier|shorter|clearer|simpler|slower|louder"
    r"|more (?:quickly|clearly|slowly|promptly))\b(?! than)"
    r"|\bis there (?:a|any)\b"
)
# A clause that starts by naming what is wanted: "more exercises", "send the slides first".
# Not a statement that happens to start the same way ("use of the etherpad was great").
ASK_START_RE = re.compile(
    r"^\s*(?:(?:but|and|also|so|just|please|maybe|perhaps|possibly|ideally|i think|i feel"
    r"|i'd say|i would say|a|some|a bit|a little|little|bit|much|lots|a lot|definitely)\s+)*"
    r"(?:(?:more|less|fewer|extra|additional)(?! than| of (?:the same|this|these|that)"
    r"| like this| confident| aware| comfortable| informed| able| likely| engaged)"
    r"|(?:better|quicker|faster|shorter|longer|clearer|simpler|bigger|smaller|earlier|later"
    r"|sooner|larger)(?! than)"
    r"|(?:be|get|make|give|provide|answer|increase|reduce|improve|ensure|check|listen|teach"
    r"|stop|try|use|send|offer|allow|add|include|cut|speed|slow|explain|train|employ|hire"
    r"|recruit|fix|don't|do not|avoid|consider|spend|focus|split|hold|allocate|limit|cover"
    r"|show|let|tell|update|organise|organize|arrange|take|tie|put|start|finish|run|call"
    r"|ring|communicate|inform|separate|combine|introduce|invite|share|record|circulate"
    r"|distribute|publish|prepare|plan|schedule|shorten|extend|lengthen|repeat|treat"
    r"|respond|reply|open|bring|set|change|move|remove|drop|skip|encourage|support|target"
    r"|emphasise|emphasize|define|clarify|simplify|keep (?:\w+ )?(?:informed|updated|in touch))"
    r"(?! of\b)(?!(?: [\w'-]+){0,2} (?:was|were|is|are|has|had|very|really|extremely)\b)"
    r"|(?:having|getting|have) (?:more|less|fewer|a|an|some|extra|longer|shorter)"
    # what should have been done, told as done: "listened more", "been a bit more patient"
    r"|(?:[a-z]+ed|been|spoke|spoken|given|taken|shown|told|had|got)(?: \w+)?? (?:a (?:bit|little"
    r"|lot) |bit |little )?(?:more|better|less|sooner|quicker|earlier|faster|clearer)"
    r"|to (?:[a-z]+ )(?:(?:it|them|things|this|that) )?(?:more|better|sooner|quicker|clearer))\b"
)
# Keeping things as they are is praise, not a request: "more of the same", "keep it up".
KEEP_RE = re.compile(
    r"\b(?:keep|continue|carry on)(?: (?:it|up|doing|going|the same|this|them|with|as)\b|$)"
    r"|\bmore of (?:the same|this|these|that)\b"
    r"|\bmore (?:\w+ )?like (?:this|these|it)\b|\bcarry on\b|\bdon'?t change\b"
    r"|\bno (?:changes?|improvements?) (?:needed|necessary|required)\b"
    r"|\b(?:n't|not|never) (?:\w+ ){0,4}?(?:suggest|think of) any"
    r"|\b(?:cannot|can'?t|can not|couldn'?t|could not|not|never) (?:\w+ ){0,3}?(?:suggest|think of"
    r"|name|come up with) (?:anything|a thing|one thing|a single thing|one single thing)\b"
    # "nothing could have been better", "I don't feel anything could be improved"
    r"|\b(?:nothing|not a thing|not|no|n't|never|cannot|can't|couldn't|don'?t)\b[^.;!?]{0,40}?"
    r"\b(?:better|improved?|improvements?|improving|fault)\b"
)
# Asking for a basic standard says it was not met: "be on time", "treat people with respect".
BASIC_STANDARD_RE = re.compile(
    r"\b(?:on time|punctual\w*|respect\w*|dignity|courte\w+|polite\w*|manners|listen\w*"
    r"|keep (?:\w+ )?(?:informed|updated|in the loop)|reply|respond|turn up|show up|common sense"
    r"|treat\w* (?:\w+ ){0,2}with(?: \w+)?? (?:respect|dignity|courtesy|kindness|compassion"
    r"|care)|(?:call|ring) (?:me |us |people |patients )?back"
    r"|answer(?:ing)? (?:the )?(?:phones?|calls?))\b"
)
IMPLIED_FAULT = -0.3
# Asking for a service to be quicker, better or better staffed says it was slow, poor or
# short-handed ("quicker response", "answer the phone sooner", "more staff on the phones");
# asking for more content or a handout does not.
SHORTFALL_RE = re.compile(
    r"\b(?:quicker|sooner|faster|speedier|better|easier|warmer|cooler|cleaner|safer|smoother"
    r"|comfier|cheaper|closer|nearer|kinder|politer|calmer|quieter|louder"
    r"|more (?:quickly|promptly|efficient\w*|helpful|polite|caring|comfortable|accurate"
    r"|reliable|punctual|professional|organi[sz]ed|flexible|consistent|responsive"
    r"|understanding|sympathetic|empathetic|patient|careful|considerate|informative"
    r"|accessible|timely|attentive|friendly|respectful|courteous|compassionate|supportive"
    r"|honest|approachable|sensitive|thorough|proactive|communicative|knowledgeable"
    r"|transparent|realistic"
    # "more organised", not "more worked examples" (a thing wanted, not a fault)
    r"|\w+ed(?! (?:[\w-]+ )?[\w-]+s\b)|prepared|aware)"
    # more of what a service runs on: "more staff on the phones", "a bigger fleet"
    r"|(?:more|larger|bigger|extra|additional)(?: \w+)?? (?:staff|people|operators|handlers"
    r"|crews?|ambulances|vehicles|fleet|drivers|doctors|nurses|paramedics|clinicians|phones"
    r"|lines|transport|resources|funding|call takers|capacity)"
    # verbs that presuppose a fault: "improve the sound", "fix the wifi", "change the questions"
    r"|improve[ds]?|improving|fix|repair|maintain|reduced?|cut|cutting|shorten(?:ed)?"
    r"|speed (?:\w+ )*?up|sort out|invest in|decrease|lessen|minimi[sz]e|get (?:\w+ )*?working"
    r"|^\s*(?:change|stop|don'?t|do not|avoid)|be more \w+)\b(?! than)"
)
SHORTFALL = -0.25
# "Great session, but what about the slides?": a request after praise and "but" names a gap.
CONTRAST_ASK = -0.2
# A clause with a subject and a finite verb is a statement; without, a bare name ("slides").
FINITE_RE = re.compile(
    r"\b(?:am|is|are|was|were|been|has|have|had|do|does|did|i|we|it|they|he|she|you"
    r"|i'm|it's|we're|they're|there's|would|could|should|will|can|told|sent|took|got|came"
    r"|went|said|gave|made|saw|felt|kept|left|found|stop|stopped|thought|knew)\b"
    r"|\b[a-z]{3,}ed\b"
)
# A question with no attitude: "how do I import data?"
QUESTION_RE = re.compile(r"^\s*(?:how|what|where|why|when|which|who|can|do|does|is|are)\b")
# Telling about oneself is no verdict on the session: "I'm a new councillor".
SELF_REPORT_RE = re.compile(
    r"^\s*(?:i|we)(?:'m| am| are| was| were| have| had| use| used| work| worked| live"
    r"| joined| came| do| don't| already| usually| mostly| only)\b"
)
# A long story with no opinion words tells what happened; it names no problem or praise.
STORY_WORDS = 20
# Under "what should we change?" a shorter story already tells rather than names a problem.
TO_CHANGE_STORY_WORDS = 11

# A clause that tells what happened, in the past tense, is not a suggestion.
NARRATIVE_RE = re.compile(r"\b(?:was|were|had|did|got|came|went|took|gave|made|\w{3,}ed)\b")
# "Because it was on time": an answer that explains, rather than suggests.
EXPLANATION_RE = re.compile(
    r"^\s*(?:because|as|due to|since|cause|cos|so that|in order to|to (?:help|get|support|make"
    r"|let|give|say|see|show|keep|be able))\b"
)
EXCEPTION_RE = re.compile(
    r"^\s*(?:except|apart from|other than|the only|my only|only thing|one thing)\b"
)
SUGGESTION = -0.25
# "Nothing" means "no complaint" under what-to-change, "nothing worked" under what-went-well.
NOTHING_POLARITY = {"to_change": 0.4, "went_well": -0.4, "general": 0.2}
NOTHING_READING = {
    "to_change": "no change wanted",
    "went_well": "nothing worked well",
    "general": "nothing to add",
}
# An opinion-free answer to "what worked well?" still names something that worked.
WENT_WELL_PRIOR = 0.25
CONTRAST_OPENERS = (
    "but", "however", "yet", "although", "though", "unfortunately", "sadly", "except",
    "apart from", "other than",
)  # fmt: skip
# Courtesies: beside real opinions they are a formality ("thanks, but ...").
POLITE = words("thank thanks thankyou cheers ta please you")
# Every cue above holds one of these words (or a word with "n't", or a "'d", or one that
# starts "want" or "suggest"), maybe after an apostrophe ("should've"): a clause with none
# of them is no request, and the cues need not be looked for. tests/test_analysis.py checks
# this against the patterns.
CUE_WORDS = words(
    "keep continue carry more don't dont no not never nothing cannot can't cant can couldn't"
    " could please would might may wish if it'd itd will should shouldn't ought must need"
    " needs needed about ideally hopefully maybe perhaps quicker sooner faster earlier"
    " shorter clearer simpler slower louder is"
)
_CUE_STARTS = ("want", "suggest")


def could_be_cue(tokens: Sequence[str]) -> bool:
    """Might a clause of these words (lessons.themes.tokenise) hold a request cue?"""
    if not CUE_WORDS.isdisjoint(tokens):
        return True
    # One string to search, rather than a loop over the words: " want" is a word that
    # starts "want" (_CUE_STARTS), and a word with no "'" is a cue word only if it is
    # in CUE_WORDS.
    joined = " " + " ".join(tokens)
    if " want" in joined or " suggest" in joined:
        return True
    if "'" not in joined:
        return False
    for token in tokens:
        if "'" in token:
            if "n't" in token or token.endswith("'d"):
                return True
            for part in token.split("'"):
                if part in CUE_WORDS or part.startswith(_CUE_STARTS):
                    return True
    return False


# The three kinds of cue in one pass over a clause, by name. Every cue starts a word, so
# each word tries only the cues that can start with its first letters (as the phrase rules).
REQUEST_CUES_RE = WordStartScanner(
    [("keep", KEEP_RE.pattern), ("ask", ASK_RE.pattern), ("advice", ADVICE_RE.pattern)],
    "a-z0-9'",
)
