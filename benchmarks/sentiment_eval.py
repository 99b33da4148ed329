"""How well does the comment analysis label sentiment, next to plain TextBlob and VADER?

    python benchmarks/sentiment_eval.py --data ../shared/data/nhs_fft_neas.csv

Reads any CSV with a `text` and a `gold3` column (positive / neutral / negative)
and, when present, `question_kind` (went_well / to_change / general; missing
means general). Prints accuracy and macro-F1 over the three classes for each
method, and ends with one line of JSON for scripts to read.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from lessons.analysis import analyse

REPO = Path(__file__).resolve().parent.parent
CLASSES = ("positive", "neutral", "negative")
DEFAULT_DATA = REPO.parent / "shared" / "data" / "nhs_fft_neas.csv"
# The usual cut-offs for a polarity or compound score in [-1, 1].
THRESHOLD = 0.05


def label_of(score: float) -> str:
    if score > THRESHOLD:
        return "positive"
    if score < -THRESHOLD:
        return "negative"
    return "neutral"


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(len(gold), 1)


def per_class_f1(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    scores = {}
    for cls in CLASSES:
        tp = sum(g == cls and p == cls for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != cls and p == cls for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == cls and p != cls for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[cls] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(per_class_f1(gold, predicted).values()) / len(CLASSES)


def textblob_labels(texts: Sequence[str], _kinds: Sequence[str]) -> list[str]:
    from textblob import TextBlob

    return [label_of(TextBlob(text).sentiment.polarity) for text in texts]


def vader_labels(texts: Sequence[str], _kinds: Sequence[str]) -> list[str] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None  # vaderSentiment is a bench extra: pip install -e '.[bench]'
    vader = SentimentIntensityAnalyzer()
    return [label_of(vader.polarity_scores(text)["compound"]) for text in texts]


def our_labels(texts: Sequence[str], kinds: Sequence[str]) -> list[str]:
    return [analyse(text, kind).label for text, kind in zip(texts, kinds, strict=True)]


METHODS: dict[str, Callable[[Sequence[str], Sequence[str]], list[str] | None]] = {
    "textblob": textblob_labels,
    "vader": vader_labels,
    "ours": our_labels,
}


def load(path: Path) -> tuple[list[str], list[str], list[str]]:
    frame = pd.read_csv(path, keep_default_na=False)
    missing = {"text", "gold3"} - set(frame.columns)
    if missing:
        raise SystemExit(f"{path}: needs the column(s) {', '.join(sorted(missing))}")
    kinds = frame["question_kind"] if "question_kind" in frame else ["general"] * len(frame)
    return list(map(str, frame["text"])), list(map(str, frame["gold3"])), list(map(str, kinds))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV file")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also print N of our mistakes"
    )
    args = parser.parse_args(argv)

    texts, gold, kinds = load(args.data)
    print(f"{args.data.name}: {len(texts)} comments")
    print("gold: " + ", ".join(f"{c} {gold.count(c)}" for c in CLASSES))
    summary: dict[str, object] = {"n": len(texts)}
    ours: list[str] = []
    for name, method in METHODS.items():
        started = time.perf_counter()
        predicted = method(texts, kinds)
        seconds = time.perf_counter() - started
        if predicted is None:
            print(f"{name:>9}: not installed")
            summary[name] = None
            continue
        acc, f1 = accuracy(gold, predicted), macro_f1(gold, predicted)
        per_class = per_class_f1(gold, predicted)
        print(
            f"{name:>9}: accuracy {acc:.3f}  macro-F1 {f1:.3f}  "
            + "  ".join(f"F1 {c[:3]} {per_class[c]:.3f}" for c in CLASSES)
            + f"  ({seconds:.1f} s)"
        )
        summary[name] = {"accuracy": round(acc, 4), "macro_f1": round(f1, 4)}
        if name == "ours":
            ours = predicted
    always_positive = ["positive"] * len(gold)
    print(
        f"always positive: accuracy {accuracy(gold, always_positive):.3f}  "
        f"macro-F1 {macro_f1(gold, always_positive):.3f}"
    )
    shown = 0
    for text, g, p, kind in zip(texts, gold, ours, kinds, strict=False):
        if shown >= args.errors:
            break
        if g != p:
            print(f"  gold {g:<8} ours {p:<8} [{kind}] {text[:160]!r}")
            shown += 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
