"""The follow-up on the staff pages, through AppTest: the Sessions page's Follow-up tab and
its weeks setting, and the post-mortem's Weeks on tab under the 5-answer rule."""

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from lessons import store
from lessons.followup import FollowupAnswer, submit_followup
from tests.conftest import ROOT, found, make_session

TIMEOUT = 30


def page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / name), default_timeout=TIMEOUT)


def test_the_sessions_page_shows_the_follow_up_and_sets_its_weeks(db):
    session = make_session(db)
    with db.reading() as cur:
        link = found(store.followup_link(cur, session.id))
    at = page("pages/sessions.py")
    at.session_state["sessions_tab_0"] = "Follow-up"  # only the open tab runs
    at.run()
    assert not at.exception
    assert any(c.value == link.code for c in at.code)
    assert any(str(c.value).endswith(f"/followup?s={link.token}") for c in at.code)
    assert any("opens on **23 April 2026**" in m.value for m in at.markdown)
    at.session_state["sessions_tab_0"] = "Edit session"
    at.run()
    key = f"sessions_edit_{session.id}"
    at.number_input(key=f"{key}_followup_weeks").set_value(8)
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert not at.exception
    with db.reading() as cur:
        assert found(store.session_by_id(cur, session.id)).followup_weeks == 8


def give(db, session, count: int, prefix: str) -> None:
    for i in range(count):
        submit_followup(
            db,
            session.id,
            FollowupAnswer(actions=("posted",), barriers=("time",), confidence_now=4),
            f"{prefix}-{i}",
            now=session.starts_at + timedelta(weeks=7),
        )


def test_the_post_mortem_shows_the_follow_up_only_from_five_answers(db):
    session = make_session(db, status="delivered")
    give(db, session, 4, "a")
    at = page("pages/postmortem.py")
    at.session_state["postmortem_tab"] = "Weeks on"  # only the open tab runs
    at.run()
    assert not at.exception
    assert any("4 follow-up answers: figures appear from 5" in i.value for i in at.info)
    assert not any(m.label == "Went on to use it" for m in at.metric)
    give(db, session, 1, "b")
    at = page("pages/postmortem.py")
    at.session_state["postmortem_tab"] = "Weeks on"
    at.run()
    assert not at.exception
    went = next(m for m in at.metric if m.label == "Went on to use it")
    assert went.value == "100%"
    assert any(b.label == "Promote this barrier to a lesson" for b in at.button)
