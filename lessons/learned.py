"""A learned layer over the rules, taught by people's corrections and confirmations.

Pure functions, no database: the caller hands in the comments people have
corrected or confirmed, stores the trained model as bytes (`LearnedModel.to_bytes`)
and reads it back (`LearnedModel.from_bytes`) to analyse with it.

* `train(examples, themes)` fits small logistic regressions (scikit-learn) on
  the words and word pairs of each comment (on their match keys, so "laptops"
  and "laptop" are one feature) together with what the rules said about it:
  one for sentiment, one for "is it a request", and one per theme that has
  enough labelled examples, including themes that have no terms at all and
  are known only from examples.
* `read(model, text, kind, analysis)` gives the learned layer's suggestions
  with their evidence: how many corrections like this one taught it, and
  which (`refs`, the caller's ids for those comments, so an erased comment
  never needs its text kept here).
* `apply(model, text, kind, analysis)` folds the suggestions into the rules'
  analysis. The layer only overrides the rules where it is confident and has
  seen enough corrections of that kind, so a few corrections cannot make the
  analysis worse than the rules alone; a comment people corrected is read as
  they corrected it.

Training takes about a second for a few thousand corrections (given the rules'
stored analyses of them), so it can run in the background whenever corrections
change. A model is stored without pickle: JSON for its vocabulary and settings,
numpy arrays for its weights.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import attrgetter
from typing import Any

import numpy as np

from lessons.analysis import Analysis, ThemeResult, analyse, analyse_keyed, relabel
from lessons.analysis_pool import run_in_chunks
from lessons.themes import (
    DEFAULT_THEMES,
    ThemeDefinition,
    ThemeMatcher,
    compile_themes,
    match_key,
    normalise,
    tokenise,
)

__all__ = [
    "MODEL_FORMAT",
    "Example",
    "LearnedModel",
    "LearnedReading",
    "Suggestion",
    "analyse_many_with",
    "analyse_with",
    "apply",
    "read",
    "train",
]

MODEL_FORMAT = 1
LABELS = ("positive", "neutral", "negative")
_MAGIC = b"LLM1"

# The learned layer overrides a rule only with at least this probability...
OVERRIDE_CONFIDENCE = 0.7
# ...and only where people have moved the rules' reading (a label, a request) that
# way at least this often...
MIN_CORRECTIONS = 5
# ...of which at least this many are like the comment in hand.
MIN_ALIKE = 2
# A theme is added only once people have tagged it this often (a theme known from
# examples alone needs only its examples); a rule's tag is taken away only once people
# have taken it away half as often.
MIN_SUPPORT = 8
# A theme is added when its model is at least this sure, and a tag the rules made
# is taken away only when its model is this unsure and people have untagged it before.
ADD_THEME = 0.6
REMOVE_THEME = 0.1
# Comments this alike (cosine of their word features) count as "like this one".
SIMILAR = 0.3
MAX_REFS = 3
# Words and word pairs must be in at least this many corrections to be features.
MIN_FEATURE_COUNT = 2
# Inverse regularisation strength of every logistic regression.
REGULARISATION = 2.0
# Readings of the rules whose columns a model keeps, so a long run does not grow without end.
_MAX_RULE_READINGS = 4096


@dataclass(frozen=True)
class Example:
    """One comment a person corrected or confirmed.

    Each reading is None when the person did not review it: `themes` None means
    its themes were not looked at, an empty tuple that none apply. `ref` is the
    caller's id for the comment, returned as evidence.
    """

    text: str
    question_kind: str
    sentiment: str | None = None
    request: bool | None = None
    themes: tuple[str, ...] | None = None
    ref: str = ""


@dataclass(frozen=True)
class Suggestion:
    """One reading the learned layer suggests, and why."""

    value: str  # a label, "yes"/"no" for a request, or a theme id
    confidence: float
    support: int  # corrections like this one that gave this reading
    refs: tuple[str, ...] = ()  # the most alike of them, most alike first

    @property
    def evidence(self) -> str:
        return _evidence(self.support)


def _evidence(support: int) -> str:
    like = "like this one" if support else "of this kind"
    plural = "correction" if support == 1 else "corrections"
    return f"learnt from {support} {plural} {like}"


@dataclass(frozen=True)
class LearnedReading:
    """What the learned layer makes of one comment: a suggestion for each reading it
    would change (None where it agrees with the rules or is not sure enough), and the
    themes it would add or take away."""

    sentiment: Suggestion | None = None
    request: Suggestion | None = None
    add_themes: tuple[Suggestion, ...] = ()
    remove_themes: tuple[Suggestion, ...] = ()
    same_as: str | None = None  # the ref of a corrected comment this one repeats


_NOTHING_LEARNT = LearnedReading()
_THEME_ID = attrgetter("theme_id")
_UNKNOWN: Any = object()  # a reading `rule_base` has not met yet


@dataclass(frozen=True)
class _Linear:
    """A logistic regression's weights over the model's vocabulary: one column per output."""

    weights: np.ndarray  # (vocabulary, outputs), float32
    bias: np.ndarray  # (outputs,)
    outputs: tuple[str, ...]


@dataclass
class LearnedModel:
    """Everything `read` needs, and nothing that needs pickle to store."""

    vocabulary: dict[str, int]
    sentiment: _Linear | None
    request: _Linear | None
    themes: _Linear | None  # one column per learned theme, each its own binary model
    theme_names: dict[str, str]  # learned theme id -> name, for themes known from examples
    # The corrections themselves, as rows of their word features (CSR: indptr, columns),
    # for "corrections like this one"; no text is kept.
    example_indptr: np.ndarray
    example_columns: np.ndarray
    example_refs: tuple[str, ...]
    example_kinds: tuple[str, ...]
    example_repeat_keys: tuple[str, ...]  # see _repeat_key
    example_sentiment: tuple[str, ...]  # "" where not reviewed
    example_request: tuple[str, ...]  # "yes", "no" or ""
    # What the rules said of each correction, so a suggestion can count the corrections
    # that moved the rules' reading the same way ("negative" -> "neutral").
    example_rule_sentiment: tuple[str, ...]
    example_rule_request: tuple[str, ...]
    example_themes: tuple[tuple[str, ...] | None, ...]
    example_untagged: tuple[tuple[str, ...], ...]  # themes the rules gave and people took away
    counts: dict[str, int] = field(default_factory=dict)  # what it was trained on
    _repeats: dict[str, int] = field(default_factory=dict, repr=False)
    _columns: object = field(default=None, repr=False)  # the examples by column, built on use
    # Every model's weights side by side, so one comment costs one lookup: (vocabulary, outputs)
    _stacked: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    _stacked_bias: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    # How often people moved each reading of the rules to another: (rules, people) -> count
    _moves: Counter[tuple[str, str, str]] = field(default_factory=Counter, repr=False)
    _theme_counts: Counter[str] = field(default_factory=Counter, repr=False)
    _untag_counts: Counter[str] = field(default_factory=Counter, repr=False)
    _slices: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    # (column, theme id) of each theme that may be added, and of each that may be taken away
    _add_checks: list[tuple[int, str]] = field(default_factory=list, repr=False)
    _remove_checks: list[tuple[int, str]] = field(default_factory=list, repr=False)
    _add_indices: tuple[int, ...] = field(default=(), repr=False)  # the columns of _add_checks
    _gave: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)
    # The readings of the rules people moved often enough: (reading, what the rules said)
    _movable: set[tuple[str, str]] = field(default_factory=set, repr=False)
    # For each movable reading, the (column, column) score pairs whose gap `_suggest` needs
    # to move it: see `_may_move`.
    _move_gaps: dict[tuple[str, str], tuple[tuple[int, int], ...]] = field(
        default_factory=dict, repr=False
    )
    # The first halves of the repeat digests, to give up early on most comments
    _repeat_firsts: frozenset[str] = field(default=frozenset(), repr=False)
    # The biases plus the rows of what the question and the rules said, by (question,
    # label, request, mixed, themes): few distinct readings recur across many comments.
    _rule_bases: dict[tuple[object, ...], np.ndarray | None] = field(
        default_factory=dict, repr=False
    )
    _column_rows: list[np.ndarray] | None = field(default=None, repr=False)
    # Proves for most comments that `read` suggests nothing, before any score is added up
    _screen: _Screen = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # `train` numbers the rules' features ("q:...", "r:...") first, so no word or word
        # pair is column 0, which `_Screen.words` relies on.
        if any(column == 0 and ":" not in feature for feature, column in self.vocabulary.items()):
            raise ValueError("not a learned model `train` made: a word is column 0")
        for i, key in enumerate(self.example_repeat_keys):
            if key:
                self._repeats.setdefault(key, i)
        self._repeat_firsts = frozenset(key[:8] for key in self._repeats)
        for name, rules, people in (
            ("sentiment", self.example_rule_sentiment, self.example_sentiment),
            ("request", self.example_rule_request, self.example_request),
        ):
            for r, p in zip(rules, people, strict=True):
                if p and p != r:
                    self._moves[(name, r, p)] += 1
        for themes in self.example_themes:
            self._theme_counts.update(themes or ())
        for untagged in self.example_untagged:
            self._untag_counts.update(untagged)
        self._movable = {
            (reading, rules)
            for (reading, rules, _people), n in self._moves.items()
            if n >= MIN_CORRECTIONS
        }
        self._plan_reading()

    def _plan_reading(self) -> None:
        """Keep, side by side, the weights of only the outputs that may ever change a
        reading: a label or request people have moved often enough, a theme with enough
        examples (or known only from examples) or untagged often enough."""
        moved = {reading for (reading, _r, _p), n in self._moves.items() if n >= MIN_CORRECTIONS}
        blocks: list[tuple[np.ndarray, np.ndarray]] = []
        self._slices = {}
        start = 0
        for name in ("sentiment", "request"):
            linear = getattr(self, name)
            if linear is not None and name in moved:
                blocks.append((linear.weights, linear.bias))
                self._slices[name] = (start, start + len(linear.outputs))
                start += len(linear.outputs)
        self._add_checks, self._remove_checks = [], []
        if self.themes is not None:
            for i, theme_id in enumerate(self.themes.outputs):
                can_add = (
                    self._theme_counts[theme_id] >= MIN_SUPPORT or theme_id in self.theme_names
                )
                can_remove = self._untag_counts[theme_id] >= MIN_SUPPORT // 2
                if can_add or can_remove:
                    blocks.append((self.themes.weights[:, i : i + 1], self.themes.bias[i : i + 1]))
                    if can_add:
                        self._add_checks.append((start, theme_id))
                    if can_remove:
                        self._remove_checks.append((start, theme_id))
                    start += 1
        self._add_indices = tuple(index for index, _theme_id in self._add_checks)
        self._move_gaps = {}
        for (reading, rules_say, value), n in self._moves.items():
            linear = getattr(self, reading)
            if n < MIN_CORRECTIONS or reading not in self._slices or value not in linear.outputs:
                continue
            start = self._slices[reading][0]
            # what `_suggest` weighs the value against: the rules' reading, else another
            other = (
                rules_say
                if rules_say in linear.outputs
                else next(output for output in linear.outputs if output != value)
            )
            pair = (start + linear.outputs.index(value), start + linear.outputs.index(other))
            self._move_gaps.setdefault((reading, rules_say), ())
            self._move_gaps[(reading, rules_say)] += (pair,)
        if blocks:
            self._stacked = np.hstack([w for w, _ in blocks]).astype(np.float32)
            self._stacked_bias = np.concatenate([b for _, b in blocks]).astype(np.float32)
        self._screen = _Screen(self)

    def by_column(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The examples by word feature (indptr, example rows) and each example's length."""
        if self._columns is None:
            lengths = np.diff(self.example_indptr)
            rows = np.repeat(np.arange(len(lengths)), lengths)
            order = np.argsort(self.example_columns, kind="stable")
            counts = np.bincount(self.example_columns, minlength=max(len(self.vocabulary), 1))
            indptr = np.concatenate([[0], np.cumsum(counts)])
            self._columns = (indptr, rows[order], np.sqrt(np.maximum(lengths, 1)))
        return self._columns  # type: ignore[return-value]

    def column_rows(self) -> list[np.ndarray]:
        """For each word feature, the examples that have it (cut from `by_column` once)."""
        if self._column_rows is None:
            indptr, rows, _lengths = self.by_column()
            self._column_rows = np.split(rows, indptr[1:-1])
        return self._column_rows

    def rule_base(self, question_kind: str, analysis: Analysis) -> np.ndarray | None:
        """The biases plus the weights of what the question and the rules said
        (`_rule_features`), worked out once per reading; None when none is a feature."""
        key = (
            question_kind,
            analysis.label,
            analysis.request,
            analysis.mixed,
            *map(_THEME_ID, analysis.themes),
        )
        found = self._rule_bases.get(key, _UNKNOWN)
        if found is not _UNKNOWN:
            return found
        vocabulary = self.vocabulary
        columns = [
            vocabulary[f] for f in _rule_features(question_kind, analysis) if f in vocabulary
        ]
        found = (
            self._stacked_bias + _add_rows(self._stacked.take(columns, axis=0)) if columns else None
        )
        if len(self._rule_bases) < _MAX_RULE_READINGS:
            self._rule_bases[key] = found
        return found

    def gave(self, reading: str, value: str) -> np.ndarray:
        """Indices of the corrections that gave a reading, worked out once and kept:
        ("theme", id) tagged it, ("untagged", id) took it away from the rules,
        ("sentiment" or "request", "rules>people") moved the rules' reading so."""
        key = (reading, value)
        found = self._gave.get(key)
        if found is None:
            if reading == "theme":
                flags = [value in (t or ()) for t in self.example_themes]
            elif reading == "untagged":
                flags = [value in t for t in self.example_untagged]
            else:
                rules_say, people_say = value.split(">")
                pairs = (
                    zip(self.example_rule_sentiment, self.example_sentiment, strict=True)
                    if reading == "sentiment"
                    else zip(self.example_rule_request, self.example_request, strict=True)
                )
                flags = [r == rules_say and p == people_say for r, p in pairs]
            found = self._gave[key] = np.flatnonzero(np.asarray(flags, dtype=bool))
        return found

    # --- storing ---------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        meta = {
            "format": MODEL_FORMAT,
            "vocabulary": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            "sentiment": list(self.sentiment.outputs) if self.sentiment else None,
            "request": list(self.request.outputs) if self.request else None,
            "themes": list(self.themes.outputs) if self.themes else None,
            "theme_names": self.theme_names,
            "example_refs": list(self.example_refs),
            "example_kinds": list(self.example_kinds),
            "example_repeat_keys": list(self.example_repeat_keys),
            "example_sentiment": list(self.example_sentiment),
            "example_request": list(self.example_request),
            "example_rule_sentiment": list(self.example_rule_sentiment),
            "example_rule_request": list(self.example_rule_request),
            "example_themes": [list(t) if t is not None else None for t in self.example_themes],
            "example_untagged": [list(t) for t in self.example_untagged],
            "counts": self.counts,
        }
        arrays: dict[str, np.ndarray] = {
            "example_indptr": self.example_indptr,
            "example_columns": self.example_columns,
        }
        for name in ("sentiment", "request", "themes"):
            linear = getattr(self, name)
            if linear is not None:
                arrays[f"{name}_weights"] = linear.weights
                arrays[f"{name}_bias"] = linear.bias
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        header = json.dumps(meta).encode()
        return _MAGIC + len(header).to_bytes(4, "big") + header + buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedModel:
        """A model stored by `to_bytes`; ValueError for anything else (then retrain)."""
        if data[:4] != _MAGIC:
            raise ValueError("not a stored learned model")
        try:
            size = int.from_bytes(data[4:8], "big")
            meta = json.loads(data[8 : 8 + size])
            if meta["format"] != MODEL_FORMAT:
                raise ValueError(f"learned model format {meta['format']}, expected {MODEL_FORMAT}")
            with np.load(io.BytesIO(data[8 + size :]), allow_pickle=False) as arrays:
                stored = {name: arrays[name] for name in arrays.files}
        except (KeyError, OSError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as error:
            raise ValueError(f"a damaged learned model: {error}") from error

        def linear(name: str) -> _Linear | None:
            if meta[name] is None:
                return None
            return _Linear(stored[f"{name}_weights"], stored[f"{name}_bias"], tuple(meta[name]))

        return cls(
            vocabulary={word: i for i, word in enumerate(meta["vocabulary"])},
            sentiment=linear("sentiment"),
            request=linear("request"),
            themes=linear("themes"),
            theme_names=meta["theme_names"],
            example_indptr=stored["example_indptr"],
            example_columns=stored["example_columns"],
            example_refs=tuple(meta["example_refs"]),
            example_kinds=tuple(meta["example_kinds"]),
            example_repeat_keys=tuple(meta["example_repeat_keys"]),
            example_sentiment=tuple(meta["example_sentiment"]),
            example_request=tuple(meta["example_request"]),
            example_rule_sentiment=tuple(meta["example_rule_sentiment"]),
            example_rule_request=tuple(meta["example_rule_request"]),
            example_themes=tuple(
                tuple(t) if t is not None else None for t in meta["example_themes"]
            ),
            example_untagged=tuple(tuple(t) for t in meta["example_untagged"]),
            counts=meta["counts"],
        )


# --- features ------------------------------------------------------------------------


def _word_keys(text: str) -> list[str]:
    """The match keys of the comment's words, in order (`analyse_keyed` gives the same)."""
    return [match_key(token) for token in tokenise(normalise(text))]


def _word_features(keys: Sequence[str]) -> list[str]:
    """The comment's words and word pairs, on their match keys ("laptop", "laptop crash").

    Keys hold no spaces or colons, so they never meet a pair or a rule feature ("r:...")."""
    return [*keys, *map(" ".join, zip(keys, keys[1:], strict=False))]


def _rule_features(kind: str, analysis: Analysis) -> list[str]:
    """What the question and the rules said, so the model learns where they go wrong."""
    found = [f"q:{kind}", f"r:{analysis.label}"]
    if analysis.request:
        found.append("r:request")
    if analysis.mixed:
        found.append("r:mixed")
    found.extend(f"t:{theme.theme_id}" for theme in analysis.themes)
    return found


# A comment repeats a corrected one when it has the same words and answers the same
# question; short answers ("nothing", "good") differ too much with their context.
REPEAT_MIN_WORDS = 4


def _repeat_key(keys: Iterable[str], kind: str, first_halves: Container[str] | None = None) -> str:
    """A digest of a comment's distinct word keys and its question ("" for a short comment):
    two comments with the same digest say the same thing, whatever the punctuation or
    case. A digest, so the model keeps no text. With `first_halves`, "" as soon as the
    digest's first half is none of those (so no stored digest can be it)."""
    distinct = set(keys)
    if len(distinct) < REPEAT_MIN_WORDS:
        return ""
    data = "\n".join([kind, *sorted(distinct)]).encode()
    first = f"{zlib.crc32(data):08x}"
    if first_halves is not None and first not in first_halves:
        return ""
    return f"{first}{zlib.adler32(data):08x}"


def _row(features: Iterable[str], vocabulary: dict[str, int]) -> list[int]:
    return sorted({vocabulary[f] for f in features if f in vocabulary})


# --- training ------------------------------------------------------------------------


def train(
    examples: Sequence[Example],
    themes: Sequence[ThemeDefinition] = DEFAULT_THEMES,
    analyse_rules: Callable[[str, str], Analysis] | None = None,
    analyses: Sequence[Analysis] | None = None,
) -> LearnedModel:
    """A learned layer from people's corrections and confirmations.

    `themes` is the taxonomy in use: a theme with no terms and no phrases is
    known from its labelled examples only. `analyse_rules` is how the rules read
    a comment (the default: `analyse` with `themes`); pass the same function
    used at read time. `analyses`, when given, are the rules' readings of the
    examples already made (the stored machine analyses), in the same order.
    """
    if analyse_rules is None:
        matcher = compile_themes(themes)

        def analyse_rules(text: str, kind: str) -> Analysis:
            return analyse(text, kind, matcher)

    readings = (
        list(analyses)
        if analyses is not None
        else [analyse_rules(e.text, e.question_kind) for e in examples]
    )
    if len(readings) != len(examples):
        raise ValueError("give one analysis per example")
    keys = [_word_keys(e.text) for e in examples]
    words = [_word_features(k) for k in keys]
    rules = [_rule_features(e.question_kind, a) for e, a in zip(examples, readings, strict=True)]
    # A word or pair seen in only one correction teaches nothing general (and slows training).
    seen = Counter(f for features in words for f in set(features))
    vocabulary: dict[str, int] = {}
    for features in rules:
        for feature in features:
            vocabulary.setdefault(feature, len(vocabulary))
    for features in words:
        for feature in features:
            if seen[feature] >= MIN_FEATURE_COUNT:
                vocabulary.setdefault(feature, len(vocabulary))
    rows = [_row([*w, *r], vocabulary) for w, r in zip(words, rules, strict=True)]
    matrix = _sparse(rows, len(vocabulary))

    sentiment_rows = [i for i, e in enumerate(examples) if e.sentiment in LABELS]
    sentiment = _fit_classes(
        matrix, sentiment_rows, [examples[i].sentiment or "" for i in sentiment_rows], LABELS
    )
    request_rows = [i for i, e in enumerate(examples) if e.request is not None]
    request = _fit_classes(
        matrix,
        request_rows,
        ["yes" if examples[i].request else "no" for i in request_rows],
        ("yes", "no"),
    )
    theme_rows = [i for i, e in enumerate(examples) if e.themes is not None]
    learned_themes = _fit_themes(matrix, theme_rows, examples, [t.id for t in themes])

    word_rows = [_row(w, vocabulary) for w in words]
    return LearnedModel(
        vocabulary=vocabulary,
        sentiment=sentiment,
        request=request,
        themes=learned_themes,
        theme_names={t.id: t.name for t in themes if not t.include_terms and not t.phrases},
        example_indptr=np.cumsum([0, *map(len, word_rows)]).astype(np.int64),
        example_columns=np.array([c for r in word_rows for c in r], dtype=np.int32),
        example_refs=tuple(e.ref for e in examples),
        example_kinds=tuple(e.question_kind for e in examples),
        example_repeat_keys=tuple(
            _repeat_key(k, e.question_kind) for k, e in zip(keys, examples, strict=True)
        ),
        example_sentiment=tuple(e.sentiment or "" for e in examples),
        example_request=tuple(
            "" if e.request is None else "yes" if e.request else "no" for e in examples
        ),
        example_rule_sentiment=tuple(a.label for a in readings),
        example_rule_request=tuple("yes" if a.request else "no" for a in readings),
        example_themes=tuple(e.themes for e in examples),
        example_untagged=tuple(
            tuple(sorted({t.theme_id for t in a.themes} - set(e.themes)))
            if e.themes is not None
            else ()
            for e, a in zip(examples, readings, strict=True)
        ),
        counts={
            "examples": len(examples),
            "sentiment": len(sentiment_rows),
            "request": len(request_rows),
            "themes": len(theme_rows),
        },
    )


def _sparse(rows: list[list[int]], width: int) -> object:
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0, *(len(r) for r in rows)])
    indices = np.array([c for r in rows for c in r], dtype=np.int32)
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))


def _fit_classes(
    matrix: object, rows: list[int], targets: list[str], order: tuple[str, ...]
) -> _Linear | None:
    """One-vs-rest logistic regressions over the classes people gave (None with fewer
    than two): each class's column scores it against the rest, and `_probabilities`
    turns the scores into a distribution."""
    present = tuple(c for c in order if c in targets)
    if len(present) < 2:
        return None
    if len(present) == 2:
        weights, bias = _fit_binary(matrix, rows, [t == present[1] for t in targets])
        return _Linear(
            np.stack([-weights, weights], axis=1), np.array([-bias, bias], np.float32), present
        )
    fitted = [_fit_binary(matrix, rows, [t == c for t in targets]) for c in present]
    return _Linear(
        np.stack([w for w, _ in fitted], axis=1),
        np.array([b for _, b in fitted], dtype=np.float32),
        present,
    )


def _fit_binary(
    matrix: object, rows: list[int], targets: list[bool], balanced: bool = False
) -> tuple[np.ndarray, float]:
    """A binary logistic regression's weights (float32) and bias; liblinear is quick on
    sparse word features."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=REGULARISATION,
        solver="liblinear",
        # liblinear shuffles its data; a fixed seed trains the same model from the same
        # corrections in every process, so a suggestion's confidence is reproducible.
        random_state=0,
        class_weight="balanced" if balanced else None,
        max_iter=1000,
    )
    model.fit(matrix[rows], targets)  # type: ignore[index]
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _fit_themes(
    matrix: object, rows: list[int], examples: Sequence[Example], theme_ids: list[str]
) -> _Linear | None:
    """One binary logistic regression per theme with enough examples on each side."""
    columns: list[np.ndarray] = []
    biases: list[float] = []
    learned: list[str] = []
    for theme_id in theme_ids:
        targets = [theme_id in (examples[i].themes or ()) for i in rows]
        tagged = sum(targets)
        if tagged < 2 or tagged == len(targets):
            continue
        weights, bias = _fit_binary(matrix, rows, targets, balanced=True)
        columns.append(weights)
        biases.append(bias)
        learned.append(theme_id)
    if not learned:
        return None
    return _Linear(np.stack(columns, axis=1), np.array(biases, dtype=np.float32), tuple(learned))


# --- reading -------------------------------------------------------------------------


def _add_rows(rows: np.ndarray) -> np.ndarray:
    """The sum of a matrix's rows, as `rows.sum(axis=0)` gives it."""
    return np.add.reduce(rows, axis=0)


def read(
    model: LearnedModel,
    text: str,
    question_kind: str,
    analysis: Analysis,
    keys: Sequence[str] | None = None,
) -> LearnedReading:
    """The learned layer's suggestions for one comment the rules read as `analysis`.

    `keys` are the match keys of the comment's words when the caller has them (see
    `analyse_keyed`); otherwise they are worked out from the text."""
    if keys is None:
        keys = _word_keys(text)
    seen = _screened(model, question_kind, analysis, keys)
    if isinstance(seen, LearnedReading):
        return seen
    return _read_in_full(model, question_kind, analysis, keys)


def _screened(
    model: LearnedModel, question_kind: str, analysis: Analysis, keys: Sequence[str]
) -> LearnedReading | _Screened | None:
    """What `read` can tell before adding up any score: the reading of a comment that
    repeats a corrected one, or that there is nothing to suggest; otherwise what the
    screen made of the comment (None when it made nothing of it)."""
    screen = model._screen
    singles = screen.singles(keys)
    singles_sum = sum(singles)
    if model._repeats and (len(singles), singles_sum) in screen.repeat_shapes:
        same = model._repeats.get(_repeat_key(keys, question_kind, model._repeat_firsts))
        if same is not None:
            return _repeat(model, same, analysis)
    if not model._stacked.size:
        return _NOTHING_LEARNT
    pairs = screen.pairs(keys)
    count = len(singles) + len(pairs) + len(analysis.themes) + 5  # at most, with the rules'
    if not screen.sure or count > _SCREEN_TERMS:
        return None
    total, needed = screen.sums(singles_sum + sum(pairs), question_kind, analysis)
    if not total & needed:
        return _NOTHING_LEARNT  # most comments: no score can reach its threshold
    return _Screened(singles | pairs, count, total, needed)


@dataclass(frozen=True)
class _Screened:
    """A comment the screen could not rule out: its word features' ints, how many terms
    its scores add up (at most), and the screen's `sums` of it."""

    found: set[int]
    count: int
    total: int
    needed: int


def _read_in_full(
    model: LearnedModel, question_kind: str, analysis: Analysis, keys: Sequence[str]
) -> LearnedReading:
    """`read` with every score added up, in float32."""
    screen = model._screen
    words = screen.columns(keys)
    base = model.rule_base(question_kind, analysis)
    if base is None:
        if not words:
            return _NOTHING_LEARNT
        base = model._stacked_bias
    # np.add.reduce is what .sum() runs, without numpy's Python wrapper around it.
    scores = (base + _add_rows(model._stacked.take(words, axis=0)) if words else base).tolist()
    alike = _Alike(model, words)
    sentiment = request = None
    # `_suggest` gives nothing for a reading people have not moved often enough: most
    # comments stop at these set lookups.
    if _may_move(model, "sentiment", analysis.label, scores) and model.sentiment is not None:
        start, end = model._slices["sentiment"]
        sentiment = _suggest(
            model, "sentiment", model.sentiment.outputs, scores[start:end], analysis.label, alike
        )
    rules_say = "yes" if analysis.request else "no"
    if _may_move(model, "request", rules_say, scores) and model.request is not None:
        start, end = model._slices["request"]
        request = _suggest(
            model, "request", model.request.outputs, scores[start:end], rules_say, alike
        )
    add: list[Suggestion] = []
    remove: list[Suggestion] = []
    # The themes sure enough to add, picked without a Python loop (this runs for every
    # comment); most are themes the rules tagged already.
    sure = _ADD_SCORE.__le__  # score >= _ADD_SCORE
    passing = compress(model._add_checks, map(sure, map(scores.__getitem__, model._add_indices)))
    tagged: set[str] | None = None
    for index, theme_id in passing:
        if tagged is None:
            tagged = {t.theme_id for t in analysis.themes}
        if theme_id not in tagged:
            has = model.gave("theme", theme_id)
            add.append(Suggestion(theme_id, _sigmoid(scores[index]), *alike.support(has)))
    if model._remove_checks and analysis.themes:
        tagged = {t.theme_id for t in analysis.themes}
        # only a tag people have taken away from the rules before, often enough
        for index, theme_id in model._remove_checks:
            if scores[index] <= _REMOVE_SCORE and theme_id in tagged:
                untagged = model.gave("untagged", theme_id)
                support, refs = alike.support(untagged)
                remove.append(Suggestion(theme_id, 1.0 - _sigmoid(scores[index]), support, refs))
    if sentiment is None and request is None and not add and not remove:
        return _NOTHING_LEARNT
    return LearnedReading(sentiment, request, tuple(add), tuple(remove))


def _sigmoid(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


def _logit(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log(probability / (1.0 - probability))


_ADD_SCORE, _REMOVE_SCORE = _logit(ADD_THEME), _logit(REMOVE_THEME)


class _Alike:
    """How alike this comment is to each correction, worked out only when a suggestion
    needs its evidence."""

    def __init__(self, model: LearnedModel, words: list[int]) -> None:
        self.model, self.words = model, words
        self._similar: np.ndarray | None = None

    def similar(self) -> np.ndarray:
        """Cosine of binary word features: shared features over the root of both lengths."""
        if self._similar is None:
            count = len(self.model.example_refs)
            if not self.words or not count:
                self._similar = np.zeros(count, dtype=np.float32)
            else:
                lengths = self.model.by_column()[2]
                by_word = self.model.column_rows()
                shared = np.bincount(
                    np.concatenate(list(map(by_word.__getitem__, self.words))), minlength=count
                )
                self._similar = shared / lengths / math.sqrt(len(self.words))
        return self._similar

    def count(self, gave: np.ndarray) -> int:
        """`support`'s count alone."""
        if not len(gave):
            return 0
        alike = np.count_nonzero(self.similar()[gave] >= SIMILAR)
        return int(alike) if alike else len(gave)

    def support(
        self, gave: Sequence[bool] | np.ndarray, only_alike: bool = False
    ) -> tuple[int, tuple[str, ...]]:
        """How many corrections like this one gave the reading, and the most alike of them.

        `gave` is one flag per correction, or the indices of those that gave it. When
        none is alike enough, every correction that gave the reading counts, unless
        `only_alike`.
        """
        chosen = gave if isinstance(gave, np.ndarray) else np.flatnonzero(np.asarray(gave, bool))
        if not len(chosen):
            return 0, ()
        similar = self.similar()
        alike = chosen[similar[chosen] >= SIMILAR]
        if only_alike and not len(alike):
            return 0, ()
        # the method, not np.argsort: the same sort without numpy's Python wrapper
        ranked = alike[(-similar[alike]).argsort()][:MAX_REFS].tolist() if len(alike) else []
        every_ref = self.model.example_refs
        refs = tuple(every_ref[i] for i in ranked if every_ref[i])
        return (len(alike) if len(alike) else len(chosen)), refs


# `_suggest` moves a reading to a value only when the value's probability, its odds over
# the sum of every output's odds, is at least OVERRIDE_CONFIDENCE. The sum holds the odds
# of some other output too, so the value's odds are then at least c / (1 - c) times that
# output's, and its score at least logit(c) above that output's score (odds are the
# sigmoid of the score, clipped; for c > 1/2). A small allowance covers rounding.
_MOVE_GAP = _logit(OVERRIDE_CONFIDENCE) - 1e-6 if OVERRIDE_CONFIDENCE > 0.5 else -math.inf


def _may_move(model: LearnedModel, reading: str, rules_say: str, scores: list[float]) -> bool:
    """Could `_suggest` move this reading of the rules? Not when people have not moved it
    often enough, nor when no value it could be moved to scores far enough above the
    rules' reading (`_MOVE_GAP`): most comments stop at these few subtractions."""
    for value, other in model._move_gaps.get((reading, rules_say), ()):
        if scores[value] - scores[other] >= _MOVE_GAP:
            return True
    return False


# `_Screen`: its weights are whole multiples of 1/_SCREEN_SCALE...
_SCREEN_SCALE = 1024.0
# ...and it screens comments whose scores add up at most this many terms (the bias, the
# rules' features and the word features); longer ones are worked out in full.
_SCREEN_TERMS = 4096
# How far a float32 sum of that many terms, added in any order, can be from the exact sum,
# as a share of the sum of the terms' sizes (Higham's gamma_n, u = 2**-24), with room for
# the float64 subtraction of two scores in `_may_move`.
_FLOAT32_SHARE = _SCREEN_TERMS * 2.0**-24 / (1.0 - _SCREEN_TERMS * 2.0**-24) + 2.0**-50


class _Screen:
    """A quick proof, for most comments, that `read` will suggest nothing, without adding
    up any score; and the first look at whether a comment repeats a corrected one.

    Every suggestion needs a score past a threshold (a theme's score at least
    _ADD_SCORE, or at most _REMOVE_SCORE for a tag the rules gave; a value's score at
    least _MOVE_GAP above another's, see `_may_move`). Each such test is a sum over the
    comment's features (and the bias) that must reach 0. The screen rounds every term
    up to a whole multiple of 1/_SCREEN_SCALE, after raising it by _FLOAT32_SHARE of its
    size, so the rounded sum is never below what the float32 sums `read` works out can
    give. It packs each feature's rounded terms for all the tests side by side in one
    Python int, one field of `width` bits for each test, with half a field's range added
    to the bias's: adding up a comment's ints then adds up every test at once, exactly,
    and a test whose sum reaches 0 shows as the top bit of its field. When no test the
    comment's reading needs shows it, no score can pass, and `read` suggests nothing.

    Below the tests, each feature's int holds its column, so no two features have the
    same int: a comment's features are a set of ints, as they are a set of columns.
    """

    def __init__(self, model: LearnedModel) -> None:
        weights = model._stacked.astype(np.float64)
        bias = model._stacked_bias.astype(np.float64)
        tests = _screen_tests(model)
        # None passes a threshold of +inf; every comment passes one of -inf (and no screen
        # can be sure of weights that are not all numbers)
        tests = [test for test in tests if test.threshold != math.inf]
        self.sure = all(test.threshold != -math.inf for test in tests) and bool(
            np.isfinite(weights).all() and np.isfinite(bias).all()
        )
        if not self.sure:
            tests = []
        self.tests = tests
        terms: list[tuple[np.ndarray, np.ndarray, float, float]] = []  # and their sizes
        for test in tests:
            plus, minus = weights[:, test.plus], bias[test.plus]
            size, bias_size = np.abs(plus), abs(minus)
            if test.minus is not None:
                plus = plus - weights[:, test.minus]
                minus -= bias[test.minus]
                size = size + np.abs(weights[:, test.minus])
                bias_size += abs(bias[test.minus])
            terms.append((test.sign * plus, size, test.sign * minus - test.threshold, bias_size))
        # rounded up; 1e-6 of a step more for the float64 rounding of the terms themselves
        table = np.stack(
            [
                np.ceil((weight + _FLOAT32_SHARE * size) * _SCREEN_SCALE + 1e-6)
                for weight, size, _constant, _size in terms
            ]
            or [np.zeros(len(model.vocabulary))],
            axis=1,
        )
        constants = [
            math.ceil((constant + _FLOAT32_SHARE * size) * _SCREEN_SCALE + 1e-6)
            for _weight, _size, constant, size in terms
        ]
        # The same terms rounded down, lowered as far, would never be above the float32
        # sums: a test whose sum is at least `slack` steps a term above 0 passes for sure.
        self.slack = [
            max(
                int(
                    np.max(
                        table[:, i]
                        - np.floor((weight - _FLOAT32_SHARE * size) * _SCREEN_SCALE - 1e-6),
                        initial=0,
                    )
                ),
                constants[i]
                - math.floor((constant - _FLOAT32_SHARE * bias_size) * _SCREEN_SCALE - 1e-6),
            )
            for i, (weight, size, constant, bias_size) in enumerate(terms)
        ]
        largest = max(int(np.abs(table).max(initial=0)), *map(abs, constants), 1)
        width = (_SCREEN_TERMS * largest).bit_length() + 1
        half = 1 << (width - 1)
        # The lowest field holds the feature's column, wide enough for the sum of as many
        # columns as a comment screened has features, so no carry leaves it.
        self.width = width
        self.below = (_SCREEN_TERMS * max(len(table), 1)).bit_length()
        self.column_of = ((1 << self.below) - 1).__and__
        ints = list(range(len(table)))
        guards: dict[tuple[str, str, str], int] = {}
        self.constant = 0  # the bias, and half of each field's range
        for i, test in enumerate(tests):
            shift = self.below + width * i
            ints = [p + (int(t) << shift) for p, t in zip(ints, table[:, i], strict=True)]
            self.constant += (constants[i] + half) << shift
            tested = (test.what, test.name, test.rules_say)
            guards[tested] = guards.get(tested, 0) | half << shift
        by_feature = {feature: ints[column] for feature, column in model.vocabulary.items()}
        # as `read` has always looked words up (it never finds column 0)
        self.words = {
            feature: ints[column]
            for feature, column in model.vocabulary.items()
            if " " not in feature and column
        }
        self.word_pairs = {tuple(f.split(" ")): v for f, v in by_feature.items() if " " in f}
        # (how many, sum) of the word features of each comment a comment may repeat
        is_word = [False] * len(ints)
        for feature, column in model.vocabulary.items():
            is_word[column] = feature in self.words
        rows = np.split(model.example_columns, model.example_indptr[1:-1])
        self.repeat_shapes: set[tuple[int, int]] = set()
        for i in model._repeats.values():
            singles = [ints[column] for column in rows[i].tolist() if is_word[column]]
            self.repeat_shapes.add((len(singles), sum(singles)))
        rule = {f: v for f, v in by_feature.items() if ":" in f}
        self.kinds = {f[2:]: v for f, v in rule.items() if f.startswith("q:")}
        self.labels = {f[2:]: v for f, v in rule.items() if f.startswith("r:")}
        self.themes = {f[2:]: v for f, v in rule.items() if f.startswith("t:")}
        self.request = rule.get("r:request", 0)
        self.mixed = rule.get("r:mixed", 0)
        # The top bits of each test, by what it tests
        self.moves: dict[tuple[str, str], int] = {}
        self.adds: dict[str, int] = {}
        self.removes: dict[str, int] = {}
        for (kind, name, rules_say), guard in guards.items():
            if kind == "move":
                self.moves[(name, rules_say)] = guard
            elif kind == "add":
                self.adds[name] = guard
            else:
                self.removes[name] = guard
        self.every_add = sum(self.adds.values())
        # the same, by the rules' label and by whether they read a request
        self.label_moves = {
            rules_say: guard
            for (name, rules_say), guard in self.moves.items()
            if name == "sentiment"
        }
        self.request_moves = {
            rules_say == "yes": guard
            for (name, rules_say), guard in self.moves.items()
            if name == "request"
        }

    def singles(self, keys: Sequence[str]) -> set[int]:
        """The ints of the comment's words that are features (map() and filter() look
        them up without a Python loop: this runs for every comment)."""
        return set(filter(None, map(self.words.get, keys)))

    def pairs(self, keys: Sequence[str]) -> set[int]:
        """The ints of the comment's word pairs that are features."""
        return set(filter(None, map(self.word_pairs.get, zip(keys, keys[1:], strict=False))))

    def columns(self, keys: Sequence[str]) -> list[int]:
        """The columns of the comment's words and word pairs that are features.

        In the order of the set `read` has always added their weights up in, put
        together in the same order (the words, then the pairs): the weights are float32,
        so the order they are summed in shows in the last digits."""
        found = set(map(self.column_of, filter(None, map(self.words.get, keys))))
        pairs = filter(None, map(self.word_pairs.get, zip(keys, keys[1:], strict=False)))
        found.update(map(self.column_of, pairs))
        return list(found)

    def sums(self, words_sum: int, question_kind: str, analysis: Analysis) -> tuple[int, int]:
        """Every test's sum for this comment, packed, and the top bits of those it needs:
        every theme it may add, unless the rules tagged it; a movable reading's; a tag's
        it may take away."""
        label = analysis.label
        needed = (
            self.every_add
            | self.label_moves.get(label, 0)
            | self.request_moves.get(analysis.request, 0)
        )
        # the rules' features, as `_rule_features` gives them
        total = self.constant + words_sum + self.kinds.get(question_kind, 0)
        total += self.labels.get(label, 0)
        if analysis.request:
            total += self.request
        if analysis.mixed:
            total += self.mixed
        for theme in analysis.themes:
            theme_id = theme.theme_id
            total += self.themes.get(theme_id, 0)
            needed = (needed & ~self.adds.get(theme_id, 0)) | self.removes.get(theme_id, 0)
        return total, needed

    def sure_themes(
        self, model: LearnedModel, seen: _Screened
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]] | None:
        """The themes `read` would add and take away, each with its support, when the
        screen's sums decide every test the comment needs: None when one may go either
        way, or a reading may move (its confidence needs the float32 scores)."""
        mask, half = (1 << self.width) - 1, 1 << (self.width - 1)
        added: list[tuple[str, int]] = []
        removed: list[tuple[str, int]] = []
        alike: _Alike | None = None
        for i, test in enumerate(self.tests):
            shift = self.below + self.width * i
            if not seen.needed & (half << shift):
                continue
            upper = ((seen.total >> shift) & mask) - half
            if upper < 0:
                continue  # below its threshold for sure
            if test.what == "move" or upper < seen.count * self.slack[i]:
                return None
            if alike is None:
                alike = _Alike(model, list(map(self.column_of, seen.found)))
            if test.what == "add":
                added.append((test.name, alike.count(model.gave("theme", test.name))))
            else:
                removed.append((test.name, alike.count(model.gave("untagged", test.name))))
        return added, removed

    def field(self, total: int, test: int) -> float:
        """A test's sum for a comment, out of `sums`: never below the float32 one."""
        value = (total >> (self.below + self.width * test)) & ((1 << self.width) - 1)
        return (value - (1 << (self.width - 1))) / _SCREEN_SCALE


@dataclass(frozen=True)
class _Test:
    """A threshold a suggestion needs a score, or the gap between two, to reach: the
    score of column `plus`, less that of `minus` when there is one, times `sign`, at
    least `threshold` (the sign is -1 for a tag to take away: its score at most
    _REMOVE_SCORE)."""

    what: str  # "move", "add" or "remove"
    name: str  # the reading to move, or the theme
    rules_say: str  # the rules' reading, for a move
    plus: int
    minus: int | None
    sign: float
    threshold: float

    def value(self, scores: Sequence[float]) -> float:
        """How far past the threshold the scores are (reached at 0 or above)."""
        minus = scores[self.minus] if self.minus is not None else 0.0
        return self.sign * (scores[self.plus] - minus) - self.threshold


def _screen_tests(model: LearnedModel) -> list[_Test]:
    """Every threshold a suggestion of the model needs (see `_Screen`)."""
    tests = [
        _Test("move", reading, rules_say, value, other, 1.0, _MOVE_GAP)
        for (reading, rules_say), pairs in model._move_gaps.items()
        for value, other in pairs
    ]
    tests += [
        _Test("add", theme_id, "", column, None, 1.0, _ADD_SCORE)
        for column, theme_id in model._add_checks
    ]
    tests += [
        _Test("remove", theme_id, "", column, None, -1.0, -_REMOVE_SCORE)
        for column, theme_id in model._remove_checks
    ]
    return tests


def _suggest(
    model: LearnedModel,
    reading: str,
    outputs: tuple[str, ...],
    scores: list[float],
    rules_say: str,
    alike: _Alike,
) -> Suggestion | None:
    """A different reading than the rules', when the model is sure and people have moved
    the rules' reading that way often enough, several times for comments like this one."""
    if (reading, rules_say) not in model._movable:
        return None  # people never moved this reading of the rules often enough
    odds = [_sigmoid(score) for score in scores]
    total = sum(odds)
    best = max(range(len(odds)), key=odds.__getitem__)
    value, probability = outputs[best], odds[best] / total
    if value == rules_say or probability < OVERRIDE_CONFIDENCE:
        return None
    if model._moves[(reading, rules_say, value)] < MIN_CORRECTIONS:
        return None
    moved = model.gave(reading, f"{rules_say}>{value}")
    support, refs = alike.support(moved, only_alike=True)
    if support < MIN_ALIKE:
        return None
    return Suggestion(value, probability, support, refs)


def _repeat(model: LearnedModel, index: int, analysis: Analysis) -> LearnedReading:
    """A comment that repeats one people corrected reads as they corrected it."""
    ref = model.example_refs[index]
    refs = (ref,) if ref else ()
    sentiment = model.example_sentiment[index]
    request = model.example_request[index]
    themes = model.example_themes[index]
    tagged = {t.theme_id for t in analysis.themes}
    return LearnedReading(
        sentiment=Suggestion(sentiment, 1.0, 1, refs)
        if sentiment and sentiment != analysis.label
        else None,
        request=Suggestion(request, 1.0, 1, refs)
        if request and (request == "yes") != analysis.request
        else None,
        add_themes=tuple(Suggestion(t, 1.0, 1, refs) for t in themes or () if t not in tagged)
        if themes is not None
        else (),
        remove_themes=tuple(Suggestion(t, 1.0, 1, refs) for t in tagged - set(themes))
        if themes is not None
        else (),
        same_as=ref or None,
    )


def apply(
    model: LearnedModel,
    text: str,
    question_kind: str,
    analysis: Analysis,
    keys: Sequence[str] | None = None,
) -> Analysis:
    """The rules' analysis with the learned layer's suggestions folded in, each with its
    evidence among the drivers or the theme's evidence (`keys` as for `read`)."""
    if keys is None:
        keys = _word_keys(text)
    seen = _screened(model, question_kind, analysis, keys)
    if seen is _NOTHING_LEARNT:
        return analysis
    if isinstance(seen, _Screened):
        # Most comments the screen lets through only gain (or lose) a theme, decided by
        # the screen's sums alone: no score, no confidence to work out.
        themes = model._screen.sure_themes(model, seen)
        if themes is not None:
            added, removed = themes
            return _with_themes(
                analysis, [(t, _evidence(n)) for t, n in added], {t for t, _n in removed}
            )
    reading = (
        seen
        if isinstance(seen, LearnedReading)
        else _read_in_full(model, question_kind, analysis, keys)
    )
    if reading is _NOTHING_LEARNT:
        return analysis
    result = analysis
    if reading.sentiment is not None:
        result = relabel(result, reading.sentiment.value, reading.sentiment.evidence)
    if reading.request is not None:
        asks = (text.strip(),) if reading.request.value == "yes" else ()
        result = replace(result, request=reading.request.value == "yes", asks=asks)
    return _with_themes(
        result,
        [(s.value, s.evidence) for s in reading.add_themes],
        {s.value for s in reading.remove_themes},
    )


def _with_themes(
    analysis: Analysis, added: Sequence[tuple[str, str]], removed: set[str]
) -> Analysis:
    """The analysis with these themes added (theme id, evidence) and taken away."""
    if not added and not removed:
        return analysis
    kept = tuple(t for t in analysis.themes if t.theme_id not in removed)
    new = tuple(
        ThemeResult(
            theme_id=theme_id, evidence=(evidence,), label=analysis.label, score=analysis.score
        )
        for theme_id, evidence in added
    )
    return replace(analysis, themes=kept + new)


def analyse_with(
    model: LearnedModel | None,
    text: str,
    question_kind: str,
    matcher: ThemeMatcher | None = None,
) -> Analysis:
    """The full analysis: the rules, then the learned layer when there is one."""
    if model is None:
        return analyse(text, question_kind, matcher)
    analysis, keys = analyse_keyed(text, question_kind, matcher)
    return apply(model, text, question_kind, analysis, keys)


# --- many at once, on worker processes -----------------------------------------------

_worker_state: tuple[ThemeMatcher, LearnedModel | None] | None = None


def _init_worker(themes: tuple[ThemeDefinition, ...], model: bytes | None) -> None:
    global _worker_state
    _worker_state = (
        compile_themes(themes),
        LearnedModel.from_bytes(model) if model is not None else None,
    )


def _analyse_chunk(chunk: Sequence[tuple[str, str]]) -> list[Analysis]:
    matcher, model = _worker_state or (compile_themes(DEFAULT_THEMES), None)
    return [analyse_with(model, text, kind, matcher) for text, kind in chunk]


def analyse_many_with(
    model: LearnedModel | None,
    items: Sequence[tuple[str, str]],
    themes: Sequence[ThemeDefinition] = DEFAULT_THEMES,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[Analysis]:
    """`analyse_with` over many (text, question kind) pairs, in order, on `workers`
    processes for large batches, calling `progress(done, total)` as chunks finish."""
    matcher = compile_themes(themes)
    stored = model.to_bytes() if model is not None else None
    return run_in_chunks(
        items,
        in_process=lambda chunk: [analyse_with(model, t, k, matcher) for t, k in chunk],
        in_worker=_analyse_chunk,
        initializer=_init_worker,
        initargs=(tuple(themes), stored),
        workers=workers,
        progress=progress,
    )
