"""The follow-up weeks after a session (issue 16): when it opens, what it stores and where,
what it shows under the anonymity rule, the verdicts it adds and the mail-merge file."""

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from lessons import followup, loop, privacy, programme_report, share, store, trends
from lessons.auth import Actor
from lessons.errors import ValidationError
from lessons.feedback import FeedbackAnswer, SessionUnavailable, submit_feedback
from lessons.followup import FollowupAnswer, submit_followup
from lessons.register import LessonDraft, create_lesson, move_lesson
from lessons.sessions import poster_for
from tests.conftest import found, make_session, table_count

ME = Actor(1, "Priya Shah", "lead")
# The default test session is on 12 March 2026: its follow-up opens six weeks later.
OPENS = datetime(2026, 4, 23, 0, 0)
WEEKS_ON = datetime(2026, 4, 24, 10, 0)


def answer(**overrides: Any) -> FollowupAnswer:
    values: dict[str, Any] = dict(
        actions=("posted", "page"),
        frequency="weekly",
        barriers=("time",),
        fu_barriers="Casework takes every evening, so posting slips",
        confidence_now=4,
        fu_help_next="A half-hour surgery on scheduling posts please",
    )
    values.update(overrides)
    return FollowupAnswer(**values)


def link_of(db, session_id):
    with db.reading() as cur:
        return found(store.followup_link(cur, session_id))


def test_each_session_has_its_own_follow_up_link_and_code(db):
    first, second = make_session(db), make_session(db, title="Handling online abuse")
    a, b = link_of(db, first.id), link_of(db, second.id)
    assert a.token != b.token and len(a.token) >= 20
    assert len({a.code, b.code, first.short_code, second.short_code}) == 4
    assert first.followup_weeks == 6


def test_the_follow_up_opens_the_set_number_of_weeks_after_the_session(db):
    session = make_session(db)
    token = link_of(db, session.id).token
    with pytest.raises(SessionUnavailable) as early:
        followup.session_for_followup(db, token=token, now=OPENS - timedelta(minutes=1))
    assert early.value.reason == "not_yet"
    assert followup.session_for_followup(db, token=token, now=OPENS).id == session.id
    code = link_of(db, session.id).code
    assert followup.session_for_followup(db, code=code.lower(), now=WEEKS_ON).id == session.id
    with pytest.raises(SessionUnavailable) as late:
        followup.session_for_followup(db, token=token, now=OPENS + timedelta(weeks=8))
    assert late.value.reason == "closed"
    # Set on the session: two weeks on, it opens two weeks after.
    soon = make_session(db, followup_weeks=2)
    soon_token = link_of(db, soon.id).token
    assert followup.session_for_followup(db, token=soon_token, now=datetime(2026, 3, 26)).id
    with pytest.raises(SessionUnavailable):
        submit_followup(db, session.id, answer(), "too-early", now=OPENS - timedelta(days=1))


def test_weeks_outside_a_year_are_refused(db):
    with pytest.raises(ValidationError) as refused:
        make_session(db, followup_weeks=0)
    assert "followup_weeks" in refused.value.errors


def test_an_answer_is_joined_to_its_session_and_its_text_analysed_as_comments(db):
    session = make_session(db)
    other = make_session(db, title="Another session")
    followup_id = submit_followup(db, session.id, answer(), "key-1", now=WEEKS_ON)
    # The same key again (a double tap) stores nothing more.
    assert submit_followup(db, session.id, answer(), "key-1", now=WEEKS_ON) == followup_id
    assert table_count(db, "followup_responses") == 1
    with db.reading() as cur:
        summary = store.followup_summary(cur, [session.id])
        assert store.followup_summary(cur, [other.id]).responses == 0
        comments = store.comments_for_response(cur, followup_id)
        analysed = {c.id: c for c in store.comments_for_session(cur, session.id)}
        day = store.feedback_summary(cur, [session.id])
    assert summary.responses == 1 and summary.did_something == 1
    assert summary.action_counts == {"posted": 1, "page": 1}
    assert summary.barrier_counts == {"time": 1}
    assert [(c.question, c.session_id) for c in comments] == [
        ("fu_barriers", session.id),
        ("fu_help_next", session.id),
    ]
    # Analysed like the day's comments: a theme, and the help asked for is a request.
    barrier = analysed[comments[0].id]
    assert "workload" in set(barrier.themes)
    assert analysed[comments[1].id].request
    # The day's own summary is not changed by the follow-up.
    assert day.responses == 0 and day.comments == 0


def test_the_form_s_checks(db):
    session = make_session(db)
    with pytest.raises(ValidationError) as refused:
        submit_followup(
            db,
            session.id,
            answer(actions=(), barriers=("nothing", "time"), confidence_now=9),
            "k",
            now=WEEKS_ON,
        )
    assert set(refused.value.errors) == {"actions", "barriers", "confidence_now"}
    with pytest.raises(ValidationError) as both:
        submit_followup(db, session.id, answer(actions=("nothing_yet", "posted")), "k2")
    assert "actions" in both.value.errors
    with pytest.raises(ValidationError) as long_text:
        submit_followup(db, session.id, answer(fu_barriers="x" * 2001), "k3", now=WEEKS_ON)
    assert "fu_barriers" in long_text.value.errors
    assert table_count(db, "followup_responses") == 0


def test_welsh_answers_are_kept_as_written_and_not_analysed(db):
    session = make_session(db)
    followup_id = submit_followup(
        db, session.id, answer(language="cy", fu_barriers="Dim amser"), "cy-1", now=WEEKS_ON
    )
    with db.reading() as cur:
        comments = store.comments_for_response(cur, followup_id)
    assert comments[0].text == "Dim amser"
    assert table_count(db, "comment_analysis") == 0


def give_followups(db, session, did, nothing, prefix="f", themes_action="posted"):
    for i in range(did):
        submit_followup(
            db, session.id, answer(actions=(themes_action,)), f"{prefix}{session.id}-d{i}",
            now=session.starts_at + timedelta(weeks=7),
        )  # fmt: skip
    for i in range(nothing):
        submit_followup(
            db, session.id, answer(actions=("nothing_yet",), barriers=("time",), fu_barriers="",
                                   fu_help_next=""),
            f"{prefix}{session.id}-n{i}", now=session.starts_at + timedelta(weeks=7),
        )  # fmt: skip


def test_under_five_answers_nothing_is_broken_down(db):
    session = make_session(db)
    give_followups(db, session, 2, 2)
    figures = followup.followup_for_session(db, session.id)
    assert figures.hidden and figures.responses == 4
    assert figures.actions == [] and figures.barriers == [] and figures.confidence_now is None
    assert "from 5" in figures.headline()
    give_followups(db, session, 0, 1, prefix="more")
    shown = followup.followup_for_session(db, session.id)
    assert not shown.hidden and shown.did_something == 2
    assert {t.code: t.count for t in shown.barriers} == {"time": 5}
    assert "2 of 5 (40%) went on to use it" in shown.headline()


def test_trends_show_went_on_to_use_it_only_for_groups_of_five(db):
    big = make_session(db, status="delivered")
    small = make_session(
        db, title="Elsewhere", programme="Digital ward work", status="delivered",
        starts_at=datetime(2026, 5, 5, 18), ends_at=datetime(2026, 5, 5, 20),
    )  # fmt: skip
    give_followups(db, big, 4, 2)
    give_followups(db, small, 1, 2)
    with db.reading() as cur:
        went = followup.went_on(cur, store.TrendFilter())
    assert list(went.by_programme["programme"]) == ["Councillors and Social Media"]
    assert list(went.by_programme["share"]) == [pytest.approx(4 / 6)]
    assert len(went.by_month) == 1 and went.hidden == 2


def lesson_applied(db, source, applied, themes) -> int:
    lesson_id = create_lesson(
        db,
        LessonDraft(
            title="End with ten minutes of posting practice",
            recommendation="Everyone posts once before leaving",
            themes=list(themes),
            action="Add it to the plan",
            owner="Tom Ellery",
            due_date=date(2027, 1, 1),
            source_session_id=source.id,
        ),
        ME,
    )
    for status in ("identified", "actioned"):
        move_lesson(db, lesson_id, status, ME)
    move_lesson(db, lesson_id, "embedded", ME, applied_session_id=applied.id)
    return lesson_id


def test_the_verdict_uses_follow_up_measures_tied_to_the_lesson_s_themes(db):
    source = make_session(db, status="delivered")
    applied = make_session(
        db, title="Second", status="delivered",
        starts_at=datetime(2026, 6, 1, 18), ends_at=datetime(2026, 6, 1, 20),
    )  # fmt: skip
    for session in (source, applied):
        for i in range(6):
            submit_feedback(db, session.id, FeedbackAnswer(overall_rating=4), f"d{session.id}{i}")
    give_followups(db, source, 1, 5)  # 1 of 6 did something
    give_followups(db, applied, 5, 1)  # 5 of 6
    lesson_id = lesson_applied(db, source, applied, ["platforms", "workload"])
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        comparison = found(loop.compare_lesson(cur, lesson, {"platforms": "Platforms & tools"}))
        evidence = found(loop.followup_evidence(cur, lesson, {"platforms": "Platforms & tools"}))
    by_name = {m.name: m for m in comparison.measures}
    did = by_name["Follow-up: went on to do something (not 'nothing yet')"]
    assert (did.before, did.after, did.verdict) == ((1, 6), (5, 6), loop.IMPROVED)
    assert by_name["Follow-up: did something on 'Platforms & tools'"].verdict == loop.IMPROVED
    time_barrier = by_name["Follow-up: said 'Not enough time' got in the way"]
    assert (time_barrier.before, time_barrier.after) == ((6, 6), (6, 6))
    assert comparison.verdict == loop.IMPROVED
    assert "Follow-up: went on to do something" in comparison.summary()
    # Validated by the follow-up evidence alone, stated as such.
    assert "5 of 6 (83%) went on to do something" in evidence.summary()
    loop.validate_with_followup(db, lesson_id, evidence, ME)
    with db.reading() as cur:
        validated = found(store.lesson_by_id(cur, lesson_id))
    assert validated.status == "validated"
    assert validated.effectiveness_evidence.startswith("Follow-up evidence, 6 weeks after")


def test_without_enough_follow_ups_the_verdict_rests_on_the_day(db):
    source = make_session(db, status="delivered")
    applied = make_session(db, title="Second", status="delivered")
    give_followups(db, applied, 5, 0)  # none before: no follow-up measure at all
    lesson_id = lesson_applied(db, source, applied, ["platforms"])
    with db.reading() as cur:
        lesson = found(store.lesson_by_id(cur, lesson_id))
        comparison = found(loop.compare_lesson(cur, lesson, {}))
    assert not [m for m in comparison.measures if m.name.startswith("Follow-up")]


def test_the_mail_merge_csv_has_only_opted_in_contacts_and_cannot_run_formulas(db):
    session = make_session(db)
    during = datetime(2026, 3, 12, 19, 0)
    people = [
        ('=HYPERLINK("http://evil.example")', "+44 7700 900123", True),
        ("Cllr Ann Lee", "ann.lee@calderbrook.example", True),
        ("Not asked", "", False),
    ]
    for i, (name, detail, opted) in enumerate(people):
        submit_feedback(
            db, session.id,
            FeedbackAnswer(overall_rating=5, contact_opt_in=opted,
                           contact_name=name if opted else "", contact_detail=detail),
            f"c{i}", now=during,
        )  # fmt: skip
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=3), "anon", now=during)
    data = followup.mail_merge_csv(db, session.id, "https://feedback.calderbrook.example")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    token = link_of(db, session.id).token
    link = f"https://feedback.calderbrook.example/followup?s={token}"
    assert rows == [
        ["name", "email", "link"],
        ['\'=HYPERLINK("http://evil.example")', "'+44 7700 900123", link],
        ["Cllr Ann Lee", "ann.lee@calderbrook.example", link],
    ]


def test_the_next_session_s_poster_carries_the_previous_follow_up(db):
    first = make_session(db, status="delivered")
    second = make_session(
        db, title="Part two", starts_at=datetime(2026, 5, 1, 18), ends_at=datetime(2026, 5, 1, 20)
    )
    elsewhere = make_session(
        db, title="Another programme", programme="Other",
        starts_at=datetime(2026, 4, 1, 18), ends_at=datetime(2026, 4, 1, 20),
    )  # fmt: skip
    base = "https://feedback.example"
    on_poster = found(followup.last_time_on_poster(db, second, base))
    assert on_poster.title == first.title
    assert on_poster.link == f"{base}/followup?s={link_of(db, first.id).token}"
    assert followup.last_time_on_poster(db, first, base) is None
    assert followup.last_time_on_poster(db, elsewhere, base) is None


def test_the_retention_purge_deletes_old_follow_ups_and_their_comments(db):
    session = make_session(db)
    submit_followup(db, session.id, answer(), "old", now=WEEKS_ON)
    admin = Actor(1, "Sam Admin", "admin")
    preview = privacy.purge_preview(db, today=date(2029, 1, 1))
    assert preview.held.followups == 1 and preview.held.comments == 2
    privacy.purge(db, admin, now=datetime(2029, 1, 1, 9))
    assert table_count(db, "followup_responses") == 0
    assert table_count(db, "followup_choices") == 0
    assert table_count(db, "comments") == 0


def test_trends_and_the_programme_report_carry_went_on_to_use_it(db):
    session = make_session(db, status="delivered")
    give_followups(db, session, 4, 2)
    where = store.TrendFilter()
    overview = trends.trend_overview(db, where, {})
    by_programme = next(c for c in overview.charts if c.key == "went_on_programme")
    assert list(by_programme.table["Went on to use it (%)"]) == [67.0]
    over_time = next(c for c in overview.charts if c.key == "went_on_month")
    assert "4 (67%) said they went on to do something" in over_time.reading
    report = programme_report.report_markdown(
        "Report", where, overview.headline, overview.charts, [], date(2026, 7, 1)
    )
    assert "Went on to use it, by programme (follow-ups)" in report
    assert "Councillors and Social Media" in report


def test_the_poster_foot_and_the_slips_carry_the_follow_up(db):
    first = make_session(db, status="delivered")
    second = make_session(
        db, title="Part two", starts_at=datetime(2026, 5, 1, 18), ends_at=datetime(2026, 5, 1, 20)
    )
    base = "https://feedback.example"
    last_time = found(followup.last_time_on_poster(db, second, base))
    plain = share.poster_image(poster_for(second), base)
    with_foot = share.poster_image(poster_for(second, last_time), base)
    assert plain.size == with_foot.size == share.A4_PIXELS
    foot = (share.A4_PIXELS[0] - 10, share.A4_PIXELS[1] - 300)
    assert plain.getpixel(foot) == (255, 255, 255)
    assert with_foot.getpixel(foot) == (232, 241, 242)  # the band of last time's follow-up
    slips = found(followup.followup_share(db, first.id, base)).on_paper()
    assert slips.code == link_of(db, first.id).code
    assert share.followup_slips_pdf(slips, base).startswith(b"%PDF")
