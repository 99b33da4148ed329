"""Question-aware sentiment and themes, checked the way a facilitator would read them."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import analysis, analysis_pool
from lessons.analysis import (
    ANALYSER_VERSION,
    Analysis,
    ThemeResult,
    analyse,
    analyse_keyed,
    analyse_many,
    explain,
    relabel,
)
from lessons.analysis_lexicon import could_be_cue
from lessons.themes import (
    DEFAULT_THEMES,
    ThemeDefinition,
    compile_themes,
    match_key,
    normalise,
    tokenise,
)

REPO = Path(__file__).resolve().parent.parent
MATCHER = compile_themes(DEFAULT_THEMES)
LABELS = {"positive", "neutral", "negative"}

# (question kind, expected label, themes that must be tagged, the answer)
FEEDBACK_CASES = [
    # "What worked well for you?"
    ("went_well", "positive", {"facilitation"},
     "Really helpful session, the trainer was patient and explained everything clearly"),
    ("went_well", "positive", {"hands_on", "platforms"},
     "Setting up my Facebook page with someone next to me"),
    ("went_well", "positive", {"hands_on"},
     "The hands-on part where we actually posted something"),
    ("went_well", "negative", set(),
     "Nothing"),
    ("went_well", "positive", {"level", "platforms", "relevance"},
     "Hearing how other councillors use Twitter/X to reach residents"),
    ("went_well", "neutral", {"pace"},
     "Useful, but too long"),
    ("went_well", "positive", {"risk"},
     "Good tips on dealing with trolls and online abuse"),
    ("went_well", "negative", {"level"},
     "Not much, most of it went over my head"),
    ("went_well", "positive", {"materials"},
     "The slides and the handout to take away"),
    ("went_well", "negative", {"tech"},
     "Honestly not a lot, the wifi did not work so we couldn't try anything"),
    ("went_well", "positive", {"level"},
     "Small group so we could ask questions"),
    ("went_well", "positive", {"risk"},
     "Learnt a lot about the rules for the pre-election period"),
    ("went_well", "positive", {"facilitation", "risk"},
     "Clear explanation of the code of conduct and what not to post"),
    ("went_well", "positive", {"hands_on", "platforms"},
     "Loved the practical exercises on Instagram"),
    ("went_well", "neutral", {"facilitation", "pace"},
     "The presenter was knowledgeable but went far too fast"),
    ("went_well", "positive", set(),
     "Great session 👍"),
    ("went_well", "positive", {"facilitation", "platforms"},
     "The councillor who co-presented showed how she handles Nextdoor"),
    ("went_well", "positive", {"relevance"},
     "Being convinced that it is worth doing for my ward"),
    ("went_well", "positive", {"platforms"},
     "Felt much more confident about using WhatsApp groups by the end"),
    # "What should we change for next time?"
    ("to_change", "positive", set(),
     "Nothing"),
    ("to_change", "positive", set(),
     "Nothing, it was great"),
    ("to_change", "positive", set(),
     "N/A"),
    ("to_change", "negative", {"tech"},
     "The wifi did not work for the first hour"),
    ("to_change", "negative", {"hands_on"},
     "Too much theory, not enough practice"),
    # A plain request is its own reading, not a complaint (issue 14): neutral.
    ("to_change", "neutral", {"hands_on"},
     "More time for hands-on practice please"),
    ("to_change", "negative", {"pace"},
     "It could have been shorter"),
    ("to_change", "negative", {"pace", "platforms"},
     "We ran out of time before the LinkedIn section"),
    ("to_change", "negative", {"venue"},
     "Start later in the evening so those of us who work can come"),
    ("to_change", "negative", {"tech", "venue"},
     "The room was too cold and the projector kept failing"),
    ("to_change", "positive", set(),
     "Keep it as it is, really useful"),
    ("to_change", "neutral", {"materials"},
     "A follow-up session in a few months would be good"),
    ("to_change", "negative", {"facilitation"},
     "Less jargon, not everyone knows what an algorithm is"),
    ("to_change", "negative", {"level"},
     "Smaller groups, it was hard to get help with 20 people"),
    ("to_change", "neutral", {"materials"},
     "Send the slides out beforehand"),
    ("to_change", "neutral", set(),
     "Not sure"),
    ("to_change", "positive", set(),
     "Can't think of anything, well organised"),
    ("to_change", "negative", {"tech"},
     "Couldn't log in to my council laptop so I just watched"),
    ("to_change", "negative", {"level", "platforms"},
     "Pitched too basic for those of us already on Facebook"),
    ("to_change", "positive", set(),
     "No complaints, very well run"),
    ("to_change", "negative", {"venue"},
     "The venue was hard to find and parking was a nightmare"),
    ("to_change", "negative", {"level", "platforms"},
     "Wasn't that useful for me as I already use Twitter every day"),
    ("to_change", "neutral", {"pace"},
     "Shorter session, and maybe a break halfway"),
    ("to_change", "negative", {"venue"},
     "Nothing really, although the room was a bit stuffy"),
    ("to_change", "negative", {"workload"},
     "I don't have time to post every day, tips on scheduling would help"),
    # "What help would you like next?"
    ("general", "neutral", {"platforms"},
     "A session on Instagram and TikTok"),
    ("general", "positive", set(),
     "None, I feel confident now"),
    ("general", "neutral", {"risk"},
     "More help with dealing with abuse online"),
    ("general", "neutral", {"hands_on", "platforms"},
     "One-to-one support to set up my Facebook page"),
    ("general", "neutral", {"materials"},
     "A written guide I can refer back to"),
    ("general", "neutral", {"workload"},
     "How to find time for this alongside casework"),
    ("general", "negative", {"relevance"},
     "Honestly I'm still not convinced it's worth my time"),
    ("general", "positive", set(),
     "Thanks, it was brilliant"),
    ("general", "neutral", {"risk"},
     "A refresher before the pre-election period"),
    ("general", "negative", set(),
     "Not as useful as I'd hoped"),
    ("general", "negative", set(),
     "I didn't find it useful at all"),
    # --- issue 14: patterns found on comments the analysis had never seen ---------------
    # a bare fact about oneself is no praise, even under "what worked well?"
    ("went_well", "neutral", set(),
     "I am a new councillor for the north ward"),
    ("went_well", "neutral", {"venue", "platforms"},
     "We met in the committee room on a Tuesday evening, there were twelve councillors and"
     " two officers, and we went through Facebook, X and Nextdoor one after the other"),
    # plain requests are neutral; a request with a complaint word is still a complaint
    ("to_change", "neutral", {"materials"},
     "A printed copy of the slides please"),
    ("to_change", "neutral", {"platforms"},
     "More time on Instagram"),
    ("to_change", "neutral", {"platforms"},
     "It would be nice to have a follow-up session on TikTok"),
    ("to_change", "neutral", {"materials"},
     "Could you send the slides before the session?"),
    ("to_change", "negative", {"facilitation"},
     "Less jargon please, it was confusing"),
    # "no change needed" idioms and the reach of a negation
    ("general", "positive", {"facilitation"},
     "I don't think the trainer could have done any better"),
    ("to_change", "positive", set(),
     "I can't think of anything I would improve"),
    ("general", "positive", {"facilitation"},
     "Nothing was too much trouble for the comms officers"),
    ("went_well", "positive", set(),
     "All good"),
    ("to_change", "positive", set(),
     "All good thanks"),
    # one polite word does not average a list of grievances to neutral
    ("to_change", "negative", {"pace", "tech", "venue"},
     "Thanks, but we started late, the projector failed and the room was freezing"),
    # domain words inside praise, and complaints with no negative word
    ("general", "positive", {"tech", "facilitation"},
     "The comms officer sorted my login problem in minutes"),
    ("general", "positive", {"risk"},
     "Her advice got me through a difficult week of online abuse"),
    ("went_well", "positive", {"tech", "facilitation"},
     "The officer helped me when I got stuck with my password"),
    ("to_change", "negative", set(),
     "Be on time next session"),
    ("to_change", "negative", set(),
     "Treat new councillors with respect"),
    ("general", "negative", {"materials"},
     "Still no reply about the follow-up session"),
    ("to_change", "negative", {"tech"},
     "The projector never turned up and no one came to fix it"),
    ("to_change", "negative", {"tech"},
     "Took over an hour to get everyone logged in"),
    # more "could not be better" idioms, and praise told as "couldn't have... without"
    ("to_change", "positive", {"facilitation"},
     "Honestly nothing the officers could have done better"),
    ("general", "positive", set(),
     "I don't feel anything about the session could be improved"),
    ("went_well", "positive", {"hands_on", "facilitation"},
     "I couldn't have set up my page without the officer's help"),
    # what should have been done, told as done, under "what should we change?"
    ("to_change", "negative", {"facilitation"},
     "Listened more to the newer councillors"),
    ("to_change", "neutral", {"pace"},
     "Could have done with a longer break"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "label", "themes", "text"),
    FEEDBACK_CASES,
    ids=[f"{kind}:{text[:40]}" for kind, _, _, text in FEEDBACK_CASES],
)
def test_realistic_feedback_gets_the_expected_label_and_themes(kind, label, themes, text):
    result = analyse(text, kind, MATCHER)
    assert result.label == label, explain(result)
    assert themes <= {theme.theme_id for theme in result.themes}, explain(result)


# (question kind, the answer, whether it asks for a change or an addition)
REQUEST_CASES = [
    ("to_change", "A printed copy of the slides please", True),
    ("to_change", "More time on Instagram", True),
    ("to_change", "It would be nice to have a follow-up session on TikTok", True),
    ("to_change", "Maybe split the group by experience", True),
    ("to_change", "Be on time next session", True),
    ("general", "A session on dealing with trolls would be really helpful", True),
    ("general", "One-to-one help with my Facebook page", True),
    ("to_change", "I would have liked more examples from other councils", True),
    ("went_well", "Wanted to learn about LinkedIn and now I have", False),
    ("to_change", "Keep it up", False),
    ("to_change", "More sessions like this please", False),
    ("general", "I would like to thank the trainers", False),
    ("to_change", "The projector failed twice", False),
    ("went_well", "The breakout groups", False),
    ("to_change", "Nothing, it was great", False),
    ("to_change", "I can't think of anything I would improve", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "text", "asks"),
    REQUEST_CASES,
    ids=[f"{kind}:{text[:40]}" for kind, text, _ in REQUEST_CASES],
)
def test_requests_are_their_own_reading(kind, text, asks):
    result = analyse(text, kind, MATCHER)
    assert result.request is asks, explain(result)
    assert bool(result.asks) is asks


def test_a_plain_request_is_neutral_and_shows_what_was_asked():
    result = analyse("Handouts to take away, please", "to_change", MATCHER)
    assert (result.label, result.request) == ("neutral", True)
    assert result.asks == ("Handouts to take away",)
    assert 'asks for "Handouts to take away"' in explain(result)


def test_asking_for_a_basic_standard_says_it_was_not_met():
    result = analyse("Please start on time", "to_change", MATCHER)
    assert result.label == "negative" and result.request
    assert any(d.startswith("not met: on time") for d in result.drivers)


def test_a_request_after_praise_and_but_names_a_gap():
    result = analyse("The trainer was lovely, but what about a handout?", "to_change", MATCHER)
    assert result.mixed and result.request
    assert result.label == "neutral"


def test_understanding_offered_for_a_shortcoming_excuses_it_but_the_complaint_stands():
    result = analyse(
        "The session overran but I understand there was a lot to cover", "general", MATCHER
    )
    assert not result.mixed
    assert result.label == "negative"
    assert "overran" in result.drivers


@pytest.mark.parametrize(
    "text",
    [
        "I know the team cannot say when the room will be ready.",
        "That was out of the organisers' control.",
        "It can't be helped, the building was being repaired.",
    ],
)
def test_an_excuse_alone_is_neither_praise_nor_complaint(text):
    assert analyse(text, "general", MATCHER).label == "neutral"


def test_trouble_named_as_the_situation_is_no_complaint():
    result = analyse("The helpers came over whenever we had problems", "went_well", MATCHER)
    assert result.label == "positive"
    assert not any("problem" in d for d in result.drivers)


def test_a_negation_reaches_over_or():
    result = analyse("The trainer was not patient or helpful", "general", MATCHER)
    assert result.label == "negative"
    assert all(not d.startswith("helpful") for d in result.drivers)


# --- a person (or the learned layer) sets the label -------------------------------------


def test_relabel_sets_the_label_and_the_tone_of_an_unmixed_answers_themes():
    machine = analyse("The wifi was patchy", "to_change", MATCHER)
    corrected = relabel(machine, "positive", "corrected by a facilitator")
    assert corrected.label == "positive" and corrected.score > 0
    assert corrected.drivers[0] == "corrected by a facilitator"
    assert [t.label for t in corrected.themes] == ["positive"]


def test_relabel_keeps_a_mixed_answers_themes_on_their_own_clauses():
    machine = analyse("The trainer was brilliant, but the room was freezing", "general", MATCHER)
    corrected = relabel(machine, "negative", "corrected")
    by_id = {t.theme_id: t.label for t in corrected.themes}
    assert by_id == {"facilitation": "positive", "venue": "negative"}


def test_relabel_refuses_an_unknown_label():
    with pytest.raises(ValueError, match="unknown label"):
        relabel(analyse("Fine", "general"), "great", "because")


def test_the_table_is_big_enough_to_trust():
    assert len(FEEDBACK_CASES) >= 40
    assert {kind for kind, *_ in FEEDBACK_CASES} == {"went_well", "to_change", "general"}


# --- the cases plain TextBlob gets wrong ------------------------------------------------------


@pytest.mark.parametrize("kind", ["went_well", "to_change", "general"])
def test_equipment_that_did_not_work_is_a_complaint_whatever_the_question(kind):
    result = analyse("The wifi did not work for the first hour", kind, MATCHER)
    assert result.label == "negative"
    assert "did not work" in result.drivers
    tech = next(theme for theme in result.themes if theme.theme_id == "tech")
    assert "wifi" in tech.evidence
    assert tech.label == "negative"


def test_too_much_theory_not_enough_practice_is_a_complaint():
    result = analyse("Too much theory, not enough practice", "to_change", MATCHER)
    assert result.label == "negative"
    assert any("too much" in driver for driver in result.drivers)
    assert any("not enough" in driver for driver in result.drivers)


@pytest.mark.parametrize(
    ("kind", "label", "reading"),
    [
        ("to_change", "positive", "no change wanted"),
        ("went_well", "negative", "nothing worked well"),
    ],
)
@pytest.mark.parametrize("answer", ["Nothing", "nothing.", "None", "N/A", "no", "Nothing really"])
def test_nothing_means_no_complaint_or_nothing_worked_depending_on_the_question(
    answer, kind, label, reading
):
    result = analyse(answer, kind)
    assert result.label == label
    assert any(reading in driver for driver in result.drivers)


def test_useful_but_too_long_is_mixed_and_pace_carries_the_criticism():
    result = analyse("Useful, but too long", "went_well", MATCHER)
    assert result.mixed
    assert {"useful", "too long"} <= set(result.drivers)
    (pace,) = [theme for theme in result.themes if theme.theme_id == "pace"]
    assert pace.label == "negative"
    assert pace.score < 0
    assert pace.clauses == ("but too long",)


def test_a_theme_in_a_praised_clause_is_positive_and_in_a_criticised_clause_negative():
    result = analyse("The trainer was brilliant, but the room was freezing", "went_well", MATCHER)
    by_id = {theme.theme_id: theme for theme in result.themes}
    assert by_id["facilitation"].label == "positive"
    assert by_id["venue"].label == "negative"
    assert result.mixed


@pytest.mark.parametrize(
    "text",
    ["It could have been shorter", "Ran out of time for questions", "The session overran"],
)
def test_complaints_about_length_are_negative_and_tagged_pace(text):
    result = analyse(text, "general", MATCHER)
    assert result.label == "negative"
    assert "pace" in {theme.theme_id for theme in result.themes}


@pytest.mark.parametrize(
    "text",
    ["Couldn't have been better", "I can't fault it", "Nothing I would change", "Not too long"],
)
def test_praise_idioms_with_a_negation_are_positive(text):
    assert analyse(text, "general").label == "positive"


def test_a_wider_negation_window_reads_wasnt_that_useful_as_criticism():
    result = analyse("It wasn't that useful", "general")
    assert result.label == "negative"
    assert any("useful" in driver for driver in result.drivers)


def test_a_plain_request_under_what_to_change_is_neutral_and_a_request():
    # Issue 14 reverses the earlier reading ("a mild complaint"): people label plain
    # requests neutral, and the request is shown as what was asked for.
    result = analyse("More examples from other councils please", "to_change")
    assert result.label == "neutral"
    assert result.request
    assert result.asks == ("More examples from other councils please",)


def test_the_same_request_for_next_time_help_is_neutral():
    assert analyse("More examples from other councils please", "general").label == "neutral"


def test_a_might_have_been_is_not_praise_but_a_request():
    # Its praise word names what was wanted; as a plain request it is neutral (issue 14).
    result = analyse("It would have been good to have a break", "general")
    assert result.label == "neutral"
    assert result.request
    assert "good" not in result.drivers


def test_an_unknown_question_kind_is_read_as_general():
    assert analyse("Nothing", "help_next") == analyse("Nothing", "general")


def test_no_opinion_words_gives_neutral_with_no_drivers():
    result = analyse("A session on Instagram", "general")
    assert (result.label, result.score, result.mixed, result.drivers) == ("neutral", 0.0, False, ())


def test_the_default_taxonomy_is_used_unless_another_is_given():
    assert [t.theme_id for t in analyse("The wifi was patchy", "general").themes] == ["tech"]
    own = compile_themes([ThemeDefinition("kit", "Kit", "Equipment.", ("wifi",), (), ())])
    assert [t.theme_id for t in analyse("The wifi was patchy", "general", own).themes] == ["kit"]


# --- explain ----------------------------------------------------------------------------------


def test_explain_reads_as_one_line_with_label_drivers_and_themes():
    line = explain(analyse("Useful, but too long", "went_well", MATCHER))
    assert "\n" not in line
    assert line.startswith("neutral")
    assert "mixed" in line
    assert '"too long"' in line
    assert "pace negative" in line


def test_explain_says_when_no_opinion_was_found():
    assert "no opinion words" in explain(analyse("Instagram", "general"))


# --- robustness (Hypothesis) ------------------------------------------------------------------

FEEDBACK_WORDS = [
    "useful", "too long", "not", "but", "nothing", "wifi", "didn't work", "great", "!", ",",
    ".", "very", "more", "could have been", "😀", "👎", ":)", "شكرا جزيلا", "מצוין",
    "\u200f", "İ", "ran out of time", "x", "Twitter/X", "n/a", "never", "without", "\n",
]  # fmt: skip
feedback_like = st.lists(st.sampled_from(FEEDBACK_WORDS), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=300), feedback_like)
kinds = st.sampled_from(["went_well", "to_change", "general", "something else"])


def _check_well_formed(result: Analysis) -> None:
    assert result.label in LABELS
    assert -1.0 <= result.score <= 1.0
    assert all(isinstance(driver, str) and driver for driver in result.drivers)
    # every label shows the words behind it: an opinion is never without its drivers
    assert result.drivers or result.label == "neutral"
    assert isinstance(result.request, bool)
    assert result.request == bool(result.asks)
    for theme in result.themes:
        assert theme.label in LABELS
        assert -1.0 <= theme.score <= 1.0
        assert theme.evidence


@given(text=any_text, kind=kinds)
def test_any_text_gives_a_well_formed_analysis(text, kind):
    _check_well_formed(analyse(text, kind, MATCHER))


@given(text=any_text, kind=kinds)
def test_what_is_asked_for_comes_from_the_answer(text, kind):
    result = analyse(text, kind, MATCHER)
    assert all(ask and ask in text for ask in result.asks)


def test_results_built_without_init_are_whole_frozen_results():
    # `_built` skips the frozen dataclasses' __init__: every field is set, and the result
    # is equal, hashes and reads as one made the usual way, and cannot be changed
    result = analyse("The trainer was great but the room was cold", "general", MATCHER)
    assert result.themes
    results: list[Analysis | ThemeResult] = [result, *result.themes]
    for made in results:
        assert set(vars(made)) == {f.name for f in dataclasses.fields(made)}
        usual = type(made)(**vars(made))
        assert made == usual and hash(made) == hash(usual) and repr(made) == repr(usual)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, "label", "neutral")  # noqa: B010


FACE_PIECES = [
    ":)",
    ":-(",
    "xd",
    "x",
    "<3",
    ":",
    "10:30",
    "8)",
    "o.o",
    ";)",
    "great",
    "!",
    ".",
    ",",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.lists(st.sampled_from(FACE_PIECES), max_size=8).map(" ".join),
        st.lists(st.sampled_from(FACE_PIECES), max_size=8).map("".join),
        st.text(max_size=60),
    )
)
def test_emoticons_are_found_as_their_pattern_finds_them(text):
    # The faces are matched as a tree of their characters: the same faces, at the same
    # places, as a plain list of them, longest first, would find.
    plain = normalise(text)
    faces = sorted(analysis._EMOTICON_POLARITY, key=len, reverse=True)
    listed = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, faces)) + r")(?=\s|$|[.,!?])")
    expected = []
    if analysis._EMOTICON_CHARS_RE.search(plain):
        expected = [(m.start(), m.group(0)) for m in listed.finditer(plain)]
    assert [(at, hit.words) for at, hit in analysis._emoticon_hits(plain)] == expected


PLAIN_WORDS = [
    "useful", "too", "long", "not", "but", "nothing", "wifi", "great", "very", "more", "could",
    "have", "been", "ran", "out", "of", "time", "x", "never", "without", "really", "helpful",
    "or", "nor", "patient", "the", "a", "kind", "i", "think", "was", "single", "pretty", "good",
    "super", "no", "4", "rude", "respectful",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(PLAIN_WORDS), max_size=14),
    gaps=st.lists(st.sampled_from([" ", "  "]), min_size=15, max_size=15),
    cuts=st.lists(st.integers(0, 90), max_size=6),
)
def test_a_plain_clause_reads_the_same_from_its_split_words(words, gaps, cuts):
    # the words of a plain clause come from `str.split`, and those a phrase rule read
    # (`covered`) are counted off by position: as the word pattern and its positions give
    clause = "".join(gap + word for gap, word in zip(gaps, words, strict=False))
    bounds = sorted(cuts)[: len(cuts) // 2 * 2]
    covered = list(zip(bounds[::2], bounds[1::2], strict=True))
    assert analysis._word_hits(clause, covered, clause.split()) == analysis._word_hits(
        clause, covered
    )


REQUESTS = [
    "more time on Facebook", "a handout please", "it would be nice to have a guide",
    "could you send the slides", "maybe a session on TikTok",
]  # fmt: skip
COMPLAINTS = ["too long", "the wifi did not work", "we started late", "it was confusing"]
PRAISE = ["really helpful", "the trainer was brilliant", "very clear", "great session"]


@given(ask=st.sampled_from(REQUESTS), kind=st.sampled_from(["to_change", "general"]))
def test_a_plain_request_is_never_a_complaint(ask, kind):
    result = analyse(ask, kind, MATCHER)
    assert result.request
    assert result.label == "neutral"


@given(
    complaints=st.lists(st.sampled_from(COMPLAINTS), min_size=2, max_size=4),
    kind=kinds,
)
def test_a_thank_you_never_turns_grievances_neutral(complaints, kind):
    result = analyse("Thanks, but " + ", ".join(complaints), kind, MATCHER)
    assert result.label == "negative"


@given(praise=st.sampled_from(PRAISE), complaint=st.sampled_from(COMPLAINTS), kind=kinds)
def test_clear_praise_with_clear_criticism_is_mixed(praise, complaint, kind):
    result = analyse(f"{praise}, but {complaint}", kind, MATCHER)
    assert result.mixed
    assert any(d in result.drivers for d in ("too long", "did not work", "started late")) or any(
        "confusing" in d for d in result.drivers
    )


@given(text=any_text, kind=kinds, label=st.sampled_from(sorted(LABELS)))
def test_relabel_gives_a_well_formed_analysis_with_that_label(text, kind, label):
    corrected = relabel(analyse(text, kind, MATCHER), label, "corrected")
    _check_well_formed(corrected)
    assert corrected.label == label
    assert corrected.drivers[0] == "corrected"


@given(text=any_text, kind=kinds)
def test_analysis_is_deterministic(text, kind):
    assert analyse(text, kind, MATCHER) == analyse(text, kind, MATCHER)


@settings(max_examples=25, deadline=None)
@given(chunk=st.one_of(feedback_like, st.text(min_size=1, max_size=60)), kind=kinds)
def test_ten_thousand_characters_are_fine(chunk, kind):
    text = (chunk * (10_000 // max(len(chunk), 1) + 1))[:10_000]
    _check_well_formed(analyse(text, kind, MATCHER))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\n",
        "😀😀😀",
        "👎",
        "شكرا جزيلا على الجلسة",
        "מצוין, תודה",
        "\u200f\u200e",
        ":)",
    ],
)
def test_empty_emoji_and_right_to_left_text_do_not_crash(text):
    _check_well_formed(analyse(text, "general", MATCHER))


def test_emoji_carry_opinion():
    assert analyse("👍👍", "general").label == "positive"
    assert analyse("👎", "general").label == "negative"


# --- many at once -----------------------------------------------------------------------------


def test_analyse_many_keeps_order_and_matches_analyse_in_process():
    items = [(text, kind) for kind, _, _, text in FEEDBACK_CASES]
    calls: list[tuple[int, int]] = []
    results = analyse_many(items, progress=lambda done, total: calls.append((done, total)))
    assert results == [analyse(text, kind, MATCHER) for text, kind in items]
    assert calls[-1] == (len(items), len(items))


def test_analyse_many_uses_the_process_pool_for_large_batches(monkeypatch):
    monkeypatch.setattr(analysis_pool, "CHUNK_SIZE", 50)
    items = [(text, kind) for kind, _, _, text in FEEDBACK_CASES] * 8
    assert len(items) >= analysis_pool.POOL_MIN_ITEMS
    calls: list[tuple[int, int]] = []
    results = analyse_many(items, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert results == [analyse(text, kind, MATCHER) for text, kind in items]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (len(items), len(items))
    assert len(calls) == -(-len(items) // 50)


def test_analyse_many_finishes_in_process_when_the_pool_cannot_start(monkeypatch):
    def broken_pool(*args, **kwargs):
        raise BrokenProcessPool("no workers here")

    monkeypatch.setattr(analysis_pool, "run_in_pool", broken_pool)
    items = [
        ("Too long", "to_change"),
        ("Great, thanks", "went_well"),
    ] * analysis_pool.POOL_MIN_ITEMS
    calls: list[tuple[int, int]] = []
    results = analyse_many(items, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert [r.label for r in results[:2]] == ["negative", "positive"]
    assert len(results) == len(items)
    assert calls[-1] == (len(items), len(items))


def test_analyse_many_of_nothing_is_empty():
    assert analyse_many([]) == []


# --- the environment --------------------------------------------------------------------------


def test_the_analyser_has_a_version_to_drive_incremental_reanalysis():
    assert isinstance(ANALYSER_VERSION, str) and ANALYSER_VERSION


def _run_isolated(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_analysis_works_with_no_nltk_corpora(tmp_path):
    code = (
        "from lessons.analysis import analyse, explain\n"
        "from lessons.themes import compile_themes\n"
        "result = analyse('The wifi did not work, but the trainers were great', 'went_well',"
        " compile_themes())\n"
        "print(explain(result))\n"
    )
    completed = _run_isolated(code, tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "tech negative" in completed.stdout
    assert "facilitation positive" in completed.stdout


def test_the_analysis_core_does_not_import_streamlit(tmp_path):
    code = (
        "import sys\nimport lessons.analysis, lessons.themes\nprint('streamlit' in sys.modules)\n"
    )
    completed = _run_isolated(code, tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"


# --- the patterns of issue 14, as new general cases ----------------------------------------
# (question kind, expected label, whether it asks for something, the answer). Written for
# councillors' training, not taken from any development file.
PATTERN_CASES = [
    # 1. a bare fact under "what worked well?" is no praise; a plain request is neutral
    ("went_well", "neutral", False, "I have been a councillor for six years"),
    ("to_change", "neutral", True, "Name badges please"),
    ("to_change", "neutral", True, "More worked examples of replying to residents"),
    ("general", "neutral", True, "Could we have the checklist as a PDF"),
    # 2. "no change needed" idioms, negation scope, and "all good" is not "nothing"
    ("to_change", "positive", False, "I really don't think the team could have done any better"),
    ("to_change", "positive", False, "Honestly can't think of anything to improve on"),
    ("went_well", "positive", False, "No request was too much trouble for the officers"),
    ("to_change", "positive", False, "All good from me"),
    ("went_well", "positive", False, "All good, thank you"),
    # 3. a polite word does not average a list of grievances to neutral
    ("to_change", "negative", False,
     "Thank you, but the room was freezing, we started late and the slides were unreadable"),
    ("general", "negative", False,
     "Thanks for having us. Shame the wifi kept dropping, the handout had errors and we overran"),
    # 4. domain words in praise; complaints with no negative word
    ("went_well", "positive", False, "The officer sorted my password problem straight away"),
    ("general", "positive", False, "The buddy scheme got me through a rough first month"),
    ("to_change", "negative", True, "Start on time"),
    ("to_change", "negative", True, "Treat the newer councillors with respect"),
    ("general", "negative", False, "Still no reply to my email about the slides"),
    # 5. an excuse is no praise: the complaint it excuses stands, alone it says nothing
    ("general", "negative", False, "We waited ages for the lift, though I realise how busy it was"),
    ("general", "neutral", False, "I appreciate the room had to be changed at short notice."),
    # 6. a delay told in numbers is a complaint, however it is counted
    ("general", "neutral", False,
     "The facilitator was lovely but it took more than 1.5 hours to get a login"),
    # 7. a person's condition is the situation, not a verdict on the session
    ("went_well", "positive", False,
     "Clear slides for someone with hearing difficulties, and a seat near the front"),
    ("general", "neutral", False, "I came by taxi because of my mobility problems."),
    # 8. work done well is praise whoever did it; denied, it is not
    ("general", "positive", False, "My question about allowances was handled very well"),
    ("general", "negative", False, "The code of conduct wasn't explained well"),
    # 9. what fell short can be said by leaving it out
    ("general", "neutral", False, "The speakers were excellent, the lunch not so much."),
    # 10. harder work asked for is wanted, not a complaint; "hard to keep up" is one
    ("to_change", "neutral", True, "More complicated case studies please"),
    ("to_change", "negative", False, "Far too hard to keep up in the afternoon"),
    # 11. an answer that explains gives a reason and asks for nothing
    ("general", "positive", False, "Because of the officers' friendliness"),
    # 12. criticism outweighs praise of the same strength: a complaint with a kind word is
    # a complaint, praise with a smaller complaint is mixed
    ("general", "negative", False,
     "Friendly staff, but the sound was terrible and we started late"),
    ("general", "neutral", False, "Great content and a lovely trainer, but the room was cold"),
    # 13. "the best possible", however the denial is placed
    ("to_change", "positive", False, "The facilitators could have done nothing better"),
    ("to_change", "positive", False, "No one could have run it better"),
    ("to_change", "positive", False, "I cannot think of a thing that could have gone better"),
    ("to_change", "positive", False, "I can't think of one single thing to change"),
    # ...but an emphatic "not a single" reaches the opinion at the end of its clause
    ("general", "negative", False, "Not a single one of the handouts was clear"),
    ("went_well", "negative", False, "I didn't find a single exercise useful"),
    ("general", "positive", False, "We did not have a single problem with the login"),
    ("general", "positive", False, "Couldn't name one thing I would do differently next time"),
    ("to_change", "positive", False, "We could not come up with anything that needed to be better"),
    # 14. not having to wait, or someone waiting for you, is praise
    ("general", "positive", False, "We didn't have to wait long for the minibus back"),
    ("general", "positive", False, "The caretaker waited patiently while we packed up"),
    ("general", "negative", False, "The minibus didn't wait for us"),
    # 15. the writer's situation is no verdict; what was done about it is
    ("general", "positive", False, "Really kind support at a stressful time for our group"),
    ("general", "positive", False,
     "I was nervous when I arrived but the clerk put me at ease"),
    ("general", "positive", False, "The officer listened to my problem and was very patient"),
    # 16. saying an answer is true, or that work was marked, judges nothing
    ("general", "neutral", False, "I ticked that box because it is true of my day."),
    ("general", "neutral", False, "The trainer marked our quiz answers."),
    ("general", "neutral", False, "I found the bus rarely stopped outside the civic centre."),
    # 17. care told as what was done, and failings told as what happened
    ("general", "positive", False, "We were well taken care of by the democratic services team"),
    ("general", "positive", False, "The mentors were there when we needed them"),
    ("general", "positive", False, "Everything happened as arranged in the joining pack."),
    ("general", "negative", False, "I was passed from pillar to post when I asked about expenses"),
    ("general", "negative", False, "We were on hold for most of the induction call"),
    ("general", "negative", False, "IT said they would let me know and did not let me know."),
    ("general", "negative", False, "Booking a room was a bit trying."),
    # 18. pain and hardship are the situation; a promise of speed is no praise
    ("general", "positive", False, "I was in a lot of pain and the first aider was wonderful"),
    ("general", "positive", False, "Calm and kind staff in a frightening situation"),
    ("general", "negative", False,
     "I was told someone would ring within the hour and nobody rang"),
    # 19. what was there when needed, and what was not
    ("general", "positive", False, "The clerk took time to explain the standing orders"),
    ("general", "positive", False, "Pitched at the right level for new members"),
    ("general", "negative", False, "There were no parking spaces available for visitors"),
    ("general", "negative", False, "It was a long while before anyone answered the door."),
    # 20. the writer's worries and a hard setting are the situation, not the verdict
    ("general", "positive", False,
     "I was nervous about my first meeting but the chair made me feel welcome"),
    ("general", "positive", False,
     "Under difficult circumstances the team could not have done more"),
    ("general", "positive", False, "Without the buddy scheme I could not have coped"),
    ("general", "neutral", False, "As I said in my previous answer."),
    # 21. doing the service's work yourself, time on hold, and "checked I was OK"
    ("general", "negative", False, "In the end I had to book the room myself"),
    ("general", "negative", False, "Twenty minutes on hold to the members' helpline."),
    ("general", "positive", False, "The officer rang the next day to check I was ok, very kind"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "label", "asks", "text"),
    PATTERN_CASES,
    ids=[f"{kind}:{text[:40]}" for kind, _, _, text in PATTERN_CASES],
)
def test_the_patterns_behind_past_errors(kind, label, asks, text):
    result = analyse(text, kind, MATCHER)
    assert result.label == label, explain(result)
    assert result.request is asks, explain(result)
    # every label shows the words behind it
    assert result.drivers or result.label == "neutral", explain(result)


NO_CHANGE_IDIOMS = [
    "I can't think of anything to improve",
    "cannot think of anything that needs changing",
    "I don't think you could have done any better",
    "nothing could have been better",
    "nothing was too much trouble",
    "no question was too basic",
]
PREFIXES = ["", "Honestly, ", "To be fair ", "Really ", "Well, "]
SUFFIXES = ["", ".", "!", " thanks", ", it was great", " - well done"]


@given(
    idiom=st.sampled_from(NO_CHANGE_IDIOMS),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(SUFFIXES),
    kind=st.sampled_from(["to_change", "general"]),
)
def test_a_no_change_idiom_is_never_a_complaint(idiom, prefix, suffix, kind):
    result = analyse(prefix + idiom + suffix, kind, MATCHER)
    assert result.label != "negative", explain(result)
    assert not result.request, explain(result)


POLITE = ["Thank you.", "Thanks!", "Cheers.", "Thanks for having us.", "Thank you for your time."]
GRIEVANCES = [
    "the room was too cold", "we started half an hour late", "the wifi kept dropping",
    "the slides were unreadable", "it ran far too long", "no one answered our questions",
]  # fmt: skip


@given(
    polite=st.sampled_from(POLITE),
    grievances=st.lists(st.sampled_from(GRIEVANCES), min_size=2, max_size=4, unique=True),
    before=st.booleans(),
    kind=kinds,
)
def test_one_polite_word_never_averages_grievances_to_neutral(polite, grievances, before, kind):
    listed = ", ".join(grievances)
    listed = listed[0].upper() + listed[1:] + "."
    text = f"{polite} {listed}" if before else f"{listed} {polite}"
    assert analyse(text, kind, MATCHER).label == "negative", explain(analyse(text, kind))


STANDARDS = ["start on time", "treat people with respect", "reply to emails", "be on time"]


@given(
    standard=st.sampled_from(STANDARDS),
    prefix=st.sampled_from(["", "Please ", "Just ", "Try to "]),
    kind=st.sampled_from(["to_change", "general"]),
)
def test_asking_for_a_basic_standard_is_a_request_that_says_it_was_not_met(standard, prefix, kind):
    result = analyse(prefix + standard, kind, MATCHER)
    assert result.request, explain(result)
    assert result.label == "negative", explain(result)


def test_a_transcribers_note_is_not_the_writers_words():
    noted = analyse("The driver was kind [illegible] and got me there early", "general", MATCHER)
    assert noted.label == "positive", explain(noted)
    assert not any("illegible" in d for d in noted.drivers)
    # the word itself, written by the person, is a complaint
    written = analyse("The slides were unreadable from the back", "to_change", MATCHER)
    assert written.label == "negative" and "unreadable" in written.drivers, explain(written)
    # a placeholder for a name still stands for who it names
    assert "facilitation" in {
        t.theme_id for t in analyse("[trainer] was patient", "went_well").themes
    }


# --- the quick paths read exactly as the plain ones ---------------------------------------------

# Words near every request cue, in pieces that may run together ("should've", "x'more").
CUE_PIECES = [
    "should", "should've", "shouldn't", "could", "i'd", "it'd", "we'd", "n't", "don't", "dont",
    "keep", "carry on", "more of the same", "more", "please", "wish", "if only", "need", "needs",
    "needed", "was needed", "suggest", "suggestions", "what about", "why not", "maybe", "want",
    "wanted", "i want", "quicker", "sooner", "is there a", "nothing", "better", "improved",
    "would have liked", "could you send", "ought to", "must", "x'", "'", "-", "_", "é", " ",
    "like this", "a", "handout", "the", "time", ".", ",", "4", "ideally", "hopefully",
]  # fmt: skip
cue_like = st.lists(st.sampled_from(CUE_PIECES), max_size=12).map(lambda p: "".join(
    piece if piece in {"'", "-", "_", "é", "x'"} else f" {piece}" for piece in p
))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(clause=st.one_of(cue_like, st.text(max_size=80)))
def test_a_clause_with_a_request_cue_is_never_passed_by(clause):
    plain = normalise(clause)
    if analysis._request_cues(plain):
        assert could_be_cue(tokenise(plain))


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(any_text, cue_like), kind=kinds)
def test_analyse_keyed_reads_as_analyse_and_keys_every_word(text, kind):
    result, keys = analyse_keyed(text, kind, MATCHER)
    assert result == analyse(text, kind, MATCHER)
    if keys is not None:
        assert keys == [match_key(token) for token in tokenise(normalise(text))]


def test_analyse_keyed_gives_no_keys_when_it_read_other_words():
    # a link is set aside before reading, so its words are not the comment's words
    assert analyse_keyed("Loved it, see https://example.org/more-please", "went_well")[1] is None
    assert analyse_keyed("Loved it, more please", "went_well")[1] is not None
