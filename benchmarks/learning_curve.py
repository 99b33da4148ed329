"""How much do facilitators' corrections teach the learned layer?

    python benchmarks/learning_curve.py [--data ../shared/data/workshop_feedback_dev.csv]

5-fold cross-validation on a labelled CSV (`text`, `question_kind`, `gold3`,
and where present `request` and `themes`): for each fold, as if facilitators
had corrected k comments picked at random from the other four folds (k = 0,
25, 50, 100, 200), train the learned layer on those k and analyse the held-out
fold with the rules plus the layer. k = 0 is the rules alone. Prints, for each
k, themes micro-F1 and sentiment macro-F1 over all held-out predictions, and
how long training took; ends with one line of JSON:
{"0": {"themes_micro_f1": …, "sentiment_macro_f1": …}, "25": {…}, …}.

Themes in the file that the default taxonomy lacks (the NHS file's framework,
say) become themes with no terms, known only from the corrected examples; the
themes score then counts only the file's own themes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from sentiment_eval import macro_f1
from theme_eval import ThemeSets, scores

from lessons.learned import Example, analyse_with, train
from lessons.themes import DEFAULT_THEMES, ThemeDefinition, compile_themes

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "workshop_feedback_dev.csv"
KS = (0, 25, 50, 100, 200)
FOLDS = 5


def theme_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:31] or "theme"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV file")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)

    frame = pd.read_csv(args.data, keep_default_na=False)
    texts = list(map(str, frame["text"]))
    kinds = list(map(str, frame.get("question_kind", ["general"] * len(frame))))
    gold = list(map(str, frame["gold3"]))
    requests = [str(r) == "yes" for r in frame["request"]] if "request" in frame else None
    raw_themes = (
        [[t.strip() for t in str(v).split(";") if t.strip()] for v in frame["themes"]]
        if "themes" in frame
        else None
    )
    default_ids = {t.id for t in DEFAULT_THEMES}
    taxonomy: tuple[ThemeDefinition, ...] = DEFAULT_THEMES
    gold_themes: ThemeSets | None = None
    theme_ids = [t.id for t in DEFAULT_THEMES]
    if raw_themes is not None:
        names = sorted({t for ts in raw_themes for t in ts})
        if set(names) <= default_ids:
            gold_themes = [frozenset(ts) for ts in raw_themes]
        else:  # another framework: themes known from examples only
            ids = {name: theme_id(name) for name in names}
            taxonomy = tuple(ThemeDefinition(ids[n], n, n, (), ()) for n in names)
            theme_ids = [ids[n] for n in names]
            gold_themes = [frozenset(ids[t] for t in ts) for ts in raw_themes]
    matcher = compile_themes(taxonomy)

    order = list(range(len(texts)))
    random.Random(args.seed).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    results: dict[str, dict[str, float]] = {}
    print(f"{args.data.name}: {len(texts)} comments, {FOLDS}-fold")
    print(f"{'k':>5}  {'themes micro-F1':>15}  {'sentiment macro-F1':>18}  {'training':>9}")
    for k in KS:
        predicted_labels = [""] * len(texts)
        predicted_themes: list[frozenset[str]] = [frozenset()] * len(texts)
        seconds = 0.0
        for fold, test in enumerate(folds):
            pool = [i for other, f in enumerate(folds) if other != fold for i in f]
            corrected = random.Random(args.seed * 100 + fold).sample(pool, min(k, len(pool)))
            model = None
            if corrected:
                examples = [
                    Example(
                        text=texts[i],
                        question_kind=kinds[i],
                        sentiment=gold[i],
                        request=requests[i] if requests is not None else None,
                        themes=tuple(sorted(gold_themes[i])) if gold_themes is not None else None,
                        ref=str(i),
                    )
                    for i in corrected
                ]
                started = time.perf_counter()
                model = train(examples, taxonomy)
                seconds += time.perf_counter() - started
            for i in test:
                analysis = analyse_with(model, texts[i], kinds[i], matcher)
                predicted_labels[i] = analysis.label
                predicted_themes[i] = frozenset(t.theme_id for t in analysis.themes)
        sentiment = macro_f1(gold, predicted_labels)
        themes = (
            float(scores(gold_themes, predicted_themes, theme_ids)["micro_f1"])  # type: ignore[arg-type]
            if gold_themes is not None
            else 0.0
        )
        results[str(k)] = {
            "themes_micro_f1": round(themes, 4),
            "sentiment_macro_f1": round(sentiment, 4),
        }
        print(f"{k:>5}  {themes:>15.3f}  {sentiment:>18.3f}  {seconds / FOLDS:>8.2f}s")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
