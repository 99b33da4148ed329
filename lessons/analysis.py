"""Question-aware sentiment and explainable themes for feedback comments.

Pure functions of (text, question kind): no Streamlit, no database, no NLTK
corpora. The approach, and why:

* TextBlob's lexicon and its way of scoring (average of the opinion words,
  "very" strengthens, "not" halves and flips, "!" boosts) is the base, because
  people already know and trust it.
* It misreads training feedback in predictable ways, so a few general rules sit
  on top: complaint patterns ("too long", "not enough practice", "did not work",
  "ran out of time", "could have been shorter"), praise idioms ("couldn't have
  been better"), a wider negation window ("wasn't that useful"), and a small
  lexicon of words TextBlob lacks or gets wrong for feedback ("helpful",
  "rushed"; "first" and "more" carry no opinion).
* The text is cut into clauses at punctuation and contrast words ("but",
  "however"), each clause is scored alone, and the clause after "but" counts
  more. Praise in one clause and criticism in another makes the comment mixed.
* A request or a might-have-been ("more examples please", "it would have been
  good to...") is not praise: its positive words describe what was missing.
* The question sets the prior: "Nothing" under "what should we change?" is no
  complaint, under "what worked well?" it is a complaint, and a bare suggestion
  under "what should we change?" leans negative.
* Every label carries the words that drove it, and every theme the words that
  matched and the polarity of its own clauses.
"""

from __future__ import annotations

import os
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from typing import TypeVar

from textblob._text import EMOTICONS
from textblob.en import sentiment as textblob_lexicon

from lessons.themes import (
    DEFAULT_THEMES,
    ThemeDefinition,
    ThemeMatcher,
    compile_themes,
    match_clause,
    normalise,
    split_clauses,
)

# Bump whenever a rule, a word list or a threshold changes: stored analyses
# made by an older version are then re-analysed, the rest are left alone.
ANALYSER_VERSION = "1.1.0"

QUESTION_KINDS = ("went_well", "to_change", "general")
POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"

# A score above this is positive, below its negative is negative.
LABEL_THRESHOLD = 0.05
# A clause at least this far from zero is "clear" praise or criticism (for `mixed`).
CLEAR_CLAUSE = 0.15
# A mixed comment whose overall score is closer to zero than this is labelled neutral.
MIXED_NEUTRAL_BAND = 0.2
# What follows "but" or "however" is usually the point the writer wants to make.
CONTRAST_WEIGHT = 1.5
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
    with clear criticism, the words behind the label, and its themes."""

    label: str
    score: float
    mixed: bool
    drivers: tuple[str, ...]
    themes: tuple[ThemeResult, ...]


@dataclass(frozen=True)
class _Hit:
    """One piece of opinion: the words as written and their polarity."""

    words: str
    polarity: float


# Something found at a position in the text: a phrase rule's hit or an emoticon.
_Found = TypeVar("_Found", tuple[int, int, float, str], tuple[int, _Hit])


@dataclass(frozen=True)
class _Clause:
    text: str
    hits: tuple[_Hit, ...]
    weight: float
    score: float | None  # None: the clause holds no opinion
    request: bool = False
    nothing: bool = False  # a bare "nothing": a formality when other clauses have opinions


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- the lexicon -----------------------------------------------------------------------------

# Words TextBlob lacks or misreads in feedback. Values are polarities on
# TextBlob's scale. Zero means "carries no opinion here" ("first hour", "more
# examples", "small group", "make sure").
# fmt: off
_DOMAIN_LEXICON: dict[str, float] = {
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
    "mean": 0.0, "kind": 0.1, "most": 0.0, "enough": 0.0, "whole": 0.0, "main": 0.0, "extra": 0.0,
    "different": 0.0, "particular": 0.0, "specific": 0.0, "open": 0.0, "basic": 0.0, "simple": 0.1,
    "advanced": 0.0, "technical": 0.0, "quick": 0.1, "fast": 0.0, "right": 0.2, "light": 0.0,
    "top": 0.0, "straight": 0.0, "original": 0.0, "positive": 0.1, "ready": 0.0, "available": 0.0,
    "many": 0.0, "able": 0.2, "far": 0.0, "true": 0.1, "young": 0.0, "old": 0.0, "past": 0.0,
    "considerable": 0.0, "minor": 0.0, "becoming": 0.0, "alive": 0.0, "due": 0.0, "usual": 0.0,
    "normal": 0.0, "near": 0.0, "special": 0.1, "major": 0.0, "certainly": 0.0, "ill": -0.2,
    "hesitation": -0.3, "expected": 0.0, "lately": 0.0, "down": 0.0, "spent": 0.0,
    "disabled": 0.0, "huge": 0.0, "honestly": 0.0, "convinced": 0.3,
    "unconvinced": -0.4, "sceptical": -0.3, "nightmare": -0.6, "responsive": 0.4,
    "compassionate": 0.5, "reassurance": 0.4, "dignity": 0.3, "respect": 0.3,
    "consideration": 0.3, "assured": 0.3, "well-mannered": 0.4, "truthful": 0.0,
    "truthfully": 0.0, "evident": 0.0, "logical": 0.0, "precisely": 0.0, "complete": 0.0,
    "official": 0.0, "sound": 0.0,
}
# fmt: on

# Words that strengthen or soften the next opinion word, and by how much.
# fmt: off
_INTENSIFIERS: dict[str, float] = {
    "very": 1.3, "really": 1.2, "so": 1.3, "extremely": 1.5, "incredibly": 1.5, "super": 1.3,
    "absolutely": 1.4, "particularly": 1.2, "highly": 1.3, "truly": 1.3, "thoroughly": 1.3,
    "exceptionally": 1.5, "genuinely": 1.2, "totally": 1.3, "completely": 1.3, "quite": 1.0,
    "fairly": 0.8, "pretty": 1.0, "rather": 0.9, "slightly": 0.6, "somewhat": 0.7, "bit": 0.7,
    "mostly": 0.8, "generally": 0.9, "reasonably": 0.8, "relatively": 0.8,
}
# fmt: on

# Adjectives that also modify: alone they keep TextBlob's opinion ("very pretty").
_STANDALONE: dict[str, float] = {"pretty": 0.25, "super": 0.33}

# Negations that reach NEGATION_WINDOW words, and the ones that reach fewer.
_NEGATORS = _words(
    """
    not never cannot neither nor hardly barely dont didnt doesnt wasnt werent isnt cant couldnt
    wouldnt wont shouldnt havent hasnt hadnt aint arent don't didn't doesn't wasn't weren't isn't
    can't couldn't wouldn't won't shouldn't haven't hasn't hadn't ain't aren't mustn't needn't
    """
)
_SHORT_NEGATORS = frozenset({"no", "nothing", "none", "nobody", "without"})
# "not sure it helped", "don't think it was useful": the doubt covers the whole clause.
_BELIEFS = _words("think thought convinced sure believe feel felt certain")
# Words after "not" that cancel the negation: "not only useful but...", "no doubt".
_NEGATION_BREAKERS = _words("only just doubt matter wonder expect expected")
# "the patient", "a patient" is a person, not praise.
_DETERMINERS = _words("the a an my his her our your their each every this that another any")
_NOUN_WHEN_DETERMINED = _words("patient kind positive right")
# "patient" praises a person only after "was", "very", "and"...: "patient transport" does not.
_PREDICATIVE_ONLY = _words("patient")
_PREDICATIVE_CUES = _words(
    "was were is are be been being very so really extremely incredibly and most more quite always"
    " too how remained stayed felt"
)
# Words whose praise stands even inside a request ("I would recommend it").
_SINCERE = frozenset({"recommend", "recommended", "thank", "thanks", "thankyou", "grateful"})

# Emoji people put in a quick phone answer.
# fmt: off
_EMOJI: dict[str, float] = {
    "\U0001f44d": 0.5, "\U0001f44f": 0.5, "\U0001f642": 0.5, "\U0001f600": 0.6, "\U0001f603": 0.6,
    "\U0001f604": 0.6, "\U0001f601": 0.6, "\U0001f60a": 0.6, "\U0001f60d": 0.8, "\u2764": 0.6,
    "\U0001f496": 0.6, "\U0001f4af": 0.5, "\U0001f389": 0.5, "\u2b50": 0.3, "\U0001f31f": 0.4,
    "\U0001f64f": 0.4, "\U0001f44e": -0.5, "\U0001f641": -0.5, "\u2639": -0.5, "\U0001f61e": -0.6,
    "\U0001f622": -0.6, "\U0001f62d": -0.6, "\U0001f621": -0.7, "\U0001f620": -0.7,
    "\U0001f634": -0.4, "\U0001f612": -0.4, "\U0001f644": -0.4, "\U0001f615": -0.3,
}
# fmt: on


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
    for word, polarity in _DOMAIN_LEXICON.items():
        lexicon[word] = (polarity, None)
    for word, multiplier in _INTENSIFIERS.items():
        lexicon[word] = (_STANDALONE.get(word, 0.0), multiplier)
    for emoji, polarity in _EMOJI.items():
        lexicon[emoji] = (polarity, None)
    return lexicon


def _emoticons() -> dict[str, float]:
    return {
        face.lower(): polarity for (_name, polarity), faces in EMOTICONS.items() for face in faces
    }


_EMOTICON_POLARITY = _emoticons()
# An emoticon stands alone: "10:30" holds no ":3".
_EMOTICON_RE = re.compile(
    r"(?<!\S)(?:"
    + "|".join(re.escape(face) for face in sorted(_EMOTICON_POLARITY, key=len, reverse=True))
    + r")(?=\s|$|[.,!?])"
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_WORD_RE = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[" + "".join(_EMOJI) + r"]")

# --- phrase rules ----------------------------------------------------------------------------

_AUX_NOT = (
    r"(?:(?:did|does|do|was|were|is|are|would|could|can|will|wo|has|have|had|should)"
    r"(?: not|n't|nt)|cannot|can not|never|not)"
)
_CANNOT = r"(?:could ?n't|could ?not|couldnt|can't|cannot|can not|cant)"
_TIME_GONE = (
    r"(?:ran|run|running|runs) out of time|(?:short|pushed|pressed|tight) (?:of|for|on) time"
    r"|time was (?:tight|short|limited)|over ?ran|over ?run(?:ning)?|ran (?:over|late)"
    r"|running (?:over|late)|(?:started|start|starting|finished|finish|ended) late"
    r"|went on (?:too long|a bit|and on|for too long)|dragged(?: on)?|drags? on"
    r"|took (?:ages|forever|so long|too long|a (?:long|while)|(?:over |nearly |almost |about )?"
    r"(?:an?|\d+|two|three|four|five|ten|twenty|thirty|forty) ?(?:hours?|hrs?|minutes|mins))"
    r" (?:to|for|before|until)"
    r"|(?:a|such a|very) long time|on hold for"
)
_NEEDED = (
    r"wi-?fi|wi fi|internet|signal|connection|breaks?|handouts?|slides|microphone|mic"
    r"|parking|refreshments|coffee|tea|water|time|chance|opportunity|examples|support"
    r"|help|follow[- ]up|practice|practical|hands[- ]on|explanation|guidance|notes"
    r"|agenda|structure|sound|projector|feedback|answers?|reply|response|information|info"
    r"|updates?|contact|communication|apology|compassion|empathy|instructions|service|staff"
    r"|one"
)
_FUNCTION_WORDS = (
    r"(?:and|but|or|i|we|you|they|it|the|a|an|so|as|is|was|which|though|who|that|for|with"
    r"|in|on|at|to|of|this|my|me)\b"
)

# How far back a "not" reaches to deny a phrase: not at all, the word just
# before ("not too long"), or anywhere earlier in its clause ("I don't think
# anything could have been better").
NEVER, NEAR, WIDE = 0, 1, 2

# (pattern, polarity, how far back a negation denies it).
# Order matters: the first pattern that matches at a place wins, so the
# idioms that contain "not" come before the complaints that start with it.
_PHRASE_RULES: tuple[tuple[str, float, int], ...] = (
    # praise idioms that a word-by-word reading gets wrong
    (
        rf"{_CANNOT}(?: have)?(?: been| be| done| do| ask(?:ed)? for| wish for| want)?"
        r"(?: any| much)? (?:better|nicer|kinder|happier|more(?: \w+)?)\b",
        0.8,
        NEVER,
    ),
    (rf"{_CANNOT} fault\b", 0.7, NEVER),
    (rf"{_CANNOT} (?:thank|praise|recommend)\w*(?: \w+){{0,3}} enough\b", 0.8, NEVER),
    (
        r"\b(?:would|i'd|we'd|wouldn't|would not) (?:have )?(?:been |be )?lost without\b"
        rf"|\b{_CANNOT} (?:have )?(?:done|managed) (?:it |this )?without\b",
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
        r"\bno (?:complaints?|problems?|issues?|faults?|concerns?|suggestions?"
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
        r"|\bfirst class\b|\b1st class\b|\btop notch\b|\bat ease\b|\bthank you\b"
        r"|\blearn(?:t|ed) (?:a lot|so much|loads)\b|\blooked after\b"
        r"|\bcould have (?:stayed|listened|gone on|carried on)\b",
        0.5,
        NEVER,
    ),
    (
        r"\b(?:went|worked|explained|presented|organised|organized|run|paced|structured"
        r"|delivered|planned|managed|thought out)"
        r" (?:really |very |so |extremely |quite |pretty |fairly |all |very very )?well\b"
        r"|\bwell (?:explained|presented|organised|organized|run|paced|structured|delivered"
        r"|planned|managed|thought out|done|informed)\b",
        0.5,
        NEVER,
    ),
    # complaints
    (r"\bwaste of (?:time|money|space)\b", -0.7, NEAR),
    (r"\blet (?:me |us |them |you |people )?down\b", -0.5, NEAR),
    # "started on time" is praise; "not on time" is not
    (r"\b(?:on|in good|in plenty of) time\b(?! to| for)", 0.3, NEAR),
    (
        r"\b(?:not|never|no|\w+n'?t)(?: \w+){0,2}? enough(?: (?!" + _FUNCTION_WORDS + r")\w+)?"
        r"|\btoo (?:little|few)\b|\black of\b|\bnot up to (?:standard|scratch|par)\b"
        r"|\bbelow (?:par|standard)\b|\bsub-?standard\b",
        -0.5,
        NEVER,
    ),
    (
        rf"\b{_AUX_NOT} (?:\w+ )?(?:work|working|load|loading|connect|connecting|open|opening"
        r"|turn on|switch on)\b|\bstopped working\b|\b(?:wasn't|was not|weren't|were not) "
        r"(?:set up|ready|available|charged|switched on)\b",
        -0.5,
        NEVER,
    ),
    # what should have happened and did not: "they didn't ring back", "never arrived"
    (
        rf"\b{_AUX_NOT} (?:\w+ )?(?:get|help|answer|ring|call|arrive|arrived|turn up|turned up"
        r"|come|came|show up|showed up|cover|explain|listen|reply|respond|happen|offer|tell"
        r"|bother)\b|\bexpected (?:more|better)\b",
        -0.4,
        NEVER,
    ),
    (
        rf"\b(?:{_AUX_NOT}(?: be)?|unable to|(?:was|were)n't able to|not able to|struggled to"
        r"|impossible to|hard to|difficult to|tricky to) (?:\w+ )?(?:hear|see|follow|understand"
        r"|log|sign|get on|get in|get online|get connected|access|connect|keep up|read)\b",
        -0.5,
        NEVER,
    ),
    (_TIME_GONE, -0.5, NEAR),
    (
        r"\b(?:could|should|would|might|needs? to|ought to|can)(?: have| of)?(?: been| be)?"
        r"(?: done)?(?: any)? (?:a (?:lot |little |bit )?|much |far )?(?:better|shorter|longer"
        r"|clearer|quicker|improved|simpler|slower|faster|tighter|more focused|more organised"
        r"|bettered|differently)\b"
        r"|\bmore could (?:have|of) been done\b",
        -0.4,
        WIDE,
    ),
    (
        r"\b(?:would|could|should)(?: have)? (?:like|liked|prefer|preferred|welcome|appreciate"
        r"|appreciated|benefit(?:ted)? from)d? (?:more|less|fewer|a bit more|some more|extra)\b"
        r"|\bi wish\b",
        -0.3,
        NEVER,
    ),
    # "you could have asked": a past might-have-been is a complaint
    (
        r"\b(?:could|should) (?:have|of) (?!been\b)\w+",
        -0.3,
        NEVER,
    ),
    (
        r"\b(?:(?:far|way|much|a bit|a little|slightly|rather|bit|just|simply|a tad) )?too "
        r"(?:(?:much|many)(?: (?:of )?(?:the )?(?!" + _FUNCTION_WORDS + r")\w+)?"
        r"|(?!" + _FUNCTION_WORDS + r"|good\b|kind\b)\w+)",
        -0.5,
        NEAR,
    ),
    (
        rf"\b(?:no|without|never (?:got|had|given)(?: a| any)?|{_AUX_NOT} (?:get|have|given)"
        rf"(?: a| any)?) (?:{_NEEDED})\b",
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
# One pass for all the rules. Every rule starts at the start of a word, and
# saying so up front lets the engine skip the other positions (three times faster).
_PHRASE_RE = re.compile(
    r"\b(?=[a-z0-9])(?:"
    + "|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _, _) in enumerate(_PHRASE_RULES))
    + ")"
)
# A negation in the words just before a complaint denies it ("not too long").
_NEGATED_BEFORE_RE = re.compile(
    r"\b(not|never|no|nothing|hardly|\w+n't)\s+(?:(?:a|an|the|at all|really|that|as|so|"
    r"particularly|overly)\s+)?$"
)

_NEGATED_IN_CLAUSE_RE = re.compile(
    r"\b(not|never|no|nothing|\w+n't|dont|didnt|cant|couldnt)\b[^.,;:!?\n]*$"
)

# --- question-aware readings -----------------------------------------------------------------

# Whole answers (or whole clauses) that say "nothing to report".
_NOTHING_RE = re.compile(
    r"^(?:(?:absolutely|really|honestly|genuinely|there's|there is|there was|i think|literally)"
    r" )?(?:nothing|none|non|no|nope|nah|nil|n/?a|na|not really|nothing really|nothing at all"
    r"|nothing else|nothing more|nothing much|none really|not applicable|no comments?"
    r"|no changes?|no change needed|nothing to (?:add|say|report|mention)|not a thing"
    r"|nothing (?:that )?i can think of|no thanks?|none needed|none at present|very little"
    r"|not much|not very much|not a lot|nothing obvious|none that i can think of"
    r"|nothing at (?:the|this) (?:moment|time|stage)|nothing for now|all good|all fine"
    r"|(?:on|for) this occasion nothing|nothing on this occasion|no improvements?"
    r"|for me nothing|-+|x)"
    r"(?: (?:really|at all|thanks?|thank you|for now|so far|to be honest|honestly|for me"
    r"|in my case|from me))*$"
)
_UNSURE_RE = re.compile(
    r"^(?:not sure|unsure|don'?t know|do not know|no idea|idk|dunno|can'?t say|not certain)"
    r"(?: (?:really|yet|at the moment|at this stage))*$"
)
# "Nothing great service": a leading "nothing" that does not govern what follows
# is an answer of its own. Group 1 (or 2, before "I think") is that answer.
_LEADING_NOTHING_RE = re.compile(
    r"^\s*((?:nothing|none|nope|no(?= (?:everything|it|its|it's|all|very|really|great|good"
    r"|excellent|brilliant|fine|perfect|thanks|thank|they|you|keep)\b))"
    r"(?: (?:really|at all|else|thanks?|thank you))?)\s+"
    r"(?!(?:to|wrong|bad|negative|new|useful|of|in|about|that|which|more|much|but|better"
    r"|worked|helped|was|is|were|could|would|needs?|needed|i|we|one|way|doubt|problems?"
    r"|issues?|complaints?|real|major|apart|except|other|[a-z]+ed)\b)\S"
    r"|^\s*((?:nothing|none|no|nope))\s+(?=(?:i|we) (?:think|feel|thought|found|was|am|were)\b)"
)
_BARE_RE = re.compile(r"[^\w\s/'-]+")

# A request is not praise: "more examples please", "be more patient".
# Asking for it quicker, shorter or clearer says it was slow, long or unclear.
_SHORTFALL = (
    r"quicker|sooner|faster|earlier|shorter|longer|clearer|simpler|slower|louder|better|easier"
    r"|more (?:quickly|clearly|slowly|promptly)"
    # verbs that presuppose a fault: "improve the sound", "fix the wifi"
    r"|(?:improve|fix|sort out|repair|upgrade|maintain|reduce|cut down|shorten|speed up)"
    r"(?: on)? (?:the|your|its|their|this|that)"
)
_SHORTFALL_RE = re.compile(r"\b(?:" + _SHORTFALL + r")\b")
_REQUEST_RE = re.compile(
    r"^\s*(?:(?:but|and|also|so|just|please|maybe|perhaps|possibly|ideally|i think|i feel"
    r"|i'd say|i would say|i would suggest|i'd suggest|suggest|a|some)\s+)*"
    r"(?:more|less|fewer|better|quicker|faster|shorter|longer|clearer|simpler|bigger|smaller"
    r"|earlier|later|be|get|make|give|provide|answer|increase|reduce|improve|ensure|check"
    r"|listen|teach|stop|try|use|send|offer|allow|add|include|cut|speed|slow|explain"
    r"|train|employ|hire|fix|don't|do not|avoid|consider|need|needs|spend|focus|split|hold"
    r"|allocate|limit|cover|show|let|tell|update|organise|arrange|perhaps|getting|having"
    r"|making|giving|providing|being more|being able"
    r"|have (?:more|less|fewer|a|an|some|the|it|them|longer|shorter|smaller|bigger))\b"
    r"|\b(?:should|would be|could be|could do with|could use|needs? to|ought to|i'd like"
    r"|i would like|i'd love|i would love|would prefer|would welcome|would appreciate"
    r"|would benefit|suggest|suggestion|hopefully|if (?:there|we|you|it|they|the))\b"
    r"|\b(?:quicker|sooner|faster|earlier|shorter|clearer|simpler|slower|louder"
    r"|more (?:quickly|clearly|slowly|promptly))\b(?! than)"
)
# A might-have-been: its positive words name what was missing, in any question.
_COUNTERFACTUAL_RE = re.compile(
    r"\b(?:would|could|should|might|may|'d) (?:have|of) been\b|\b(?:would|could|may|might)"
    r" (?:have|of) (?:liked|loved|preferred|appreciated|helped)\b|\bif only\b|\bi wish\b"
    r"|\b(?:could|should) (?:have|of) (?!been\b)\w+"
)
# A clause that tells what happened, in the past tense, is not a suggestion.
_NARRATIVE_RE = re.compile(r"\b(?:was|were|had|did|got|came|went|took|gave|made|\w{3,}ed)\b")
# "Because it was on time": an answer that explains, rather than suggests.
_EXPLANATION_RE = re.compile(r"^\s*(?:because|as|due to|since|cause|cos)\b")
_EXCEPTION_RE = re.compile(
    r"^\s*(?:except|apart from|other than|the only|my only|only thing|one thing)\b"
)
# "more helpful", "better": in a request, a comparative names what was lacking.
_COMPARATIVES = frozenset({"more", "better", "less"})
_SUGGESTION = -0.25
# "Nothing" means "no complaint" under what-to-change, "nothing worked" under what-went-well.
_NOTHING_POLARITY = {"to_change": 0.4, "went_well": -0.4, "general": 0.2}
_NOTHING_READING = {
    "to_change": "no change wanted",
    "went_well": "nothing worked well",
    "general": "nothing to add",
}
# An opinion-free answer to "what worked well?" still names something that worked.
_WENT_WELL_PRIOR = 0.25
_CONTRAST_OPENERS = (
    "but", "however", "yet", "although", "though", "unfortunately", "sadly", "except",
    "apart from", "other than",
)  # fmt: skip


def analyse(text: str, question_kind: str, matcher: ThemeMatcher | None = None) -> Analysis:
    """Sentiment, mixed flag, drivers and themes of one answer to one kind of question.

    `matcher` is the compiled taxonomy to tag themes with (the default one when None);
    an unknown question kind is read as "general".
    """
    kind = question_kind if question_kind in QUESTION_KINDS else "general"
    normalised = normalise(text)
    if "://" in normalised or "www." in normalised:
        normalised = _URL_RE.sub(_blank, normalised)
    emoticons = _emoticon_hits(normalised)
    spans = _clause_spans(normalised, kind)
    if emoticons and not spans:
        spans = [(0, len(normalised))]  # ":)" alone: its characters also end clauses
    phrase_hits = _by_clause(_phrase_hits(normalised), spans)
    emoticons_by_clause = _by_clause(emoticons, spans)
    clauses = [
        _score_clause(normalised, text, span, kind, phrase_hits[i], emoticons_by_clause[i], i == 0)
        for i, span in enumerate(spans)
    ]
    clauses = _apply_question_prior(clauses, kind)
    score, label, mixed = _overall(clauses)
    themes = _themes(matcher or _default_matcher(), normalised, spans, clauses)
    return Analysis(
        label=label,
        score=round(score, 4),
        mixed=mixed,
        drivers=_drivers(clauses, label, mixed),
        themes=themes,
    )


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
    leading = _LEADING_NOTHING_RE.match(normalised, start, end)
    if leading:
        cut = leading.end(1) if leading.group(1) else leading.end(2)
        return [(start, cut), (cut, end), *spans[1:]]
    return spans


def _phrase_hits(normalised: str) -> list[tuple[int, int, float, str]]:
    """(start, end, polarity, words) of every phrase rule found, left to right."""
    found = []
    for match in _PHRASE_RE.finditer(normalised):
        rule = int((match.lastgroup or "r0")[1:])
        _pattern, polarity, reach = _PHRASE_RULES[rule]
        words = match.group(0).strip()
        if reach == NEAR:
            before = max(0, match.start() - 24)
            negation = _NEGATED_BEFORE_RE.search(normalised, before, match.start())
            if negation:
                # "not too long", "not a waste of time": the complaint is denied, mildly.
                polarity *= NEGATION_FACTOR
                words = f"{negation.group(1)} {words}"
        elif reach == WIDE:
            before = max(0, match.start() - 60)
            negation = _NEGATED_IN_CLAUSE_RE.search(normalised, before, match.start())
            if negation:
                # "I don't think it could be better": praise, as strong as the complaint.
                polarity = -polarity
                words = f"{negation.group(1)} … {words}"
        found.append((match.start(), match.end(), polarity, words))
    return found


def _emoticon_hits(normalised: str) -> list[tuple[int, _Hit]]:
    if not any(c in normalised for c in ":;=<>8x*\u2665\u00b0"):
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
    weight = CONTRAST_WEIGHT if clause.lstrip().startswith(_CONTRAST_OPENERS) else 1.0

    nothing = _nothing_hit(clause, kind) if first else None
    if nothing is not None:
        return _Clause(shown, (nothing,), weight, nothing.polarity, nothing=True)

    request = bool(_REQUEST_RE.search(clause))
    # A might-have-been, or a request under "what should we change?", names what
    # was missing. Other requests ("more sessions like this would be great")
    # keep their praise, except a comparative ("be more patient").
    if _COUNTERFACTUAL_RE.search(clause) or (request and kind == "to_change"):
        wanted = "all"
    elif request:
        wanted = "comparative"
    else:
        wanted = ""

    hits = [_Hit(words, polarity) for _, _, polarity, words in phrase_hits]
    covered = [(p_start - start, p_end - start) for p_start, p_end, _, _ in phrase_hits]
    hits.extend(_word_hits(clause, covered, wanted))
    hits.extend(hit for _, hit in emoticons)
    if hits and normalised[end : end + 1] == "!":
        # TextBlob: an exclamation mark strengthens the opinion just before it.
        last = hits[-1]
        hits[-1] = _Hit(last.words + "!", _clip(last.polarity * 1.25))
    score = sum(h.polarity for h in hits) / len(hits) if hits else None
    return _Clause(shown, tuple(hits), weight, score, request)


def _nothing_hit(clause: str, kind: str) -> _Hit | None:
    """A clause that only says "nothing" (or "not sure"): its meaning depends on the question."""
    bare = " ".join(_BARE_RE.sub(" ", clause).split())
    if _UNSURE_RE.match(bare):
        return _Hit(f'"{bare}" (unsure)', 0.0)
    if bare and _NOTHING_RE.match(bare):
        return _Hit(f'"{bare}" ({_NOTHING_READING[kind]})', _NOTHING_POLARITY[kind])
    return None


def _word_hits(clause: str, covered: list[tuple[int, int]], wanted: str = "") -> list[_Hit]:
    """TextBlob's word-by-word reading, with a wider negation window.

    An opinion word after a modifier ("very") is scaled by it; after a negation
    within the window it is flipped and halved ("not useful"). In a request,
    praise words say what was wanted, not what was had: `wanted` "all" reads
    every praise word so, "comparative" only those after "more" or "better".
    """
    lexicon = _lexicon()
    hits: list[_Hit] = []
    negation: str | None = None
    negation_left = 0  # words the negation still reaches
    negation_gap = 0  # words between the negation and here, for the driver's wording
    # "I don't think it was useful": a denied belief reaches to the end of the clause.
    belief_denied = False
    modifier: tuple[str, float, float] | None = None  # (word, multiplier, own polarity)
    previous = ""
    comparative = False
    next_covered = 0  # phrases and words both run left to right
    for match in _WORD_RE.finditer(clause):
        while next_covered < len(covered) and covered[next_covered][1] <= match.start():
            next_covered += 1
        if next_covered < len(covered) and covered[next_covered][0] <= match.start():
            negation, modifier, previous = None, None, ""  # a phrase rule has read this word
            continue
        word = match.group(0)
        entry = _lookup(lexicon, word, previous)
        # "better", "more helpful", "more really useful": a comparative reaches past a modifier.
        comparative = (
            word in _COMPARATIVES
            or previous in _COMPARATIVES
            or (comparative and entry is not None and entry[1] is not None)
        )
        previous = word
        if word in _NEGATORS or word in _SHORT_NEGATORS:
            negation, negation_gap, belief_denied = word, 0, False
            negation_left = NEGATION_WINDOW if word in _NEGATORS else SHORT_NEGATION_WINDOW
            continue
        if negation and word in _NEGATION_BREAKERS:
            negation = None
            continue
        if negation and word in _BELIEFS:
            belief_denied = True
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
        if negation:
            if not (wanted and polarity < 0):  # "don't be so rude" asks, it does not praise
                polarity *= NEGATION_FACTOR
            words = f"{negation}{' … ' if negation_gap else ' '}{words}"
            negation_gap += 1
            if not belief_denied:
                negation = None
        if (
            polarity > 0
            and word not in _SINCERE
            and (wanted == "all" or (wanted == "comparative" and comparative))
        ):
            polarity *= NEGATION_FACTOR
            words = f"wanted: {words}"
        if polarity != 0.0:
            hits.append(_Hit(words, polarity))
    if modifier:
        hits.extend(_lone_modifier(modifier))
    return hits


def _lone_modifier(modifier: tuple[str, float, float]) -> list[_Hit]:
    """A modifier with no opinion word after it keeps its own opinion ("pretty", "super")."""
    word, _multiplier, polarity = modifier
    return [_Hit(word, polarity)] if polarity else []


def _lookup(
    lexicon: dict[str, tuple[float, float | None]], word: str, previous: str
) -> tuple[float, float | None] | None:
    if word in _NOUN_WHEN_DETERMINED and previous in _DETERMINERS:
        return None  # "the patient", "a kind of"
    if word in _PREDICATIVE_ONLY and previous not in _PREDICATIVE_CUES:
        return None
    entry = lexicon.get(word)
    if entry is None and "-" in word:
        entry = lexicon.get(word.rsplit("-", 1)[1])  # "user-friendly" reads as "friendly"
    return entry


def _apply_question_prior(clauses: list[_Clause], kind: str) -> list[_Clause]:
    """Read opinion-free clauses in the light of the question they answer."""
    if not clauses:
        return clauses
    has_opinion = any(c.score is not None for c in clauses)
    if kind == "went_well" and not has_opinion:
        # Naming what worked ("the breakout groups") is praise.
        praise = _Hit(f"worked well: {_short(clauses[0].text)}", _WENT_WELL_PRIOR)
        return [_with_hit(clauses[0], praise), *clauses[1:]]
    read: list[_Clause] = []
    for index, clause in enumerate(clauses):
        reading = _suggestion_reading(clause, index, kind, has_opinion)
        if reading:
            clause = _with_hit(clause, _Hit(f"{reading}: {_short(clause.text)}", _SUGGESTION))
        read.append(clause)
    return read


def _suggestion_reading(clause: _Clause, index: int, kind: str, has_opinion: bool) -> str:
    """Why an opinion-free clause reads as a mild complaint, or "" when it does not."""
    if clause.score is not None:
        return ""
    text = clause.text.lower()
    if index > 0 and _EXCEPTION_RE.match(text):
        return "except"  # "Nothing, apart from the wifi": the exception is the complaint
    if clause.request and _SHORTFALL_RE.search(text):
        return "wants"  # "answer the phone quicker": it was slow
    if kind != "to_change" or _EXPLANATION_RE.match(text):
        return ""
    if clause.request or not (has_opinion or _NARRATIVE_RE.search(text)):
        return "suggestion"  # under "what should we change?", "more time for practice"
    return ""


def _with_hit(clause: _Clause, hit: _Hit) -> _Clause:
    return _Clause(clause.text, (hit,), clause.weight, hit.polarity, clause.request)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _overall(clauses: list[_Clause]) -> tuple[float, str, bool]:
    """Weighted mean of the clause scores; mixed when clear praise meets clear criticism."""
    scored = [c for c in clauses if c.score is not None]
    if not scored:
        return 0.0, NEUTRAL, False
    # "Nothing. Just waited three hours": the rest says more than the "nothing".
    said = [c for c in scored if not c.nothing]
    weights = [c.weight * (0.5 if c.nothing and said else 1.0) for c in scored]
    score = _clip(
        sum(w * (c.score or 0.0) for w, c in zip(weights, scored, strict=True)) / sum(weights)
    )
    judged = said or scored
    mixed = any((c.score or 0.0) >= CLEAR_CLAUSE for c in judged) and any(
        (c.score or 0.0) <= -CLEAR_CLAUSE for c in judged
    )
    if mixed and abs(score) < MIXED_NEUTRAL_BAND:
        return score, NEUTRAL, True
    return score, _label(score), mixed


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
    hits = [h for c in clauses for h in c.hits]
    if label == POSITIVE and not mixed:
        hits = [h for h in hits if h.polarity > 0]
    elif label == NEGATIVE and not mixed:
        hits = [h for h in hits if h.polarity < 0]
    ordered = sorted(hits, key=lambda h: -abs(h.polarity))
    drivers: list[str] = []
    for hit in ordered:
        if hit.words not in drivers:
            drivers.append(hit.words)
    return tuple(drivers[:MAX_DRIVERS])


def _themes(
    matcher: ThemeMatcher,
    normalised: str,
    spans: list[tuple[int, int]],
    clauses: list[_Clause],
) -> tuple[ThemeResult, ...]:
    """Each theme with its matched words and the polarity of the clauses it sits in."""
    evidence: dict[str, list[str]] = {}
    theme_clauses: dict[str, list[_Clause]] = {}
    for (start, end), clause in zip(spans, clauses, strict=True):
        for theme_id, words in match_clause(matcher, normalised[start:end]).items():
            found = evidence.setdefault(theme_id, [])
            found.extend(w for w in words if w not in found)
            theme_clauses.setdefault(theme_id, []).append(clause)
    results = []
    for theme in matcher.themes:
        if theme.id not in evidence:
            continue
        scores = [c.score for c in theme_clauses[theme.id] if c.score is not None]
        score = _clip(sum(scores) / len(scores)) if scores else 0.0
        results.append(
            ThemeResult(
                theme_id=theme.id,
                evidence=tuple(evidence[theme.id]),
                label=_label(score),
                score=round(score, 4),
                clauses=tuple(c.text for c in theme_clauses[theme.id]),
            )
        )
    return tuple(results)


def explain(analysis: Analysis) -> str:
    """One line a person can read: the label, the words behind it, and the themes."""
    head = f"{analysis.label} ({analysis.score:+.2f})"
    if analysis.mixed:
        head += ", mixed"
    because = "; ".join(d if d.startswith('"') else f'"{d}"' for d in analysis.drivers)
    parts = [head + (f" because of {because}" if because else ": no opinion words found")]
    if analysis.themes:
        parts.append(
            "themes: "
            + ", ".join(
                f"{t.theme_id} {t.label} ({', '.join(t.evidence)})" for t in analysis.themes
            )
        )
    return "; ".join(parts)


# --- many texts at once ----------------------------------------------------------------------

# Below this many texts, starting worker processes costs more than it saves.
POOL_MIN_ITEMS = 400
_CHUNK_SIZE = 250
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

    Small batches run in this process, and so does the rest of a batch if the
    pool cannot start. `progress(done, total)` is called as chunks finish, so a
    page can show a progress bar.
    """
    themes = tuple(matcher_themes)
    chunks = [items[i : i + _CHUNK_SIZE] for i in range(0, len(items), _CHUNK_SIZE)]
    results: dict[int, list[Analysis]] = {}

    def finished(index: int, analyses: list[Analysis]) -> None:
        results[index] = analyses
        if progress:
            progress(sum(len(chunks[i]) for i in results), len(items))

    if workers > 1 and len(items) >= POOL_MIN_ITEMS and _pool_can_start():
        # Where no pool can start (a __main__ that cannot be re-imported, no shared
        # memory...), the chunks it did not finish are analysed in this process below.
        with suppress(BrokenProcessPool, OSError):
            _analyse_in_pool(chunks, themes, workers, finished)
    matcher = compile_themes(themes)
    for index, chunk in enumerate(chunks):
        if index not in results:
            finished(index, [analyse(text, kind, matcher) for text, kind in chunk])
    return [analysis for index in range(len(chunks)) for analysis in results[index]]


def _pool_can_start() -> bool:
    """Spawned workers re-import __main__ from its file: code typed into a REPL has none."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.exists(path) or getattr(main, "__spec__", None) is not None


def _analyse_in_pool(
    chunks: list[Sequence[tuple[str, str]]],
    themes: tuple[ThemeDefinition, ...],
    workers: int,
    finished: Callable[[int, list[Analysis]], None],
) -> None:
    # "spawn" starts clean workers: forking a threaded process (Streamlit) can deadlock.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(themes,),
    ) as pool:
        futures = {pool.submit(_analyse_chunk, chunk): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            finished(futures[future], future.result())
