"""The attendees' form as plain HTML on the app's own server (lessons.web_feedback), through
Starlette's test client: no browser, no script, as a phone with JavaScript off sees it."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette

from lessons import privacy, store, web_feedback
from lessons.auth import Actor
from lessons.clock import now_local
from lessons.privacy_notice import PrivacySettings
from tests.conftest import found, make_account, make_session, table_count

# Starlette's test client warns, as it is imported, that it will move to another package.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


def today_session(db, **overrides) -> store.SessionRow:
    """A session on now, so its form is open."""
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)
    values = {"starts_at": start, "ends_at": start + timedelta(hours=2), **overrides}
    return make_session(db, **values)


@pytest.fixture
def client(db) -> TestClient:
    return TestClient(Starlette(routes=web_feedback.routes(lambda: db)))


def form_key(html: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def send(client: TestClient, session: store.SessionRow, key: str, **answers: str):
    return client.post(
        f"/feedback?s={session.feedback_token}",
        data={"key": key, "lang": answers.pop("lang", "en"), **answers},
        follow_redirects=False,
    )


class Elements(HTMLParser):
    """Tags and their attributes, for checks on what the page is made of."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(k) == v for k, v in attrs.items())
        ]


def test_the_link_opens_the_form_and_a_post_stores_one_response_then_thanks(db, client):
    session = today_session(db, title="Staying safe online")
    page = client.get(f"/feedback?s={session.feedback_token}")
    assert page.status_code == 200 and "Staying safe online" in page.text
    reply = send(
        client,
        session,
        form_key(page.text),
        overall_rating="4",
        balance="more_how",
        length="too_long",
        went_well="Trying it on our own phones",
    )
    assert reply.status_code == 303
    assert reply.headers["location"].startswith(f"/feedback/thanks?s={session.feedback_token}")
    with db.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
    assert (response.overall_rating, response.balance, response.length) == (
        4,
        "more_how",
        "too_long",
    )
    assert response.language == "en" and not response.contact_opt_in
    thanks = client.get(reply.headers["location"])
    assert "Thank you" in thanks.text and "Someone else wants to use this phone" in thanks.text


def test_a_double_submit_or_a_resubmitted_post_stores_one_response(db, client):
    session = today_session(db)
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    first = send(client, session, key, overall_rating="5", to_change="More time")
    again = send(client, session, key, overall_rating="5", to_change="More time")
    assert first.status_code == again.status_code == 303
    assert table_count(db, "responses") == 1 and table_count(db, "comments") == 1


def test_someone_else_on_the_same_phone_gets_a_blank_form_with_a_new_key(db, client):
    session = today_session(db)
    first = client.get(f"/feedback?s={session.feedback_token}").text
    thanks = client.get(
        send(client, session, form_key(first), overall_rating="2").headers["location"]
    )
    [again] = Elements(thanks.text).find("a", **{"class": "again"})
    blank = client.get(str(again["href"])).text
    assert form_key(blank) != form_key(first)
    assert "checked" not in blank
    send(client, session, form_key(blank), overall_rating="4")
    assert table_count(db, "responses") == 2


def test_a_missing_rating_is_summarised_at_the_top_linked_to_its_field_and_answers_kept(db, client):
    session = today_session(db)
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    reply = send(
        client, session, key, usefulness="3", length="too_long", to_change="Shorter, please"
    )
    assert reply.status_code == 422
    page = Elements(reply.text)
    summary = reply.text.index('class="error-summary"')
    assert summary < reply.text.index("<form")
    assert page.find("a", href="#overall_rating-1")  # the summary's link to the field
    assert page.find("input", id="overall_rating-1")
    assert 'id="overall_rating-error"' in reply.text  # the message beside the field
    assert "it is the one answer we need" in reply.text
    # Every answer is still there, and the key is the same (one response, whatever happens).
    assert page.find("input", id="usefulness-3", checked="") or 'id="usefulness-3"' in reply.text
    assert re.search(r'id="usefulness-3"[^>]*checked', reply.text)
    assert re.search(r'id="length-too_long"[^>]*checked', reply.text)
    assert ">Shorter, please</textarea>" in reply.text
    assert form_key(reply.text) == key
    assert table_count(db, "responses") == 0


def test_a_paste_over_the_limit_is_kept_and_the_message_says_how_much_to_cut(db, client):
    session = today_session(db)
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    pasted = "word " * 500 + "end"  # 2,503 characters
    reply = send(client, session, key, overall_rating="4", help_next=pasted)
    assert reply.status_code == 422
    assert "2,503 characters long: please cut 503 characters" in reply.text
    assert f">{pasted}</textarea>" in reply.text  # nothing dropped
    assert Elements(reply.text).find("a", href="#help_next")
    assert "maxlength" not in reply.text.split('id="help_next"')[1].split(">")[0]
    assert table_count(db, "responses") == 0


def test_a_name_without_the_opt_in_is_refused_and_the_contact_part_opens(db, client):
    session = today_session(db)
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    reply = send(client, session, key, overall_rating="4", contact_name="Ann Lee")
    assert reply.status_code == 422
    assert "tick the box to let us keep it" in reply.text
    assert "<details open>" in reply.text and 'value="Ann Lee"' in reply.text
    reply = send(client, session, key, overall_rating="4", contact_name="Ann Lee",
                 contact_opt_in="yes")  # fmt: skip
    assert reply.status_code == 303
    with db.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
    assert response.contact_name == "Ann Lee" and response.contact_opt_in


def test_a_broken_character_gets_a_message_saying_what_to_retype(db, client):
    session = today_session(db)
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    # A lone surrogate pasted into a form reaches the server as U+FFFD (or as bytes that
    # are not UTF-8, read as U+FFFD): refused with a message, the rest kept.
    reply = client.post(
        f"/feedback?s={session.feedback_token}",
        content=f"key={key}&overall_rating=4&went_well=Good+%ED%A0%80+session".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert reply.status_code == 422
    assert "did not come through" in reply.text and "Good" in reply.text
    assert table_count(db, "responses") == 0


def test_typing_the_code_finds_the_session_and_a_bad_link_says_what_to_do(db, client):
    session = today_session(db, title="Getting started with Facebook")
    entry = client.get("/feedback")
    assert Elements(entry.text).find("input", name="c")
    assert Elements(entry.text).find("form", method="get")
    found = client.get(f"/feedback?c={session.short_code.lower()}")
    assert "Getting started with Facebook" in found.text
    unknown = client.get("/feedback?s=made-up")
    assert unknown.status_code == 404 and "not recognised" in unknown.text
    assert Elements(unknown.text).find("input", name="c")  # and the code can be typed there
    assert "6 letters and numbers" in client.get("/feedback?c=AB").text


def test_a_follow_up_s_code_typed_here_goes_to_the_follow_up(db, client):
    session = today_session(db)
    with db.reading() as cur:
        code = found(store.followup_link(cur, session.id)).code
    reply = client.get(f"/feedback?c={code.lower()}&lang=cy", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/followup?c={code}&lang=cy"
    # Typed on the code page (which sends its language), spaced out as read off a slip.
    spaced = f"{code[:3]} {code[3:]}"
    reply = client.get("/feedback", params={"lang": "en", "c": spaced}, follow_redirects=False)
    assert reply.headers["location"] == f"/followup?c={code}&lang=en"
    # A code that is neither still says so.
    unknown = client.get("/feedback?c=ZZZZZZ", follow_redirects=False)
    assert unknown.status_code == 404 and "No session has the code ZZZZZZ" in unknown.text


def test_under_a_base_path_the_follow_up_s_code_goes_under_it_too(db):
    session = today_session(db)
    with db.reading() as cur:
        code = found(store.followup_link(cur, session.id)).code
    client = TestClient(Starlette(routes=web_feedback.routes(lambda: db, "/lessons")))
    reply = client.get(f"/lessons/feedback?c={code}", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/lessons/followup?c={code}"
    page = client.get(f"/lessons/feedback?s={session.feedback_token}").text
    assert Elements(page).find("a", href="/lessons/privacy")  # the notice moves with the app


def test_a_link_to_the_bare_address_is_sent_to_the_form(db, client):
    session = today_session(db)
    reply = client.get(f"/?s={session.feedback_token}", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/feedback?s={session.feedback_token}"
    # Without a session's link, the bare address is Streamlit's (no route of ours).
    assert client.get("/", follow_redirects=False).status_code == 404


def test_before_it_opens_the_form_says_when_and_after_it_closes_it_says_so(db, client):
    start = now_local().replace(microsecond=0) + timedelta(days=2)
    later = make_session(db, starts_at=start.replace(hour=18, minute=0),
                         ends_at=start.replace(hour=20, minute=0))  # fmt: skip
    page = client.get(f"/feedback?s={later.feedback_token}")
    assert "Feedback opens soon" in page.text and "opens at 17:30" in page.text
    assert "<form" not in page.text
    past = make_session(db, feedback_closes_at=None)  # March 2026: closed 14 days after
    closed = client.get(f"/feedback?s={past.feedback_token}")
    assert "has closed" in closed.text and "<form" not in closed.text
    # A POST kept from before the closing time stores nothing.
    send(client, past, "late-key", overall_rating="4")
    assert table_count(db, "responses") == 0


def test_the_welsh_form_speaks_welsh_and_its_answers_are_marked_welsh(db, client):
    session = today_session(db)
    page = client.get(f"/feedback?s={session.feedback_token}&lang=cy")
    assert '<html lang="cy-GB">' in page.text
    assert "Sut aeth y sesiwn heddiw?" in page.text and "Anfon adborth" in page.text
    assert Elements(page.text).find("a", hreflang="en")  # the switch back to English
    error = send(client, session, form_key(page.text), lang="cy", went_well="Da iawn")
    assert "Mae problem" in error.text and "sgôr gyffredinol" in error.text
    assert '<html lang="cy-GB">' in error.text
    reply = send(client, session, form_key(page.text), lang="cy", overall_rating="5",
                 went_well="Roedd y sesiwn yn ddefnyddiol iawn")  # fmt: skip
    assert client.get(reply.headers["location"]).text.count("Diolch") >= 1
    with db.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
        [comment] = store.comments_for_response(cur, response.id)
    assert response.language == "cy" and comment.text == "Roedd y sesiwn yn ddefnyddiol iawn"


def test_a_welsh_session_opens_in_welsh_and_lang_en_switches_it(db, client):
    session = today_session(db, language="cy")
    assert '<html lang="cy-GB">' in client.get(f"/feedback?s={session.feedback_token}").text
    english = client.get(f"/feedback?s={session.feedback_token}&lang=en").text
    assert '<html lang="en-GB">' in english and "Send feedback" in english


def test_the_footer_names_the_controller_and_links_to_the_notice(db, client):
    privacy.save_privacy_settings(
        db,
        PrivacySettings(
            controller="Calderbrook <b>Council</b>", dpo_email="dpo@calderbrook.example"
        ),
        Actor(1, "Priya Shah", "admin"),
    )
    session = today_session(db)
    page = client.get(f"/feedback?s={session.feedback_token}").text
    assert "Calderbrook &lt;b&gt;Council&lt;/b&gt; keeps these answers for 24 months" in page
    assert Elements(page).find("a", href="/privacy")
    welsh = client.get(f"/feedback?s={session.feedback_token}&lang=cy").text
    assert "sy&#x27;n cadw&#x27;r atebion hyn am 24 mis" in welsh
    assert Elements(welsh).find("a", href="/privacy?lang=cy")


def test_the_pages_hold_no_inline_script_or_style_and_fetch_only_from_this_server(db, client):
    session = today_session(db, title="<script>alert(1)</script>")
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    pages = [
        client.get("/feedback").text,
        client.get(f"/feedback?s={session.feedback_token}").text,
        send(client, session, key, to_change="x" * 2001).text,
        client.get(f"/feedback/thanks?s={session.feedback_token}").text,
        client.get(f"/present?s={session.feedback_token}").text,
    ]
    for html in pages:
        elements = Elements(html)
        assert not elements.find("style") and "<script>alert" not in html
        assert all(
            str(s.get("src")).startswith("/_lessons/static/") for s in elements.find("script")
        )
        assert not any(attrs.get("style") for _, attrs in elements.tags)
        assert not re.search(r"\son[a-z]+=", html)  # no event handler attributes
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for name in ("form.css", "form.js", "present.js"):
        reply = client.get(f"/_lessons/static/{name}")
        assert reply.status_code == 200 and "max-age" in reply.headers["cache-control"]
    assert client.get("/_lessons/static/../pyproject.toml").status_code == 404


def test_the_presenter_screen_shows_the_code_and_its_count_follows_the_responses(db, client):
    session = today_session(db)
    screen = client.get(f"/present?s={session.feedback_token}").text
    assert " ".join(session.short_code) in screen and "<svg" in screen
    count_url = Elements(screen).find("p", **{"class": "live-count"})[0]["data-count-url"]
    assert client.get(str(count_url)).json() == {"responses": 0}
    key = form_key(client.get(f"/feedback?s={session.feedback_token}").text)
    send(client, session, key, overall_rating="3")
    assert client.get(str(count_url)).json() == {"responses": 1}
    assert client.get("/present/count?s=nope").status_code == 404


def test_attendees_never_need_to_sign_in(db, client):
    make_account(db, "Priya Shah", "facilitator", password="council staff only")
    session = today_session(db)
    page = client.get(f"/feedback?s={session.feedback_token}")
    assert page.status_code == 200 and "How was today’s session?" in page.text
