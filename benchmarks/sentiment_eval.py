"""How well does the comment analysis label sentiment, next to plain TextBlob and VADER?

    python benchmarks/sentiment_eval.py --data ../shared/data/nhs_fft_neas.csv

Reads any CSV with a `text` and a `gold3` column (positive / neutral / negative)
and, when present, `question_kind` (went_well / to_change / general; missing
means general). Prints accuracy, macro-F1 and each class's F1 for each method.
When the file has a `request` column (yes / no) it also prints how well ours
finds requests, and with a `sentiment` column that says `mixed`, how many of
those clearly mixed comments ours flags as mixed. Ends with one line of JSON
for scripts to read.

`--half a` or `--half b` keeps one stable half of the rows (by `post` where the
file has one, so one blog post's comments stay together, else by `id` or text):
rules are tried on one half and confirmed on the other.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lessons.analysis import Analysis, analyse

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


def f1(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def per_class_f1(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    scores = {}
    for cls in CLASSES:
        tp = sum(g == cls and p == cls for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != cls and p == cls for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == cls and p != cls for g, p in zip(gold, predicted, strict=True))
        scores[cls] = f1(tp, fp, fn)
    return scores


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(per_class_f1(gold, predicted).values()) / len(CLASSES)


def binary_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    pairs = list(zip(gold, predicted, strict=True))
    return f1(
        sum(g and p for g, p in pairs),
        sum(p and not g for g, p in pairs),
        sum(g and not p for g, p in pairs),
    )


def in_half(key: str, half: str | None) -> bool:
    """A stable half of the rows: "a" or "b" by the key's hash, or every row when None."""
    if half is None:
        return True
    return "ab"[int(hashlib.md5(key.encode()).hexdigest(), 16) % 2] == half


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    gold: list[str]
    kinds: list[str]
    requests: list[bool] | None  # None: the file has no `request` column
    clearly_mixed: list[bool] | None  # None: the file has no `sentiment` column


def load(path: Path, half: str | None = None) -> Labelled:
    frame = pd.read_csv(path, keep_default_na=False)
    missing = {"text", "gold3"} - set(frame.columns)
    if missing:
        raise SystemExit(f"{path}: needs the column(s) {', '.join(sorted(missing))}")
    if "question_kind" not in frame:
        frame["question_kind"] = "general"
    key = next((c for c in ("post", "id") if c in frame), "text")
    frame = frame[[in_half(str(k), half) for k in frame[key]]]
    return Labelled(
        texts=list(map(str, frame["text"])),
        gold=list(map(str, frame["gold3"])),
        kinds=list(map(str, frame["question_kind"])),
        requests=[str(r).lower() == "yes" for r in frame["request"]]
        if "request" in frame
        else None,
        clearly_mixed=[str(s) == "mixed" for s in frame["sentiment"]]
        if "sentiment" in frame
        else None,
    )


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


_ours: list[Analysis] = []


def our_labels(texts: Sequence[str], kinds: Sequence[str]) -> list[str]:
    _ours[:] = [analyse(text, kind) for text, kind in zip(texts, kinds, strict=True)]
    return [a.label for a in _ours]


METHODS: dict[str, Callable[[Sequence[str], Sequence[str]], list[str] | None]] = {
    "textblob": textblob_labels,
    "vader": vader_labels,
    "ours": our_labels,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV file")
    parser.add_argument("--half", choices=("a", "b"), help="keep one stable half of the rows")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also print N of our mistakes"
    )
    args = parser.parse_args(argv)

    data = load(args.data, args.half)
    texts, gold, kinds = data.texts, data.gold, data.kinds
    half = f" (half {args.half})" if args.half else ""
    print(f"{args.data.name}{half}: {len(texts)} comments")
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
        acc, macro = accuracy(gold, predicted), macro_f1(gold, predicted)
        per_class = per_class_f1(gold, predicted)
        print(
            f"{name:>9}: accuracy {acc:.3f}  macro-F1 {macro:.3f}  "
            + "  ".join(f"F1 {c[:3]} {per_class[c]:.3f}" for c in CLASSES)
            + f"  ({seconds:.1f} s)"
        )
        summary[name] = {
            "accuracy": round(acc, 4),
            "macro_f1": round(macro, 4),
            **{f"f1_{c}": round(per_class[c], 4) for c in CLASSES},
        }
        if name == "ours":
            ours = predicted
    always_positive = ["positive"] * len(gold)
    print(
        f"always positive: accuracy {accuracy(gold, always_positive):.3f}  "
        f"macro-F1 {macro_f1(gold, always_positive):.3f}"
    )
    if data.requests is not None:
        found = [a.request for a in _ours]
        request_f1 = binary_f1(data.requests, found)
        print(
            f"  requests: F1 {request_f1:.3f}  (gold {sum(data.requests)}, ours {sum(found)}, "
            f"both {sum(g and p for g, p in zip(data.requests, found, strict=True))})"
        )
        summary["request_f1"] = round(request_f1, 4)
    if data.clearly_mixed is not None and any(data.clearly_mixed):
        flagged = [a.mixed for a, m in zip(_ours, data.clearly_mixed, strict=True) if m]
        print(f"  mixed flag: {sum(flagged)} of {len(flagged)} clearly mixed comments flagged")
        summary["mixed_recall"] = round(sum(flagged) / len(flagged), 4)
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
