import pytest

from lessons import store
from lessons.errors import ValidationError
from lessons.reflections import TEMPLATES, save_reflection
from tests.conftest import make_session


def reflections(db, session_id):
    with db.reading() as cur:
        return store.reflections_for_session(cur, session_id)


def test_a_draft_is_saved_and_finished_later_keeping_answer_ids(db):
    session = make_session(db)
    save_reflection(
        db, session.id, "Priya Shah", "aar", {"happened": "We ran out of time."}, final=False
    )
    [draft] = reflections(db, session.id)
    assert draft.status == "draft" and draft.author == "Priya Shah"
    first_id = draft.answers[0].id
    save_reflection(
        db,
        session.id,
        "Priya Shah",
        "aar",
        {"happened": "We ran out of time for the surgery.", "improve": "Cut the slides by half."},
        final=True,
    )
    [final] = reflections(db, session.id)
    assert final.status == "final" and final.id == draft.id
    answers = {a.prompt: a for a in final.answers}
    assert answers["happened"].id == first_id
    assert answers["improve"].label is not None  # analysed like a comment
    assert final.updated_at >= draft.updated_at


def test_one_reflection_per_facilitator_side_by_side(db):
    session = make_session(db)
    save_reflection(db, session.id, "Priya Shah", "rolfe", {"what": "Good energy."}, final=True)
    save_reflection(
        db, session.id, "Cllr Ruth Abbott", "gibbs", {"feelings": "Nervous."}, final=True
    )
    assert [r.author for r in reflections(db, session.id)] == ["Priya Shah", "Cllr Ruth Abbott"]


def test_reflection_answers_get_themes(db):
    session = make_session(db)
    save_reflection(
        db,
        session.id,
        "Tom",
        "aar",
        {"improve": "The wifi did not work and the laptops froze."},
        True,
    )
    [reflection] = reflections(db, session.id)
    assert "tech" in reflection.answers[0].themes
    assert reflection.answers[0].label == "negative"


@pytest.mark.parametrize(
    ("author", "template", "answers", "final", "field"),
    [
        ("", "aar", {"planned": "x"}, False, "author"),
        ("Tom", "diary", {"planned": "x"}, False, "template"),
        ("Tom", "aar", {"feelings": "x"}, False, "feelings"),
        ("Tom", "aar", {"planned": "x" * 5001}, False, "planned"),
        ("Tom", "aar", {"planned": "  "}, True, "answers"),
    ],
)
def test_bad_reflections_are_refused(db, author, template, answers, final, field):
    session = make_session(db)
    with pytest.raises(ValidationError) as refused:
        save_reflection(db, session.id, author, template, answers, final)
    assert field in refused.value.errors
    assert reflections(db, session.id) == []


def test_the_three_templates_have_their_stages():
    assert [p.key for p in TEMPLATES["aar"].prompts] == [
        "planned",
        "happened",
        "why_different",
        "sustain",
        "improve",
    ]
    assert len(TEMPLATES["gibbs"].prompts) == 6
    assert [p.label for p in TEMPLATES["rolfe"].prompts] == ["What?", "So what?", "Now what?"]
