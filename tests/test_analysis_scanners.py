"""The quick scanners find exactly what the plain regular expressions they stand for find.

`WordStartScanner` tries at each word only the alternatives that can begin with its first
two letters, and an alternative that could begin anywhere only in a text holding the
letters all its matches hold; these tests hold it to the one big alternation it replaces.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.analysis_lexicon import (
    ADVICE_RE,
    ASK_RE,
    KEEP_RE,
    PHRASE_RE,
    PHRASE_RULES,
    REQUEST_CUES_RE,
    WordStartScanner,
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
