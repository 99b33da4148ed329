"""The learned layer in the database: people's corrections and confirmations train it, it is
stored there, retrained in the background, its suggestions keep their evidence; a theme
from examples alone; emerging phrases that help (issue 14)."""

import pytest

from lessons import learning, store, tagging
from lessons.auth import Actor
from lessons.errors import ValidationError
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.privacy import ERASE_REASONS, erase_comment
from tests.conftest import make_session, table_count

ANN = Actor(3, "Ann Lee", "facilitator")
LEAD = Actor(4, "Lee Lead", "lead")

# Bare facts under "what worked well?": the rules read them as praise, people as neutral.
BACK_ROW = [
    "Sat at the back near the radiator",
    "Sat at the back by the window",
    "I sat at the back with Ann",
    "Sat at the back of the room",
    "We sat at the back all day",
    "Sat right at the back",
    "Sat at the back near the door",
    "Sat at the back with my colleague",
]
PRAISE = [
    "Loved the practical exercises",
    "Great tips on handling trolls",
    "The trainer was brilliant",
    "Really useful examples from other councils",
    "Clear slides",
    "Friendly and patient trainer",
    "Good pace throughout",
    "Excellent handouts",
]
NEW = "Sat at the back near the projector"


def give(db, session, texts, question="went_well", prefix="r"):
    for i, text in enumerate(texts):
        submit_feedback(
            db, session.id, FeedbackAnswer(overall_rating=4, **{question: text}), f"{prefix}{i}"
        )


def by_text(db) -> dict[str, store.AnalysedComment]:
    with db.reading() as cur:
        return {c.text: c for c in store.analysed_comments(cur, store.CommentFilter())}


def review_all(db, texts, label=None):
    found = by_text(db)
    for text in texts:
        comment = found[text]
        tagging.correct_comment(db, comment.id, label or comment.label, comment.themes, ANN)


def test_corrections_and_confirmations_train_a_stored_layer_once_per_change(db):
    session = make_session(db)
    give(db, session, BACK_ROW + PRAISE)
    assert learning.retrain(db) is None  # no one has reviewed anything
    review_all(db, BACK_ROW, "neutral")  # corrections
    review_all(db, PRAISE)  # confirmations: saved unchanged
    first = learning.retrain(db)
    assert first is not None and first.examples == len(BACK_ROW) + len(PRAISE)
    assert table_count(db, "learned_models") == 1
    assert learning.retrain(db) is None  # nothing changed since
    comment = by_text(db)[PRAISE[0]]
    tagging.correct_comment(db, comment.id, "neutral", comment.themes, ANN)
    second = learning.retrain(db)
    assert second is not None and second.version == first.version + 1
    with db.reading() as cur:
        model, version = tagging.current_model(cur)
    assert model is not None and version.endswith(f"+learned{second.version}")


def test_in_the_background_it_relearns_and_its_suggestions_show_their_evidence(db):
    session = make_session(db)
    give(db, session, BACK_ROW + PRAISE)
    give(db, session, [NEW], prefix="new")
    assert by_text(db)[NEW].label == "positive"  # the rules alone
    review_all(db, BACK_ROW, "neutral")
    review_all(db, PRAISE)
    learning.learn_in_background(db).join(timeout=60)
    assert learning.status(db).version == 1 and not learning.status(db).running
    new = by_text(db)[NEW]
    assert new.label == "neutral" and not new.label_corrected
    assert new.drivers[0] == f"learnt from {len(BACK_ROW)} corrections like this one"
    # What people corrected stays as they said, whatever the layer learnt.
    assert all(by_text(db)[t].label == "neutral" for t in BACK_ROW)


def test_an_erased_comment_is_unlearnt(db):
    session = make_session(db)
    give(db, session, BACK_ROW + PRAISE)
    review_all(db, BACK_ROW, "neutral")
    review_all(db, PRAISE)
    assert learning.retrain(db) is not None
    erase_comment(db, by_text(db)[BACK_ROW[0]].id, LEAD, next(iter(ERASE_REASONS)))
    again = learning.retrain(db)
    assert again is not None and again.examples == len(BACK_ROW) + len(PRAISE) - 1
    assert table_count(db, "comment_reviews") == len(BACK_ROW) + len(PRAISE) - 1


MENTORING = [
    "Being paired with an experienced councillor as a mentor",
    "My mentor from the other group showed me her posts",
    "Having a mentor councillor to ring afterwards",
    "The mentor scheme for new councillors",
]
OTHERS = [
    "The wifi was patchy all morning",
    "Slides were clear and short",
    "Too long, we ran out of time",
    "The room was freezing",
    "Good tips on dealing with trolls",
    "Handouts to take away please",
]


def test_a_theme_is_created_from_examples_alone_and_tags_others_like_them(db):
    session = make_session(db)
    give(db, session, MENTORING + OTHERS)
    give(db, session, ["A mentor from a neighbouring ward to ask"], prefix="new")
    found = by_text(db)
    learning.create_theme_from_examples(
        db, "mentoring", "Mentoring", "A mentor for new councillors",
        [found[t].id for t in MENTORING], LEAD,
    )  # fmt: skip
    with db.reading() as cur:
        theme = next(t for t in store.all_themes(cur) if t.id == "mentoring")
    assert theme.include_terms == () and theme.phrases == ()
    assert all("mentoring" in by_text(db)[t].themes for t in MENTORING)
    learning.learn_in_background(db).join(timeout=60)
    new = by_text(db)["A mentor from a neighbouring ward to ask"]
    assert "mentoring" in new.themes and "mentoring" in new.machine_themes
    assert new.evidence["mentoring"][0].startswith("learnt from ")
    assert not any("mentoring" in by_text(db)[t].themes for t in OTHERS)


def test_a_theme_from_too_few_examples_is_refused(db):
    session = make_session(db)
    give(db, session, MENTORING[:2])
    ids = [c.id for c in by_text(db).values()]
    with pytest.raises(ValidationError) as refused:
        learning.create_theme_from_examples(db, "mentoring", "Mentoring", "", ids, LEAD)
    assert "at least 3" in refused.value.errors["examples"]


# --- emerging phrases ------------------------------------------------------------------------


def test_non_answers_and_stop_phrases_are_never_suggested():
    texts = [
        "Can't think of anything right now",
        "Cannot think of anything",
        "Nothing for now, thanks",
        "Nothing for now",
        "Great session, really enjoyed it",
        "Great session really enjoyed",
        "Thank you so much",
        "Thank you so much!",
        "The breakout rooms were too small",
        "More time in the breakout rooms",
    ]
    phrases = [p.phrase for p in tagging.emerging_phrases(texts)]
    assert phrases == ["breakout rooms"]


def test_adding_a_term_is_previewed_and_can_be_undone_from_the_history(db):
    session = make_session(db)
    give(db, session, ["The name badges were too small", "Bigger name badges please"])
    give(db, session, ["The tea was cold"], prefix="t")
    preview = tagging.preview_term(db, "venue", "name badges")
    assert preview.total_gained == 2
    assert set(preview.gained) == {
        "The name badges were too small",
        "Bigger name badges please",
    }
    assert "venue" not in by_text(db)["The name badges were too small"].themes
    tagging.add_term_to_theme(db, "venue", "Name  badges", ANN)
    tagging.reanalyse(db)
    assert "venue" in by_text(db)["The name badges were too small"].themes
    [latest, *_] = tagging.theme_history(db, "venue")
    assert latest.undo_term == "name badges"
    assert latest.entry.detail == "Added the phrase 'name badges'"
    tagging.undo_term(db, "venue", latest.undo_term, ANN)
    tagging.reanalyse(db)
    assert "venue" not in by_text(db)["The name badges were too small"].themes
    undone, added, *_ = tagging.theme_history(db, "venue")
    assert undone.entry.detail == "Undid adding the phrase 'name badges'"
    assert added.undo_term is None  # nothing left to undo


def test_analyses_left_out_of_date_are_caught_up_in_the_background(db):
    session = make_session(db)
    give(db, session, ["Handouts to take away please", "The room was freezing"])
    assert learning.catch_up_in_background(db) is None  # all up to date: nothing to do
    with db.transaction() as cur:  # as an upgrade leaves them: read by older rules
        cur.execute("UPDATE comment_analysis SET analyser_version = 'older', request = FALSE")
    thread = learning.catch_up_in_background(db)
    assert thread is not None
    thread.join(timeout=60)
    with db.reading() as cur:
        assert store.comment_ids_needing_analysis(cur, tagging.ANALYSER_VERSION) == []
    assert by_text(db)["Handouts to take away please"].request
