from datetime import date

from click.testing import CliRunner

from lessons import store
from lessons.cli import main


def test_init_creates_an_empty_migrated_database(tmp_path):
    path = tmp_path / "new.duckdb"
    result = CliRunner().invoke(main, ["--db", str(path), "init"])
    assert result.exit_code == 0, result.output
    assert f"Created {path}" in result.output
    database = store.open_database(path)
    with database.reading() as cur:
        assert store.count_rows(cur, "sessions") == 0
        assert store.applied_migrations(cur)
    database.close()


def test_demo_loads_once_and_sessions_list_shows_it(tmp_path):
    path = tmp_path / "demo.duckdb"
    runner = CliRunner()
    loaded = runner.invoke(main, ["--db", str(path), "demo"])
    assert loaded.exit_code == 0, loaded.output
    assert "sessions" in loaded.output and "responses" in loaded.output
    again = runner.invoke(main, ["--db", str(path), "demo"])
    assert again.exit_code != 0
    assert "only loads into an empty database" in again.output
    skipped = runner.invoke(main, ["--db", str(path), "demo", "--if-new"])
    assert skipped.exit_code == 0 and "leaving it as it is" in skipped.output
    listing = runner.invoke(main, ["--db", str(path), "sessions", "list"])
    assert listing.exit_code == 0
    assert len(listing.output.splitlines()) >= 12
    assert "Planned" in listing.output and "Reviewed" in listing.output


def test_sessions_list_without_a_database_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.duckdb"), "sessions", "list"])
    assert result.exit_code != 0
    assert "run 'lessons init' or 'lessons demo'" in result.output


def test_the_demo_fills_every_table_consistently(demo_copy):
    db, programme = demo_copy(date(2026, 11, 25))
    with db.reading() as cur:
        sessions = store.all_sessions(cur)
        assert store.count_rows(cur, "responses") == sum(
            len(s.responses) for s in programme.sessions
        )
        assert store.count_rows(cur, "responses") >= 250
        assert store.count_rows(cur, "comments") >= 500
    assert len(sessions) >= 12
    assert len({s.council for s in sessions}) >= 4
    assert (max(s.starts_at for s in sessions) - min(s.starts_at for s in sessions)).days >= 540
    assert all(s.response_count == 0 for s in sessions if s.status == "planned")
