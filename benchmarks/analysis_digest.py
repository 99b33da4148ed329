"""Does a change to the analysis change any result? One digest of many analyses, to compare.

    python benchmarks/analysis_digest.py [--out FILE] [--data-dir ../shared/data]

Run it before and after work meant to change no reading (speed work, a refactor): the two
digests are equal exactly when every result is. It analyses the 20,000 generated comments of
analysis_speed.py with the rules alone and with that benchmark's learned model, and every row
of each CSV in `--data-dir` (skipped when the folder is not there) under each of the three
questions with the rules alone, the benchmark's learned model, and a model taught by the
labels of the workshop file when there is one. `--out` writes each result's repr, a line
each, so two runs can be compared with `diff`. Ends with one line of JSON:
{"results": …, "sha256": …}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from analysis_speed import PROJECTOR, learned_model, make_comments

from lessons.analysis import QUESTION_KINDS, analyse
from lessons.learned import Example, LearnedModel, analyse_with, train
from lessons.themes import DEFAULT_THEMES, ThemeMatcher, compile_themes

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO.parent / "shared" / "data"
WORKSHOP_FILE = "workshop_feedback_dev.csv"


def workshop_model(path: Path) -> LearnedModel:
    """A learned layer taught by every labelled row of the workshop file, as if people had
    reviewed each one."""
    frame = pd.read_csv(path, keep_default_na=False)
    examples = [
        Example(
            row.text,
            row.question_kind,
            row.gold3,
            row.request == "yes",
            tuple(sorted(theme for theme in row.themes.split(";") if theme)),
            f"workshop-{i}",
        )
        for i, row in enumerate(frame.itertuples(index=False))
    ]
    return train(examples, DEFAULT_THEMES)


def results(data_dir: Path) -> list[str]:
    """The repr of every analysis the digest covers, in a fixed order."""
    comments = make_comments(20_000)
    bench_model = learned_model(comments)
    bench_matcher = compile_themes((*DEFAULT_THEMES, PROJECTOR))
    default_matcher = compile_themes(DEFAULT_THEMES)
    lines = []
    for text, kind in comments:
        lines.append(repr(analyse(text, kind, bench_matcher)))
        lines.append(repr(analyse_with(bench_model, text, kind, bench_matcher)))
    files = sorted(data_dir.glob("*.csv")) if data_dir.is_dir() else []
    models: list[tuple[LearnedModel, ThemeMatcher]] = [(bench_model, bench_matcher)]
    if (data_dir / WORKSHOP_FILE).is_file():
        models.append((workshop_model(data_dir / WORKSHOP_FILE), default_matcher))
    for path in files:
        for text in pd.read_csv(path, keep_default_na=False)["text"]:
            for kind in QUESTION_KINDS:
                lines.append(repr(analyse(text, kind, default_matcher)))
                for model, matcher in models:
                    lines.append(repr(analyse_with(model, text, kind, matcher)))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write each result's repr here, one a line")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder of CSVs with `text`"
    )
    args = parser.parse_args(argv)
    lines = results(args.data_dir)
    body = "".join(f"{line}\n" for line in lines)
    if args.out:
        args.out.write_text(body, encoding="utf-8")
    print(json.dumps({"results": len(lines), "sha256": hashlib.sha256(body.encode()).hexdigest()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
