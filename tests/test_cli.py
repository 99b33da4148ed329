from datetime import date

from click.testing import CliRunner

from lessons import accounts, store
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


def test_the_first_administrator_is_made_from_the_command_line(tmp_path):
    path = tmp_path / "real.duckdb"
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["--db", str(path), "users", "add", "Fiona@Council.example", "--name", "Fiona Marsden",
         "--role", "admin", "--password-stdin"],
        input="a long passphrase\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "as administrator, with a password" in added.output
    assert "a long passphrase" not in added.output
    sso = runner.invoke(
        main,
        ["--db", str(path), "users", "add", "tom@council.example", "--name", "Tom Ellery",
         "--role", "facilitator"],
    )  # fmt: skip
    assert sso.exit_code == 0 and "single sign-on only" in sso.output
    listing = runner.invoke(main, ["--db", str(path), "users", "list"])
    assert listing.exit_code == 0
    fiona, tom = listing.output.splitlines()
    assert "Fiona@Council.example" in fiona and "Administrator" in fiona and "password" in fiona
    assert "tom@council.example" in tom and "Facilitator" in tom and "sso only" in tom
    database = store.open_database(path)
    signed_in = accounts.sign_in_with_password(
        database, "fiona@council.example", "a long passphrase"
    )
    database.close()
    assert signed_in.account is not None and signed_in.account.role == "admin"


def test_people_are_managed_from_the_command_line(tmp_path):
    path = tmp_path / "people.duckdb"
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(main, ["--db", str(path), "users", *args], input=stdin)

    assert run("add", "fiona@council.example", "--name", "Fiona", "--role", "admin").exit_code == 0
    assert (
        run("add", "tom@council.example", "--name", "Tom", "--role", "facilitator").exit_code == 0
    )
    twice = run("add", "TOM@council.example", "--name", "Tom again", "--role", "lead")
    assert twice.exit_code != 0 and "Tom already has an account" in twice.output
    assert "Traceback" not in twice.output
    assert run("set-role", "tom@council.example", "lead").output.strip() == (
        "tom@council.example is now programme lead."
    )
    short = run("reset-password", "tom@council.example", "--password-stdin", stdin="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    prompted = run(
        "reset-password", "tom@council.example", stdin="a new passphrase\na new passphrase\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert run("deactivate", "tom@council.example").exit_code == 0
    last_admin = run("deactivate", "fiona@council.example")
    assert last_admin.exit_code != 0 and "only active administrator" in last_admin.output
    unknown = run("deactivate", "nobody@council.example")
    assert unknown.exit_code != 0 and "No account has the email address" in unknown.output
    assert "INACTIVE" in run("list").output
    database = store.open_database(path)
    tom = accounts.sign_in_with_password(database, "tom@council.example", "a new passphrase")
    database.close()
    assert tom.account is None and "deactivated" in tom.refusal
