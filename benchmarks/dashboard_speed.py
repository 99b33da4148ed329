"""How fast is the Trends page on a big programme, and how much memory does it take?

    python benchmarks/dashboard_speed.py [--sizes 10000,100000,1000000] [--keep]

For each size, builds a fresh database through `lessons.startup.open_app_database` (the
real schema and migrations) and fills it directly in SQL: sessions (one per 25 responses or
so, over four years), facilitators, responses, three comments each with synthetic
analysis results and themes, a few corrections, and lessons with their audit trail.
This measures the dashboard, not the analysis. Then, in the same process:

- renders the Trends page with `AppTest` for a signed-in programme lead, with no filter and
  with a council and a year chosen, each with Streamlit's caches cleared first (cold), and
  once more cached (warm);
- times every store query the page uses, unfiltered and filtered (best of 3 after a
  warm-up);
- reads the peak resident memory of the process;
- computes the same aggregates the naive way (every row loaded into pandas, then
  grouped), checks they agree with the store's, and compares the times.

Each size runs in a fresh child process of this script, because peak memory never goes
down within a process. The parent ends with one line of JSON:
{"<size>": {"render_s", "render_filtered_s", "slowest_query_ms", "peak_rss_mb",
"naive_ratio"}, ...}.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "pages" / "trends.py"
# The programme lead the Trends page is rendered for (Trends is for leads and administrators).
READER_EMAIL = "reader@bench.example"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
# DuckDB's own memory cap for every connection of the child (generation and the page):
# without it DuckDB may use most of the machine's memory for a 3-million-row insert.
MEMORY_LIMIT = "500MB"
TARGETS = {100_000: 1.0, 1_000_000: 3.0}  # render seconds
QUERY_TARGET_MS = 100.0
MEMORY_TARGET_MB = 1024.0

COUNCILS = (
    "Ashdale District Council", "Brackenmoor Borough Council", "Calderbrook Council",
    "Dunmere County Council", "Eastwick Town Council", "Fernleigh District Council",
    "Glenholme Borough Council", "Harrowfield City Council", "Ivybridge Parish Council",
    "Kettlewell District Council", "Larkhill Borough Council", "Millbrook Town Council",
    "Northgate County Council", "Oakhurst District Council", "Pennington Borough Council",
    "Queensbury City Council", "Ravensworth Council", "Stonebridge District Council",
    "Thornbury Town Council", "Westfell Borough Council",
)  # fmt: skip
PROGRAMMES = (
    "Councillors and Social Media", "Digital Ward Work", "Safe and Well Online",
)  # fmt: skip
TITLES = (
    "Getting started with Facebook", "Handling abuse and trolls", "Video for ward updates",
    "Social media in the pre-election period", "LinkedIn for community leaders",
    "Running a ward newsletter online", "Answering residents on WhatsApp",
    "Instagram for beginners",
)  # fmt: skip
OFFICERS = (
    "Priya Shah", "Tom Ellery", "Hannah Okafor", "James Whitlock", "Sara Lindqvist",
    "Owen Pritchard", "Aisha Rahman", "Ben Carver", "Chloe Marsh", "Dev Patel",
    "Ellen Brooks", "Farid Haddad", "Grace Tan", "Harry Doyle", "Isla Fraser",
    "Jonah Miles", "Kate Rowe", "Liam Byrne", "Maya Singh", "Noah Fielding",
    "Olivia Grant", "Paul Adeyemi", "Rosa Marin", "Sam Hollis",
)  # fmt: skip
COUNCILLORS = tuple(
    f"Cllr {name}"
    for name in (
        "Ruth Abbott", "Gareth Evans", "Mel Johnson", "Ann Kowalski", "Peter Lowe",
        "Joan Murray", "Raj Nair", "Sue Oldham", "Tariq Qureshi", "Val Roberts",
        "Ian Stewart", "Beth Turner", "Carl Underwood", "Dora Vance", "Emma Walsh",
        "Fred Young", "Gill Ziegler", "Hugh Ashby", "Iris Bell", "Jack Cole",
        "Kim Dunn", "Lena Ellis", "Mark Ford", "Nina Gale", "Oscar Hale",
        "Pam Irving", "Rob James", "Sian Kerr", "Tim Lane", "Una Moss",
        "Vic Nolan", "Wendy Orr", "Xavier Page", "Yasmin Quinn", "Zoe Reid",
        "Alan Shaw", "Bella Todd", "Colin Vaughan", "Diane Webb", "Eric Yates",
    )
)  # fmt: skip
WENT_WELL = (
    "The hands-on practice", "Really clear trainer", "Examples from other councils",
    "Setting up my page together", "The section on trolls", "Good pace",
    "Friendly and patient", "The handout", "Everything, thank you", "Q&A at the end",
)  # fmt: skip
TO_CHANGE = (
    "Too long", "More time to practise", "The wifi kept dropping", "Slides too small",
    "Nothing", "Less theory", "Room was cold", "Send materials beforehand",
    "It was rushed at the end", "Too basic for me",
)  # fmt: skip
HELP_NEXT = (
    "Instagram", "One-to-one help", "A session on video", "Dealing with abuse",
    "Nothing for now", "Scheduling posts", "TikTok", "Writing for residents",
    "Photos and consent", "Pre-election rules",
)  # fmt: skip
LESSON_STATUSES = ("Observed", "Identified", "Actioned", "Embedded", "Validated", "Archived")


# --- generating a programme -------------------------------------------------------------


def generate(path: Path, responses: int) -> dict[str, int]:
    """A fresh database at `path` with `responses` responses; returns the row counts."""
    from lessons import accounts, store
    from lessons.startup import open_app_database
    from lessons.themes import DEFAULT_THEMES

    database = open_app_database(path)
    # The programme lead the Trends page is rendered for (no password: no hashing).
    accounts.add_account(database, READER_EMAIL, "Benchmark reader", "lead")
    sessions = max(1, responses // 25)
    lessons = max(20, responses // 2000)
    theme_ids = [t.id for t in DEFAULT_THEMES]
    cur = database.cursor()
    try:
        # u(i, salt): a uniform number in [0, 1); k(i, salt, n): a whole number in [0, n);
        # pick(xs, i, salt): one of the list xs. The same on every run.
        cur.execute("CREATE TEMP MACRO u(i, salt) AS (hash(i, salt) % 1000003) / 1000003.0")
        cur.execute("CREATE TEMP MACRO k(i, salt, n) AS CAST(hash(i, salt) % n AS INTEGER)")
        cur.execute("CREATE TEMP MACRO pick(xs, i, salt) AS xs[1 + k(i, salt, len(xs))]")
        # Session ids follow their dates, as they would if created over the years.
        cur.execute(
            """
            INSERT INTO sessions (id, title, starts_at, ends_at, venue, online, council,
                programme, format, context_minutes, hands_on_minutes, expected_attendees,
                status, feedback_open, feedback_token, short_code, created_at, updated_at)
            SELECT id, pick($titles, id, 3), starts_at,
                   starts_at + INTERVAL 2 HOUR, CASE WHEN format = 'webinar' THEN ''
                   ELSE 'Council Chamber' END, format = 'webinar', council, programme, format,
                   context_minutes, hands_on_minutes, expected, status, FALSE,
                   'bench-' || md5(id::VARCHAR), printf('B%07X', id),
                   starts_at - INTERVAL 30 DAY, starts_at - INTERVAL 30 DAY
            FROM (
                SELECT i + 1 AS id,
                       TIMESTAMP '2022-01-04 09:00'
                         + to_days(CAST(floor(i * 1461.0 / $sessions) AS INTEGER))
                         + to_hours(CAST(floor(u(i, 1) * 10) AS INTEGER)) AS starts_at,
                       pick($councils, i, 4) AS council,
                       pick($programmes, i, 5) AS programme,
                       CASE WHEN u(i, 6) < 0.40 THEN 'workshop' WHEN u(i, 6) < 0.70 THEN 'webinar'
                            WHEN u(i, 6) < 0.85 THEN 'briefing' WHEN u(i, 6) < 0.95 THEN 'surgery'
                            ELSE 'one_to_one' END AS format,
                       pick([20, 30, 40, 50, 60], i, 7) AS context_minutes,
                       pick([0, 15, 30, 45, 60, 90, 120], i, 8) AS hands_on_minutes,
                       CASE WHEN u(i, 9) < 0.1 THEN NULL
                            ELSE 25 + k(i, 10, 21) END AS expected,
                       CASE WHEN u(i, 11) < 0.4 THEN 'delivered' ELSE 'reviewed' END AS status
                FROM range($sessions) t(i)
            )
            """,
            {
                "sessions": sessions,
                "titles": list(TITLES),
                "councils": list(COUNCILS),
                "programmes": list(PROGRAMMES),
            },
        )
        # One or two officers for every session; a councillor co-delivers about half of them.
        cur.execute(
            """
            INSERT INTO session_facilitators (session_id, position, name, is_councillor)
            SELECT s.id, p.position,
                   $officers[1 + (k(s.id, 20, len($officers)) + p.position) % len($officers)], FALSE
            FROM sessions s, range(2) p(position)
            WHERE p.position = 0 OR u(s.id, 21) < 0.5
            UNION ALL
            SELECT s.id, 0, pick($councillors, s.id, 22), TRUE
            FROM sessions s WHERE u(s.id, 23) < 0.5
            """,
            {"officers": list(OFFICERS), "councillors": list(COUNCILLORS)},
        )
        # Responses, numbered in the order of their sessions, with a little lift where a
        # councillor co-delivered.
        cur.execute(
            """
            INSERT INTO responses (id, session_id, idempotency_key, submitted_on,
                overall_rating, usefulness, confidence_before, confidence_after, balance,
                length, councillor_type, contact_opt_in, contact_name, contact_detail)
            SELECT row_number() OVER (ORDER BY r.session_id, r.i), r.session_id,
                   'bench-' || r.i,
                   CAST(s.ends_at + to_minutes(CAST(floor(u(r.i, 31) * 2880) AS INT)) AS DATE),
                   CASE WHEN x < 0.04 THEN 1 WHEN x < 0.12 THEN 2 WHEN x < 0.30 THEN 3
                        WHEN x < 0.62 THEN 4 ELSE 5 END,
                   CASE WHEN u(r.i, 32) < 0.05 THEN NULL
                        ELSE LEAST(5, GREATEST(1, CASE WHEN x < 0.04 THEN 1 WHEN x < 0.12 THEN 2
                             WHEN x < 0.30 THEN 3 WHEN x < 0.62 THEN 4 ELSE 5 END
                             + CAST(floor(u(r.i, 33) * 3) AS INT) - 1)) END,
                   before, CASE WHEN before IS NULL OR u(r.i, 34) < 0.05 THEN NULL
                           ELSE LEAST(5, before + CAST(floor(u(r.i, 35) * 2.6) AS INT)) END,
                   CASE WHEN u(r.i, 36) < 0.05 THEN NULL WHEN u(r.i, 36) < 0.25 THEN 'more_why'
                        WHEN u(r.i, 36) < 0.77 THEN 'about_right' ELSE 'more_how' END,
                   CASE WHEN u(r.i, 37) < 0.05 THEN NULL WHEN u(r.i, 37) < 0.15 THEN 'too_short'
                        WHEN u(r.i, 37) < 0.83 THEN 'about_right' ELSE 'too_long' END,
                   CASE WHEN u(r.i, 38) < 0.15 THEN NULL WHEN u(r.i, 38) < 0.30 THEN 'sceptic'
                        WHEN u(r.i, 38) < 0.65 THEN 'cautious'
                        WHEN u(r.i, 38) < 0.88 THEN 'evangelist' ELSE 'next_generation' END,
                   u(r.i, 39) < 0.2,
                   CASE WHEN u(r.i, 39) < 0.2 THEN 'Attendee ' || r.i END,
                   CASE WHEN u(r.i, 39) < 0.2 THEN 'attendee' || r.i || '@example.org' END
            FROM (
                SELECT i, 1 + k(i, 30, $sessions) AS session_id,
                       CASE WHEN u(i, 40) < 0.08 THEN NULL
                            ELSE 1 + CAST(floor(u(i, 41) * 4) AS INT) END AS before
                FROM range($responses) t(i)
            ) r
            JOIN sessions s ON s.id = r.session_id
            CROSS JOIN LATERAL (
                SELECT u(r.i, 42) * 0.85 + u(s.id, 43) * 0.15
                       + CASE WHEN u(s.id, 23) < 0.5 THEN 0.05 ELSE 0 END AS x
            )
            """,
            {"sessions": sessions, "responses": responses},
        )
        # Three comments a response, numbered in the order of their responses.
        cur.execute(
            """
            INSERT INTO comments (id, response_id, session_id, question, text, created_on)
            SELECT j + 1, r.id, r.session_id,
                   ['went_well', 'to_change', 'help_next'][1 + j % 3],
                   CASE j % 3 WHEN 0 THEN pick($well, j, 50)
                              WHEN 1 THEN pick($change, j, 50)
                              ELSE pick($next, j, 50) END,
                   r.submitted_on
            FROM range($comments) t(j) JOIN responses r ON r.id = j // 3 + 1
            """,
            {
                "comments": 3 * responses,
                "well": list(WENT_WELL),
                "change": list(TO_CHANGE),
                "next": list(HELP_NEXT),
            },
        )
        cur.execute(
            """
            INSERT INTO comment_analysis (comment_id, label, score, mixed, drivers,
                analyser_version, analysed_at, session_id)
            SELECT id, label,
                   CASE label WHEN 'positive' THEN 0.2 + u(id, 61) * 0.7
                              WHEN 'negative' THEN -0.8 + u(id, 61) * 0.7
                              ELSE -0.1 + u(id, 61) * 0.2 END,
                   u(id, 62) < 0.08,
                   CASE label WHEN 'positive' THEN 'helpful' WHEN 'negative' THEN 'too long'
                              ELSE '' END,
                   'bench-1', CAST(created_on AS TIMESTAMP), session_id
            FROM (
                SELECT id, created_on, session_id,
                       CASE question
                         WHEN 'went_well' THEN CASE WHEN u(id, 60) < 0.80 THEN 'positive'
                              WHEN u(id, 60) < 0.95 THEN 'neutral' ELSE 'negative' END
                         WHEN 'to_change' THEN CASE WHEN u(id, 60) < 0.45 THEN 'negative'
                              WHEN u(id, 60) < 0.85 THEN 'neutral' ELSE 'positive' END
                         ELSE CASE WHEN u(id, 60) < 0.70 THEN 'neutral'
                              WHEN u(id, 60) < 0.90 THEN 'positive' ELSE 'negative' END
                       END AS label
                FROM comments
            )
            """
        )
        # Two in three comments get a theme, one in five a second one.
        cur.execute(
            """
            INSERT INTO comment_themes (comment_id, theme_id, evidence, label, score, session_id)
            SELECT a.comment_id,
                   $themes[1 + (first + t.k * (1 + k(a.comment_id, 72, 10))) % len($themes)],
                   'matched words', CASE WHEN u(a.comment_id, 73) < 0.9 THEN a.label
                                         ELSE 'neutral' END, a.score, a.session_id
            FROM (SELECT comment_id, label, score, k(comment_id, 71, 11) AS first,
                         u(comment_id, 70) AS draw, session_id FROM comment_analysis) a
            JOIN range(2) t(k) ON (t.k = 0 AND a.draw >= 0.35) OR (t.k = 1 AND a.draw >= 0.8)
            """,
            {"themes": theme_ids},
        )
        # A few people's corrections: labels, themes removed, themes added.
        cur.execute(
            """
            INSERT INTO comment_label_corrections (comment_id, label, corrected_by, corrected_at)
            SELECT comment_id, CASE label WHEN 'negative' THEN 'neutral' ELSE 'negative' END,
                   'Priya Shah', analysed_at + INTERVAL 3 DAY
            FROM comment_analysis WHERE hash(comment_id, 80) % 1000 = 0
            """
        )
        cur.execute(
            """
            INSERT INTO comment_theme_corrections (comment_id, theme_id, action, corrected_by,
                corrected_at)
            SELECT comment_id, theme_id, 'remove', 'Tom Ellery', TIMESTAMP '2026-01-05 10:00'
            FROM comment_themes WHERE hash(comment_id, theme_id, 81) % 2000 = 0
            UNION ALL
            SELECT m.id, 'venue', 'add', 'Tom Ellery', TIMESTAMP '2026-01-05 10:00'
            FROM comments m WHERE hash(m.id, 82) % 2000 = 0 AND NOT EXISTS (
                SELECT 1 FROM comment_themes t WHERE t.comment_id = m.id AND t.theme_id = 'venue')
            """
        )
        # Lessons moving through their stages, recorded in the audit trail as the register
        # records them ('created', then one 'status' entry per move).
        cur.execute(
            """
            INSERT INTO lessons (id, title, lesson, polarity, scope, priority, status,
                source_session_id, logged_at, logged_by, updated_at)
            SELECT i + 1, 'Lesson ' || (i + 1), 'What we learnt',
                   CASE WHEN u(i, 90) < 0.5 THEN 'sustain' ELSE 'improve' END,
                   pick(['session', 'programme', 'organisation'], i, 91),
                   pick(['low', 'medium', 'high'], i, 92),
                   lower(pick($stages, i, 93)),
                   1 + k(i, 94, $sessions),
                   TIMESTAMP '2022-02-01 12:00' + to_days(CAST(floor(u(i, 95) * 1300) AS INT)),
                   'Priya Shah', TIMESTAMP '2026-01-01'
            FROM range($lessons) t(i)
            """,
            {"lessons": lessons, "sessions": sessions, "stages": list(LESSON_STATUSES)},
        )
        cur.execute(
            """
            INSERT INTO audit_log (id, changed_at, actor, entity, entity_id, action, detail,
                from_status, to_status)
            SELECT (SELECT COALESCE(max(id), 0) FROM audit_log)
                   + row_number() OVER (ORDER BY changed_at, entity_id, action), changed_at,
                   'Priya Shah', 'lesson', entity_id, action, detail, from_status, to_status
            FROM (
                SELECT l.logged_at AS changed_at, l.id::VARCHAR AS entity_id,
                       'created' AS action, l.title AS detail, NULL AS from_status,
                       'observed' AS to_status
                FROM lessons l
                UNION ALL
                SELECT l.logged_at + to_days(CAST(step * 30 AS INT)), l.id::VARCHAR, 'status',
                       $stages[step] || ' → ' || $stages[step + 1], lower($stages[step]),
                       lower($stages[step + 1])
                FROM lessons l, range(1, 6) s(step)
                WHERE step <= list_position($stages, upper(l.status[1]) || l.status[2:]) - 1
                UNION ALL
                SELECT l.logged_at + INTERVAL 10 DAY, l.id::VARCHAR, 'evidence',
                       'Linked comment', NULL, NULL
                FROM lessons l
            )
            """,
            {"stages": list(LESSON_STATUSES)},
        )
        cur.execute("CHECKPOINT")
        counts = {
            table: store.count_rows(cur, table)
            for table in (
                "sessions", "session_facilitators", "responses", "comments",
                "comment_analysis", "comment_themes", "comment_label_corrections",
                "comment_theme_corrections", "lessons", "audit_log",
            )
        }  # fmt: skip
    finally:
        cur.close()
        database.close()
    return counts


# --- measuring ------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (VmHWM; ru_maxrss where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


# Streamlit warns that it runs without a server each time this script clears its caches.
QUIET_LOGGERS = (
    "streamlit.runtime.caching.cache_data_api",
    "streamlit.runtime.caching.cache_resource_api",
    "streamlit.runtime.scriptrunner_utils.script_run_context",
)


def render(filter_values: dict[str, Any] | None, cold: bool) -> tuple[float, Any]:
    """Seconds for one full AppTest run of the Trends page, and the finished AppTest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    if cold:
        # Drop the cached reads and the cached connection, so the page reopens the
        # database and computes every aggregate again.
        st.cache_data.clear()
        st.cache_resource.clear()
        gc.collect()
    from lessons import accounts, ui_auth
    from lessons.startup import shared_database

    reader = accounts.account_by_email(shared_database(), READER_EMAIL)
    assert reader is not None, "generate() adds the reader"
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state[ui_auth.ACCOUNT] = reader.id
    if filter_values is not None:
        at.session_state["trends_filter_values"] = dict(filter_values)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the Trends page failed: {at.exception[0].message}")
    return elapsed, at


def metric(at: Any, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def best_ms(call: Callable[[], object], repeats: int = 3) -> float:
    call()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def store_queries(where: Any) -> dict[str, Callable[[Any], object]]:
    """Every store query the Trends page makes, as a function of a cursor."""
    from lessons import store

    return {
        "trend_headline": lambda cur: store.trend_headline(cur, where),
        "trend_by_month": lambda cur: store.trend_by_month(cur, where),
        "trend_sentiment_by_month": lambda cur: store.trend_sentiment_by_month(cur, where),
        "trend_theme_by_month": lambda cur: store.trend_theme_by_month(cur, where),
        "trend_confidence": lambda cur: store.trend_confidence(cur, where),
        "trend_types_by_quarter": lambda cur: store.trend_types_by_quarter(cur, where),
        "trend_answers_by_hands_on": lambda cur: store.trend_answers_by_hands_on(cur, where),
        "trend_co_delivery": lambda cur: store.trend_co_delivery(cur, where),
    }


UNFILTERED_QUERIES = ("trend_lessons_by_status", "trend_choices", "trend_date_range")


def time_queries(database: Any, where: Any) -> dict[str, tuple[float, float | None]]:
    """Best-of-3 milliseconds per query: (no filter, with `where`); None where no filter applies."""
    from lessons import store

    everything = store.TrendFilter()
    timings: dict[str, tuple[float, float | None]] = {}
    with database.reading() as cur:
        plain, chosen = store_queries(everything), store_queries(where)
        for name in plain:
            timings[name] = (
                best_ms(lambda q=plain[name]: q(cur)),
                best_ms(lambda q=chosen[name]: q(cur)),
            )
        for name in UNFILTERED_QUERIES:
            query = getattr(store, name)
            timings[name] = (best_ms(lambda q=query: q(cur)), None)
        timings["data_version"] = (best_ms(lambda: store.data_version(cur)), None)
    return timings


# --- the naive way: every row into pandas, grouped there ---------------------------------------


def naive_aggregates(cur: Any) -> dict[str, Any]:
    """The unfiltered Trends aggregates, from whole tables loaded into pandas."""
    import numpy as np
    import pandas as pd

    from lessons import store

    sessions = cur.execute("SELECT * FROM sessions").df()
    facilitators = cur.execute("SELECT * FROM session_facilitators").df()
    responses = cur.execute("SELECT * FROM responses").df()
    comments = cur.execute("SELECT * FROM comments").df()
    analysis = cur.execute("SELECT * FROM comment_analysis").df()
    label_fixes = cur.execute("SELECT * FROM comment_label_corrections").df()
    themes = cur.execute("SELECT * FROM comment_themes").df()
    theme_fixes = cur.execute("SELECT * FROM comment_theme_corrections").df()

    chosen = sessions[sessions["status"] != "planned"].copy()
    councillors = set(facilitators.loc[facilitators["is_councillor"], "session_id"])
    chosen["co_delivered"] = chosen["id"].isin(councillors)
    chosen["month"] = chosen["starts_at"].dt.to_period("M").dt.to_timestamp()
    chosen["quarter"] = chosen["starts_at"].dt.to_period("Q").dt.to_timestamp()
    answers = responses.merge(
        chosen[["id", "month", "quarter", "co_delivered", "context_minutes",
                "hands_on_minutes", "expected_attendees"]].rename(columns={"id": "sid"}),
        left_on="session_id", right_on="sid",
    )  # fmt: skip
    labels = analysis[["comment_id", "label"]].merge(
        label_fixes[["comment_id", "label"]], on="comment_id", how="outer", suffixes=("", "_fix")
    )
    labels["effective"] = labels["label_fix"].fillna(labels["label"])
    said = comments.merge(chosen[["id", "month"]], left_on="session_id", right_on="id")
    said = said.drop(columns="id_y").rename(columns={"id_x": "id"})
    said = said.merge(labels[["comment_id", "effective"]], left_on="id", right_on="comment_id")

    removed = theme_fixes[theme_fixes["action"] == "remove"][["comment_id", "theme_id"]]
    kept = themes.merge(removed, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    added = theme_fixes[theme_fixes["action"] == "add"][["comment_id", "theme_id"]]
    added = added.merge(themes[["comment_id", "theme_id"]], how="left", indicator=True)
    added = added[added["_merge"] == "left_only"].drop(columns="_merge")
    tagged = pd.concat([kept[["comment_id", "theme_id", "label"]], added.assign(label=None)])
    tagged = tagged.merge(said[["id", "month", "effective"]], left_on="comment_id", right_on="id")
    tagged["negative"] = tagged["label"].fillna(tagged["effective"]) == "negative"

    per_session = answers.groupby("session_id").size()
    rated = chosen.dropna(subset=["expected_attendees"])
    rated = rated[rated["id"].isin(per_session.index)]
    headline = {
        "sessions": len(chosen),
        "responses": len(answers),
        "expected": int(rated["expected_attendees"].sum()),
        "answered": int(per_session.reindex(rated["id"]).sum()),
        "mean_rating": answers["overall_rating"].mean(),
        "negative_share": (said["effective"] == "negative").mean(),
        "comments": len(said),
    }
    by_month = answers.groupby("month").agg(
        responses=("id", "size"), mean_rating=("overall_rating", "mean")
    )
    sentiment = said.dropna(subset=["effective"]).groupby(["month", "effective"]).size()
    theme_month = tagged.groupby(["month", "theme_id"]).agg(
        tagged=("comment_id", "size"), negative=("negative", "sum")
    )
    confidence = pd.concat(
        [
            answers["confidence_before"].dropna().astype(int).value_counts(),
            answers["confidence_after"].dropna().astype(int).value_counts(),
        ],
        keys=["before", "after"],
    )
    types = answers.dropna(subset=["councillor_type"]).groupby(["quarter", "councillor_type"])
    types = types.size()
    total = answers["context_minutes"] + answers["hands_on_minutes"]
    share = answers["hands_on_minutes"] / total.where(total > 0)
    bands = [low for low, _, _ in store.HANDS_ON_BANDS] + [store.HANDS_ON_BANDS[-1][1]]
    names = [label for _, _, label in store.HANDS_ON_BANDS]
    answers["band"] = pd.cut(share, bands, right=False, labels=names)
    balance = answers.dropna(subset=["balance"]).groupby(["band", "balance"], observed=True)
    length = answers.dropna(subset=["length"]).groupby(["band", "length"], observed=True)
    answers["more_why"] = np.where(
        answers["balance"].isna(), np.nan, (answers["balance"] == "more_why").astype(float)
    )
    answers["uplift"] = answers["confidence_after"] - answers["confidence_before"]
    co = answers.groupby("co_delivered").agg(
        responses=("id", "size"),
        mean_rating=("overall_rating", "mean"),
        mean_uplift=("uplift", "mean"),
        wanted_more_why=("more_why", "mean"),
    )
    return {
        "headline": headline,
        "by_month": by_month,
        "sentiment": sentiment,
        "themes": theme_month,
        "confidence": confidence,
        "types": types,
        "balance": balance.size(),
        "length": length.size(),
        "co_delivery": co,
    }


def check_naive_agrees(naive: dict[str, Any], database: Any) -> None:
    """The store and the naive way must give the same numbers, or the comparison means nothing."""
    from lessons import store

    everything = store.TrendFilter()
    with database.reading() as cur:
        headline = store.trend_headline(cur, everything)
        by_month = store.trend_by_month(cur, everything)
        themes = store.trend_theme_by_month(cur, everything)
        sentiment = store.trend_sentiment_by_month(cur, everything)
        co = store.trend_co_delivery(cur, everything)
        answers = store.trend_answers_by_hands_on(cur, everything)
    expected = naive["headline"]
    problems = []
    for name in ("sessions", "responses", "expected", "comments"):
        if getattr(headline, name) != expected[name]:
            problems.append(f"headline {name}: {getattr(headline, name)} != {expected[name]}")
    if headline.response_rate is not None and expected["expected"]:
        naive_rate = expected["answered"] / expected["expected"]
        if abs(headline.response_rate - naive_rate) > 1e-9:
            problems.append(f"response rate {headline.response_rate} != {naive_rate}")
    if abs((headline.negative_share or 0) - expected["negative_share"]) > 1e-9:
        problems.append("headline negative share differs")
    if by_month["responses"].tolist() != naive["by_month"]["responses"].tolist():
        problems.append("responses by month differ")
    if int(themes["tagged"].sum()) != int(naive["themes"]["tagged"].sum()):
        problems.append("tagged comments differ")
    if int(themes["negative"].sum()) != int(naive["themes"]["negative"].sum()):
        problems.append("critical tagged comments differ")
    if int(sentiment["comments"].sum()) != int(naive["sentiment"].sum()):
        problems.append("comments by sentiment differ")
    if (
        co["responses"].tolist()
        != naive["co_delivery"]["responses"].sort_index(ascending=False).tolist()
    ):
        problems.append("co-delivery responses differ")
    balance = answers[answers["question"] == "balance"]["responses"].sum()
    if int(balance) != int(naive["balance"].sum()):
        problems.append("balance answers differ")
    if problems:
        raise AssertionError("store and naive aggregates disagree: " + "; ".join(problems))


# --- one size, in its own process -------------------------------------------------------------


def run_one_size(responses: int, workdir: Path) -> dict[str, float]:
    os.environ.setdefault("LESSONS_DB_MEMORY_LIMIT", MEMORY_LIMIT)
    path = workdir / f"trends-{responses}.duckdb"
    if path.exists():
        path.unlink()
    os.environ["LESSONS_DB"] = str(path)

    print(f"\n=== {responses:,} responses ===", flush=True)
    started = time.perf_counter()
    counts = generate(path, responses)
    print(
        f"generated in {time.perf_counter() - started:.1f} s"
        f" ({path.stat().st_size / 2**20:.0f} MB on disk): "
        + ", ".join(f"{table} {count:,}" for table, count in counts.items()),
        flush=True,
    )
    print(
        f"peak memory after generating: {peak_rss_mb():.0f} MB"
        f" (DuckDB memory_limit {os.environ['LESSONS_DB_MEMORY_LIMIT']})",
        flush=True,
    )

    # Import everything the page imports, then render once untimed: the one-off start-up of
    # a server process (imports, Plotly's lazily loaded validators) is not a page render.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).disabled = True
    import streamlit as st

    import lessons.trends  # noqa: F401
    import lessons.ui_trends  # noqa: F401
    from lessons import store

    first_s, _ = render(None, cold=True)
    render_s, plain = render(None, cold=True)
    warm_s, _ = render(None, cold=False)

    council = COUNCILS[2]
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    filter_values = {"period": (start, end), "council": council}
    filtered_s, filtered = render(filter_values, cold=True)
    filtered_warm_s, _ = render(filter_values, cold=False)
    sessions, chosen = metric(plain, "Sessions"), metric(filtered, "Sessions")
    if int(chosen) >= int(sessions):
        raise AssertionError("the filter did not narrow the Trends page")
    print(
        f"Trends page, cold (caches cleared): {render_s:.2f} s unfiltered ({sessions} sessions,"
        f" {metric(plain, 'Responses')} responses), {filtered_s:.2f} s filtered ({council},"
        f" {start:%d/%m/%Y}-{end:%d/%m/%Y}: {chosen} sessions)",
        flush=True,
    )
    print(
        f"Trends page, warm (cached): {warm_s:.2f} s unfiltered, {filtered_warm_s:.2f} s filtered;"
        f" first render in this process (with start-up): {first_s:.2f} s",
        flush=True,
    )

    st.cache_data.clear()
    st.cache_resource.clear()
    gc.collect()
    database = store.open_database(path)
    try:
        where = store.TrendFilter(start=start, end=end, council=council)
        timings = time_queries(database, where)
        print(f"\n{'store query (best of 3, ms)':<30}{'no filter':>12}{'filtered':>12}")
        for name, (plain_ms, filtered_ms) in timings.items():
            shown = f"{filtered_ms:12.1f}" if filtered_ms is not None else f"{'-':>12}"
            print(f"{name:<30}{plain_ms:12.1f}{shown}")
        slowest_ms = max(max(p, f or 0.0) for p, f in timings.values())
        slowest = max(timings, key=lambda n: max(timings[n][0], timings[n][1] or 0.0))
        print(f"slowest: {slowest}, {slowest_ms:.1f} ms", flush=True)

        peak = peak_rss_mb()
        print(f"peak memory (generation, renders and queries): {peak:.0f} MB", flush=True)

        # The same aggregates, the store's way (sum of the best times above) and the naive way.
        store_s = sum(timings[name][0] for name in store_queries(where)) / 1000
        with database.reading() as cur:
            started = time.perf_counter()
            naive = naive_aggregates(cur)
            naive_s = time.perf_counter() - started
        check_naive_agrees(naive, database)
        del naive
        ratio = naive_s / store_s
        print(
            f"the same aggregates, unfiltered: store {store_s * 1000:.0f} ms,"
            f" naive pandas {naive_s * 1000:.0f} ms (they agree): naive / store = {ratio:.1f}"
            f"; peak memory with the naive way: {peak_rss_mb():.0f} MB",
            flush=True,
        )
    finally:
        database.close()
    return {
        "render_s": round(render_s, 3),
        "render_filtered_s": round(filtered_s, 3),
        "slowest_query_ms": round(slowest_ms, 1),
        "peak_rss_mb": round(peak, 1),
        "naive_ratio": round(ratio, 1),
    }


# --- every size, each in a child process ---------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as error:
        message = f"sizes must be whole numbers, like 10000,100000: {text}"
        raise argparse.ArgumentTypeError(message) from error
    if not sizes or min(sizes) < 25:
        raise argparse.ArgumentTypeError("give at least one size of 25 responses or more")
    return sizes


def run_all(sizes: Sequence[int], workdir: Path) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    env = {**os.environ, "LESSONS_DB_MEMORY_LIMIT": MEMORY_LIMIT}
    for size in sizes:
        out = workdir / f"result-{size}.json"
        command = [sys.executable, __file__, "--one-size", str(size)]
        command += ["--workdir", str(workdir), "--json-out", str(out)]
        subprocess.run(command, check=True, env=env, cwd=ROOT)
        results[str(size)] = json.loads(out.read_text())
    return results


def summarise(results: dict[str, dict[str, float]]) -> None:
    print("\n=== targets ===")
    for size, result in results.items():
        checks = []
        if int(size) in TARGETS:
            limit = TARGETS[int(size)]
            slowest = max(result["render_s"], result["render_filtered_s"])
            checks.append(
                f"render {result['render_s']:.2f} s / {result['render_filtered_s']:.2f} s"
                f" filtered (target <= {limit:g} s): " + ("met" if slowest <= limit else "MISSED")
            )
        if int(size) >= 1_000_000:
            checks.append(
                f"slowest query {result['slowest_query_ms']:.0f} ms (<= {QUERY_TARGET_MS:.0f}):"
                + (" met" if result["slowest_query_ms"] <= QUERY_TARGET_MS else " MISSED")
            )
            checks.append(
                f"peak memory {result['peak_rss_mb']:.0f} MB (<= {MEMORY_TARGET_MB:.0f}):"
                + (" met" if result["peak_rss_mb"] <= MEMORY_TARGET_MB else " MISSED")
            )
        print(f"{int(size):>9,}: " + ("; ".join(checks) or "no target at this size"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="programme sizes in responses, separated by commas (default 10000,100000,1000000)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one_size is not None:
        result = run_one_size(args.one_size, args.workdir or Path(tempfile.mkdtemp()))
        if args.json_out:
            args.json_out.write_text(json.dumps(result))
        return 0

    started = time.perf_counter()
    if args.keep:
        workdir = Path(tempfile.mkdtemp(prefix="dashboard-speed-"))
        results = run_all(args.sizes, workdir)
        print(f"\ndatabases kept in {workdir}")
    else:
        with tempfile.TemporaryDirectory(prefix="dashboard-speed-") as folder:
            results = run_all(args.sizes, Path(folder))
    summarise(results)
    print(f"total benchmark time: {time.perf_counter() - started:.0f} s")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
