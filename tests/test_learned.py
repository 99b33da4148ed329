"""The learned layer: taught by corrections, careful with few, explained by its evidence."""

from __future__ import annotations

import functools
import math
import random
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import analysis_pool, learned
from lessons.analysis import analyse, analyse_keyed
from lessons.learned import (
    Example,
    LearnedModel,
    analyse_many_with,
    analyse_with,
    apply,
    read,
    train,
)
from lessons.themes import DEFAULT_THEMES, ThemeDefinition, compile_themes

# A theme a programme lead adds with no terms at all, only labelled comments.
BUDDY = ThemeDefinition("buddying", "Buddying", "Pairing new councillors with a mentor.", (), ())
TAXONOMY = (*DEFAULT_THEMES, BUDDY)
MATCHER = compile_themes(TAXONOMY)

BUDDY_COMMENTS = [
    "Being paired with an experienced councillor as a mentor",
    "My mentor from the other group showed me her posts",
    "Having a mentor councillor to ring afterwards",
    "A mentor who had been through an election online",
    "The mentor scheme for new councillors",
    "Pairing me with a mentor from a neighbouring ward",
    "Getting a mentor to look over my first posts",
    "A councillor mentor to check in with each month",
]
OTHER_COMMENTS = [
    "The wifi was patchy all morning",
    "Slides were clear and short",
    "Too long, we ran out of time",
    "Loved the practical exercises on Instagram",
    "The room was freezing",
    "Good tips on dealing with trolls",
    "Handouts to take away please",
    "Hearing how other councillors use X",
]


def buddy_examples() -> list[Example]:
    examples = [
        Example(text, "went_well", "positive", False, ("buddying",), f"b{i}")
        for i, text in enumerate(BUDDY_COMMENTS)
    ]
    return examples + confirmations("went_well")


def test_a_theme_can_be_learnt_from_examples_alone():
    model = train(buddy_examples(), TAXONOMY)
    text = "Being given a mentor councillor for the first year"
    assert "buddying" not in {t.theme_id for t in analyse(text, "went_well", MATCHER).themes}
    result = analyse_with(model, text, "went_well", MATCHER)
    (buddy,) = [t for t in result.themes if t.theme_id == "buddying"]
    assert buddy.evidence[-1].startswith("learnt from ")
    assert "corrections like this one" in buddy.evidence[-1]


def test_a_suggestion_names_the_corrections_it_learnt_from():
    model = train(buddy_examples(), TAXONOMY)
    reading = read(
        model, "A mentor councillor to phone", "went_well", analyse("x", "went_well", MATCHER)
    )
    (suggestion,) = reading.add_themes
    assert suggestion.value == "buddying"
    assert suggestion.support >= 1
    assert suggestion.refs and all(ref.startswith("b") for ref in suggestion.refs)


def test_a_model_is_bytes_and_reads_the_same_after_storing():
    model = train(buddy_examples(), TAXONOMY)
    stored = model.to_bytes()
    assert isinstance(stored, bytes)
    assert not stored.startswith(b"\x80")  # not a pickle
    again = LearnedModel.from_bytes(stored)
    for text in [*BUDDY_COMMENTS, *OTHER_COMMENTS, "A mentor for new councillors please"]:
        assert analyse_with(again, text, "went_well", MATCHER) == analyse_with(
            model, text, "went_well", MATCHER
        )


def test_anything_else_is_refused_as_a_model():
    with pytest.raises(ValueError, match="not a stored learned model"):
        LearnedModel.from_bytes(b"\x80\x04something pickled")


# --- sentiment and requests: careful with few corrections ------------------------------

# Facilitators keep reading "a bit" comments about the pace as a plain remark, not a complaint.
PACE_REMARKS = [
    "The pace was a bit slow for me",
    "A bit slow at the start but fine",
    "Pace a bit slow in the middle part",
    "It was a bit slow after lunch",
    "A bit slow when we did LinkedIn",
    "Slightly slow pace on the Facebook part",
    "The second half was a bit slow",
    "The slow pace in the afternoon",
]


def confirmations(kind: str = "general") -> list[Example]:
    """Other comments people looked at and left as the rules read them."""
    examples = []
    for i, text in enumerate(OTHER_COMMENTS):
        rules = analyse(text, kind, MATCHER)
        tags = tuple(t.theme_id for t in rules.themes)
        examples.append(Example(text, kind, rules.label, rules.request, tags, f"o{i}"))
    return examples


def remark_examples(count: int) -> list[Example]:
    corrected = [
        Example(text, "general", "neutral", False, None, f"r{i}")
        for i, text in enumerate(PACE_REMARKS[:count])
    ]
    return corrected + confirmations()


def test_a_few_corrections_leave_the_rules_alone():
    model = train(remark_examples(2), TAXONOMY)
    text = "The pace was a bit slow overall"
    assert analyse_with(model, text, "general", MATCHER) == analyse(text, "general", MATCHER)


def test_enough_corrections_like_this_one_change_the_label_with_evidence():
    text = "The pace got a bit slow near the end"
    rules = analyse(text, "general", MATCHER)
    assert rules.label == "negative"
    model = train(remark_examples(8), TAXONOMY)
    result = analyse_with(model, text, "general", MATCHER)
    assert result.label == "neutral"
    assert result.drivers[0].startswith("learnt from ")
    assert "like this one" in result.drivers[0]


def test_a_corrected_comment_repeated_reads_as_it_was_corrected():
    text = "The session went on a bit long for me"
    assert analyse(text, "to_change", MATCHER).label == "negative"
    model = train([Example(text, "to_change", "neutral", False, (), "c1")], TAXONOMY)
    reading = read(model, text + ".", "to_change", analyse(text, "to_change", MATCHER))
    assert reading.same_as == "c1"
    assert reading.sentiment is not None and reading.sentiment.value == "neutral"
    again = analyse_with(model, "the session went on a bit long for me!", "to_change", MATCHER)
    assert again.label == "neutral"


def test_people_taking_a_theme_away_often_enough_teaches_the_layer_to_take_it_away():
    texts = [
        "Good pace overall and lots covered",
        "The pace suited everyone",
        "Pace was right for beginners",
        "Nice steady pace",
        "The pace was fine",
        "Pace felt natural",
        "A sensible pace throughout",
        "Pace matched the group",
    ]
    examples = [
        Example(t, "went_well", "positive", False, ("level",), f"p{i}") for i, t in enumerate(texts)
    ]
    model = train(examples + confirmations("went_well"), TAXONOMY)
    result = analyse_with(model, "The pace was spot on for the group", "went_well", MATCHER)
    assert "level" in {t.theme_id for t in result.themes}
    assert "pace" not in {t.theme_id for t in result.themes}


def test_a_model_without_any_reviewed_reading_changes_nothing():
    model = train([Example("Great session", "went_well")], TAXONOMY)
    assert model.sentiment is None and model.request is None and model.themes is None
    text = "Great session but too long"
    assert analyse_with(model, text, "went_well", MATCHER) == analyse(text, "went_well", MATCHER)


# Confirmations (people agreeing with the rules) never change what the rules say.
COMMENTS = st.sampled_from([*BUDDY_COMMENTS, *OTHER_COMMENTS, *PACE_REMARKS])
KINDS = st.sampled_from(["went_well", "to_change", "general"])


@settings(max_examples=20, deadline=None)
@given(
    picked=st.lists(st.tuples(COMMENTS, KINDS), min_size=1, max_size=12, unique=True),
    text=COMMENTS,
    kind=KINDS,
)
def test_confirmations_alone_never_change_the_rules_reading(picked, text, kind):
    examples = []
    for i, (seen, seen_kind) in enumerate(picked):
        rules = analyse(seen, seen_kind, MATCHER)
        tags = tuple(t.theme_id for t in rules.themes)
        examples.append(Example(seen, seen_kind, rules.label, rules.request, tags, str(i)))
    model = train(examples, TAXONOMY)
    rules = analyse(text, kind, MATCHER)
    result = apply(model, text, kind, rules)
    assert result.label == rules.label
    assert result.request == rules.request
    assert {t.theme_id for t in rules.themes} <= {t.theme_id for t in result.themes}


def test_training_a_few_thousand_corrections_is_quick():
    texts = [*BUDDY_COMMENTS, *OTHER_COMMENTS, *PACE_REMARKS]
    labels = ("positive", "neutral", "negative")
    examples = [
        Example(
            f"{texts[i % len(texts)]} ({i})",
            "general",
            labels[i % 3],
            i % 4 == 0,
            ("pace",) if i % 5 == 0 else (),
            str(i),
        )
        for i in range(2000)
    ]
    analyses = [analyse(e.text, e.question_kind, MATCHER) for e in examples]
    started = time.perf_counter()
    model = train(examples, TAXONOMY, analyses=analyses)
    assert time.perf_counter() - started < 10
    assert model.counts["examples"] == 2000


def test_train_wants_one_analysis_per_example():
    with pytest.raises(ValueError, match="one analysis per example"):
        train([Example("Fine", "general", "neutral")], TAXONOMY, analyses=[])


# --- many at once ---------------------------------------------------------------------


def test_analyse_many_with_matches_analyse_with_in_process_and_on_the_pool(monkeypatch):
    model = train(buddy_examples(), TAXONOMY)
    items = [(t, "went_well") for t in [*BUDDY_COMMENTS, *OTHER_COMMENTS]]
    expected = [analyse_with(model, t, k, MATCHER) for t, k in items]
    assert analyse_many_with(model, items, TAXONOMY) == expected

    monkeypatch.setattr(analysis_pool, "CHUNK_SIZE", 50)
    many = items * (analysis_pool.POOL_MIN_ITEMS // len(items) + 1)
    calls: list[tuple[int, int]] = []
    results = analyse_many_with(
        model, many, TAXONOMY, workers=2, progress=lambda d, t: calls.append((d, t))
    )
    assert results == expected * (len(many) // len(items))
    assert calls[-1] == (len(many), len(many))


def test_analyse_many_with_no_model_is_the_rules():
    items = [("Too long", "to_change"), ("Great, thanks", "went_well")]
    assert analyse_many_with(None, items) == [analyse(t, k) for t, k in items]


def test_the_evidence_reads_as_a_sentence():
    one = learned.Suggestion("neutral", 0.9, 1, ("c1",))
    many = learned.Suggestion("neutral", 0.9, 14)
    assert one.evidence == "learnt from 1 correction like this one"
    assert many.evidence == "learnt from 14 corrections like this one"


def test_a_damaged_model_is_refused_so_the_caller_can_retrain():
    stored = train(buddy_examples(), TAXONOMY).to_bytes()
    with pytest.raises(ValueError, match="damaged"):
        LearnedModel.from_bytes(stored[: len(stored) // 2])


# --- the quick reading agrees with the plain sums ----------------------------------------------

SAMPLE = [
    "A mentor councillor from the next ward would help",
    "The pace was a bit slow after the break",
    "Pairing with a mentor was the best part, the room was cold though",
    "Slides were clear, handouts please",
    "A bit slow on Facebook but a great mentor scheme",
    "Nothing really, the mentor idea is good",
    "Hearing from a mentor about her first year online",
    "The wifi was patchy and the pace a bit slow",
]


def _sigmoid(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-score))


def _alike_count(model: LearnedModel, columns: set[int], gave: set[int]) -> int:
    """Corrections that gave a reading and share enough words with the comment, counted
    with plain sets; all of those that gave it when none is alike enough."""
    rows = [
        set(model.example_columns[model.example_indptr[i] : model.example_indptr[i + 1]].tolist())
        for i in range(len(model.example_refs))
    ]
    alike = [
        i
        for i in gave
        if columns
        and len(rows[i] & columns) / math.sqrt(max(len(rows[i]), 1)) / math.sqrt(len(columns))
        >= learned.SIMILAR
    ]
    return len(alike) or len(gave)


def test_the_quick_reading_agrees_with_the_plain_sums():
    model = train(buddy_examples() + remark_examples(8), TAXONOMY)
    assert model.themes is not None and model.sentiment is not None
    vocabulary = model.vocabulary
    suggested = 0
    for text in SAMPLE:
        for kind in ("went_well", "to_change", "general"):
            rules, keys = analyse_keyed(text, kind, MATCHER)
            reading = read(model, text, kind, rules, keys)
            assert reading == read(model, text, kind, rules)  # the rules' keys are the text's
            words = learned._word_features(learned._word_keys(text))
            columns = {vocabulary[f] for f in words if f in vocabulary}
            every = columns | {
                vocabulary[f] for f in learned._rule_features(kind, rules) if f in vocabulary
            }
            x = np.zeros(len(vocabulary))
            x[sorted(every)] = 1.0
            theme_scores = x @ model.themes.weights + model.themes.bias
            added = {s.value: s for s in reading.add_themes}
            tagged = {t.theme_id for t in rules.themes}
            for theme_id, score in zip(model.themes.outputs, theme_scores, strict=True):
                probability = _sigmoid(float(score))
                can_add = (
                    theme_id in model.theme_names
                    or sum(theme_id in (t or ()) for t in model.example_themes)
                    >= learned.MIN_SUPPORT
                )
                if theme_id in added:
                    suggestion = added[theme_id]
                    assert suggestion.confidence == pytest.approx(probability, abs=1e-5)
                    gave = {i for i, t in enumerate(model.example_themes) if theme_id in (t or ())}
                    assert suggestion.support == _alike_count(model, columns, gave)
                    suggested += 1
                elif can_add and theme_id not in tagged:
                    assert probability < learned.ADD_THEME + 1e-5
            if reading.sentiment is not None:
                scores = x @ model.sentiment.weights + model.sentiment.bias
                odds = [_sigmoid(float(s)) for s in scores]
                best = model.sentiment.outputs.index(reading.sentiment.value)
                assert reading.sentiment.confidence == pytest.approx(
                    odds[best] / sum(odds), abs=1e-5
                )
                suggested += 1
    assert suggested  # the sample does meet the layer's suggestions


# --- the screen: most comments need no score added up --------------------------------

SCREEN_TEXTS = [*SAMPLE, *BUDDY_COMMENTS, *OTHER_COMMENTS, *PACE_REMARKS]
SCREEN_WORDS = sorted({word for text in SCREEN_TEXTS for word in text.lower().split()})


def _taught_at_random(seed: int) -> LearnedModel:
    """A model taught by corrections made at random, so that many readings move and many
    themes are added and taken away, unlike any real model's."""
    rng = random.Random(seed)
    theme_ids = [t.id for t in TAXONOMY]
    examples = [
        Example(
            f"{rng.choice(SCREEN_TEXTS)}. {rng.choice(SCREEN_TEXTS)}",
            rng.choice(["went_well", "to_change", "general"]),
            rng.choice(["positive", "neutral", "negative"]),
            rng.random() < 0.3,
            tuple(sorted(rng.sample(theme_ids, rng.randint(0, 3)))),
            f"x{i}",
        )
        for i in range(150)
    ]
    return train(examples, TAXONOMY)


@functools.cache
def _screened_models() -> tuple[LearnedModel, ...]:
    return (
        train(buddy_examples() + remark_examples(8), TAXONOMY),
        *map(_taught_at_random, range(3)),
    )


@functools.cache
def _screen_comments() -> tuple[tuple[str, str], ...]:
    """The texts above and word salads of theirs, under each question."""
    rng = random.Random(7)
    salads = [" ".join(rng.choices(SCREEN_WORDS, k=rng.randint(1, 30))) for _ in range(60)]
    return tuple(
        (text, kind)
        for text in [*SCREEN_TEXTS, *salads]
        for kind in ("went_well", "to_change", "general")
    )


def _in_full(model: LearnedModel) -> LearnedModel:
    """The same model with its screen switched off: every score is added up."""
    twin = LearnedModel.from_bytes(model.to_bytes())
    twin._screen.sure = False
    return twin


def test_the_screen_bounds_the_float32_scores_and_rules_out_most_comments():
    tested = ruled_out = quiet = 0
    for model in _screened_models():
        screen, in_full = model._screen, _in_full(model)
        assert screen.sure and screen.tests
        for text, kind in _screen_comments():
            rules, keys = analyse_keyed(text, kind, MATCHER)
            assert keys is not None
            found = screen.singles(keys) | screen.pairs(keys)
            total, needed = screen.sums(sum(found), kind, rules)
            # the scores as `read` adds them up, in float32
            words = screen.columns(keys)
            base = model.rule_base(kind, rules)
            base = model._stacked_bias if base is None else base
            rows = model._stacked.take(words, axis=0)
            scores = (base + rows.sum(axis=0) if words else base).tolist()
            terms = len(found) + len(rules.themes) + 5  # the bias and the rules' features
            for i, test in enumerate(screen.tests):
                bound, exact = screen.field(total, i), test.value(scores)
                assert exact <= bound < exact + 0.1
                # and what makes a theme sure to pass, with no score worked out
                assert exact >= bound - terms * screen.slack[i] / learned._SCREEN_SCALE
                tested += 1
            ruled_out += not total & needed
            quiet += read(in_full, text, kind, rules, keys) is learned._NOTHING_LEARNT
    assert tested
    # most of the comments it has nothing to say about (these models move many readings)
    assert ruled_out >= 0.75 * quiet


def test_a_reading_the_screen_lets_through_is_the_reading_in_full():
    changed = 0
    for model in _screened_models():
        in_full = _in_full(model)
        for text, kind in _screen_comments():
            rules, keys = analyse_keyed(text, kind, MATCHER)
            reading = read(model, text, kind, rules, keys)
            assert reading == read(in_full, text, kind, rules, keys)
            assert apply(model, text, kind, rules, keys) == apply(in_full, text, kind, rules, keys)
            changed += reading != learned._NOTHING_LEARNT
    assert changed > 50  # the models do change readings, of many kinds


@settings(max_examples=40, deadline=None)
@given(
    words=st.lists(st.sampled_from(SCREEN_WORDS), min_size=1, max_size=40),
    kind=KINDS,
    seed=st.integers(0, 2),
)
def test_the_screen_never_changes_a_reading(words, kind, seed):
    model = _screened_models()[seed + 1]
    text = " ".join(words)
    rules, keys = analyse_keyed(text, kind, MATCHER)
    assert read(model, text, kind, rules, keys) == read(_in_full(model), text, kind, rules, keys)
