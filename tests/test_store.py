from datetime import datetime

import duckdb
import pytest

from lessons import store
from lessons.startup import open_app_database
from lessons.store import migrations
from tests.conftest import make_session, table_count

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
