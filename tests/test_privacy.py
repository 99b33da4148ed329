"""Privacy (issue 10): the notice's settings, retention, erasure, subject access, dates
without times, and nothing that re-identifies a small group."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from lessons import privacy, reports, store, tagging, web_privacy
from lessons.auth import Actor
from lessons.choices import COUNCILLOR_TYPES, MIN_GROUP_SIZE, RATING_LABELS
from lessons.cli import main
from lessons.errors import NotAllowed, ValidationError
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.privacy_notice import DEFAULT_RETENTION_MONTHS, PrivacySettings, notice_html
from lessons.register import EvidenceLink, LessonDraft, create_lesson
from lessons.store import migrations
from tests.conftest import ROOT, found, make_account, make_session, signed_in, table_count

ME = Actor(1, "Priya Shah", "admin")
LEAD = Actor(2, "Joanne Whitaker", "lead")
FACILITATOR = Actor(3, "Gareth Holroyd", "facilitator")
NOW = datetime(2026, 11, 25, 10, 0)
OLD = datetime(2024, 3, 3, 19, 42, 17)  # more than 24 months before NOW
SETTINGS = PrivacySettings(
    controller="Calderbrook Council",
    team="the Member Development team",
    dpo_email="dpo@calderbrook.example",
    address="Town Hall, Calderbrook",
)


def answer(n: int = 0, **overrides) -> FeedbackAnswer:
    values = dict(
        overall_rating=1 + n % 5,
        councillor_type="sceptic" if n % 2 else "evangelist",
        confidence_before=2,
        confidence_after=4,
        went_well=f"Comment {n}: the examples",
        to_change=f"Change {n}: shorter",
    )
    values.update(overrides)
    return FeedbackAnswer(**values)  # type: ignore[arg-type]


def respond(db, session, n: int = 0, at: datetime = NOW, **overrides) -> int:
    return submit_feedback(db, session.id, answer(n, **overrides), f"{session.id}-{n}", now=at)


def comment_ids(db, response_id: int) -> list[int]:
    with db.reading() as cur:
        return [c.id for c in store.comments_for_response(cur, response_id)]


# --- dates, not times ----------------------------------------------------------------------


def test_a_response_keeps_the_day_it_was_sent_and_no_time(db):
    session = make_session(db)
    response_id = respond(db, session, at=datetime(2026, 3, 12, 20, 47, 33))
    with db.reading() as cur:
        [response] = store.responses_for_session(cur, session.id)
        comments = store.comments_for_response(cur, response_id)
        analysed = cur.execute("SELECT DISTINCT analysed_at FROM comment_analysis").fetchall()
    assert response.submitted_on == date(2026, 3, 12)
    assert not isinstance(response.submitted_on, datetime)
    assert {c.created_on for c in comments} == {date(2026, 3, 12)}
    # The analysis made as it arrived says only the day too.
    assert analysed == [(datetime(2026, 3, 12),)]


def test_migration_007_keeps_the_day_and_drops_the_time_of_what_is_stored(tmp_path, monkeypatch):
    database = store.Database(tmp_path / "old.duckdb")
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:6])
    store.migrate(database)
    with database.transaction() as cur:
        cur.execute(
            "INSERT INTO sessions (id, title, starts_at, ends_at, council, format,"
            " feedback_token, short_code, created_at, updated_at) VALUES"
            " (7, 't', ?, ?, 'c', 'workshop', 'tok', 'ABCDEF', ?, ?)",
            [datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 12), NOW, NOW],
        )
        for rid, sent in ((1, datetime(2026, 1, 1, 12, 3, 9)), (2, datetime(2026, 1, 2, 8, 1))):
            cur.execute(
                "INSERT INTO responses (id, session_id, idempotency_key, submitted_at,"
                " overall_rating) VALUES (?, 7, ?, ?, 4)",
                [rid, f"k{rid}", sent],
            )
            cur.execute(
                "INSERT INTO comments (id, response_id, session_id, question, text, created_at)"
                " VALUES (?, ?, 7, 'went_well', 'Good', ?)",
                [rid * 10, rid, sent],
            )
            cur.execute(
                "INSERT INTO comment_analysis VALUES (?, 'positive', 0.5, FALSE, '', 'v', ?, 7)",
                [rid * 10, sent],
            )
        cur.execute("INSERT INTO comment_label_corrections VALUES (10, 'neutral', 'Tom', ?)", [NOW])
        cur.execute(
            "INSERT INTO lessons (id, title, polarity, scope, priority, status, logged_at,"
            " logged_by, updated_at) VALUES (1, 'L', 'improve', 'session', 'low', 'observed',"
            " ?, 'Tom', ?)",
            [NOW, NOW],
        )
        cur.execute(
            "INSERT INTO lesson_evidence (lesson_id, comment_id, added_at, added_by)"
            " VALUES (1, 10, ?, 'Tom')",
            [NOW],
        )
        cur.execute("INSERT INTO user_visits VALUES ('Tom', ?)", [datetime(2026, 1, 1, 20, 0)])
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:7])
    assert store.migrate(database) == ["007_privacy"]
    with database.reading() as cur:
        responses = cur.execute("SELECT id, submitted_on FROM responses ORDER BY id").fetchall()
        comments = cur.execute("SELECT id, created_on FROM comments ORDER BY id").fetchall()
        analysed = cur.execute("SELECT analysed_at FROM comment_analysis ORDER BY 1").fetchall()
        # (Visits by typed name are no longer read once 008 counts them by account.)
        visit = cur.execute(
            "SELECT last_response_id FROM user_visits WHERE user_name = 'Tom'"
        ).fetchall()
        labels = cur.execute("SELECT label FROM comment_labels_effective ORDER BY 1").fetchall()
        columns = {r[0] for r in cur.execute("DESCRIBE responses").fetchall()}
    assert responses == [(1, date(2026, 1, 1)), (2, date(2026, 1, 2))]
    assert comments == [(10, date(2026, 1, 1)), (20, date(2026, 1, 2))]
    assert analysed == [(datetime(2026, 1, 1),), (datetime(2026, 1, 2),)]
    assert "submitted_at" not in columns
    assert visit == [(1,)]  # the response there was at that visit
    assert labels == [("neutral",), ("positive",)]  # the views read the rebuilt tables
    # Without foreign keys, an erasure is one transaction: evidence, comment, response
    # (with every later migration applied, as an erasure runs on a current database).
    monkeypatch.undo()
    store.migrate(database)
    with database.transaction() as cur:
        store.delete_responses(cur, [1])
    with database.reading() as cur:
        assert store.count_rows(cur, "lesson_evidence") == 0
        assert store.count_rows(cur, "responses") == 1
        assert store.count_rows(cur, "lessons") == 1
    database.close()


def test_home_counts_new_feedback_from_the_last_response_seen(db):
    session = make_session(db, status="reviewed")
    respond(db, session, 1)
    me = make_account(db, ME.name, "facilitator")
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30), me)
    at.run()  # the first visit: the response already there is not new
    respond(db, session, 2)
    at.session_state["home_since_account"] = None  # a new browser session
    at.run()
    assert not at.exception
    labels = [str(getattr(link, "label", "")) for link in at.get("page_link")]
    assert any("1 new response" in label for label in labels), labels


# --- not re-identifiable: a session of three ----------------------------------------------------


@pytest.fixture
def small_and_large(db):
    small = make_session(db, title="Three of us", status="delivered")
    large = make_session(db, title="A full room", status="delivered")
    for n in range(3):
        respond(db, small, n)
    for n in range(MIN_GROUP_SIZE):
        respond(db, large, 10 + n)
    return small, large


def test_the_comment_export_carries_no_respondent_key(db, small_and_large):
    table = reports.export_table(db, store.TrendFilter(), "comments")
    assert not {"response_id", "comment_id", "id"} & set(table.columns)
    small_rows = [r for r in table.rows if r["session"] == "Three of us"]
    assert len(small_rows) == 6
    # In order of question and text, not of who sent them.
    assert [r["question"] for r in small_rows] == ["to_change"] * 3 + ["went_well"] * 3
    assert not {"overall_rating", "councillor_type", "confidence_after"} & set(table.columns)


def test_the_responses_export_leaves_out_a_session_under_five(db, small_and_large):
    table = reports.export_table(db, store.TrendFilter(), "responses", include_contact=True)
    assert "response_id" not in table.columns
    assert {r["session"] for r in table.rows} == {"A full room"}
    assert len(table.rows) == MIN_GROUP_SIZE
    assert "3 responses from 1 session with fewer than 5 responses are left out" in table.note
    assert {type(r["submitted_on"]) for r in table.rows} == {date}


COMMENTS_TABS = ["Comments", "What people asked for", "Untagged queue", "Emerging phrases"]
POSTMORTEM_TABS = ["Feedback", "Lessons applied", "Reflections", "Your reflection", "Comments"]


def test_no_view_of_a_small_sessions_comments_shows_their_other_answers(db, small_and_large):
    small, _ = small_and_large
    me = make_account(db, ME.name, "admin")
    # Every tab of both pages (only the open tab runs).
    views = [("comments.py", "comments_tab", tab) for tab in COMMENTS_TABS] + [
        ("postmortem.py", "postmortem_tab", tab) for tab in POSTMORTEM_TABS
    ]
    for name, tab_key, tab in views:
        at = signed_in(AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60), me)
        at.query_params["session"] = str(small.id)
        at.session_state["comments_session"] = small.id
        at.session_state[tab_key] = tab
        at.run()
        assert not at.exception
        shown = " ".join(
            str(getattr(e, "value", "")) + str(getattr(e, "label", ""))
            for kind in ("markdown", "caption", "text", "metric", "info")
            for e in at.get(kind)
        )
        assert "Comment 1: the examples" in shown or tab != "Comments" or name != "comments.py"
        for label in [*RATING_LABELS.values(), *COUNCILLOR_TYPES.values()]:
            assert label not in shown, (name, tab, label)


# --- settings and the notice -----------------------------------------------------------------


def test_settings_default_to_24_months_and_are_saved_with_an_audit_row(db):
    assert privacy.privacy_settings(db).retention_months == DEFAULT_RETENTION_MONTHS == 24
    assert privacy.save_privacy_settings(db, SETTINGS, ME, NOW) == [
        "controller", "team", "dpo_email", "address",
    ]  # fmt: skip
    assert privacy.privacy_settings(db) == SETTINGS
    assert privacy.save_privacy_settings(db, SETTINGS, ME, NOW) == []
    privacy.save_privacy_settings(
        db, PrivacySettings(**{**SETTINGS.__dict__, "retention_months": 12}), ME, NOW
    )
    record = privacy.record(db)
    assert [r.subject for r in record] == ["settings", "settings"]
    assert "retention 24 → 12 months" in record[0].detail


def test_settings_say_what_to_fix(db):
    with pytest.raises(ValidationError) as invalid:
        privacy.save_privacy_settings(db, PrivacySettings("", "", "not an email", "", 0), ME)
    assert set(invalid.value.errors) == {"controller", "dpo_email", "retention_months"}


def test_the_notice_names_the_councils_details_and_escapes_them():
    page = notice_html(
        PrivacySettings(controller="<script>x</script> Council", dpo_email="a@b.example")
    )
    assert "&lt;script&gt;x&lt;/script&gt; Council is the data controller" in page
    assert "<script" not in page
    for words in ("Public task", "24 months", "not the time", "a@b.example", "ico.org.uk"):
        assert words in page


def test_the_privacy_route_serves_the_notice_as_html(db):
    privacy.save_privacy_settings(db, SETTINGS, ME, NOW)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/privacy",
        "headers": [],
        "query_string": b"",
    }
    [route] = web_privacy.routes()
    assert route.path == "/privacy"
    # In a thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(1) as thread:
        reply = thread.submit(asyncio.run, route.endpoint(Request(scope))).result()
    assert reply.status_code == 200 and reply.media_type == "text/html"
    assert b"Calderbrook Council is the data controller" in reply.body
    assert b"dpo@calderbrook.example" in reply.body


def test_under_a_base_path_the_notice_and_its_links_are_under_it_too(db):
    privacy.save_privacy_settings(db, SETTINGS, ME, NOW)
    [route] = web_privacy.routes("/lessons")
    assert route.path == "/lessons/privacy"
    html = web_privacy.notice_page("en", "/lessons")
    assert 'href="/lessons/privacy?lang=cy"' in html
    assert 'href="/lessons/_lessons/static/form.css?v=' in html


# --- retention ----------------------------------------------------------------------------------


def test_the_cutoff_is_months_back_on_the_same_day_or_the_months_last():
    assert privacy.retention_cutoff(date(2026, 11, 25), 24) == date(2024, 11, 25)
    assert privacy.retention_cutoff(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert privacy.retention_cutoff(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_a_purge_deletes_what_is_past_retention_and_a_lesson_loses_only_its_link(db):
    session = make_session(db, status="delivered")
    old = respond(db, session, 1, at=OLD, contact_opt_in=True, contact_name="Ann Old")
    recent = respond(db, session, 2, at=NOW - timedelta(days=30))
    old_comment = comment_ids(db, old)[0]
    tagging.correct_comment(db, old_comment, "negative", ["pace"], ME)
    lesson_id = create_lesson(
        db,
        LessonDraft(title="Shorter sessions"),
        ME,
        EvidenceLink(comment_id=old_comment),
        now=OLD + timedelta(days=3),
    )
    due = privacy.purge_preview(db, NOW.date())
    assert (due.cutoff, due.held.responses, due.held.comments) == (date(2024, 11, 25), 1, 2)
    assert (due.held.contacts, due.held.lesson_links, due.held.lessons) == (1, 1, (lesson_id,))
    assert table_count(db, "responses") == 2  # a preview deletes nothing

    done = privacy.purge(db, ME, NOW)
    assert done.held == due.held
    with db.reading() as cur:
        assert [r.id for r in store.responses_for_session(cur, session.id)] == [recent]
        for table in ("comment_analysis", "comment_themes", "comment_label_corrections",
                      "comment_theme_corrections"):  # fmt: skip
            rows = cur.execute(
                f"SELECT count(*) FROM {table} WHERE comment_id = ?", [old_comment]
            ).fetchall()
            assert rows == [(0,)], table
        lesson = found(store.lesson_by_id(cur, lesson_id))
        history = store.audit_for(cur, "lesson", lesson_id)
    assert lesson.evidence_count == 0
    assert f"Unlinked comment {old_comment}" in history[-1].detail
    [row] = privacy.record(db)
    assert (row.subject, row.action, row.actor) == ("retention", "purged", ME.name)
    assert "before 25 November 2024" in row.detail and "1 response, 2 comments" in row.detail
    assert "Ann Old" not in row.detail and "Comment 1" not in row.detail


def test_the_purge_follows_the_retention_set_in_settings(db):
    session = make_session(db)
    respond(db, session, 1, at=NOW - timedelta(days=200))
    assert privacy.purge_preview(db, NOW.date()).held.responses == 0
    privacy.save_privacy_settings(
        db, PrivacySettings(**{**SETTINGS.__dict__, "retention_months": 6}), ME, NOW
    )
    assert privacy.purge(db, ME, NOW).held.responses == 1


# --- erasure and subject access ------------------------------------------------------------------


@pytest.fixture
def ann(db):
    session = make_session(db)
    mine = [
        respond(db, session, n, contact_opt_in=True, contact_name="Ann Lee",
                contact_detail="ann.lee@example.org")
        for n in (1, 2)
    ]  # fmt: skip
    respond(db, session, 3, contact_opt_in=True, contact_name="Bo Khan", contact_detail="bo@x.org")
    respond(db, session, 4)
    return mine


def test_contacts_are_found_by_any_part_of_the_name_or_email(db, ann):
    assert [m.response_id for m in privacy.find_contacts(db, "ANN LEE")] == ann
    assert [m.response_id for m in privacy.find_contacts(db, "lee@exam")] == ann
    assert privacy.find_contacts(db, "%%%") == []  # wildcards are literal
    with pytest.raises(ValidationError):
        privacy.find_contacts(db, "an")


def test_erasing_contact_details_keeps_the_answers_anonymous(db, ann):
    erased = privacy.erase_contacts(db, ann, ME)
    assert erased.contacts == 2 and erased.describe() == "2 sets of contact details"
    assert privacy.find_contacts(db, "Ann Lee") == []
    with db.reading() as cur:
        kept = store.responses_by_ids(cur, ann)
    assert [(r.contact_opt_in, r.contact_name, r.contact_detail) for r in kept] == [
        (False, None, None)
    ] * 2
    [row] = privacy.record(db)
    assert "Ann" not in row.detail and "ann.lee" not in row.detail
    assert f"#{ann[0]}, #{ann[1]}" in row.detail


def test_erasing_with_the_responses_deletes_them(db, ann):
    erased = privacy.erase_contacts(db, ann, ME, with_responses=True)
    assert (erased.responses, erased.comments) == (2, 4)
    assert table_count(db, "responses") == 2
    with pytest.raises(ValidationError):
        privacy.erase_contacts(db, ann, ME)  # gone


def test_subject_access_exports_everything_held_for_them_as_json(db, ann):
    data = json.loads(privacy.subject_access(db, ann, ME, NOW))
    assert [r["response"] for r in data["responses"]] == ann
    first = data["responses"][0]
    assert first["contact"] == {
        "opted_in": True, "name": "Ann Lee", "detail": "ann.lee@example.org",
    }  # fmt: skip
    assert first["answers"]["overall_rating"] == 2
    assert {c["text"] for c in first["comments"]} == {
        "Comment 1: the examples",
        "Change 1: shorter",
    }
    assert all(c["sentiment"] for c in first["comments"])
    assert "Bo Khan" not in json.dumps(data)
    [row] = privacy.record(db)
    assert (row.subject, row.action) == ("contact", "exported") and "Ann" not in row.detail


def test_one_comment_is_removed_and_the_rest_of_the_response_stays(db):
    session = make_session(db)
    response_id = respond(db, session, 1, went_well="Ann Lee from Ward 3 was rude")
    named, other = comment_ids(db, response_id)
    held = privacy.erase_comment(db, named, ME, "names_someone")
    assert held.comments == 1
    assert comment_ids(db, response_id) == [other]
    [row] = privacy.record(db)
    assert "names or identifies someone" in row.detail and "Ann" not in row.detail
    privacy.erase_comment(db, other, ME, "asked", whole_response=True)
    assert table_count(db, "responses") == 0
    with pytest.raises(ValidationError):
        privacy.erase_comment(db, other, ME, "asked")
    with pytest.raises(ValidationError):
        privacy.erase_comment(db, 1, ME, "because I said so")


def test_the_comments_page_removes_a_comment(db):
    session = make_session(db)
    response_id = respond(db, session, 1, went_well="Ann Lee was rude")
    lead = make_account(db, LEAD.name, "lead")
    at = AppTest.from_file(str(ROOT / "pages" / "comments.py"), default_timeout=60)
    signed_in(at, lead).run()
    named = comment_ids(db, response_id)[0]
    at.session_state[f"comments_all_remove_pop_{named}_0"] = True  # the Remove popover
    at.run()
    at.radio(key=f"comments_all_remove_reason_{named}").set_value("names_someone")
    at.button(key=f"FormSubmitter:comments_all_remove_{named}-Remove for good").click().run()
    assert not at.exception
    assert "Removed the comment" in at.toast[0].value
    assert named not in comment_ids(db, response_id)
    assert "Ann Lee was rude" not in [t.value for t in at.text]
    [row] = privacy.record(db)
    assert row.actor == LEAD.name
    with db.reading() as cur:
        [[account_id]] = cur.execute(
            "SELECT actor_account_id FROM audit_log WHERE entity = 'privacy'"
        ).fetchall()
    assert account_id == lead.id  # the account, not only its name


def test_only_a_lead_or_an_administrator_removes_a_comment(db):
    session = make_session(db)
    response_id = respond(db, session, 1, went_well="Ann Lee was rude")
    named = comment_ids(db, response_id)[0]
    with pytest.raises(NotAllowed) as refused:
        privacy.erase_comment(db, named, FACILITATOR, "names_someone")
    assert "programme leads and administrators" in refused.value.errors["role"]
    assert named in comment_ids(db, response_id)
    facilitator = make_account(db, FACILITATOR.name, "facilitator")
    at = AppTest.from_file(str(ROOT / "pages" / "comments.py"), default_timeout=60)
    signed_in(at, facilitator).run()
    assert not at.exception
    assert not [b for b in at.button if "remove" in str(b.key)]  # no Remove for them
    assert any("Ask a programme lead to remove it" in c.value for c in at.caption)
    privacy.erase_comment(db, named, LEAD, "names_someone")
    assert named not in comment_ids(db, response_id)


def test_the_privacy_doors_are_an_administrators(db, ann):
    for door in (
        lambda actor: privacy.save_privacy_settings(db, SETTINGS, actor, NOW),
        lambda actor: privacy.purge(db, actor, NOW),
        lambda actor: privacy.erase_contacts(db, ann, actor),
        lambda actor: privacy.subject_access(db, ann, actor, NOW),
    ):
        for actor in (LEAD, FACILITATOR):
            with pytest.raises(NotAllowed) as refused:
                door(actor)
            assert "Only administrators may" in refused.value.errors["role"]
    assert privacy.record(db) == []  # nothing was done, so nothing recorded
    assert len(privacy.find_contacts(db, "Ann Lee")) == 2


# --- the Privacy page and the command line -----------------------------------------------------


def privacy_page(db) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "privacy_settings.py"), default_timeout=60)
    return signed_in(at, make_account(db, ME.name, "admin"))


def test_the_privacy_page_saves_the_notice_details(db):
    at = privacy_page(db).run()
    assert not at.exception
    assert any("Fill in the data controller" in w.value for w in at.warning)
    at.text_input(key="privacy_controller").input("Calderbrook Council")
    at.text_input(key="privacy_dpo_email").input("dpo@calderbrook.example")
    at.number_input(key="privacy_retention_months").set_value(18)
    at.button(key="FormSubmitter:privacy_notice_form-Save").click().run()
    assert not at.exception
    assert at.success[0].value == "Saved."
    saved = privacy.privacy_settings(db)
    assert (saved.controller, saved.retention_months) == ("Calderbrook Council", 18)


def test_the_privacy_page_purges_with_counts_before_and_a_record_after(db):
    session = make_session(db)
    respond(db, session, 1, at=datetime(2020, 1, 1, 9))
    at = privacy_page(db).run()
    assert [m.value for m in at.metric][:2] == ["1", "2"]
    at.checkbox(key="privacy_purge_sure").check().run()
    at.button(key="privacy_purge").click().run()
    assert not at.exception
    assert "Deleted 1 response, 2 comments" in at.success[0].value
    assert table_count(db, "responses") == 0
    assert privacy.record(db)[0].action == "purged"
    assert privacy.record(db)[0].actor == ME.name


def test_the_privacy_page_finds_and_erases_a_contact(db, ann):
    at = privacy_page(db).run()
    at.text_input(key="privacy_query").input("ann lee").run()
    assert not at.exception
    assert len([c for c in at.checkbox if str(c.key).startswith("privacy_pick_")]) == 2
    at.button(key="privacy_erase").click().run()
    assert not at.exception
    assert "Erased 2 sets of contact details" in at.success[0].value
    assert privacy.find_contacts(db, "ann lee") == []


def test_the_command_line_purges_finds_erases_and_exports(db_path, tmp_path):
    database = store.open_database(db_path)
    session = make_session(database)
    respond(database, session, 1, at=datetime(2020, 1, 1, 9))
    respond(database, session, 2, contact_opt_in=True, contact_name="Ann Lee")
    database.close()
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(main, ["--db", str(db_path), "privacy", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 response, 2 comments" in run("purge", "--dry-run")
    assert "Dry run" in run("purge", "--dry-run")
    assert "Deleted 1 response, 2 comments" in run("purge")
    assert "Ann Lee" in run("find", "ann")
    out = tmp_path / "ann.json"
    run("export", "ann", "--output", str(out))
    assert json.loads(out.read_text())["responses"][0]["contact"]["name"] == "Ann Lee"
    assert "Erased 1 set of contact details" in run("erase", "ann", "--yes")
    assert "No kept name" in run("find", "ann")
    refused = runner.invoke(main, ["--db", str(db_path), "privacy", "find", "a"])
    assert refused.exit_code != 0 and "at least 3 characters" in refused.output
    database = store.open_database(db_path)
    with database.reading() as cur:
        record = store.privacy_record(cur)
    database.close()
    assert [r.action for r in record] == ["erased", "exported", "purged"]
    # No account: the command line, named with the system user who ran it.
    assert all(r.actor.startswith("command line (") for r in record)


def test_the_demo_fills_in_a_fictional_notice(demo_copy):
    db, _ = demo_copy(date(2026, 11, 25))
    settings = privacy.privacy_settings(db)
    assert settings.complete and settings.dpo_email.endswith(".example")
    # Filled in by the demo's administrator, under her account.
    [saved] = privacy.record(db)
    assert saved.subject == "settings" and saved.actor == "Fiona Marsden"
    with db.reading() as cur:
        types = cur.execute(
            "SELECT DISTINCT typeof(submitted_on) FROM responses"
            " UNION SELECT DISTINCT typeof(created_on) FROM comments"
        ).fetchall()
    assert types == [("DATE",)]
