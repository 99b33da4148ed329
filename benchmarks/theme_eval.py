"""How well does theme tagging find the themes people gave each comment?

    python benchmarks/theme_eval.py --data ../shared/data/workshop_feedback_dev.csv

Reads any CSV with `text`, `question_kind` and `themes` (theme ids separated by
";", empty for none), tags every comment with the default taxonomy through the
full analysis, and prints each theme's precision, recall and F1 next to a plain
keyword baseline computed in the same run: the same taxonomy's terms and
phrases found as written (whole words, no stems, no exclude terms, no
clauses). Micro-F1 pools every (comment, theme) decision; macro-F1 averages the
themes that occur in the gold labels. Ends with one line of JSON:
{"n": …, "micro_f1": …, "macro_f1": …, "keyword_micro_f1": …}.

`--half a` or `--half b` keeps one stable half of the rows, as in sentiment_eval.py.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from sentiment_eval import f1, in_half

from lessons.analysis import analyse
from lessons.themes import DEFAULT_THEMES, ThemeDefinition, compile_themes, normalise

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "workshop_feedback_dev.csv"
ThemeSets = list[frozenset[str]]


def load(path: Path, half: str | None = None) -> tuple[list[str], list[str], ThemeSets]:
    frame = pd.read_csv(path, keep_default_na=False)
    missing = {"text", "question_kind", "themes"} - set(frame.columns)
    if missing:
        raise SystemExit(f"{path}: needs the column(s) {', '.join(sorted(missing))}")
    key = next((c for c in ("post", "id") if c in frame), "text")
    frame = frame[[in_half(str(k), half) for k in frame[key]]]
    themes = [frozenset(t.strip() for t in str(v).split(";") if t.strip()) for v in frame["themes"]]
    return list(map(str, frame["text"])), list(map(str, frame["question_kind"])), themes


def keyword_baseline(themes: Sequence[ThemeDefinition]) -> list[tuple[str, re.Pattern[str]]]:
    """Each theme's terms and phrases as one whole-word pattern, matched as written."""
    baseline = []
    for theme in themes:
        terms = [re.escape(normalise(t)) for t in (*theme.include_terms, *theme.phrases)]
        baseline.append((theme.id, re.compile(r"\b(?:" + "|".join(terms) + r")\b")))
    return baseline


def tag_with_keywords(texts: Sequence[str], themes: Sequence[ThemeDefinition]) -> ThemeSets:
    baseline = keyword_baseline(themes)
    return [
        frozenset(theme_id for theme_id, pattern in baseline if pattern.search(normalise(text)))
        for text in texts
    ]


def tag_with_analysis(texts: Sequence[str], kinds: Sequence[str]) -> ThemeSets:
    matcher = compile_themes(DEFAULT_THEMES)
    return [
        frozenset(t.theme_id for t in analyse(text, kind, matcher).themes)
        for text, kind in zip(texts, kinds, strict=True)
    ]


def counts(gold: ThemeSets, predicted: ThemeSets, theme_id: str) -> tuple[int, int, int]:
    pairs = list(zip(gold, predicted, strict=True))
    return (
        sum(theme_id in g and theme_id in p for g, p in pairs),
        sum(theme_id not in g and theme_id in p for g, p in pairs),
        sum(theme_id in g and theme_id not in p for g, p in pairs),
    )


def scores(gold: ThemeSets, predicted: ThemeSets, theme_ids: Sequence[str]) -> dict[str, object]:
    """Per theme (precision, recall, F1, support), micro-F1 and macro-F1 over gold themes."""
    per_theme: dict[str, tuple[float, float, float, int]] = {}
    total = [0, 0, 0]
    for theme_id in theme_ids:
        tp, fp, fn = counts(gold, predicted, theme_id)
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_theme[theme_id] = (precision, recall, f1(tp, fp, fn), tp + fn)
    present = [t for t in theme_ids if per_theme[t][3]]
    return {
        "per_theme": per_theme,
        "micro_f1": f1(*total),
        "macro_f1": sum(per_theme[t][2] for t in present) / max(len(present), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV file")
    parser.add_argument("--half", choices=("a", "b"), help="keep one stable half of the rows")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also print N comments we tag wrongly"
    )
    args = parser.parse_args(argv)

    texts, kinds, gold = load(args.data, args.half)
    theme_ids = [theme.id for theme in DEFAULT_THEMES]
    unknown = sorted({t for g in gold for t in g} - set(theme_ids))
    if unknown:
        print(f"note: gold themes not in the default taxonomy, counted as missed: {unknown}")
        theme_ids += unknown
    ours = tag_with_analysis(texts, kinds)
    keywords = tag_with_keywords(texts, DEFAULT_THEMES)
    our_scores = scores(gold, ours, theme_ids)
    keyword_scores = scores(gold, keywords, theme_ids)

    half = f" (half {args.half})" if args.half else ""
    print(f"{args.data.name}{half}: {len(texts)} comments, {sum(map(len, gold))} gold tags")
    print(f"{'theme':<14}{'n':>4}   {'ours P / R / F1':>20}   {'keywords P / R / F1':>20}")
    ours_per = our_scores["per_theme"]
    keyword_per = keyword_scores["per_theme"]
    assert isinstance(ours_per, dict) and isinstance(keyword_per, dict)
    for theme_id in theme_ids:
        p, r, f, n = ours_per[theme_id]
        kp, kr, kf, _ = keyword_per[theme_id]
        print(f"{theme_id:<14}{n:>4}   {p:6.2f} {r:6.2f} {f:6.2f}   {kp:6.2f} {kr:6.2f} {kf:6.2f}")
    print(
        f"micro-F1: ours {our_scores['micro_f1']:.3f}, keywords {keyword_scores['micro_f1']:.3f};"
        f" macro-F1: ours {our_scores['macro_f1']:.3f}, keywords {keyword_scores['macro_f1']:.3f}"
    )
    shown = 0
    for text, g, p in zip(texts, gold, ours, strict=True):
        if shown >= args.errors:
            break
        if g != p:
            missed, extra = sorted(g - p), sorted(p - g)
            print(f"  missed {missed} extra {extra}: {text[:140]!r}")
            shown += 1
    print(
        json.dumps(
            {
                "n": len(texts),
                "micro_f1": round(float(our_scores["micro_f1"]), 4),  # type: ignore[arg-type]
                "macro_f1": round(float(our_scores["macro_f1"]), 4),  # type: ignore[arg-type]
                "keyword_micro_f1": round(float(keyword_scores["micro_f1"]), 4),  # type: ignore[arg-type]
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
