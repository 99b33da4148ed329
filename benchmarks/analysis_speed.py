"""How fast is the full comment analysis, next to plain TextBlob, on the same comments?
And how fast are comments analysed and saved to the database?

    python benchmarks/analysis_speed.py [--n 20000] [--save-n 2000]

Builds realistic training-session feedback from templates (it reads no data
files), times the full analysis (`analyse`: sentiment, request and themes, then
the learned layer trained on a few hundred confirmed and corrected comments)
and plain `TextBlob(text).sentiment` on the same comments in this one process,
then times `analyse_many` on its pool of worker processes. The single-process
timings alternate between the two in small batches and count CPU time, so a
busy machine slows both alike. It counts how many of 2,000 comments the learned
layer was not taught it reads otherwise than the rules (so it is seen at work).
Then, in a fresh database in a temporary folder, it analyses and saves
`--save-n` stored comments twice in one transaction each:
one comment at a time (the four statements per comment that saving used to
take) and as one batch (`tagging.store_analyses`, four statements in all).
Ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from textblob import TextBlob

from lessons import tagging
from lessons.analysis import analyse, analyse_many
from lessons.choices import QUESTIONS
from lessons.feedback import FeedbackAnswer, Recorded, Submission, record_responses_in
from lessons.learned import Example, LearnedModel, analyse_with, train
from lessons.sessions import SessionDraft, create_session
from lessons.startup import open_app_database
from lessons.store import Database
from lessons.themes import DEFAULT_THEMES, ThemeDefinition, compile_themes

KINDS = ("went_well", "to_change", "general")

OPENERS = ("", "", "Honestly, ", "Overall ", "I thought ", "To be fair ", "Really ")
SUBJECTS = (
    "the session", "the trainer", "the hands-on part", "the slides", "the wifi",
    "the room", "the Facebook exercise", "the section on trolls and abuse",
    "the co-presenting councillor", "the pace", "the handout", "the Q&A",
    "setting up my Twitter/X account", "the examples from other councils",
    "the bit on the pre-election period", "the breakout groups", "the projector",
    "the LinkedIn tips", "the follow-up links", "the venue",
)  # fmt: skip
VERDICTS = (
    "was really helpful", "was very clear", "was useful", "was a bit rushed",
    "went on too long", "did not work for the first hour", "was excellent",
    "was too basic for me", "was pitched about right", "was confusing",
    "could have been shorter", "was brilliant, thank you", "was ok",
    "made me more confident", "was hard to follow", "was not long enough",
)  # fmt: skip
CONTRASTS = (
    "", "", "", " but we ran out of time", " but it was too long",
    " although the room was cold", ", and the trainer was patient",
    " but there was not enough practice", ", thanks", " - more of this please",
)  # fmt: skip
SHORT_ANSWERS = (
    "Nothing", "None", "N/A", "Nothing, it was great", "Not sure", "More time for practice",
    "Less theory, more hands-on", "Send the slides beforehand", "Great session 👍",
    "A session on Instagram and TikTok", "One-to-one help with my Facebook page",
)  # fmt: skip


def make_comments(n: int, seed: int = 2024) -> list[tuple[str, str]]:
    """n (text, question kind) pairs of plausible feedback, the same every run."""
    rng = random.Random(seed)
    comments = []
    for _ in range(n):
        kind = rng.choice(KINDS)
        if rng.random() < 0.2:
            text = rng.choice(SHORT_ANSWERS)
        else:
            sentences = [
                rng.choice(OPENERS)
                + rng.choice(SUBJECTS)
                + " "
                + rng.choice(VERDICTS)
                + rng.choice(CONTRASTS)
                for _ in range(rng.choice((1, 1, 2, 3)))
            ]
            text = ". ".join(s[0].upper() + s[1:] for s in sentences) + "."
        comments.append((text, kind))
    return comments


# A theme with no terms, known only from examples, as a facilitator might add one.
PROJECTOR = ThemeDefinition("projector_trouble", "Projector trouble", "The projector.", (), ())
BATCH = 200


def learned_model(comments: list[tuple[str, str]]) -> LearnedModel:
    """A learned layer taught by the first few hundred comments, as people would: most
    confirmed as the rules read them, some corrected, and a term-less theme tagged."""
    themes = (*DEFAULT_THEMES, PROJECTOR)
    matcher = compile_themes(themes)
    examples = []
    for i, (text, kind) in enumerate(comments[:400]):
        rules = analyse(text, kind, matcher)
        tagged = {t.theme_id for t in rules.themes}
        if "projector" in text.lower():
            tagged.add(PROJECTOR.id)
        label = "neutral" if i % 7 == 0 and rules.mixed else rules.label
        examples.append(Example(text, kind, label, rules.request, tuple(sorted(tagged)), str(i)))
    return train(examples, themes)


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def store_comments(database: Database, texts: Sequence[str]) -> list[Recorded]:
    """Store the texts in one session, one comment per response, each answering one of the
    three questions in turn, in one batch (as they would arrive, unanalysed)."""
    questions = list(QUESTIONS)
    when = datetime(2026, 3, 12, 18, 0)
    session_id = create_session(
        database,
        SessionDraft("Benchmark", when, when.replace(hour=20), "Calderbrook", venue="Hall"),
    )
    submissions = [
        Submission(
            session_id,
            FeedbackAnswer(overall_rating=4, **{questions[i % 3]: text}),
            f"bench-{i}",
            when,
        )
        for i, text in enumerate(texts)
    ]
    with database.transaction() as cur:
        return record_responses_in(cur, submissions)


def analyse_and_save(n: int) -> tuple[float, float]:
    """Seconds to analyse and save `n` stored comments one at a time, then as one batch."""
    texts = [text for text, _ in make_comments(n, seed=7)]
    with tempfile.TemporaryDirectory() as folder:
        database = open_app_database(Path(folder) / "bench.duckdb")
        recorded = store_comments(database, texts)
        comments = [
            (comment_id, question, texts[i])
            for i, stored in enumerate(recorded)
            for question, comment_id in stored.comment_ids.items()
        ]
        with database.reading() as cur:
            matcher = tagging.current_matcher(cur)
        timings = []
        for batch in (False, True):
            started = time.perf_counter()
            analysed = [
                (cid, tagging.analyse_answer(matcher, question, text))
                for cid, question, text in comments
            ]
            with database.transaction() as cur:
                if batch:
                    tagging.store_analyses(cur, analysed)
                else:
                    for pair in analysed:
                        tagging.store_analyses(cur, [pair])
            timings.append(time.perf_counter() - started)
        database.close()
    return timings[0], timings[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="how many comments")
    parser.add_argument(
        "--save-n", type=int, default=2_000, help="how many comments to analyse and save"
    )
    args = parser.parse_args(argv)

    comments = make_comments(args.n)
    model = learned_model(comments)
    matcher = compile_themes((*DEFAULT_THEMES, PROJECTOR))
    # Warm both up (lexicon loading, regex compiling) so the timings compare the work itself.
    analyse_with(model, "Warm up, thanks", "general", matcher)
    _ = TextBlob("Warm up, thanks").sentiment

    def full(batch: list[tuple[str, str]]) -> None:
        for text, kind in batch:
            analyse_with(model, text, kind, matcher)

    def rules_only(batch: list[tuple[str, str]]) -> None:
        for text, kind in batch:
            analyse(text, kind, matcher)

    def textblob_only(batch: list[tuple[str, str]]) -> None:
        for text, _kind in batch:
            _ = TextBlob(text).sentiment

    seconds = {"ours": 0.0, "rules": 0.0, "textblob": 0.0}
    runs = (("ours", full), ("rules", rules_only), ("textblob", textblob_only))
    for number, start in enumerate(range(0, len(comments), BATCH)):
        batch = comments[start : start + BATCH]
        # Whoever meets a batch first pays for the word caches: take turns.
        for name, run in runs[number % 3 :] + runs[: number % 3]:
            started = time.process_time()
            run(batch)
            seconds[name] += time.process_time() - started
    ours_seconds, rules_seconds = seconds["ours"], seconds["rules"]
    textblob_seconds = seconds["textblob"]
    # The learned layer was at work: how many comments it taught nothing read otherwise.
    unseen = comments[400:2400]
    changed = sum(
        analyse_with(model, text, kind, matcher) != analyse(text, kind, matcher)
        for text, kind in unseen
    )

    started = time.perf_counter()
    analyse_many(comments, workers=2)
    pool_seconds = time.perf_counter() - started

    one_by_one_seconds, batch_seconds = analyse_and_save(args.save_n)

    ours = per_second(len(comments), ours_seconds)
    rules = per_second(len(comments), rules_seconds)
    textblob = per_second(len(comments), textblob_seconds)
    pool = per_second(len(comments), pool_seconds)
    ratio = ours / textblob
    print(
        f"{len(comments)} comments, {sum(len(t) for t, _ in comments) / len(comments):.0f} "
        "characters on average"
    )
    print(f"ours (rules + learned layer), one process: {ours:,.0f} comments/s")
    print(f"the rules alone, one process:          {rules:,.0f} comments/s")
    print(f"plain TextBlob(text).sentiment:        {textblob:,.0f} comments/s")
    print(f"ratio ours / TextBlob:                 {ratio:.2f}")
    print(
        f"the learned layer changed the reading of {changed} of {len(unseen)} comments it was "
        "not taught"
    )
    print(f"ours, analyse_many on 2 workers:       {pool:,.0f} comments/s (with process start-up)")
    print(
        f"analyse and save {args.save_n} comments:   one at a time {one_by_one_seconds:.2f} s,"
        f" as one batch {batch_seconds:.2f} s"
    )
    print(json.dumps({
        "ours_per_s": round(ours, 1), "rules_per_s": round(rules, 1),
        "textblob_per_s": round(textblob, 1), "ratio": round(ratio, 3),
        "rules_ratio": round(rules / textblob, 3), "learned_changed": changed,
        "save_one_at_a_time_s": round(one_by_one_seconds, 3),
        "save_batch_s": round(batch_seconds, 3),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
