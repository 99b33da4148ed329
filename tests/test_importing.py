"""Importing feedback from Microsoft Forms, Google Forms and our own CSV (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lessons import import_sheet, importing, privacy, store
from lessons.auth import COMMAND_LINE, Actor
from lessons.cli import main
from lessons.errors import NotAllowed
from lessons.feedback import FeedbackAnswer, submit_feedback
from tests.conftest import make_session, table_count
from tests.import_files import (
    HOSTILE_TEXT,
    google_forms_csv,
    kill_an_import_as_it_stores,
    microsoft_forms_xlsx,
)


def _plan(db, data: bytes, name: str, code: str | None, **spec):
    sheet = import_sheet.read_sheet(name, data)
    mapping = (
        import_sheet.mapping_from_json(sheet, spec) if spec else import_sheet.propose_mapping(sheet)
    )
    return importing.plan_import(db, sheet, mapping, code)


def test_a_microsoft_forms_export_is_recognised_and_mapped_by_its_headers():
    sheet = import_sheet.read_sheet("export.xlsx", microsoft_forms_xlsx(3, hostile=False))
    assert sheet.layout == "microsoft_forms"
    mapping = import_sheet.propose_mapping(sheet)
    by_field = {f: sheet.headers[i] for i, f in mapping.columns.items()}
    assert by_field["row_key"] == "ID"
    assert by_field["submitted"] == "Completion time"
    assert by_field["overall_rating"] == "How would you rate the session overall?"
    assert by_field["confidence_before"] == "How confident were you before the session?"
    assert by_field["confidence_after"] == "How confident are you now?"
    assert by_field["to_change"] == "What should we change for next time?"
    # Email and Name are never guessed: attendees did not opt in to be named.
    assert "contact_name" not in by_field and "contact_detail" not in by_field
    assert set(mapping.columns) == {0, 2, *range(5, 15)}


def test_welsh_headers_are_mapped_and_welsh_scale_words_previewed():
    sheet = import_sheet.read_sheet("ffurflen.csv", google_forms_csv(20, welsh=True))
    assert sheet.layout == "google_forms"
    mapping = import_sheet.propose_mapping(sheet)
    chosen = sorted(mapping.columns.values())
    assert chosen == sorted(
        ["submitted", *import_sheet.SCALE_FIELDS, "balance", "length", "councillor_type"]
        + ["went_well", "to_change", "help_next"]
    )
    preview = import_sheet.scale_preview(sheet, mapping)
    assert preview["Rhagorol"] == 5 and preview["Da iawn"] == 4


def test_the_scale_preview_reads_words_and_a_mapping_can_add_one():
    sheet = import_sheet.read_sheet("export.xlsx", microsoft_forms_xlsx(30, hostile=False))
    preview = import_sheet.scale_preview(sheet, import_sheet.propose_mapping(sheet))
    assert preview["Very satisfied"] == 5 and preview["Neutral"] == 3
    data = b"overall_rating,went_well\nTop marks,fine\n"
    sheet = import_sheet.read_sheet("own.csv", data)
    assert import_sheet.scale_preview(sheet, import_sheet.propose_mapping(sheet)) == {
        "Top marks": None
    }
    mapped = import_sheet.mapping_from_json(sheet, {"scale": {"Top marks": 5}})
    assert import_sheet.scale_preview(sheet, mapped) == {"Top marks": 5}


def test_dry_run_counts_and_a_reason_for_every_refused_row(db):
    session = make_session(db)
    plan = _plan(db, microsoft_forms_xlsx(40), "export.xlsx", session.short_code)
    assert plan.counts == importing.Counts(40, 38, 2, 0)
    refused = {o.number: o.reasons for o in plan.refused}
    assert set(refused) == {4, 5}
    assert refused[4][0].startswith("text over the limit: 'What worked well for you?'")
    assert "2,001 characters" in refused[4][0]
    assert refused[5] == ("bad rating: overall rating — Choose an overall rating from 1 to 5.",)
    assert table_count(db, "responses") == 0  # a dry run writes nothing


def test_hostile_cells_are_kept_as_plain_data(db):
    session = make_session(db)
    plan = _plan(db, microsoft_forms_xlsx(5), "export.xlsx", session.short_code)
    importing.run_import(db, plan, COMMAND_LINE)
    with db.reading() as cur:
        texts = [
            r[0]
            for r in cur.execute(
                "SELECT text FROM comments WHERE question = 'went_well' ORDER BY id"
            ).fetchall()
        ]
    assert texts[0] == HOSTILE_TEXT["formula"]  # the formula's text, never its result
    assert texts[1] == "Good session"  # the override removed, as the form removes it
    assert texts[2] == HOSTILE_TEXT["markup"]
    plan = _plan(db, google_forms_csv(1), "google.csv", session.short_code)
    [response_id] = importing.run_import(db, plan, COMMAND_LINE).response_ids
    with db.reading() as cur:
        text = cur.execute(
            "SELECT text FROM comments WHERE response_id = ? AND question = 'went_well'",
            [response_id],
        ).fetchall()[0][0]
    assert text == "Good session"  # NUL removed


def test_rows_go_to_sessions_by_code_or_by_day_and_title(db):
    first = make_session(db, title="Social media basics")
    make_session(db, title="Handling abuse online")
    own = (
        "session_code,session_title,session_date,overall_rating,went_well\n"
        f"{first.short_code},,,5,good\n"
        ",Handling abuse online,2026-03-12,4,useful\n"
        ",Handling abuse online,2026-03-13,4,wrong day\n"
        "ZZZZZZ,,,3,unknown code\n"
    ).encode()
    plan = _plan(db, own, "own.csv", None)
    assert plan.counts == importing.Counts(4, 2, 2, 0)
    assert [o.reasons[0][:16] for o in plan.refused] == ["unknown session:"] * 2
    assert plan.sheet.layout == "csv"


def test_the_same_file_twice_stores_nothing_the_second_time(db):
    session = make_session(db)
    data = microsoft_forms_xlsx(60)
    first = importing.run_import(
        db, _plan(db, data, "export.xlsx", session.short_code), COMMAND_LINE
    )
    assert first.counts == importing.Counts(60, 58, 2, 0)
    again = _plan(db, data, "export.xlsx", session.short_code)
    assert again.counts == importing.Counts(60, 0, 2, 58)
    second = importing.run_import(db, again, COMMAND_LINE)
    assert second.response_ids == []
    assert table_count(db, "responses") == 58
    # A later export of the same form (more rows, same IDs) brings only the new rows.
    later = _plan(db, microsoft_forms_xlsx(70), "export (1).xlsx", session.short_code)
    assert later.counts == importing.Counts(70, 10, 2, 58)


def test_imported_responses_are_marked_analysed_and_counted_like_online_ones(db):
    session = make_session(db)
    plan = _plan(db, google_forms_csv(12), "google.csv", session.short_code)
    done = importing.run_import(db, plan, COMMAND_LINE)
    with db.reading() as cur:
        assert store.response_source_counts(cur, session.id) == {"google_forms": 12}
        unanalysed = cur.execute(
            "SELECT count(*) FROM comments c LEFT JOIN comment_analysis a"
            " ON a.comment_id = c.id WHERE a.comment_id IS NULL"
        ).fetchall()[0][0]
        days = cur.execute("SELECT DISTINCT submitted_on FROM responses").fetchall()
    assert len(done.response_ids) == 12
    assert unanalysed == 0
    assert [str(d[0]) for d in days] == ["2026-11-04"]  # the Timestamp's day


def test_a_failure_half_way_stores_none_of_the_file(db, monkeypatch):
    session = make_session(db)
    plan = _plan(db, microsoft_forms_xlsx(50), "export.xlsx", session.short_code)

    def fail(*args, **kwargs):
        raise RuntimeError("the power went")

    monkeypatch.setattr(store, "insert_import_rows", fail)
    with pytest.raises(RuntimeError):
        importing.run_import(db, plan, COMMAND_LINE)
    for table in ("responses", "comments", "imports", "import_rows", "response_sources"):
        assert table_count(db, table) == 0


def test_only_staff_roles_import(db):
    session = make_session(db)
    plan = _plan(db, google_forms_csv(2), "google.csv", session.short_code)
    with pytest.raises(NotAllowed):
        importing.run_import(db, plan, Actor(None, "someone", "attendee"))


def _cli(db_path: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db_path), "import", "responses", *args])


def test_cli_dry_run_refuses_without_accept_partial_and_stores_with_it(db, db_path, tmp_path):
    code = make_session(db).short_code
    db.close()
    export = tmp_path / "export.xlsx"
    export.write_bytes(microsoft_forms_xlsx(20))
    dry = _cli(db_path, str(export), "--session", code, "--dry-run")
    assert dry.exit_code == 1
    assert "20 rows read, 18 to store, 2 refused, 0 duplicates skipped" in dry.output
    assert "row 5 (5): bad rating" in dry.output
    refused = _cli(db_path, str(export), "--session", code)
    assert refused.exit_code == 1 and "Nothing stored." in refused.output
    stored = _cli(db_path, str(export), "--session", code, "--accept-partial")
    assert stored.exit_code == 0, stored.output
    assert "Stored 18 responses; 2 refused, 0 duplicates skipped." in stored.output
    again = _cli(db_path, str(export), "--session", code, "--accept-partial")
    assert "Stored 0 responses; 2 refused, 18 duplicates skipped." in again.output


def test_cli_mapping_file_fixes_a_column(db, db_path, tmp_path):
    code = make_session(db).short_code
    db.close()
    own = tmp_path / "own.csv"
    own.write_text("Score out of five,Thoughts\nTop marks,lovely\n4,fine\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {
                "columns": {"Score out of five": "overall_rating", "Thoughts": "went_well"},
                "scale": {"Top marks": 5},
            }
        ),
        encoding="utf-8",
    )
    result = _cli(db_path, str(own), "--session", code, "--map", str(mapping))
    assert result.exit_code == 0, result.output
    assert "Stored 2 responses" in result.output


def test_an_import_killed_half_way_leaves_none_or_all_of_its_rows(db, db_path, tmp_path):
    """A real process, killed (SIGKILL) once it has started storing: the file's rows are
    all there or none are, never some."""
    code = make_session(db).short_code
    db.close()
    export = tmp_path / "big.xlsx"
    export.write_bytes(microsoft_forms_xlsx(3000))
    kill_an_import_as_it_stores(db_path, export, code, pause_s=0.2)
    database = store.open_database(db_path)
    try:
        counts = {t: table_count(database, t) for t in ("responses", "import_rows")}
    finally:
        database.close()
    assert counts in ({"responses": 0, "import_rows": 0}, {"responses": 2998, "import_rows": 2998})


def test_trends_count_imported_responses_and_filter_by_source(db):
    session = make_session(db, status="delivered")
    submit_feedback(db, session.id, FeedbackAnswer(overall_rating=1, went_well="poor"), "k1")
    plan = _plan(db, google_forms_csv(12), "google.csv", session.short_code)
    importing.run_import(db, plan, COMMAND_LINE)
    with db.reading() as cur:
        every = store.trend_headline(cur, store.TrendFilter())
        google = store.trend_headline(cur, store.TrendFilter(source="google_forms"))
        online = store.trend_headline(cur, store.TrendFilter(source="online"))
        paper = store.trend_headline(cur, store.TrendFilter(source="paper"))
        for query in (
            store.trend_by_month,
            store.trend_sentiment_by_month,
            store.trend_theme_by_month,
            store.trend_confidence,
            store.trend_types_by_quarter,
            store.trend_answers_by_hands_on,
            store.trend_co_delivery,
        ):
            assert query(cur, store.TrendFilter(source="online")) is not None
        sentiment = store.trend_sentiment_by_month(cur, store.TrendFilter(source="online"))
        exported = store.export_responses(cur, store.TrendFilter(), 5)
    assert (every.responses, google.responses, online.responses) == (13, 12, 1)
    assert online.mean_rating == 1 and google.comments == every.comments - 1
    assert paper.responses == 0
    assert sentiment["comments"].sum() == 1  # the one online comment, not the imported
    assert sorted(exported["source"].value_counts().items()) == [
        ("google_forms", 12),
        ("online", 1),
    ]


def test_an_erased_imported_response_is_not_brought_back_by_importing_the_file_again(db):
    session = make_session(db)
    data = google_forms_csv(6)
    done = importing.run_import(db, _plan(db, data, "g.csv", session.short_code), COMMAND_LINE)
    privacy.erase_contacts(db, done.response_ids[:1], COMMAND_LINE, with_responses=True)
    assert table_count(db, "response_sources") == 5
    again = _plan(db, data, "g.csv", session.short_code)
    assert again.counts == importing.Counts(6, 0, 0, 6)
