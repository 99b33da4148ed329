import pytest

from lessons import store
from lessons.auth import OPEN_MODE, Actor
from lessons.errors import NotAllowed, ValidationError
from lessons.reflections import TEMPLATES, reassign_reflection, save_reflection
from tests.conftest import make_account, make_session

PRIYA = Actor(1, "Priya Shah", "facilitator")
RUTH = Actor(2, "Cllr Ruth Abbott", "facilitator")
TOM = Actor(3, "Tom", "facilitator")


def reflections(db, session_id):
    with db.reading() as cur:
        return store.reflections_for_session(cur, session_id)


def test_a_draft_is_saved_and_finished_later_keeping_answer_ids(db):
    session = make_session(db)
    save_reflection(db, session.id, PRIYA, "aar", {"happened": "We ran out of time."}, final=False)
    [draft] = reflections(db, session.id)
    assert draft.status == "draft" and draft.author == "Priya Shah"
    first_id = draft.answers[0].id
    save_reflection(
        db,
        session.id,
        PRIYA,
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
    save_reflection(db, session.id, PRIYA, "rolfe", {"what": "Good energy."}, final=True)
    save_reflection(db, session.id, RUTH, "gibbs", {"feelings": "Nervous."}, final=True)
    assert [r.author for r in reflections(db, session.id)] == ["Priya Shah", "Cllr Ruth Abbott"]


def test_reflection_answers_get_themes(db):
    session = make_session(db)
    save_reflection(
        db,
        session.id,
        TOM,
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
        (OPEN_MODE, "aar", {"planned": "x"}, False, "author"),
        (TOM, "diary", {"planned": "x"}, False, "template"),
        (TOM, "aar", {"feelings": "x"}, False, "feelings"),
        (TOM, "aar", {"planned": "x" * 5001}, False, "planned"),
        (TOM, "aar", {"planned": "  "}, True, "answers"),
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


def test_a_reflection_is_its_authors_alone_to_change(db):
    """The attack from the issue: someone else saving "as" Gareth. Saving is always to the
    signed-in account's own reflection, so Gareth's is never overwritten."""
    session = make_session(db)
    gareth, priya = make_account(db, "Gareth Holroyd", "facilitator"), make_account(db)
    save_reflection(db, session.id, gareth.actor(), "aar", {"happened": "Mine."}, final=True)
    save_reflection(db, session.id, priya.actor(), "aar", {"happened": "Overwritten!"}, True)
    by_author = {r.author: r for r in reflections(db, session.id)}
    assert by_author["Gareth Holroyd"].answers[0].text == "Mine."
    assert by_author["Gareth Holroyd"].author_account_id == gareth.id
    assert by_author["Priya Shah"].answers[0].text == "Overwritten!"


def test_a_lead_hands_a_reflection_to_its_author_and_it_is_audited(db):
    session = make_session(db)
    lead = make_account(db, "Joanne Whitaker", "lead")
    tom, gareth = make_account(db, "Tom", "facilitator"), make_account(db, "Gareth", "facilitator")
    reflection_id = save_reflection(db, session.id, tom.actor(), "rolfe", {"what": "x"}, True)
    with pytest.raises(NotAllowed):
        reassign_reflection(db, reflection_id, gareth, tom.actor())
    reassign_reflection(db, reflection_id, gareth, lead.actor())
    [moved] = reflections(db, session.id)
    assert (moved.id, moved.author, moved.author_account_id) == (reflection_id, "Gareth", gareth.id)
    with db.reading() as cur:
        [entry] = store.audit_for(cur, "reflection", reflection_id)
    assert (entry.actor, entry.action, entry.detail) == (
        "Joanne Whitaker",
        "reassigned",
        "Tom → Gareth",
    )
    # Gareth now edits it; Tom writes a new one of his own.
    save_reflection(db, session.id, gareth.actor(), "rolfe", {"what": "Gareth's now"}, True)
    save_reflection(db, session.id, tom.actor(), "rolfe", {"what": "Tom again"}, True)
    texts = {r.author: r.answers[0].text for r in reflections(db, session.id)}
    assert texts == {"Gareth": "Gareth's now", "Tom": "Tom again"}
    with pytest.raises(ValidationError) as taken:
        reassign_reflection(db, reflection_id, tom, lead.actor())
    assert "already has a reflection" in taken.value.errors["author"]
