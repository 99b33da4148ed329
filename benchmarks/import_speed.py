"""How fast does a 10,000-row Microsoft Forms export import, in how much memory, and what
do a second import and an import killed half-way leave?

    python benchmarks/import_speed.py [--rows 10000]

In a temporary folder: one session, then the export (tests/import_files.py: the exact
Microsoft Forms columns, with its hostile rows: a formula, a bidirectional override,
markup, an over-long answer and a rating of 7) imported as `lessons import responses
--accept-partial` does it: read, mapped, judged (the dry run), comments analysed, stored in
one transaction. Prints the time of each step, rows per second and the process's peak
memory (resident set); then the same file imported again (its counts); then the command
itself started on a fresh database and killed (SIGKILL) as it starts storing, and what the
database holds afterwards.

Ends with one line of JSON: {"rows", "seconds", "rows_per_s", "peak_mb", "first",
"second", "killed"}.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons import import_sheet, importing, store  # noqa: E402
from lessons.auth import COMMAND_LINE  # noqa: E402
from lessons.sessions import create_session  # noqa: E402
from lessons.startup import open_app_database  # noqa: E402
from tests.conftest import session_draft  # noqa: E402
from tests.import_files import kill_an_import_as_it_stores, microsoft_forms_xlsx  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _new_session(path: Path) -> str:
    database = open_app_database(path)
    try:
        session_id = create_session(database, session_draft())
        with database.reading() as cur:
            session = store.session_by_id(cur, session_id)
        assert session is not None
        return session.short_code
    finally:
        database.close()


def _killed(folder: Path, export: Path) -> dict[str, int]:
    path = folder / "killed.duckdb"
    kill_an_import_as_it_stores(path, export, _new_session(path), pause_s=0.3)
    database = store.open_database(path)
    try:
        with database.reading() as cur:
            return {t: store.count_rows(cur, t) for t in ("responses", "comments", "import_rows")}
    finally:
        database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        export = folder / "export.xlsx"
        export.write_bytes(microsoft_forms_xlsx(rows))
        print(f"{rows:,}-row Microsoft Forms export: {export.stat().st_size / 1e6:.1f} MB")
        path = folder / "lessons.duckdb"
        code = _new_session(path)
        database = open_app_database(path)
        try:
            started = time.perf_counter()
            sheet = import_sheet.read_sheet(export.name, export.read_bytes())
            read_s = time.perf_counter() - started
            plan = importing.plan_import(database, sheet, import_sheet.propose_mapping(sheet), code)
            planned_s = time.perf_counter() - started
            first = importing.run_import(database, plan, COMMAND_LINE).counts
            seconds = time.perf_counter() - started
            peak = _peak_mb()
            print(
                f"read {read_s:.1f} s, judged (dry run) {planned_s - read_s:.1f} s,"
                f" analysed and stored {seconds - planned_s:.1f} s"
            )
            print(
                f"first import: {seconds:.1f} s, {rows / seconds:,.0f} rows/s,"
                f" peak memory {peak:.0f} MB; counts {first.as_dict()}"
            )
            again_sheet = import_sheet.read_sheet(export.name, export.read_bytes())
            again = importing.plan_import(
                database, again_sheet, import_sheet.propose_mapping(again_sheet), code
            )
            second = importing.run_import(database, again, COMMAND_LINE).counts
            print(f"second import of the same file: {second.as_dict()}")
        finally:
            database.close()
        killed = _killed(folder, export)
        outcome = "none" if killed["responses"] == 0 else "all"
        if killed["responses"] not in (0, first.to_store):
            outcome = "SOME (broken)"
        print(f"import killed as it started storing: {outcome} of its rows stored {killed}")
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds),
                "peak_mb": round(peak),
                "first": first.as_dict(),
                "second": second.as_dict(),
                "killed": {"outcome": outcome, **killed},
            }
        )
    )


if __name__ == "__main__":
    main()
