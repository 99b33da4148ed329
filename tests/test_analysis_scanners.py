"""The quick scanners find exactly what the plain regular expressions they stand for find.

`WordStartScanner` tries at each word only the alternatives that can begin with that word
(or, for those not known by their first words, with its first two letters), and an
alternative that could begin anywhere only in a text holding the letters all its matches
hold; these tests hold it to the one big alternation it replaces.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.analysis_lexicon import (
    ADVICE_RE,
    ASK_RE,
    BARE_FIRST_WORD_RE,
    BARE_RE,
    KEEP_RE,
    NOTHING_FIRST_WORDS,
    NOTHING_RE,
    PHRASE_RE,
    PHRASE_RULES,
    REQUEST_CUES_RE,
    UNSURE_RE,
    WordStartScanner,
    _first_words,
    _parser,
)
from lessons.themes import normalise


def plain(groups: list[tuple[str, str]], starts: str) -> re.Pattern[str]:
    """What `WordStartScanner(groups, starts)` stands for, as one regular expression."""
    alternation = "|".join(f"(?P<{name}>{pattern})" for name, pattern in groups)
    return re.compile(rf"\b(?=[{starts}])(?:{alternation})")


def found(pattern: re.Pattern[str], text: str) -> list[tuple[str, int, int]]:
    return [(m.lastgroup or "", m.start(), m.end()) for m in pattern.finditer(text)]


PHRASE_GROUPS = [(f"r{i}", pattern) for i, (pattern, _, _) in enumerate(PHRASE_RULES)]
CUE_GROUPS = [("keep", KEEP_RE.pattern), ("ask", ASK_RE.pattern), ("advice", ADVICE_RE.pattern)]
PLAIN_PHRASES = plain(PHRASE_GROUPS, "a-z0-9")
PLAIN_CUES = plain(CUE_GROUPS, "a-z0-9'")

# The words the rules are written in, so generated comments meet the rules often.
RULE_WORDS = sorted(
    {
        word
        for pattern, _, _ in PHRASE_RULES
        for word in re.findall(r"[a-z][a-z']+", pattern)
        if len(word) > 1
    }
    | set(re.findall(r"[a-z][a-z']+", KEEP_RE.pattern + ASK_RE.pattern + ADVICE_RE.pattern))
)
PIECES = [*RULE_WORDS, "the", "a", "i", "it", "10", "5", "n't", "'d", "-", ",", ".", "!", "?"]
rule_like = st.lists(st.sampled_from(PIECES), max_size=16).map(
    lambda pieces: "".join(p if p in {"n't", "'d", ",", ".", "!", "?"} else f" {p}" for p in pieces)
)
comments = st.one_of(rule_like, st.text(max_size=120))


@settings(max_examples=400, deadline=None)
@given(text=comments)
def test_the_phrase_rules_are_found_as_by_one_alternation(text):
    normalised = normalise(text)
    assert list(PHRASE_RE.finditer(normalised)) == found(PLAIN_PHRASES, normalised)


@settings(max_examples=400, deadline=None)
@given(text=comments)
def test_the_request_cues_are_found_as_by_one_alternation(text):
    clause = normalise(text).lstrip()
    assert list(REQUEST_CUES_RE.finditer(clause)) == found(PLAIN_CUES, clause)


# One alternative can begin with any word (and holds "dog"), one is a single letter.
TOY = [
    ("article", r"\bthe cat\b|\ban? (?:cat|dog)\b"),
    ("gerund", r"\b\w+ing dog\b"),
    ("tee", r"\bt\w+"),
    ("ex", r"\bx\b"),
]


@pytest.mark.parametrize(
    "text",
    [
        "the cat sat",
        "a running dog",
        "the singing dog and the cat",
        "then x marks it",
        "x",
        "no dogs here, only a cat",
        "it is the dog",
        "",
    ],
)
def test_a_scanner_finds_what_the_alternation_finds(text):
    scanner = WordStartScanner(TOY, "a-z")
    assert list(scanner.finditer(text)) == found(plain(TOY, "a-z"), text)
    # and again, now that its patterns for these beginnings are compiled
    assert list(scanner.finditer(text)) == found(plain(TOY, "a-z"), text)


# Alternatives known by their first words, where one word begins another ("no", "not",
# "nothing"), a word is one letter ("i"), a match begins with no word at all ("'d"), one
# begins at the text's start only ("^"), a word runs on past the pattern ("over ?ran"),
# and one looks back before its word.
WORDY = [
    ("denial", r"\b(?:no|not|nothing)(?: \w+)? good\b|\bnot at all\b"),
    ("wish", r"(?:^\s*|\b(?:i|we)(?: just)? )want(?:ed|s)? (?:more|less)\b|'d like\b"),
    ("late", r"\bover ?ran|\blearn(?:t|ed)? (?:little|nothing)\b"),
    ("crowd", r"(?:busy(?:(?<=\bvery busy)|(?<=\bso busy)))\b|\bi (?:liked|loved) it\b"),
    ("enough", r"\b\w+n't enough\b"),
]
WORDY_PIECES = [
    "no", "not", "nothing", "good", "at", "all", "i", "we", "just", "want", "wanted", "wants",
    "more", "less", "'d", "like", "over", "ran", "overran", "learnt", "learn", "little",
    "busy", "very", "so", "liked", "loved", "it", "didn't", "enough", "x", ",", "-", "é",
]  # fmt: skip
wordy = st.lists(st.sampled_from(WORDY_PIECES), max_size=12).map(
    lambda pieces: "".join(p if p in {"'d", ","} else f" {p}" for p in pieces)
)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(wordy, wordy.map(str.lstrip)))
def test_a_scanner_of_word_led_alternatives_finds_what_the_alternation_finds(text):
    scanner = WordStartScanner(WORDY, "a-z0-9'")
    expected = found(plain(WORDY, "a-z0-9'"), text)
    assert list(scanner.finditer(text)) == expected
    assert list(scanner.finditer(text)) == expected  # with its patterns compiled


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\b(?:no|not) way\b", {"no", "not"}),
        (r"\btoo\b", {"too"}),
        (r"too", None),  # "tool" begins as it does
        (r"\w+ed\b", None),
        (r"[a-z]{2,6}\b", None),  # too many to list
        (r"(?:i|we)(?: just)? want", {"i", "we"}),
        (r"'d like", {""}),
        (r"over ?ran\b", {"over", "overran"}),
        (r"learn(?:t|ed)? ", {"learn", "learnt", "learned"}),
        (r"(?:^\s*|\bi )want(?:ed|s)?\b", {"", "i", "want", "wanted", "wants"}),
        (r"(?:busy(?:(?<=\bvery busy)|(?<=\bso busy)))\b", {"busy"}),
        (r"\bhard[- ]pushed\b", {"hard"}),
        (r"\b10 ?/ ?10\b", {"10"}),
    ],
)
def test_the_first_words_of_a_pattern(pattern, words):
    parsed = _parser.parse(pattern)
    assert _first_words(parsed.data) == words


NOTHING_PIECES = [
    "nothing", "none", "no", "not", "really", "sure", "n/a", "na", "x", "-", "--", "thanks",
    "i", "can", "think", "of", "don't", "know", "at", "all", "great", "idk", "nowt", "isn't",
    ".", "!", "?", "'", "\u200f", "é", "  ", "the", "session", "for", "me", "there's",
]  # fmt: skip
nothing_like = st.lists(st.sampled_from(NOTHING_PIECES), max_size=8).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(nothing_like, st.text(max_size=40)))
def test_a_bare_nothing_always_begins_with_one_of_its_first_words(text):
    # `_nothing_hit` looks no further at a clause whose first word is not one of these
    clause = normalise(text)
    bare = " ".join(BARE_RE.sub(" ", clause).split())
    looked_at = BARE_FIRST_WORD_RE.match(clause)
    assert looked_at is not None  # (it matches any text)
    if NOTHING_RE.match(bare) or UNSURE_RE.match(bare):
        assert looked_at.group(1) in NOTHING_FIRST_WORDS
    # and the first word it looks at is the bare clause's first word
    first = re.match(r"\w*", bare)
    assert first is not None
    assert looked_at.group(1) == first.group(0)
