import duckdb
import pytest

from lessons import store
from tests.conftest import make_session, table_count


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
