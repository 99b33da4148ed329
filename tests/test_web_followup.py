"""The follow-up form as plain HTML (lessons.web_followup), through Starlette's test client:
its link and code, the window, one answer per key, errors beside the fields with every answer
kept, and Welsh."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from lessons import store, web_feedback, web_followup
from lessons.clock import now_local
from lessons.followup import actions_offered
from tests.conftest import found, make_session, table_count

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


def weeks_ago_session(db, weeks: int = 7, **overrides) -> store.SessionRow:
    """A session `weeks` ago, so its follow-up (six weeks on) is open."""
    start = now_local().replace(microsecond=0) - timedelta(weeks=weeks)
    values = {"starts_at": start, "ends_at": start + timedelta(hours=2), **overrides}
    return make_session(db, status="delivered", **values)


def link_of(db, session) -> store.FollowupLink:
    with db.reading() as cur:
        return found(store.followup_link(cur, session.id))


@pytest.fixture
def client(db) -> TestClient:
    return TestClient(Starlette(routes=web_followup.routes(lambda: db)))


def form_key(html: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_link_opens_the_form_and_an_answer_is_stored_once(client, db):
    session = weeks_ago_session(db)
    token = link_of(db, session).token
    page = client.get(f"/followup?s={token}")
    assert page.status_code == 200
    assert "What have you done since the session?" in page.text
    assert session.title in page.text and "<script>" not in page.text
    key = form_key(page.text)
    data = {"key": key, "lang": "en", "actions": ["posted", "page"], "barriers": "time",
            "confidence_now": "4", "fu_help_next": "Help with scheduling posts"}  # fmt: skip
    sent = client.post(f"/followup?s={token}", data=data, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/followup/thanks")
    again = client.post(f"/followup?s={token}", data=data, follow_redirects=False)
    assert again.status_code == 303
    assert table_count(db, "followup_responses") == 1
    assert table_count(db, "followup_choices") == 3
    thanks = client.get(sent.headers["location"])
    assert "Thank you" in thanks.text


def test_a_problem_is_shown_beside_its_field_with_the_answers_kept(client, db):
    session = weeks_ago_session(db)
    token = link_of(db, session).token
    key = form_key(client.get(f"/followup?s={token}").text)
    data = {"key": key, "lang": "en", "barriers": "time", "fu_barriers": "Casework <b>first</b>",
            "confidence_now": "9"}  # fmt: skip
    refused = client.post(f"/followup?s={token}", data=data)
    assert refused.status_code == 422
    assert 'href="#actions-page"' in refused.text  # the summary links to the first box
    assert 'id="actions-error"' in refused.text and 'id="confidence_now-error"' in refused.text
    assert "Casework &lt;b&gt;first&lt;/b&gt;" in refused.text  # kept, and escaped
    assert 'id="barriers-time" name="barriers" value="time" checked' in refused.text
    assert table_count(db, "followup_responses") == 0


def test_the_typed_code_leads_to_the_form_and_welsh_is_spoken(client, db):
    session = weeks_ago_session(db)
    code = link_of(db, session).code
    page = client.get(f"/followup?c={code.lower()}&lang=cy")
    assert page.status_code == 200
    assert 'lang="cy-GB"' in page.text
    assert "Beth ydych chi wedi&#x27;i wneud ers y sesiwn?" in page.text
    unknown = client.get("/followup?c=ZZZZZZ")
    assert unknown.status_code == 404 and "ZZZZZZ" in unknown.text
    assert 'action="/followup"' in client.get("/followup").text


def test_before_it_opens_it_says_when(client, db):
    session = weeks_ago_session(db, weeks=2)
    token = link_of(db, session).token
    page = client.get(f"/followup?s={token}")
    assert "The follow-up opens soon" in page.text and "<form" not in page.text
    key = "k" * 20
    sent = client.post(f"/followup?s={token}", data={"key": key, "actions": "posted"})
    assert "<form" not in sent.text
    assert table_count(db, "followup_responses") == 0


def test_the_actions_offered_fit_the_session_s_themes(client, db):
    session = weeks_ago_session(db)
    assert actions_offered({"risk"}) == ["page", "posted", "safety", "nothing_yet"]
    assert len(actions_offered(set())) == 7
    page = client.get(f"/followup?s={link_of(db, session).token}")
    assert 'value="nothing_yet"' in page.text


def both_forms(db, base: str = "") -> TestClient:
    """The day's form and the follow-up's on one server, as lessons.ui_server adds them."""
    routes = [*web_feedback.routes(lambda: db, base), *web_followup.routes(lambda: db, base)]
    return TestClient(Starlette(routes=routes))


def test_a_day_s_code_typed_here_goes_to_the_day_s_form_while_it_takes_feedback(db):
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)
    today = make_session(db, starts_at=start, ends_at=start + timedelta(hours=2))
    client = both_forms(db)
    reply = client.get(f"/followup?c={today.short_code.lower()}&lang=en", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/feedback?c={today.short_code}&lang=en"
    form = client.get(reply.headers["location"])
    assert form.status_code == 200 and "Send feedback" in form.text


def test_a_day_s_code_typed_here_once_the_day_has_closed_says_which_code_goes_here(db):
    session = weeks_ago_session(db, title="Handling abuse online")
    client = both_forms(db)
    page = client.get(f"/followup?c={session.short_code}", follow_redirects=False)
    assert page.status_code == 404
    assert (
        f"The code {session.short_code} is for feedback on the day of ‘Handling abuse online’,"
        " which has closed." in page.text
    )
    assert "type the follow-up’s code, from your slip or the poster" in page.text
    assert 'name="c"' in page.text and 'action="/followup"' in page.text  # to type it here
    welsh = client.get(f"/followup?c={session.short_code}&lang=cy").text
    assert f"Mae&#x27;r cod {session.short_code} ar gyfer adborth ar ddiwrnod" in welsh
    # Unticking "Taking feedback" closes the day's form as well.
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)
    stopped = make_session(
        db, starts_at=start, ends_at=start + timedelta(hours=2), feedback_open=False
    )
    stopped_page = client.get(f"/followup?c={stopped.short_code}", follow_redirects=False)
    assert stopped_page.status_code == 404 and "which has closed" in stopped_page.text


def test_under_a_base_path_a_day_s_code_goes_to_the_day_s_form_under_it(db):
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)
    today = make_session(db, starts_at=start, ends_at=start + timedelta(hours=2))
    client = both_forms(db, "/lessons")
    reply = client.get(f"/lessons/followup?c={today.short_code}", follow_redirects=False)
    assert reply.headers["location"] == f"/lessons/feedback?c={today.short_code}"
    assert "Send feedback" in client.get(reply.headers["location"]).text
