from datetime import datetime

import duckdb
import pytest

from lessons import attention, privacy, store
from lessons.reflections import reassign_reflection, save_reflection
from lessons.startup import open_app_database
from lessons.store import migrations
from tests.conftest import make_account, make_session, table_count

AT = datetime(2026, 1, 2, 9, 30)


def test_migrations_are_recorded_and_applied_once(db):
    with db.reading() as cur:
        assert store.applied_migrations(cur) == [name for name, _ in store.MIGRATIONS]
    assert store.migrate(db) == []


def test_reopening_an_existing_file_keeps_its_data(db_path):
    first = store.open_database(db_path)
    make_session(first)
    first.close()
    second = store.open_database(db_path)
    assert table_count(second, "sessions") == 1
    second.close()


def test_a_failed_transaction_writes_nothing(db):
    session = make_session(db)
    with pytest.raises(duckdb.ConstraintException), db.transaction() as cur:
        response_id = store.insert_response(
            cur, session.id, "key-1", session.starts_at, {**_values(), "overall_rating": 3}
        )
        store.insert_comment(cur, response_id, session.id, "went_well", "Good", session.starts_at)
        # A second response with the same idempotency key breaks the unique constraint.
        store.insert_response(cur, session.id, "key-1", session.starts_at, _values())
    assert table_count(db, "responses") == 0
    assert table_count(db, "comments") == 0


def test_every_committed_write_changes_the_data_version_and_a_failed_one_does_not(db):
    # The pages' cached reads are keyed by it (lessons.ui_data.data_version).
    before = db.changes
    session = make_session(db)
    assert db.changes > before
    committed = db.changes
    with pytest.raises(duckdb.ConstraintException), db.transaction() as cur:
        store.insert_response(cur, session.id, "key-1", session.starts_at, _values())
        store.insert_response(cur, session.id, "key-1", session.starts_at, _values())
    assert db.changes == committed
    with db.reading() as cur:
        store.all_sessions(cur)
    assert db.changes == committed
    # When someone last looked at Home is bookkeeping: no cached read shows it.
    account = make_account(db)
    committed = db.changes
    attention.record_visit(db, account.id, datetime(2026, 12, 1, 9, 0))
    assert db.changes == committed


def test_db_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LESSONS_DB", str(tmp_path / "x.duckdb"))
    assert store.db_path_from_env() == tmp_path / "x.duckdb"
    monkeypatch.delenv("LESSONS_DB")
    assert str(store.db_path_from_env()) == "data/lessons.duckdb"


def test_count_rows_refuses_unknown_tables(db):
    with db.reading() as cur, pytest.raises(ValueError):
        store.count_rows(cur, "sessions; DROP TABLE sessions")


def _values():
    return {name: None for name in store.RESPONSE_FIELDS} | {
        "overall_rating": 4,
        "contact_opt_in": False,
    }


def test_migration_005_fills_the_session_of_existing_analysis(tmp_path, monkeypatch):
    """A database analysed before 005 gets each analysis row's session filled in."""
    database = store.Database(tmp_path / "old.duckdb")
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:4])
    store.migrate(database)
    with database.transaction() as cur:
        cur.execute(
            "INSERT INTO sessions (id, title, starts_at, ends_at, council, format,"
            " feedback_token, short_code, created_at, updated_at) VALUES"
            " (7, 't', ?, ?, 'c', 'workshop', 'tok', 'ABCDEF', ?, ?)",
            [datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 12), AT, AT],
        )
        cur.execute(
            "INSERT INTO responses (id, session_id, idempotency_key, submitted_at, overall_rating)"
            " VALUES (1, 7, 'k', ?, 4)",
            [AT],
        )
        cur.execute(
            "INSERT INTO comments (id, response_id, session_id, question, text, created_at)"
            " VALUES (3, 1, 7, 'went_well', 'Good', ?)",
            [AT],
        )
        cur.execute(
            "INSERT INTO comment_analysis VALUES (3, 'positive', 0.5, FALSE, '', 'v', ?)",
            [AT],
        )
        cur.execute("INSERT INTO comment_themes VALUES (3, 'pace', 'x', 'positive', 0.5)")
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:5])
    assert store.migrate(database) == ["005_comment_themes_session"]
    with database.reading() as cur:
        assert cur.execute("SELECT session_id FROM comment_analysis").fetchall() == [(7,)]
        assert cur.execute("SELECT session_id FROM comment_themes").fetchall() == [(7,)]
    database.close()


def test_migration_006_fills_the_status_columns_of_past_lifecycle_moves(tmp_path, monkeypatch):
    """Lesson moves recorded before 006 (in free text only) get their from and to status."""
    database = store.Database(tmp_path / "old.duckdb")
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:5])
    store.migrate(database)
    with database.transaction() as cur:
        for entity, action, detail in [
            ("lesson", "created", "Logged 'Test the wifi first'"),
            ("lesson", "status", "Observed → Identified"),
            ("lesson", "status", "Actioned → Embedded (applied in 'Second run', marked delivered)"),
            ("lesson", "status", "Identified → Rejected: Data protection advice"),
            ("lesson", "evidence", "Linked comment 3"),
            ("session", "edited", "Changed status"),
        ]:
            cur.execute(
                "INSERT INTO audit_log (changed_at, actor, entity, entity_id, action, detail)"
                " VALUES (?, 'Priya Shah', ?, '1', ?, ?)",
                [AT, entity, action, detail],
            )
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:6])
    assert store.migrate(database) == ["006_audit_status_columns"]
    with database.reading() as cur:
        rows = cur.execute(
            "SELECT action, from_status, to_status FROM audit_log ORDER BY id"
        ).fetchall()
    database.close()
    assert rows == [
        ("created", None, "observed"),
        ("status", "observed", "identified"),
        ("status", "actioned", "embedded"),
        ("status", "identified", "rejected"),
        ("evidence", None, None),
        ("edited", None, None),
    ]


def test_opening_the_store_migrates_and_the_app_seeds_the_themes(db_path):
    bare = store.open_database(db_path)
    assert table_count(bare, "themes") == 0  # the store holds no policy of its own
    bare.close()
    app = open_app_database(db_path)
    assert table_count(app, "themes") == 11
    app.close()


# A database as the app left it before accounts and privacy (migrations 001-006), with names
# typed. Its sequences had moved on (rows are inserted here with the ids the app once gave
# them). It is then taken to 007 (privacy), as main left it before accounts were merged.
BEFORE_ACCOUNTS = [
    "SELECT nextval('reflections_id_seq') FROM range(20)",
    "INSERT INTO sessions (id, title, starts_at, ends_at, council, format, status,"
    " feedback_token, short_code, created_at, updated_at) VALUES (1, 'Getting started',"
    " $at, $at + INTERVAL 2 HOUR, 'Calderbrook', 'in_person', 'delivered', 't', 'ABCDEF',"
    " $at, $at)",
    "INSERT INTO responses (id, session_id, idempotency_key, submitted_at, overall_rating)"
    " VALUES (1, 1, 'k1', $at, 4)",
    "INSERT INTO comments (id, response_id, session_id, question, text, created_at)"
    " VALUES (1, 1, 1, 'to_change', 'The wifi did not work', $at)",
    "INSERT INTO reflections (id, session_id, author, template, status, created_at, updated_at)"
    " VALUES (19, 1, 'gareth holroyd', 'aar', 'final', $at, $at),"
    " (20, 1, 'Priya', 'rolfe', 'draft', $at, $at)",
    "INSERT INTO reflection_answers (id, reflection_id, prompt, text, label, drivers, themes)"
    " VALUES (7, 19, 'improve', 'Test the wifi first', 'negative', 'wifi', 'tech'),"
    " (8, 20, 'what', 'Good energy', 'positive', '', '')",
    "INSERT INTO lessons (id, title, polarity, scope, priority, status, logged_at, logged_by,"
    " updated_at) VALUES (3, 'Test the wifi first', 'improve', 'session', 'high', 'observed',"
    " $at, 'Priya', $at)",
    "INSERT INTO lesson_evidence (id, lesson_id, comment_id, reflection_answer_id, note,"
    " added_at, added_by) VALUES (1, 3, NULL, 7, '', $at, 'Priya'),"
    " (2, 3, 1, NULL, 'said twice', $at, 'Tom Ellery')",
    "INSERT INTO audit_log (changed_at, actor, entity, entity_id, action, detail, to_status)"
    " VALUES ($at, 'Priya', 'lesson', '3', 'created', 'Logged', 'observed'),"
    " ($at, 'unknown', 'session', '1', 'created', 'Getting started', 'planned')",
    "INSERT INTO plans (id, session_id, notes, created_by, created_at, updated_at)"
    " VALUES (1, 1, '', 'Tom Ellery', $at, $at)",
    "INSERT INTO plan_checklist (id, plan_id, lesson_id, position, text, done, done_at, done_by)"
    " VALUES (1, 1, 3, 0, 'Test the wifi', TRUE, $at, 'Tom Ellery'),"
    " (2, 1, NULL, 1, 'Bring cables', FALSE, NULL, '')",
    "INSERT INTO comment_label_corrections (comment_id, label, corrected_by, corrected_at)"
    " VALUES (1, 'negative', 'Priya', $at)",
    "INSERT INTO user_visits (user_name, last_seen_at) VALUES ('Priya', $at)",
]


def test_migration_008_keeps_every_row_and_marks_typed_names(tmp_path, monkeypatch):
    """A database from before accounts keeps all its data; what was recorded against a
    typed name keeps the name, shown as typed, and new changes name their account."""
    database = store.Database(tmp_path / "before-accounts.duckdb")
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:6])
    store.migrate(database)
    with database.transaction() as cur:
        for statement in BEFORE_ACCOUNTS:
            cur.execute(statement, {"at": AT} if "$at" in statement else None)
    # As main left it: privacy (007) applied, its settings saved under a typed name.
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:7])
    assert store.migrate(database) == ["007_privacy"]
    with database.transaction() as cur:
        cur.execute(
            "INSERT INTO app_settings VALUES ('privacy.controller', 'Calderbrook', ?, 'Priya')",
            [AT],
        )
    tables = ["sessions", "responses", "comments", "reflections", "reflection_answers",
              "lessons", "lesson_evidence", "audit_log", "plans", "plan_checklist",
              "comment_label_corrections", "app_settings", "user_visits"]  # fmt: skip
    with database.reading() as cur:
        before = {t: cur.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    monkeypatch.undo()

    # 008 and every later one: the rows must come through all of them.
    assert store.migrate(database)[:2] == ["008_accounts", "009_feedback_form"]

    with database.reading() as cur:
        after = {t: cur.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
        [[visits]] = cur.execute("SELECT count(*) FROM user_visits").fetchall()
        [setting] = cur.execute(
            "SELECT updated_by, updated_by_account_id, updated_by_typed FROM app_settings"
        ).fetchall()
        reflections = store.reflections_for_session(cur, 1)
        evidence = store.evidence_for_lesson(cur, 3)
        lesson = store.lesson_by_id(cur, 3)
        audit = store.audit_for(cur, "lesson", 3) + store.audit_for(cur, "session", 1)
        plan = store.plan_for_session(cur, 1)
        [comment] = store.analysed_comments(cur, store.CommentFilter(limit=1))
    # Every row is there with its values; the new columns come after the old ones.
    for table in tables:
        assert len(after[table]) == len(before[table]), table
        for old, new in zip(before[table], after[table], strict=True):
            if table == "reflections":  # rebuilt: author's account and flag beside the author
                assert new[:3] + new[5:] == old, table
            else:
                assert new[: len(old)] == old, table
    assert visits == 1
    assert setting == ("Priya", None, True)
    assert [(r.id, r.author, r.author_account_id) for r in reflections] == [
        (19, "gareth holroyd (typed name)", None),
        (20, "Priya (typed name)", None),
    ]
    assert [e.added_by for e in evidence] == ["Priya (typed name)", "Tom Ellery (typed name)"]
    assert "reflection by gareth holroyd (typed name)" in evidence[0].source
    assert lesson is not None and lesson.logged_by == "Priya (typed name)"
    assert [(e.actor, e.actor_account_id) for e in audit] == [
        ("Priya (typed name)", None),
        ("unknown", None),  # never typed: no name was given
    ]
    assert plan is not None and plan.created_by == "Tom Ellery (typed name)"
    assert [i.done_by for i in plan.checklist] == ["Tom Ellery (typed name)", ""]
    assert comment.corrected_by == "Priya (typed name)"

    # The reflection tables work on: a lead hands the typed-name reflection to its author's
    # account, who edits it; new rows carry on from the old ids.
    open_database = open_app_database(database.path)
    database.close()
    gareth = make_account(open_database, "Gareth Holroyd", "facilitator")
    joanne = make_account(open_database, "Joanne Whitaker", "lead")
    reassign_reflection(open_database, 19, gareth, joanne.actor())
    save_reflection(
        open_database, 1, gareth.actor(), "aar", {"improve": "Test the wifi an hour early"}, True
    )
    tom = make_account(open_database, "Tom Ellery", "facilitator")
    new_id = save_reflection(open_database, 1, tom.actor(), "rolfe", {"what": "Fine"}, True)
    # The rebuilt evidence keeps 007's shape: a comment a lesson cites is erased, with the
    # lesson's link to it, in one transaction (no foreign key to trip over).
    privacy.erase_comment(open_database, 1, joanne.actor(), "names_someone")
    with open_database.reading() as cur:
        mine = {r.id: r for r in store.reflections_for_session(cur, 1)}
        [again] = store.evidence_for_lesson(cur, 3)
        [[comments]] = cur.execute("SELECT count(*) FROM comments").fetchall()
    open_database.close()
    assert mine[19].author == "Gareth Holroyd" and mine[19].author_account_id == gareth.id
    assert mine[19].answers[0].id == 7  # the answer a lesson cites keeps its id
    assert mine[19].answers[0].text == "Test the wifi an hour early"
    assert again.reflection_answer_id == 7
    assert comments == 0
    assert new_id > 20


def test_migration_009_keeps_every_session_and_answer_in_english(tmp_path, monkeypatch):
    """Sessions, responses and comments from before the Welsh form are English ones; a
    session's form closes by default (NULL: 14 days after it ends)."""
    database = store.Database(tmp_path / "before-welsh.duckdb")
    monkeypatch.setattr(migrations, "MIGRATIONS", store.MIGRATIONS[:8])
    store.migrate(database)
    with database.transaction() as cur:
        cur.execute(BEFORE_ACCOUNTS[1], {"at": AT})
        cur.execute(
            "INSERT INTO responses (id, session_id, idempotency_key, submitted_on,"
            " overall_rating) VALUES (1, 1, 'k1', CAST($at AS DATE), 4)",
            {"at": AT},
        )
        cur.execute(
            "INSERT INTO comments (id, response_id, session_id, question, text, created_on)"
            " VALUES (1, 1, 1, 'to_change', 'The wifi did not work', CAST($at AS DATE))",
            {"at": AT},
        )
        before = cur.execute("SELECT count(*) FROM comments").fetchall()
    monkeypatch.undo()
    assert "009_feedback_form" in store.migrate(database)
    with database.reading() as cur:
        assert cur.execute(
            "SELECT DISTINCT language, feedback_closes_at FROM sessions"
        ).fetchall() == [("en", None)]
        assert cur.execute("SELECT DISTINCT language FROM responses").fetchall() == [("en",)]
        assert cur.execute("SELECT count(*), min(language) FROM comments").fetchall() == [
            (before[0][0], "en")
        ]
