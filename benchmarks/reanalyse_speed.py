"""How long does re-analysing every stored comment take, on both cores, with the learned layer?

    python benchmarks/reanalyse_speed.py [--n 100000] [--workers 2]

In a fresh database in a temporary folder: stores `--n` comments of plausible
feedback (the templates of analysis_speed.py, one comment per response), has
people review a few hundred of them (most confirmed, some corrected, a
term-less theme tagged), trains the learned layer from those reviews
(`learning.retrain`), then re-analyses every comment with `tagging.reanalyse(...,
everything=True)` on `--workers` processes, drawing the same progress a page or
`lessons reanalyse --all` shows. Ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from analysis_speed import make_comments, store_comments

from lessons import learning, store, tagging
from lessons.auth import Actor
from lessons.startup import open_app_database

REVIEWER = Actor(None, "Benchmark reviewer", "admin")
REVIEWED = 400


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="how many stored comments")
    parser.add_argument("--workers", type=int, default=2, help="processes to analyse on")
    args = parser.parse_args(argv)

    texts = [text for text, _ in make_comments(args.n, seed=11)]
    with tempfile.TemporaryDirectory() as folder:
        database = open_app_database(Path(folder) / "reanalyse.duckdb")
        started = time.perf_counter()
        store_comments(database, texts)
        stored_seconds = time.perf_counter() - started
        # People review a few hundred: confirm most, correct some.
        with database.reading() as cur:
            first = store.analysed_comments(cur, store.CommentFilter(limit=REVIEWED))
        for number, comment in enumerate(first):
            label = "neutral" if number % 7 == 0 else comment.label
            tagging.correct_comment(
                database, comment.id, label, comment.themes, REVIEWER, request=comment.request
            )
        started = time.perf_counter()
        trained = learning.retrain(database)
        train_seconds = time.perf_counter() - started

        shown = {"last": -1.0}

        def progress(done: int, total: int) -> None:
            share = done / total if total else 1.0
            if share - shown["last"] >= 0.05 or done == total:
                shown["last"] = share
                bar = "#" * int(share * 40)
                print(f"\r[{bar:<40}] {done:,} of {total:,}", end="", file=sys.stderr)

        started = time.perf_counter()
        report = tagging.reanalyse(
            database, progress=progress, workers=args.workers, everything=True
        )
        seconds = time.perf_counter() - started
        print(file=sys.stderr)
        with database.reading() as cur:
            _model, version = tagging.current_model(cur)
            [[current]] = cur.execute(
                "SELECT count(*) FROM comment_analysis WHERE analyser_version = ?", [version]
            ).fetchall()
        database.close()
    print(f"{args.n:,} comments stored in {stored_seconds:.1f} s")
    print(
        f"learned layer trained from {trained.examples if trained else 0} reviews"
        f" in {train_seconds:.1f} s"
    )
    print(
        f"re-analysed {report.analysed:,} comments on {args.workers} workers in {seconds:.1f} s"
        f" ({report.analysed / seconds:,.0f} comments/s); {current:,} now read by {version}"
    )
    print(
        json.dumps(
            {
                "n": args.n,
                "workers": args.workers,
                "reanalyse_s": round(seconds, 2),
                "per_s": round(report.analysed / seconds, 1),
                "train_s": round(train_seconds, 2),
                "current": int(current),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
