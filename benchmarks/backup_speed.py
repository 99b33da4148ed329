"""How long does a backup and a restore take, and how big is a backup?

    python benchmarks/backup_speed.py [--sizes demo,1000000] [--keep]

For the demo programme and for a programme of 1,000,000 responses (built directly in SQL
by benchmarks/dashboard_speed.py's generator: sessions, responses, three comments each with
analyses and themes, lessons and their audit trail), in a temporary folder:

- the app's backup (`lessons.backups.back_up`: DuckDB's COPY FROM DATABASE into a new file
  in one snapshot, then reopened and every table's row count checked, then renamed): time
  and size, beside the database file's own size;
- the other way DuckDB offers, EXPORT DATABASE (Parquet files and the schema in a folder),
  and its IMPORT DATABASE into a new file: time and size, for comparison;
- the app's restore (`lessons.backups.restore`: the backup checked, copied into place,
  migrated, every table counted) into a new file: time.

Ends with one line of JSON: {"<size>": {"database_mb", "backup_s", "backup_mb",
"restore_s", "export_s", "export_mb", "import_s"}, ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dashboard_speed  # noqa: E402  (the 1M-response generator lives there)

from lessons import backups  # noqa: E402
from lessons.auth import COMMAND_LINE  # noqa: E402
from lessons.demo import load_demo  # noqa: E402
from lessons.startup import open_app_database  # noqa: E402

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(path: Path, size: str) -> None:
    if size == "demo":
        database = open_app_database(path)
        try:
            load_demo(database)
        finally:
            database.close()
    else:
        dashboard_speed.generate(path, int(size))
    # As the running app leaves it: checkpointed into the file.
    with duckdb.connect(str(path)) as con:
        con.execute("CHECKPOINT")


def export_and_import(path: Path, workdir: Path) -> tuple[float, int, float]:
    """DuckDB's EXPORT DATABASE (Parquet) of the file, and IMPORT DATABASE of it."""
    exported = workdir / "exported"
    with duckdb.connect(str(path), read_only=True) as con:
        export_s, _ = timed(lambda: con.execute(f"EXPORT DATABASE '{exported}' (FORMAT parquet)"))
    with duckdb.connect(str(workdir / "imported.duckdb")) as con:
        import_s, _ = timed(lambda: con.execute(f"IMPORT DATABASE '{exported}'"))
    return export_s, folder_size(exported), import_s


def run_one(size: str, workdir: Path) -> dict[str, float]:
    path = workdir / "lessons.duckdb"
    build(path, size)
    settings = backups.BackupSettings(workdir / "backups", None, 14)
    database = open_app_database(path)
    try:
        backup_s, result = timed(lambda: backups.back_up(database, COMMAND_LINE, settings=settings))
    finally:
        database.close()
    restore_s, restored = timed(lambda: backups.restore(result.file, workdir / "restored.duckdb"))
    assert restored.tables["responses"] == result.tables["responses"]
    export_s, export_bytes, import_s = export_and_import(path, workdir)
    figures = {
        "responses": result.tables["responses"],
        "rows": result.rows,
        "database_mb": round(path.stat().st_size / 1e6, 1),
        "backup_s": round(backup_s, 2),
        "backup_mb": round(result.size_bytes / 1e6, 1),
        "restore_s": round(restore_s, 2),
        "export_s": round(export_s, 2),
        "export_mb": round(export_bytes / 1e6, 1),
        "import_s": round(import_s, 2),
    }
    print(
        f"{size:>8}: {figures['responses']:,} responses, {figures['rows']:,} rows;"
        f" database {figures['database_mb']} MB. Backup (COPY FROM DATABASE, checked)"
        f" {figures['backup_s']} s, {figures['backup_mb']} MB; restore {figures['restore_s']} s."
        f" EXPORT DATABASE (Parquet) {figures['export_s']} s, {figures['export_mb']} MB;"
        f" IMPORT {figures['import_s']} s.",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,1000000")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folders.")
    args = parser.parse_args()
    results = {}
    for size in args.sizes.split(","):
        workdir = Path(tempfile.mkdtemp(prefix=f"backup-speed-{size}-"))
        results[size] = run_one(size, workdir)
        if args.keep:
            print(f"kept {workdir}")
        else:
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            workdir.rmdir()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
