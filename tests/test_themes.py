"""The default taxonomy and the theme matcher: what gets tagged, and the evidence shown for it."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.themes import (
    DEFAULT_THEMES,
    ThemeDefinition,
    compile_themes,
    match_key,
    match_themes,
    normalise,
    split_clauses,
)

MATCHER = compile_themes()


def themes_in(text: str) -> set[str]:
    return {match.theme_id for match in match_themes(MATCHER, text)}


def evidence_for(text: str, theme_id: str) -> tuple[str, ...]:
    (match,) = [m for m in match_themes(MATCHER, text) if m.theme_id == theme_id]
    return match.evidence


def test_the_default_taxonomy_has_the_eleven_themes_of_the_design():
    assert [theme.id for theme in DEFAULT_THEMES] == [
        "pace", "hands_on", "relevance", "risk", "tech", "facilitation", "materials", "level",
        "platforms", "venue", "workload",
    ]  # fmt: skip


@pytest.mark.parametrize("theme", DEFAULT_THEMES, ids=lambda theme: theme.id)
def test_every_theme_is_described_and_has_plenty_of_vocabulary(theme):
    assert theme.name and theme.description
    assert len(theme.include_terms) + len(theme.phrases) >= 20
    terms = [*theme.include_terms, *theme.phrases, *theme.exclude_terms]
    assert all(term == term.strip() and term for term in terms)


def test_theme_definitions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THEMES[0].name = "Something else"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "theme_id", "evidence"),
    [
        ("The wifi did not work", "tech", {"wifi", "did not work"}),
        ("Couldn't get on the wi-fi", "tech", {"wi fi"}),
        ("Our laptops kept crashing", "tech", {"laptops", "crashing"}),
        ("I forgot my password", "tech", {"password"}),
        ("It ran over and felt rushed", "pace", {"ran over", "rushed"}),
        ("We ran out of time", "pace", {"out of time"}),
        ("Not enough time to try things ourselves", "hands_on", {"try things"}),
        ("Loved the practical exercises", "hands_on", {"practical", "exercises"}),
        ("Why bother when residents never read it?", "relevance", {"why bother", "residents"}),
        ("Worried about trolling and the code of conduct", "risk", {"trolling", "code of conduct"}),
        ("What about the pre-election period?", "risk", {"pre election", "election period"}),
        ("The facilitators explained it well", "facilitation", {"the facilitators", "explained"}),
        (
            "Please send the slides and useful links",
            "materials",
            {"send the slides", "useful links"},
        ),
        ("It was too basic for me", "level", {"too basic"}),
        ("Mixed abilities in the group made it hard", "level", {"mixed abilities"}),
        ("Instagram, TikTok and a blog", "platforms", {"instagram", "tiktok", "blog"}),
        ("I post on X most days", "platforms", {"post on x"}),
        ("Twitter/X is where my residents are", "platforms", {"twitter x"}),
        ("Parking was hard and the room was cold", "venue", {"parking", "room"}),
        ("Hard to find the time alongside casework", "workload", {"find the time", "casework"}),
    ],
)
def test_themes_are_tagged_with_the_words_that_matched(text, theme_id, evidence):
    assert evidence <= set(evidence_for(text, theme_id))


def test_stems_find_other_forms_of_a_word():
    assert "tech" in themes_in("The projectors were old")
    assert "materials" in themes_in("a printout of the handouts")
    assert "facilitation" in themes_in("our facilitator")


def test_short_stems_must_match_as_written():
    # "timing" stems to "time": a good time is not a comment about the pace.
    assert "pace" not in themes_in("I had a great time")
    assert "pace" in themes_in("The timing was off")


def test_phrases_match_on_word_stems():
    assert "did not work" in evidence_for("The projector did not work", "tech")
    assert "setting up" in evidence_for("Setting up my page", "hands_on")


@pytest.mark.parametrize(
    ("text", "theme_id"),
    [
        ("There is room for improvement", "venue"),
        ("Being x on the list", "platforms"),
        ("It felt like a safe space to ask", "risk"),
        ("Time block in my diary", "risk"),
        ("We should think long term", "pace"),
        ("I joined a facebook group", "level"),
    ],
)
def test_exclude_terms_suppress_a_theme(text, theme_id):
    assert theme_id not in themes_in(text)


def test_x_alone_is_not_twitter_but_on_x_is():
    assert "platforms" not in themes_in("Rate it x out of 10")
    assert "platforms" in themes_in("I want to post on X")


def test_an_exclude_term_only_suppresses_its_own_clause():
    result = themes_in("There is room for improvement. The room was too hot")
    assert "venue" in result


def test_clauses_are_shown_as_written():
    (match,) = [
        m
        for m in match_themes(MATCHER, "Great trainer. The WIFI was slow!")
        if m.theme_id == "tech"
    ]
    assert match.clauses == ("The WIFI was slow",)
    assert match.evidence == ("wifi",)


def test_a_custom_taxonomy_is_matched_too():
    custom = compile_themes(
        [
            ThemeDefinition(
                id="food",
                name="Food",
                description="Catering.",
                include_terms=("sandwich", "biscuits"),
                phrases=("cup of tea",),
                exclude_terms=("tea party",),
            )
        ]
    )
    assert [m.theme_id for m in match_themes(custom, "Lovely sandwiches")] == ["food"]
    assert [m.evidence for m in match_themes(custom, "A cup of tea")] == [("cup of tea",)]
    assert match_themes(custom, "The tea party was a cup of tea") == []


def test_no_themes_in_empty_or_unrelated_text():
    assert match_themes(MATCHER, "") == []
    assert match_themes(MATCHER, "Ok") == []


def test_clauses_split_at_punctuation_and_contrast_words():
    text = normalise("Useful, but too long. Thanks!")
    assert [text[a:b].strip() for a, b in split_clauses(text)] == [
        "useful",
        "but too long",
        "thanks",
    ]


def test_normalise_keeps_the_length_so_clauses_map_back_to_the_text():
    text = "İstanbul’s WIFI"
    assert len(normalise(text)) == len(text)
    assert normalise("Don’t") == "don't"


def test_match_keys_are_stems_unless_the_stem_is_too_short():
    assert match_key("laptops") == match_key("laptop")
    assert match_key("timing") != match_key("time")
    assert match_key("4g") == "4g"


@given(st.text(max_size=400))
def test_matching_never_fails_and_evidence_comes_from_the_text(text):
    normalised = " ".join(normalise(text).replace("-", " ").split())
    for match in match_themes(MATCHER, text):
        assert match.theme_id in {theme.id for theme in DEFAULT_THEMES}
        assert match.evidence and match.clauses
        for words in match.evidence:
            assert words.split()[0] in normalised


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("The rooms were cold", "venue"),
        ("Too many apps to log in to", "tech"),
        ("Slides please", "materials"),
    ],
)
def test_short_words_match_their_plurals(text, theme):
    assert theme in {m.theme_id for m in match_themes(compile_themes(), text)}


def test_short_words_are_not_stemmed_into_other_words():
    assert match_key("timing") != match_key("time")
    assert match_key("class") == "class"
