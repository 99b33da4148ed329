"""The post-mortem and lessons pages through AppTest: reflect, promote, move a lesson on."""

import csv
import io
from datetime import date

import openpyxl
from streamlit.testing.v1 import AppTest

from lessons import accounts, export, register, reports, store
from lessons.auth import Actor
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson, move_lesson
from tests.conftest import ROOT, make_account, make_session, signed_in

ME = Actor(1, "Priya Shah", "lead")


def page(db, name: str, user: Actor | None = ME) -> AppTest:
    """A page run signed in as `user`, whose account is made if it is not there yet."""
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    if user:
        account = accounts.account_by_id(db, user.account_id or 0) or make_account(
            db, user.name, user.role
        )
        assert account.id == user.account_id, "ME is the first account of the database"
        signed_in(at, account)
    return at


def delivered_session(db, responses: int = 0):
    session = make_session(db, status="delivered")
    for n in range(responses):
        submit_feedback(
            db,
            session.id,
            FeedbackAnswer(
                overall_rating=2 + n % 4,
                confidence_before=2,
                confidence_after=4,
                balance="more_how",
                length="too_long",
                to_change="Far too long, and the wifi did not work" if n % 2 else "Nothing",
                went_well="The councillors' own stories",
            ),
            f"r{n}",
        )
    return session


def lessons(db) -> list[store.LessonRow]:
    with db.reading() as cur:
        return store.all_lessons(cur)


def test_reflect_then_promote_an_answer_to_a_lesson(db):
    session = delivered_session(db)
    at = page(db, "postmortem.py")
    at.session_state["postmortem_tab"] = "Your reflection"  # only the open tab runs
    at.run()
    assert not at.exception
    key = f"postmortem_answer_{session.id}_aar"
    at.text_area(key=f"{key}_happened").input("Ran 40 minutes over; no time for the surgery.")
    at.button(key=f"FormSubmitter:postmortem_reflection_{session.id}_aar-Save draft").click().run()
    assert "Draft saved" in at.toast[0].value
    at.text_area(key=f"{key}_improve").input("Cut the slides in half and start hands-on sooner.")
    at.button(
        key=f"FormSubmitter:postmortem_reflection_{session.id}_aar-Finish reflection"
    ).click().run()
    assert "Reflection finished" in at.toast[0].value
    with db.reading() as cur:
        [reflection] = store.reflections_for_session(cur, session.id)
    improve = next(a for a in reflection.answers if a.prompt == "improve")
    assert reflection.status == "final" and reflection.author == ME.name

    at.session_state["postmortem_tab"] = "Reflections"
    at.run()
    at.button(key=f"postmortem_promote_r{improve.id}").click().run()
    at.text_input(key="postmortem_lesson_title").input("Shorter context, earlier hands-on")
    at.button(key="FormSubmitter:postmortem_lesson-Log lesson").click().run()
    assert not at.exception
    assert "with the reflection linked as evidence" in at.toast[0].value
    [lesson] = lessons(db)
    assert lesson.lesson == "Cut the slides in half and start hands-on sooner."
    assert lesson.source_session_id == session.id and lesson.evidence_count == 1


def test_a_comment_is_captured_as_a_lesson_with_its_themes_in_a_title_and_a_sentence(db):
    session = delivered_session(db, responses=2)
    with db.reading() as cur:
        comment = next(c for c in store.comments_for_session(cur, session.id) if "wifi" in c.text)
    assert comment.label == "negative" and "tech" in comment.themes
    at = page(db, "postmortem.py")
    at.session_state["postmortem_tab"] = "Comments"  # only the open tab runs
    at.run()
    at.button(key=f"postmortem_promote_c{comment.id}").click().run()
    assert at.radio(key="postmortem_lesson_polarity").value == "improve"
    assert set(at.multiselect(key="postmortem_lesson_themes").value) == set(comment.themes)
    at.text_input(key="postmortem_lesson_title").input("Test the wifi first")
    at.text_area(key="postmortem_lesson_sentence").input("Test the wifi before people arrive.")
    at.button(key="FormSubmitter:postmortem_lesson-Log lesson").click().run()
    assert not at.exception
    assert "with the comment linked as evidence" in at.toast[0].value
    [lesson] = lessons(db)
    assert (lesson.title, lesson.lesson, lesson.polarity) == (
        "Test the wifi first", "Test the wifi before people arrive.", "improve",
    )  # fmt: skip
    assert set(lesson.themes) == set(comment.themes) and lesson.status == "observed"
    assert register.still_missing(lesson) == ["a recommendation"]

    # The register says what it still needs for its next stage.
    at = page(db, "lessons.py").run()
    table = at.dataframe[0].value
    assert list(table["Still needs"]) == ["a recommendation"]
    assert any("To move it on to identified, it still needs a recommendation" in m.value
               for m in at.markdown)  # fmt: skip


def test_the_post_mortem_summary_hides_breakdowns_under_five(db):
    small = delivered_session(db, responses=4)
    at = page(db, "postmortem.py").run()
    assert any("Only 4 responses" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0
    with db.reading() as cur:
        assert store.feedback_summary(cur, [small.id]).responses == 4


def test_the_post_mortem_summary_with_enough_responses(db):
    delivered_session(db, responses=8)
    at = page(db, "postmortem.py").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 6
    assert any(m.label == "Confidence uplift" and m.value == "+2.0" for m in at.metric)
    assert any("Pace & length" in m.value for m in at.markdown)


def test_a_lesson_moves_through_every_stage_on_the_lessons_page(db):
    source = delivered_session(db)
    later = make_session(db, title="Second run", status="delivered")
    lesson_id = create_lesson(
        db, LessonDraft(title="Test the wifi first", source_session_id=source.id), ME
    )
    at = page(db, "lessons.py").run()
    assert not at.exception
    form = f"FormSubmitter:lessons_move_{lesson_id}-Move lesson"

    def move(to: str, **fields) -> AppTest:
        at.radio(key=f"lessons_move_to_{lesson_id}").set_value(to)
        for key, value in fields.items():
            widget = (
                at.text_area(key=f"lessons_move_{key}_{lesson_id}")
                if key != "session"
                else at.selectbox(key=f"lessons_move_session_{lesson_id}")
            )
            widget.set_value(value)
        at.button(key=form).click().run()
        assert not at.exception
        return at

    move("identified")
    assert lessons(db)[0].status == "identified"
    # Actioned needs an action, an owner and a due date: refused, with the message.
    move("actioned")
    assert "give it an action, an owner, a due date" in at.error[0].value
    assert lessons(db)[0].status == "identified"
    edit = f"lessons_edit_{lesson_id}"
    at.session_state["lessons_tab"] = "Details"  # only the open tab runs
    at.run()
    at.text_area(key=f"{edit}_action").input("Arrive 45 minutes early to test the wifi and logins")
    at.text_input(key=f"{edit}_owner").input("Tom Ellery")
    at.date_input(key=f"{edit}_due").set_value(date(2027, 1, 10))
    at.button(key=f"FormSubmitter:{edit}-Save changes").click().run()
    at.session_state["lessons_tab"] = "Move on"
    at.run()
    move("actioned")
    assert lessons(db)[0].status == "actioned"
    move("embedded")
    assert "Name the later session" in at.error[0].value
    move("embedded", session=later.id)
    assert lessons(db)[0].applied_session_id == later.id
    move("validated")
    assert "Say what showed the lesson worked" in at.error[0].value
    move("validated", evidence="No tech complaints: 0 of 14 responses")
    move("archived")
    assert lessons(db)[0].status == "archived"
    with db.reading() as cur:
        actions = [e.action for e in store.audit_for(cur, "lesson", lesson_id)]
    assert actions.count("status") == 5 and "edited" in actions


def test_rejecting_needs_a_reason_on_the_page(db):
    lesson_id = create_lesson(db, LessonDraft(title="Use WhatsApp groups"), ME)
    at = page(db, "lessons.py").run()
    at.radio(key=f"lessons_move_to_{lesson_id}").set_value("rejected")
    at.button(key=f"FormSubmitter:lessons_move_{lesson_id}-Move lesson").click().run()
    assert "Give the reason" in at.error[0].value
    at.text_area(key=f"lessons_move_reason_{lesson_id}").input("Data protection advice")
    at.button(key=f"FormSubmitter:lessons_move_{lesson_id}-Move lesson").click().run()
    assert lessons(db)[0].status == "rejected"
    assert lessons(db)[0].rejection_reason == "Data protection advice"


def test_changes_without_a_name_are_not_made(db):
    create_lesson(db, LessonDraft(title="A lesson"), ME)
    make_account(db, "Someone else", "facilitator")  # accounts exist: no open mode
    at = page(db, "lessons.py", user=None).run()
    assert "Sign in first" in at.error[0].value
    assert not at.radio  # no way to move it is even shown
    assert lessons(db)[0].status == "observed"


HOSTILE = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1", "＝1"]


def test_register_exports_are_inert(db):
    for n, text in enumerate(HOSTILE):
        create_lesson(db, LessonDraft(title=f"Lesson {n}", lesson=text, owner=text), ME)
    rows = reports.register_rows(lessons(db), {})
    columns = list(rows[0])
    parsed = list(
        csv.DictReader(io.StringIO(export.rows_to_csv(rows, columns).decode("utf-8-sig")))
    )
    for row, text in zip(parsed, HOSTILE, strict=True):
        # Stored trimmed, exported behind a quote so no spreadsheet evaluates it.
        assert row["lesson"] == "'" + text.strip()
        assert row["owner"] == "'" + text.strip()
    book = openpyxl.load_workbook(io.BytesIO(export.rows_to_xlsx({"Lessons": (columns, rows)})))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    # Formula-like text is a text cell marked as typed after an apostrophe, never shown one.
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.lstrip()[:1] in "=+-@＝"]
    assert len(hostile) == 2 * len(HOSTILE)
    assert all(c.quotePrefix and not c.value.startswith("'") for c in hostile)
    ids = [c.value for c in book.active["A"][1:]]
    assert ids == [x.id for x in lessons(db)]  # numbers stay numbers


def test_the_lessons_report_reads_like_the_blog(db):
    session = delivered_session(db, responses=6)
    create_lesson(
        db,
        LessonDraft(
            title="Co-deliver with councillors",
            lesson="Co-deliver with councillors",
            polarity="sustain",
            source_session_id=session.id,
        ),
        ME,
    )
    with db.reading() as cur:
        text = reports.lessons_report(
            cur, session.id, {"pace": "Pace & length"}, date(2026, 11, 25)
        )
    assert text.startswith("# What we learnt from 'Social media for councillors'")
    assert "## In summary, we have learnt:\n\n- Co-deliver with councillors." in text
    assert "6 councillors gave feedback" in text


def test_the_report_marks_overdue_as_the_register_does(db):
    session = delivered_session(db)
    late = create_lesson(
        db,
        LessonDraft(title="Late action", action="a", owner="Tom", due_date=date(2026, 1, 5),
                    source_session_id=session.id),
        ME,
    )  # fmt: skip
    move_lesson(db, late, "identified", ME)
    create_lesson(
        db,
        LessonDraft(title="Only noticed", owner="Ann", due_date=date(2026, 1, 5),
                    source_session_id=session.id),
        ME,
    )  # fmt: skip
    text = reports.write_lessons_report(db, session.id, {}, date(2026, 11, 25))
    assert "- Late action — Tom, due 5 January 2026 (overdue)" in text
    assert "- Only noticed — Ann, due 5 January 2026\n" in text


def test_marking_the_post_mortem_done_on_the_page(db):
    session = delivered_session(db, responses=1)
    at = page(db, "postmortem.py").run()
    at.button(key="postmortem_reviewed").click().run()
    assert not at.exception
    assert "Marked reviewed" in at.toast[0].value
    with db.reading() as cur:
        reviewed = store.session_by_id(cur, session.id)
        last = store.audit_for(cur, "session", session.id)[-1]
    assert reviewed is not None and reviewed.status == "reviewed"
    assert (last.actor, last.from_status, last.to_status) == (ME.name, "delivered", "reviewed")
