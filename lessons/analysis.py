"""Question-aware sentiment, requests and explainable themes for feedback comments.

Pure functions of (text, question kind): no Streamlit, no database, no NLTK
corpora. The word lists and phrase rules are data in lessons.analysis_lexicon;
this module is the engine that reads a comment with them. The approach, and why:

* TextBlob's lexicon and its way of scoring (average of the opinion words,
  "very" strengthens, "not" halves and flips, "!" boosts) is the base, because
  people already know and trust it.
* It misreads training feedback in predictable ways, so general rules sit on
  top: complaint patterns ("too long", "not enough practice", "did not work",
  "still no reply"), praise idioms ("couldn't have been better", "nothing was
  too much trouble", "sorted my problem"), a wider negation window ("wasn't
  that useful") and a lexicon of words TextBlob lacks or gets wrong for feedback.
* The text is cut into clauses at punctuation and contrast words ("but",
  "however"), each clause is scored alone, and the clause after "but" counts
  more. Praise in one clause and criticism in another makes the comment mixed;
  a mixed comment is neutral only when the two sides weigh about the same, and
  a "thank you" does not weigh against a list of grievances.
* A request ("more exercises please", "it would be good to have a break") is a
  reading of its own: its praise words name what is wanted, and a plain request
  with no complaint words is neutral. Asking for a basic standard ("be on
  time") says it was not met.
* The question sets the prior: "Nothing" under "what should we change?" is no
  complaint, under "what worked well?" it is a complaint; a bare name under
  "what worked well?" is praise and under "what should we change?" a complaint;
  a long story with no opinion words, a question or a note about oneself is
  neither.
* Every label carries the words that drove it, and every theme the words that
  matched and the polarity of its own clauses.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, TypeVar

from textblob._text import EMOTICONS
from textblob.en import sentiment as textblob_lexicon

from lessons.analysis_lexicon import (
    ANALYSER_VERSION,
    ASK_START_RE,
    BARE_FIRST_WORD_RE,
    BARE_RE,
    BASIC_STANDARD_RE,
    BELIEFS,
    CONTRAST_ASK,
    CONTRAST_OPENERS,
    DETERMINERS,
    DOMAIN_LEXICON,
    EMOJI,
    EXCEPTION_RE,
    EXPLANATION_RE,
    FINITE_RE,
    IMPLIED_FAULT,
    INTENSIFIERS,
    LEADING_NOTHING_RE,
    NARRATIVE_RE,
    NEAR,
    NEGATED_BEFORE_RE,
    NEGATED_IN_CLAUSE_RE,
    NEGATION_BREAKERS,
    NEGATORS,
    NOTHING_FIRST_WORDS,
    NOTHING_POLARITY,
    NOTHING_RE,
    NOTHING_READING,
    NOUN_WHEN_DETERMINED,
    PHRASE_RE,
    PHRASE_RULES,
    POLITE,
    PREDICATIVE_CUES,
    PREDICATIVE_ONLY,
    QUESTION_RE,
    REQUEST_CUES_RE,
    SELF_REPORT_RE,
    SHORT_NEGATORS,
    SHORTFALL,
    SHORTFALL_RE,
    SINCERE,
    STANDALONE,
    STORY_WORDS,
    SUGGESTION,
    TO_CHANGE_STORY_WORDS,
    UNSURE_RE,
    WENT_WELL_PRIOR,
    WIDE,
    could_be_cue,
    trie,
)
from lessons.analysis_pool import run_in_chunks
from lessons.themes import (
    DEFAULT_THEMES,
    ThemeDefinition,
    ThemeMatcher,
    compile_themes,
    is_plain,
    match_tokens,
    normalise,
    split_clauses,
    tokenise,
)

__all__ = [
    "ANALYSER_VERSION",
    "QUESTION_KINDS",
    "Analysis",
    "ThemeResult",
    "analyse",
    "analyse_keyed",
    "analyse_many",
    "explain",
    "relabel",
]

QUESTION_KINDS = ("went_well", "to_change", "general")
POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"

# A score above this is positive, below its negative is negative.
LABEL_THRESHOLD = 0.05
# A clause at least this far from zero is "clear" praise or criticism (for `mixed`).
CLEAR_CLAUSE = 0.15
# A mixed comment is neutral when its weaker side weighs at least this share of its
# stronger side ("useful, but too long"); otherwise the stronger side labels it.
MIXED_BALANCE = 0.35
# In a mixed comment criticism weighs more than praise of the same strength: readers rate
# a complaint with a kind word as a complaint, and praise with a complaint as mixed (the
# negativity bias of ratings: on the NHS file mixed comments led by criticism are rated
# negative 57% of the time and positive 15%, those led by praise neutral 38%, negative 12%).
CRITICISM_WEIGHT = 1.5
# What follows "but" or "however" is usually the point the writer wants to make.
CONTRAST_WEIGHT = 1.5
# A "thank you" or a "nothing" beside real opinions is a formality, and weighs this much.
FORMALITY_WEIGHT = 0.3
# TextBlob: "not good" is "slightly bad" (x -0.5).
NEGATION_FACTOR = -0.5
# How many words after "not" a negation still reaches ("wasn't that useful");
# "no" and "nothing" reach less far ("nothing, as far as I know").
NEGATION_WINDOW = 3
SHORT_NEGATION_WINDOW = 2
MAX_DRIVERS = 6


@dataclass(frozen=True)
class ThemeResult:
    """A theme in one comment: the words that matched it, and its own clauses' polarity."""

    theme_id: str
    evidence: tuple[str, ...]
    label: str
    score: float
    clauses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """One answer, read: its label and score in [-1, 1], whether it mixes clear praise
    with clear criticism, the words behind the label, its themes, and whether it asks
    for a change or an addition (`request`, with the clauses that ask in `asks`)."""

    label: str
    score: float
    mixed: bool
    drivers: tuple[str, ...]
    themes: tuple[ThemeResult, ...]
    request: bool = False
    asks: tuple[str, ...] = ()


# The engine's own records are not frozen: a frozen dataclass costs several times more to
# build, and thousands are built a second. Nothing changes one once it is built.
@dataclass(slots=True)
class _Hit:
    """One piece of opinion: the words as written and their polarity."""

    words: str
    polarity: float
    negated: bool = False  # a word-level hit flipped by "not", "never", "no"...


# Something found at a position in the text: a phrase rule's hit or an emoticon.
_Found = TypeVar("_Found", tuple[int, int, float, str], tuple[int, _Hit])


@dataclass(slots=True)
class _Clause:
    text: str  # as written
    plain: str  # normalised
    hits: tuple[_Hit, ...]
    weight: float
    score: float | None  # None: the clause holds no opinion
    request: bool = False
    nothing: bool = False  # a bare "nothing": a formality when other clauses have opinions
    question: bool = False  # ends with "?"
    tokens: list[str] = field(default_factory=list)  # its words (`tokenise`), for the themes


# --- the lexicon -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[float, float | None]]:
    """word -> (polarity, multiplier if it modifies the next opinion word else None).

    Built once from TextBlob's own lexicon (its averaged "None" part of speech,
    which is what TextBlob(text).sentiment uses), then the domain words on top.
    """
    lexicon: dict[str, tuple[float, float | None]] = {}
    for word, senses in textblob_lexicon.items():
        polarity, _subjectivity, intensity = senses[None]
        # TextBlob treats adverbs as modifiers of the next opinion word.
        lexicon[word] = (polarity, intensity if "RB" in senses else None)
    for word, polarity in DOMAIN_LEXICON.items():
        lexicon[word] = (polarity, None)
    for word, multiplier in INTENSIFIERS.items():
        lexicon[word] = (STANDALONE.get(word, 0.0), multiplier)
    for emoji, polarity in EMOJI.items():
        lexicon[emoji] = (polarity, None)
    return lexicon


@lru_cache(maxsize=1)
def _notable_words() -> frozenset[str]:
    """The words `_word_hits` acts on; any other word, with no negation or modifier
    pending, it passes by."""
    return frozenset(_lexicon()).union(
        NEGATORS, SHORT_NEGATORS, NEGATION_BREAKERS, BELIEFS, NOUN_WHEN_DETERMINED, PREDICATIVE_ONLY
    )


def _emoticons() -> dict[str, float]:
    return {
        face.lower(): polarity for (_name, polarity), faces in EMOTICONS.items() for face in faces
    }


_EMOTICON_POLARITY = _emoticons()
# An emoticon stands alone: "10:30" holds no ":3". The faces are written as a tree of their
# characters, so the engine passes over a place that begins none of them at once (and, the
# tree being greedy, the longest face that stands alone wins, as it would first in a list).
_EMOTICON_RE = re.compile(rf"(?<!\S)(?:{trie(set(_EMOTICON_POLARITY))})(?=\s|$|[.,!?])")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_EDITORIAL_RE = re.compile(
    r"\[\s*(?:unreadable|illegible|inaudible|indecipherable|unclear|sic|redacted|\?)"
    r"[^\[\]\n]{0,60}\]"
)
_WORD_RE = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[" + "".join(EMOJI) + r"]")


# --- reading one answer ----------------------------------------------------------------------


def analyse(text: str, question_kind: str, matcher: ThemeMatcher | None = None) -> Analysis:
    """Sentiment, mixed flag, drivers, request and themes of one answer to one kind of question.

    `matcher` is the compiled taxonomy to tag themes with (the default one when None);
    an unknown question kind is read as "general".
    """
    return _analyse(text, question_kind, matcher, None)[0]


def analyse_keyed(
    text: str, question_kind: str, matcher: ThemeMatcher | None = None
) -> tuple[Analysis, list[str] | None]:
    """`analyse`, and the match keys of all the text's words in order, as
    `[match_key(t) for t in tokenise(normalise(text))]` gives them: the theme matching
    works them out anyway, so whoever reads the comment next need not. None when the
    analysis read other words than those (it set a link or a transcriber's note aside).
    """
    keys: list[str] = []
    analysis, exact = _analyse(text, question_kind, matcher, keys)
    return analysis, (keys if exact else None)


def _analyse(
    text: str, question_kind: str, matcher: ThemeMatcher | None, keys: list[str] | None
) -> tuple[Analysis, bool]:
    """The analysis, and whether `keys` got the keys of all the text's words."""
    kind = question_kind if question_kind in QUESTION_KINDS else "general"
    normalised = read_as = normalise(text)
    if "://" in read_as or "www." in read_as:
        read_as = _URL_RE.sub(_blank, read_as)
    if "[" in read_as:
        # "[unreadable]", "[illegible ?could be OB6]", "[sic]": a transcriber's note, not the
        # writer's words (a placeholder such as "[trainer]" still names who it stands for)
        read_as = _EDITORIAL_RE.sub(_blank, read_as)
    exact = read_as == normalised
    normalised = read_as
    emoticons = _emoticon_hits(normalised)
    spans = _clause_spans(normalised, kind)
    if emoticons and not spans:
        spans = [(0, len(normalised))]  # ":)" alone: its characters also end clauses
    if keys is not None and exact and "'" in normalised:
        # Clauses split no word, but for "rock'n'but": "'" is inside a word only then.
        exact = not any(normalised[start - 1] == "'" for start, _ in spans[1:])
    phrase_hits = _by_clause(_phrase_hits(normalised), spans)
    emoticons_by_clause = _by_clause(emoticons, spans)
    clauses = [
        _score_clause(normalised, text, span, kind, phrase_hits[i], emoticons_by_clause[i], i == 0)
        for i, span in enumerate(spans)
    ]
    clauses = _apply_question_prior(_please_asks_for_what_came_before(clauses), kind)
    score, label, mixed = _overall(clauses)
    asks = tuple([c.text for c in clauses if c.request])
    analysis = _built(
        Analysis,
        label=label,
        score=round(score, 4),
        mixed=mixed,
        drivers=_drivers(clauses, label, mixed),
        themes=_themes(matcher or _default_matcher(), clauses, keys),
        request=bool(asks),
        asks=asks,
    )
    return analysis, exact


_Frozen = TypeVar("_Frozen", Analysis, ThemeResult)


def _built(kind: type[_Frozen], **fields: Any) -> _Frozen:
    """A frozen result made from all its fields without its `__init__`, which sets each
    field through `object.__setattr__` and so costs about twice as much; the result is
    the same (tests/test_analysis.py holds the two alike)."""
    made = object.__new__(kind)
    made.__dict__.update(fields)
    return made


@lru_cache(maxsize=1)
def _default_matcher() -> ThemeMatcher:
    return compile_themes(DEFAULT_THEMES)


def _blank(match: re.Match[str]) -> str:
    """Replace a URL by spaces of the same length so positions still match the text."""
    return " " * len(match.group(0))


def _clause_spans(normalised: str, kind: str) -> list[tuple[int, int]]:
    """Clauses, with a leading "nothing" cut off when it stands alone ("Nothing great service").

    Under "what worked well?" the "nothing" may govern the rest ("nothing great"), so it stays.
    """
    spans = split_clauses(normalised)
    if kind == "went_well" or not spans:
        return spans
    start, end = spans[0]
    leading = LEADING_NOTHING_RE.match(normalised, start, end)
    if leading:
        cut = leading.end(1) if leading.group(1) else leading.end(2)
        return [(start, cut), (cut, end), *spans[1:]]
    return spans


def _phrase_hits(normalised: str) -> list[tuple[int, int, float, str]]:
    """(start, end, polarity, words) of every phrase rule found, left to right."""
    found = []
    for name, start, end in PHRASE_RE.finditer(normalised):
        _pattern, polarity, reach = PHRASE_RULES[int(name[1:])]
        words = normalised[start:end].strip()
        if reach == NEAR:
            before = max(0, start - 24)
            negation = NEGATED_BEFORE_RE.search(normalised, before, start)
            if negation:
                # "not too long", "not a waste of time": the complaint is denied, mildly.
                polarity *= NEGATION_FACTOR
                words = f"{negation.group(1)} {words}"
        elif reach == WIDE:
            before = max(0, start - 60)
            negation = NEGATED_IN_CLAUSE_RE.search(normalised, before, start)
            if negation:
                # "I don't think it could be better": praise, as strong as the complaint.
                polarity = -polarity
                words = f"{negation.group(1)} … {words}"
        found.append((start, end, polarity, words))
    return found


_EMOTICON_CHARS_RE = re.compile("[:;=<>8x*\u2665\u00b0]")


def _emoticon_hits(normalised: str) -> list[tuple[int, _Hit]]:
    if not _EMOTICON_CHARS_RE.search(normalised):
        return []
    return [
        (m.start(), _Hit(m.group(0), _EMOTICON_POLARITY[m.group(0)]))
        for m in _EMOTICON_RE.finditer(normalised)
    ]


def _by_clause(found: Sequence[_Found], spans: list[tuple[int, int]]) -> list[list[_Found]]:
    """Share out things found by position: each goes to the last clause starting before it.

    An emoticon's ":" or "(" also ends a clause, so it joins the clause it closes.
    """
    shares: list[list[_Found]] = [[] for _ in spans]
    if not found:
        return shares
    starts = [start for start, _ in spans]
    for item in found:
        if spans:
            shares[max(0, bisect_right(starts, item[0]) - 1)].append(item)
    return shares


def _score_clause(
    normalised: str,
    original: str,
    span: tuple[int, int],
    kind: str,
    phrase_hits: list[tuple[int, int, float, str]],
    emoticons: list[tuple[int, _Hit]],
    first: bool = False,
) -> _Clause:
    """Score one clause: phrase rules first, then the remaining words one by one.

    Only the first clause can be a bare "nothing" answer: "also, no, ..." later on is not.
    """
    start, end = span
    clause = normalised[start:end]
    shown = original[start:end].strip()
    weight = CONTRAST_WEIGHT if clause.lstrip().startswith(CONTRAST_OPENERS) else 1.0
    question = normalised[end : end + 1] == "?"
    tokens = tokenise(clause)
    plain = is_plain(clause)  # then its tokens are also the words `_word_hits` reads

    nothing = _nothing_hit(clause, kind) if first else None
    if nothing is not None:
        return _Clause(
            shown, clause, (nothing,), weight, nothing.polarity, nothing=True, tokens=tokens
        )

    request = _is_request(clause, kind, tokens)
    if phrase_hits:
        hits = [_Hit(words, polarity) for _, _, polarity, words in phrase_hits if polarity]
        covered = [(p_start - start, p_end - start) for p_start, p_end, _, _ in phrase_hits]
        hits.extend(_word_hits(clause, covered, tokens if plain else None))
    else:
        hits = _word_hits(clause, [], tokens if plain else None)
    if emoticons:
        hits.extend(hit for _, hit in emoticons)
    if request:
        hits = _as_wanted(hits, clause)
        if not hits and weight > 1.0:
            hits = [_Hit(f"but asks for: {_short(shown)}", CONTRAST_ASK)]
    if hits and normalised[end : end + 1] == "!":
        # TextBlob: an exclamation mark strengthens the opinion just before it.
        last = hits[-1]
        hits[-1] = _Hit(last.words + "!", _clip(last.polarity * 1.25))
    score = sum(h.polarity for h in hits) / len(hits) if hits else None
    return _Clause(
        shown, clause, tuple(hits), weight, score, request, question=question, tokens=tokens
    )


_PLEASE_ONLY_RE = re.compile(r"^\s*(?:please|pls|plz)(?: (?:thanks|thank you))?\s*$")


def _please_asks_for_what_came_before(clauses: list[_Clause]) -> list[_Clause]:
    """ "Handouts to take away, please": the "please" makes the clause before it a request."""
    read = clauses
    for i in range(1, len(read)):
        if read[i].request and _PLEASE_ONLY_RE.match(read[i].plain):
            if read is clauses:
                read = list(clauses)  # the clauses given stay as they were
            read[i - 1] = replace(read[i - 1], request=True)
            read[i] = replace(read[i], request=False)
    return read


def _is_request(clause: str, kind: str, tokens: list[str]) -> bool:
    """Does the clause ask for a change or an addition?

    Clear asks count in any question; advice, wants and a clause that starts by
    naming what is wanted only under "what should we change?" and "what next?",
    since under "what worked well?" the same words describe.
    """
    cues = _request_cues(clause) if could_be_cue(tokens) else set()
    if "keep" in cues:
        return False
    if "ask" in cues:
        return True
    return kind != "went_well" and ("advice" in cues or bool(ASK_START_RE.match(clause)))


def _request_cues(clause: str) -> set[str]:
    """The kinds of request cue in a clause: "keep", "ask", "advice"."""
    return {name for name, _start, _end in REQUEST_CUES_RE.finditer(clause.lstrip())}


def _as_wanted(hits: list[_Hit], clause: str) -> list[_Hit]:
    """In a request, praise words name what is wanted, not what was had; complaint
    words stay complaints; and asking for a basic standard says it was not met."""
    kept = [
        _Hit(h.words, _clip(h.polarity / NEGATION_FACTOR)) if _negated(h) else h
        for h in hits
        if h.polarity < 0 or _negated(h) or h.words.split()[-1].strip("!") in SINCERE
    ]
    if any(h.polarity < 0 for h in kept):
        return kept
    standard = BASIC_STANDARD_RE.search(clause)
    if standard:
        kept.append(_Hit(f"not met: {standard.group(0)}", IMPLIED_FAULT))
    else:
        shortfall = SHORTFALL_RE.search(clause)
        if shortfall:
            kept.append(_Hit(f"wants it {shortfall.group(0)}", SHORTFALL))
    return kept


def _negated(hit: _Hit) -> bool:
    """A complaint word under a negation: in a request, "shouldn't have to wait" still complains."""
    return hit.negated and hit.polarity > 0


def _nothing_hit(clause: str, kind: str) -> _Hit | None:
    """A clause that only says "nothing" (or "not sure"): its meaning depends on the question."""
    first_word = BARE_FIRST_WORD_RE.match(clause).group(1)  # type: ignore[union-attr]
    if first_word not in NOTHING_FIRST_WORDS:
        return None  # most clauses: no need to strip them bare
    bare = " ".join(BARE_RE.sub(" ", clause).split())
    if UNSURE_RE.match(bare):
        return _Hit(f'"{bare}" (unsure)', 0.0)
    if bare and NOTHING_RE.match(bare):
        return _Hit(f'"{bare}" ({NOTHING_READING[kind]})', NOTHING_POLARITY[kind])
    return None


def _word_hits(
    clause: str, covered: list[tuple[int, int]], clause_words: list[str] | None = None
) -> list[_Hit]:
    """TextBlob's word-by-word reading, with a wider negation window.

    An opinion word after a modifier ("very") is scaled by it; after a negation
    within the window it is flipped and halved ("not useful"). Words a phrase rule
    has read (`covered`) are passed by. `clause_words`, when given, are the clause's
    words as `_WORD_RE` finds them.
    """
    read: Sequence[str | None]  # the words in order, None for one a phrase rule has read
    if clause_words is None:
        read = _uncovered_words(clause, covered) if covered else _WORD_RE.findall(clause)
    elif covered:
        # A plain clause's words are its runs of letters and digits, counted off by `split`.
        bounds = [len(clause[:at].split()) for span in covered for at in span]
        read = _passed_by(clause_words, bounds)
    else:
        read = clause_words
    lexicon = _lexicon()
    notable = _notable_words()
    hits: list[_Hit] = []
    negation: str | None = None
    negation_left = 0  # words the negation still reaches
    negation_gap = 0  # words between the negation and here, for the driver's wording
    # "I don't think it was useful": a denied belief reaches to the end of the clause.
    belief_denied = False
    modifier: tuple[str, float, float] | None = None  # (word, multiplier, own polarity)
    previous = ""
    ends: list[int] | None = None  # where each word ends, worked out when needed
    for index, word in enumerate(read):
        if word is None:
            negation, modifier, previous = None, None, ""  # a phrase rule has read this word
            continue
        if negation is None and modifier is None and word not in notable and "-" not in word:
            previous = word  # no opinion, no negation, no modifier: nothing to do
            continue
        entry = _lookup(lexicon, word, previous)
        previous = word
        if word in NEGATORS or word in SHORT_NEGATORS:
            negation, negation_gap, belief_denied = word, 0, False
            negation_left = NEGATION_WINDOW if word in NEGATORS else SHORT_NEGATION_WINDOW
            continue
        if negation and word in NEGATION_BREAKERS:
            negation = None
            continue
        if negation and word in BELIEFS:
            belief_denied = True
        if negation and word == "single":
            # "not a single slide was clear", "didn't find a single thing useful": the
            # emphatic denial reaches the opinion at the end of the clause, like a belief.
            belief_denied = True
            continue
        if entry is None or (entry[0] == 0.0 and entry[1] is None):
            negation_left -= 1
            negation_gap += 1
            if negation_left <= 0 and not belief_denied:
                negation = None
            if modifier and len(word) > 2:
                hits.extend(_lone_modifier(modifier))
                modifier = None
            continue
        polarity, multiplier = entry
        if multiplier is not None:
            # A modifier changes the next opinion word ("very good").
            modifier = (word, multiplier if not negation else 1 / multiplier, polarity)
            continue
        words = word
        if modifier:
            polarity = _clip(polarity * modifier[1])
            words = f"{modifier[0]} {word}"
            modifier = None
        negated = negation is not None
        if negation:
            polarity *= NEGATION_FACTOR
            words = f"{negation}{' … ' if negation_gap else ' '}{words}"
            negation_gap += 1
            if not belief_denied:
                # "not respectful or helpful": the negation carries over "or" and "nor"
                if ends is None:
                    ends = [match.end() for match in _WORD_RE.finditer(clause)]
                follows = clause[ends[index] : ends[index] + 5]
                if follows.startswith((" or ", " nor ")):
                    negation_left = 2
                else:
                    negation = None
        if polarity != 0.0:
            hits.append(_Hit(words, polarity, negated))
    if modifier:
        hits.extend(_lone_modifier(modifier))
    return hits


def _uncovered_words(clause: str, covered: list[tuple[int, int]]) -> list[str | None]:
    """The clause's words, with None for each that starts inside a `covered` span."""
    words: list[str | None] = []
    next_covered = 0  # phrases and words both run left to right
    for match in _WORD_RE.finditer(clause):
        while next_covered < len(covered) and covered[next_covered][1] <= match.start():
            next_covered += 1
        if next_covered < len(covered) and covered[next_covered][0] <= match.start():
            words.append(None)
        else:
            words.append(match.group(0))
    return words


def _passed_by(words: list[str], bounds: list[int]) -> list[str | None]:
    """The words with None for those from bounds[0] up to bounds[1], from bounds[2] up
    to bounds[3], and so on: those that start in a phrase rule's span."""
    read: list[str | None] = list(words)
    for i in range(0, len(bounds), 2):
        first, stop = bounds[i], bounds[i + 1]
        read[first:stop] = [None] * (stop - first)
    return read


def _lone_modifier(modifier: tuple[str, float, float]) -> list[_Hit]:
    """A modifier with no opinion word after it keeps its own opinion ("pretty", "super")."""
    word, _multiplier, polarity = modifier
    return [_Hit(word, polarity)] if polarity else []


def _lookup(
    lexicon: dict[str, tuple[float, float | None]], word: str, previous: str
) -> tuple[float, float | None] | None:
    if word in NOUN_WHEN_DETERMINED and previous in DETERMINERS:
        return None  # "the patient", "a kind of"
    if word in PREDICATIVE_ONLY and previous not in PREDICATIVE_CUES:
        return None
    entry = lexicon.get(word)
    if entry is None and "-" in word:
        entry = lexicon.get(word.rsplit("-", 1)[1])  # "user-friendly" reads as "friendly"
    return entry


# --- the question's prior --------------------------------------------------------------------


def _apply_question_prior(clauses: list[_Clause], kind: str) -> list[_Clause]:
    """Read an answer with no opinion words in the light of the question it answers.

    Under "what worked well?" naming a thing is praise, under "what should we
    change?" it names a problem, and under "what help next?" it asks for it. A
    long story, a question or a note about oneself is none of these. When the
    answer has opinion words, only an exception ("nothing, apart from the
    wifi") is read this way.
    """
    if not clauses:
        return clauses
    if any(c.score is not None for c in clauses):
        return [
            _with_hit(c, _Hit(f"except: {_short(c.text)}", SUGGESTION))
            if i > 0 and c.score is None and not c.request and EXCEPTION_RE.match(c.plain)
            else c
            for i, c in enumerate(clauses)
        ]
    if any(c.request for c in clauses):
        return clauses
    said = [i for i, c in enumerate(clauses) if _WORDY_RE.search(c.plain)]
    if not said or _is_story(clauses, kind):
        return clauses
    first = clauses[said[0]]
    if first.question or QUESTION_RE.match(first.plain) or SELF_REPORT_RE.match(first.plain):
        return clauses
    if kind == "general":
        # Under "what help next?" a bare name ("a session on Instagram") asks for it; an
        # answer that explains ("because of the staff") gives a reason and asks for nothing.
        if EXPLANATION_RE.match(first.plain) or any(FINITE_RE.search(c.plain) for c in clauses):
            return clauses
        return [replace(c, request=True) for c in clauses]
    if kind == "to_change" and EXPLANATION_RE.match(first.plain):
        return clauses
    if kind == "went_well":
        hit = _Hit(f"worked well: {_short(first.text)}", WENT_WELL_PRIOR)
    else:
        hit = _Hit(f"to change: {_short(first.text)}", SUGGESTION)
    return [_with_hit(c, hit) if i == said[0] else c for i, c in enumerate(clauses)]


_WORDY_RE = re.compile(r"[a-z]{2}")


def _is_story(clauses: list[_Clause], kind: str) -> bool:
    """An account of what happened, too long to be naming one thing that worked or not."""
    text = " ".join(c.plain for c in clauses)
    limit = STORY_WORDS if kind == "went_well" else TO_CHANGE_STORY_WORDS
    return len(text.split()) >= limit and bool(NARRATIVE_RE.search(text))


def _with_hit(clause: _Clause, hit: _Hit) -> _Clause:
    return replace(clause, hits=(hit,), score=hit.polarity)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the verdict -----------------------------------------------------------------------------


def _overall(clauses: list[_Clause]) -> tuple[float, str, bool]:
    """Weighted mean of the clause scores; mixed when clear praise meets clear criticism.

    A "nothing" or a "thank you" beside real opinions is a formality and weighs
    little. A mixed comment is neutral when its two sides weigh about the same,
    and otherwise takes the label of the heavier side.
    """
    scored = [c for c in clauses if c.score is not None]
    if not scored:
        return 0.0, NEUTRAL, False
    formal = [c.nothing or _polite_only(c) for c in scored]
    said = not all(formal)
    weights = [
        c.weight * (FORMALITY_WEIGHT if said and aside else 1.0)
        for c, aside in zip(scored, formal, strict=True)
    ]
    score = _clip(
        sum([w * (c.score or 0.0) for w, c in zip(weights, scored, strict=True)]) / sum(weights)
    )
    # Each side's weight: its clear opinion words, each with its share of its clause,
    # so "very good staff, response time very poor" is mixed within one clause.
    praise = criticism = 0.0
    for w, c, aside in zip(weights, scored, formal, strict=True):
        if said and aside:
            continue
        for hit in c.hits:
            share = w * hit.polarity / len(c.hits)
            if hit.polarity >= CLEAR_CLAUSE:
                praise += share
            elif hit.polarity <= -CLEAR_CLAUSE:
                criticism -= share
    mixed = praise > 0 and criticism > 0
    if mixed:
        criticism *= CRITICISM_WEIGHT
        if min(praise, criticism) >= MIXED_BALANCE * max(praise, criticism):
            return score, NEUTRAL, True
        return score, POSITIVE if praise > criticism else NEGATIVE, True
    return score, _label(score), mixed


def _polite_only(clause: _Clause) -> bool:
    hits = clause.hits
    if not hits or not hits[0].words.strip("!").endswith(_POLITE_ENDINGS):
        return False  # the usual case, told without cutting the words up
    return all(h.words.strip("!").split()[-1] in POLITE for h in hits)


_POLITE_ENDINGS = tuple(POLITE)


def _label(score: float) -> str:
    if score > LABEL_THRESHOLD:
        return POSITIVE
    if score < -LABEL_THRESHOLD:
        return NEGATIVE
    return NEUTRAL


def _clip(value: float) -> float:
    return max(-1.0, min(1.0, value))


def _drivers(clauses: list[_Clause], label: str, mixed: bool) -> tuple[str, ...]:
    """The opinion words behind the label, strongest first; both sides when mixed."""
    if label == POSITIVE and not mixed:
        hits = [h for c in clauses for h in c.hits if h.polarity > 0]
    elif label == NEGATIVE and not mixed:
        hits = [h for c in clauses for h in c.hits if h.polarity < 0]
    else:
        hits = [h for c in clauses for h in c.hits]
    if len(hits) < 2:
        return tuple([h.words for h in hits])
    ordered = sorted(hits, key=_strength)
    return tuple(dict.fromkeys([h.words for h in ordered]))[:MAX_DRIVERS]  # each once, in order


def _strength(hit: _Hit) -> float:
    return -abs(hit.polarity)


def _themes(
    matcher: ThemeMatcher,
    clauses: list[_Clause],
    keys: list[str] | None = None,
) -> tuple[ThemeResult, ...]:
    """Each theme with its matched words and the polarity of the clauses it sits in
    (and the match keys of the clauses' words appended to `keys`)."""
    evidence: dict[str, list[str]] = {}
    theme_clauses: dict[str, list[_Clause]] = {}
    for clause in clauses:
        for theme_id, words in match_tokens(matcher, clause.tokens, keys).items():
            found = evidence.get(theme_id)
            if found is None:
                evidence[theme_id] = list(words)  # `match_tokens` gives each word once
                theme_clauses[theme_id] = [clause]
            else:
                found.extend(w for w in words if w not in found)
                theme_clauses[theme_id].append(clause)
    if not evidence:
        return ()
    results = []
    for theme in matcher.themes:
        found = evidence.get(theme.id)
        if found is None:
            continue
        sources = theme_clauses[theme.id]
        scores = [c.score for c in sources if c.score is not None]
        score = _clip(sum(scores) / len(scores)) if scores else 0.0
        results.append(
            _built(
                ThemeResult,
                theme_id=theme.id,
                evidence=tuple(found),
                label=_label(score),
                score=round(score, 4),
                clauses=tuple([c.text for c in sources]),
            )
        )
    return tuple(results)


# The score a label stands for when a person or the learned layer sets the label.
_LABEL_SCORE = {POSITIVE: 0.5, NEUTRAL: 0.0, NEGATIVE: -0.5}


def relabel(analysis: Analysis, label: str, because: str) -> Analysis:
    """The analysis with its sentiment set by a person or by the learned layer.

    `because` leads the drivers ("corrected by a facilitator", "learnt from 14
    corrections like this one"). When the answer was not mixed its themes took
    their tone from the whole answer, so they take the new label too; a mixed
    answer's themes keep the tone of their own clauses.
    """
    if label not in _LABEL_SCORE:
        raise ValueError(f"unknown label {label!r}")
    score = analysis.score if _label(analysis.score) == label else _LABEL_SCORE[label]
    themes = analysis.themes
    if not analysis.mixed:
        themes = tuple(
            replace(t, label=label, score=round(score, 4)) if t.label != label else t
            for t in themes
        )
    drivers = (because, *(d for d in analysis.drivers if d != because))[:MAX_DRIVERS]
    return replace(analysis, label=label, score=round(score, 4), drivers=drivers, themes=themes)


def explain(analysis: Analysis) -> str:
    """One line a person can read: the label, the words behind it, and the themes."""
    head = f"{analysis.label} ({analysis.score:+.2f})"
    if analysis.mixed:
        head += ", mixed"
    because = "; ".join(d if d.startswith('"') else f'"{d}"' for d in analysis.drivers)
    parts = [head + (f" because of {because}" if because else ": no opinion words found")]
    if analysis.request:
        parts.append("asks for " + "; ".join(f'"{_short(ask)}"' for ask in analysis.asks))
    if analysis.themes:
        parts.append(
            "themes: "
            + ", ".join(
                f"{t.theme_id} {t.label} ({', '.join(t.evidence)})" for t in analysis.themes
            )
        )
    return "; ".join(parts)


# --- many texts at once ----------------------------------------------------------------------

_worker_matcher: ThemeMatcher | None = None


def _init_worker(themes: tuple[ThemeDefinition, ...]) -> None:
    global _worker_matcher
    _worker_matcher = compile_themes(themes)


def _analyse_chunk(chunk: Sequence[tuple[str, str]]) -> list[Analysis]:
    matcher = _worker_matcher or compile_themes(DEFAULT_THEMES)
    return [analyse(text, kind, matcher) for text, kind in chunk]


def analyse_many(
    items: Sequence[tuple[str, str]],
    matcher_themes: Sequence[ThemeDefinition] = DEFAULT_THEMES,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[Analysis]:
    """Analyse many (text, question kind) pairs, in order, on `workers` processes.

    Small batches run in this process (see lessons.analysis_pool); `progress(done,
    total)` is called as chunks finish, so a page can show a progress bar.
    """
    themes = tuple(matcher_themes)
    matcher = compile_themes(themes)
    return run_in_chunks(
        items,
        in_process=lambda chunk: [analyse(text, kind, matcher) for text, kind in chunk],
        in_worker=_analyse_chunk,
        initializer=_init_worker,
        initargs=(themes,),
        workers=workers,
        progress=progress,
    )
