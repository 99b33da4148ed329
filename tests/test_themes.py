"""The default taxonomy and the theme matcher: what gets tagged, and the evidence shown for it."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.themes import (
    _TOKEN_RE,
    DEFAULT_THEMES,
    ThemeDefinition,
    compile_themes,
    match_key,
    match_themes,
    normalise,
    split_clauses,
    tokenise,
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
    assert normalise("‘Didn`t’ work") == "'didn't' work"


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


@given(st.one_of(st.text(max_size=120), st.from_regex(r"[a-zA-Z0-9 ]{0,60}", fullmatch=True)))
def test_tokens_are_what_the_token_pattern_finds(text):
    # plain text is cut by `str.split`, the rest by the pattern: the same tokens either way
    assert tokenise(text) == _TOKEN_RE.findall(text)
    assert tokenise(normalise(text)) == _TOKEN_RE.findall(normalise(text))


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


# --- issue 14: themes people can trust on comments never seen ---------------------------


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("knowledge", "knowledgeable"),
        ("interaction", "interactive"),
        ("interact", "interactive"),
        ("refresher", "refreshments"),
        ("practical", "practically"),
        ("commit", "commitments"),
    ],
)
def test_stemming_never_joins_words_of_different_meaning(word, other):
    assert match_key(word) != match_key(other)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("facilitator", "facilitators"),
        ("answering", "answer"),
        ("recording", "recorded"),
        ("exercise", "exercises"),
        ("material", "materials"),
    ],
)
def test_stemming_still_joins_forms_of_one_word(word, other):
    assert match_key(word) == match_key(other)


def test_a_refresher_session_is_not_about_refreshments():
    assert "venue" not in themes_in("A refresher on the pre-election rules next spring")
    assert "venue" in themes_in("The refreshments ran out by eleven")


def test_a_theme_about_knowledge_does_not_tag_a_knowledgeable_trainer():
    custom = compile_themes(
        [ThemeDefinition("know", "Knowledge", "What we learnt.", ("knowledge",), ())]
    )
    assert match_themes(custom, "The trainer was very knowledgeable") == []
    assert [m.theme_id for m in match_themes(custom, "It built my knowledge of Nextdoor")] == [
        "know"
    ]


@given(word=st.from_regex(r"[a-z]{3,12}", fullmatch=True))
def test_a_possessive_matches_its_owner(word):
    assert match_key(f"{word}'s") == match_key(word)


def test_possessives_are_tagged():
    assert "instructor's" in evidence_for(
        "The instructor's examples from her own ward", "facilitation"
    )
    assert "facilitation" in themes_in("Our trainer's patience with the slower ones")


@pytest.mark.parametrize(
    ("text", "theme_id"),
    [
        ("Pair work on our own Facebook pages", "hands_on"),
        ("Typing along with the trainer on the big screen", "hands_on"),
        ("The live coding of a scheduled post", "hands_on"),
        ("Her anecdotes about the last election", "facilitation"),
        ("Snacks in the afternoon would be welcome", "venue"),
        ("Time constraints meant we skipped LinkedIn", "pace"),
    ],
)
def test_common_synonyms_are_tagged(text, theme_id):
    assert theme_id in themes_in(text)


@pytest.mark.parametrize(
    ("text", "theme_id"),
    [
        ("A good mix of theory and hands-on", "level"),
        ("The theory of why residents share posts", "hands_on"),
        ("Mixing business and personal accounts", "level"),
    ],
)
def test_single_broad_words_do_not_tag_on_their_own(text, theme_id):
    assert theme_id not in themes_in(text)


def test_mixed_abilities_still_tag_level():
    assert "level" in themes_in("A mix of abilities in the room, from beginners to bloggers")


@pytest.mark.parametrize(
    "text",
    [
        "Sharing my screen on Zoom",
        "A quick guide to Microsoft Teams",
        "Using Excel to track casework",
        "Putting the post together in Canva",
        "Our WhatsApp group for the ward",
        "Drafting in Word then pasting into Outlook",
    ],
)
def test_platforms_covers_tools_generally_not_only_social_media(text):
    assert "platforms" in themes_in(text)


SINGLE_TERMS = sorted(
    {(t, theme.id) for theme in DEFAULT_THEMES for t in theme.include_terms if t.isalpha()}
)


@given(term=st.sampled_from(SINGLE_TERMS))
def test_every_single_word_term_matches_in_its_possessive(term):
    word, theme_id = term
    assert theme_id in themes_in(f"the {word}'s part of it")
