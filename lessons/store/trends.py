"""Trends across sessions for programme leads, and the data exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from lessons.choices import COMMENT_MOMENTS, DAY_QUESTIONS, FOLLOWUP_QUESTIONS
from lessons.store.database import Cursor, query_frame

if TYPE_CHECKING:
    import pandas as pd
from lessons.store.sessions import known_councils, known_programmes

# --- trends across sessions (programme leads) -----------------------------------------------
# Every aggregate is computed here in SQL, filtered by the same session conditions, so the
# Trends page never loads rows into Python. Groups smaller than MIN_GROUP are flagged for
# suppression by the caller (the numbers stay available to the code, never to the page).


@dataclass
class TrendFilter:
    start: date | None = None
    end: date | None = None
    programme: str | None = None
    council: str | None = None
    facilitator: str | None = None
    format: str | None = None
    co_delivered: bool | None = None
    # Where the responses came from (online, paper, microsoft_forms, ...): narrows the
    # responses and comments the trends count, not the sessions (see `_chosen`).
    source: str | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """Conditions on sessions `s` (delivered or reviewed), with their parameters."""
        conditions = ["s.status <> 'planned'"]
        params: list[Any] = []
        if self.start is not None:
            conditions.append("s.starts_at >= ?")
            params.append(datetime.combine(self.start, datetime.min.time()))
        if self.end is not None:
            conditions.append("s.starts_at < ?")
            params.append(datetime.combine(self.end, datetime.min.time()) + timedelta(days=1))
        for column in ("programme", "council", "format"):
            value = getattr(self, column)
            if value:
                conditions.append(f"s.{column} = ?")
                params.append(value)
        if self.facilitator:
            conditions.append(
                "EXISTS (SELECT 1 FROM session_facilitators f WHERE f.session_id = s.id"
                " AND f.name = ?)"
            )
            params.append(self.facilitator)
        if self.co_delivered is not None:
            conditions.append(
                ("" if self.co_delivered else "NOT ")
                + "EXISTS (SELECT 1 FROM session_facilitators f WHERE f.session_id = s.id"
                " AND f.is_councillor)"
            )
        return " AND ".join(conditions), params


# Every trend counts the day's comments only: a follow-up's answers (weeks later, migration
# 012) are comments of their session too, and are counted on their own (`trend_followups`).
# The comment tables are narrowed under their own names (a CTE hides the table it is named
# after; inside it, the name is still the table), so every trend query below counts only the
# day's. Each analysis says whether its comment is a follow-up's (migration 016): reading
# that costs next to nothing, where an anti-join of every analysis on the follow-up's
# comments doubled the time of the theme heatmap at a million responses. Left inline (NOT
# MATERIALIZED), the narrowing reaches each scan, and a filtered query still reads only its
# sessions.
_FOLLOWUP_LIST = ", ".join(f"'{question}'" for question in FOLLOWUP_QUESTIONS)
_DAY_ONLY = f"""
    comments AS NOT MATERIALIZED (
        SELECT m.* FROM comments m WHERE m.question NOT IN ({_FOLLOWUP_LIST})
    ),
    comment_analysis AS NOT MATERIALIZED (
        SELECT a.* FROM comment_analysis a WHERE NOT a.followup
    ),
    comment_themes AS NOT MATERIALIZED (SELECT t.* FROM comment_themes t WHERE NOT t.followup),
"""

# With a source chosen, the answer tables are narrowed to that source's responses and their
# comments (a follow-up answer is no row of `responses`, so none of its comments stays).
_BY_SOURCE = """
    responses AS (
        SELECT r.* FROM responses r LEFT JOIN response_sources src ON src.response_id = r.id
        WHERE COALESCE(src.source, 'online') = ?
    ),
    comments AS (SELECT m.* FROM comments m WHERE m.response_id IN (SELECT id FROM responses)),
    comment_analysis AS (
        SELECT a.* FROM comment_analysis a WHERE a.comment_id IN (SELECT id FROM comments)
    ),
    comment_themes AS (
        SELECT t.* FROM comment_themes t WHERE t.comment_id IN (SELECT id FROM comments)
    ),
"""


def _chosen(where: TrendFilter) -> tuple[str, list[Any]]:
    """The `chosen` CTE: the filter's sessions with what the aggregates group them by, so
    that every query narrows the sessions first and joins everything else on their ids;
    before it, the day's comments (and, with a source, its responses) under the tables'
    names."""
    condition, params = where.sql()
    if where.source:
        narrowed, params = _BY_SOURCE, [where.source, *params]
    else:
        narrowed = _DAY_ONLY
    return (
        f"""{narrowed}chosen AS (
            SELECT s.id, date_trunc('month', s.starts_at) AS month,
                   date_trunc('quarter', s.starts_at) AS quarter, s.expected_attendees,
                   s.context_minutes, s.hands_on_minutes
            FROM sessions s WHERE {condition}
        )""",
        params,
    )


# The month and machine label of every analysed comment of the chosen sessions ({only}
# narrows the labels). An inner join: an outer one, or leaving out the corrected comments
# here, costs DuckDB two to three times as much as counting them all and then moving the
# few that people corrected (_LABEL_MOVES).
_MACHINE_LABELS = """
    SELECT c.month, a.label
    FROM comment_analysis a JOIN chosen c ON c.id = a.session_id {only}
"""

# Each person's correction moves its comment out of the machine's label (when there is one)
# and into theirs: (month, label, change in comments).
_LABEL_MOVES = """
    label_corrections AS (
        SELECT c.month, a.label AS machine_label, lc.label
        FROM comment_label_corrections lc
        JOIN comments m ON m.id = lc.comment_id
        JOIN chosen c ON c.id = m.session_id
        LEFT JOIN comment_analysis a ON a.comment_id = lc.comment_id
    ),
    label_moves AS (
        SELECT month, label, count(*) AS comments FROM label_corrections GROUP BY 1, 2
        UNION ALL
        SELECT month, machine_label, -count(*) FROM label_corrections
        WHERE machine_label IS NOT NULL GROUP BY 1, 2
    )
"""


@dataclass(frozen=True)
class Headline:
    sessions: int
    responses: int
    expected: int | None
    response_rate: float | None
    mean_rating: float | None
    mean_uplift: float | None
    negative_share: float | None
    comments: int


def trend_headline(cur: Cursor, where: TrendFilter) -> Headline:
    chosen, params = _chosen(where)
    negatives = _MACHINE_LABELS.format(only="WHERE a.label = 'negative'")
    row = cur.execute(
        f"""
        WITH {chosen},
        answered AS (
            SELECT r.session_id, count(*) AS responses
            FROM responses r JOIN chosen c ON c.id = r.session_id GROUP BY 1
        ),
        answers AS (
            SELECT count(*) AS responses, avg(r.overall_rating) AS rating,
                   avg(r.confidence_after - r.confidence_before) AS uplift
            FROM responses r JOIN chosen c ON c.id = r.session_id
        ),
        rates AS (
            SELECT sum(c.expected_attendees) AS expected, sum(n.responses) AS answered
            FROM chosen c JOIN answered n ON n.session_id = c.id
            WHERE c.expected_attendees IS NOT NULL
        ),
        {_LABEL_MOVES},
        tone AS (
            SELECT (SELECT count(*) FROM comments m JOIN chosen c ON c.id = m.session_id)
                       AS comments,
                   (SELECT count(*) FROM ({negatives}))
                   + (SELECT COALESCE(sum(comments), 0) FROM label_moves
                      WHERE label = 'negative') AS negatives
        )
        SELECT (SELECT count(*) FROM chosen), a.responses, r.expected, r.answered, a.rating,
               a.uplift, CASE WHEN t.comments > 0 THEN t.negatives / t.comments END,
               t.comments
        FROM answers a, rates r, tone t
        """,
        params,
    ).fetchall()[0]
    expected = int(row[2]) if row[2] is not None else None
    rate = (row[3] / expected) if expected else None
    return Headline(int(row[0]), int(row[1]), expected, rate, row[4], row[5], row[6], int(row[7]))


def trend_by_month(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Per month: responses, mean rating (and its spread), mean confidence before and
    after."""
    chosen, params = _chosen(where)
    return query_frame(
        cur,
        f"""
        WITH {chosen}
        SELECT c.month, count(*) AS responses,
               avg(r.overall_rating) AS mean_rating,
               stddev_samp(r.overall_rating) AS rating_sd,
               avg(r.confidence_before) AS confidence_before,
               avg(r.confidence_after) AS confidence_after
        FROM responses r JOIN chosen c ON c.id = r.session_id
        GROUP BY 1 ORDER BY 1
        """,
        params,
    )


def trend_sentiment_by_month(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Per month and label: comments (after corrections)."""
    chosen, params = _chosen(where)
    labelled = _MACHINE_LABELS.format(only="")
    return query_frame(
        cur,
        f"""
        WITH {chosen},
        {_LABEL_MOVES},
        machine AS (SELECT month, label, count(*) AS comments FROM ({labelled}) GROUP BY 1, 2)
        SELECT month, label, CAST(sum(comments) AS BIGINT) AS comments
        FROM (SELECT * FROM machine UNION ALL SELECT * FROM label_moves)
        GROUP BY 1, 2 HAVING sum(comments) > 0
        ORDER BY 1, 2
        """,
        params,
    )


def trend_theme_by_month(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Per month and theme: comments tagged, of all comments that month, and how many
    of them were critical."""
    chosen, params = _chosen(where)
    # A theme's own label (never NULL where the analysis found it) says whether the comment
    # was critical about it; only the themes people added take the comment's label.
    found = (
        "SELECT c.month, t.theme_id, t.label"
        " FROM comment_themes t JOIN chosen c ON c.id = t.session_id"
    )
    return query_frame(
        cur,
        f"""
        WITH {chosen},
        month_comments AS (
            SELECT c.month, count(*) AS comments
            FROM comments m JOIN chosen c ON c.id = m.session_id GROUP BY 1
        ),
        machine AS (
            SELECT month, theme_id, count(*) AS tagged,
                   count(*) FILTER (WHERE label = 'negative') AS negative
            FROM ({found}) GROUP BY 1, 2
        ),
        theme_fixes AS (
            -- What each person's correction changes: a removal takes away a theme the
            -- analysis found; an addition adds one it did not, critical if the comment is.
            SELECT c.month, r.theme_id,
                   CASE WHEN r.action = 'add' THEN 1 ELSE -1 END AS tagged,
                   CASE WHEN r.action = 'add'
                        THEN CASE WHEN COALESCE(lc.label, a.label) = 'negative' THEN 1 ELSE 0 END
                        ELSE CASE WHEN t.label = 'negative' THEN -1 ELSE 0 END
                   END AS negative
            FROM comment_theme_corrections r
            JOIN comments m ON m.id = r.comment_id
            JOIN chosen c ON c.id = m.session_id
            LEFT JOIN comment_themes t ON t.comment_id = r.comment_id AND t.theme_id = r.theme_id
            LEFT JOIN comment_analysis a ON a.comment_id = r.comment_id
            LEFT JOIN comment_label_corrections lc ON lc.comment_id = r.comment_id
            WHERE (r.action = 'add' AND t.comment_id IS NULL)
               OR (r.action = 'remove' AND t.comment_id IS NOT NULL)
        ),
        tone_fixes AS (
            -- A corrected label re-reads the tone of the themes the analysis found in an
            -- answer that was not mixed (as comment_themes_effective does).
            SELECT c.month, t.theme_id, 0 AS tagged,
                   CASE WHEN lc.label = 'negative' THEN 1 ELSE 0 END
                   - CASE WHEN t.label = 'negative' THEN 1 ELSE 0 END AS negative
            FROM comment_label_corrections lc
            JOIN comment_analysis a ON a.comment_id = lc.comment_id AND NOT a.mixed
            JOIN comment_themes t ON t.comment_id = lc.comment_id
            JOIN chosen c ON c.id = t.session_id
            WHERE NOT EXISTS (
                SELECT 1 FROM comment_theme_corrections r WHERE r.comment_id = t.comment_id
                AND r.theme_id = t.theme_id AND r.action = 'remove')
        ),
        tagged AS (
            SELECT month, theme_id, sum(tagged) AS tagged, sum(negative) AS negative
            FROM (SELECT * FROM machine UNION ALL SELECT * FROM theme_fixes
                  UNION ALL SELECT * FROM tone_fixes)
            GROUP BY 1, 2 HAVING sum(tagged) > 0
        )
        SELECT t.month, t.theme_id, CAST(t.tagged AS BIGINT) AS tagged,
               CAST(t.negative AS BIGINT) AS negative, c.comments
        FROM tagged t JOIN month_comments c ON c.month = t.month
        ORDER BY 1, 2
        """,
        params,
    )


def trend_confidence(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """How many answered each confidence level, before and after."""
    chosen, params = _chosen(where)
    return query_frame(
        cur,
        f"""
        WITH {chosen}
        SELECT 'before' AS moment, r.confidence_before AS level, count(*) AS responses
        FROM responses r JOIN chosen c ON c.id = r.session_id
        WHERE r.confidence_before IS NOT NULL GROUP BY 2
        UNION ALL
        SELECT 'after', r.confidence_after, count(*)
        FROM responses r JOIN chosen c ON c.id = r.session_id
        WHERE r.confidence_after IS NOT NULL GROUP BY 2
        ORDER BY 1 DESC, 2
        """,
        params,
    )


def trend_types_by_quarter(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    chosen, params = _chosen(where)
    return query_frame(
        cur,
        f"""
        WITH {chosen}
        SELECT c.quarter, r.councillor_type, count(*) AS responses
        FROM responses r JOIN chosen c ON c.id = r.session_id
        WHERE r.councillor_type IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        params,
    )


# Planned share of hands-on minutes, in bands a person can read.
HANDS_ON_BANDS = (
    (0.0, 0.3, "under 30%"),
    (0.3, 0.5, "30-49%"),
    (0.5, 0.7, "50-69%"),
    (0.7, 1.01, "70% or more"),
)


def trend_answers_by_hands_on(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Balance and length answers, by the planned share of hands-on minutes."""
    chosen, params = _chosen(where)
    band = " ".join(
        f"WHEN share >= {low} AND share < {high} THEN '{label}'"
        for low, high, label in HANDS_ON_BANDS
    )
    # One pass over the responses counts both answers together; the two questions are then
    # read off the few dozen combinations.
    return query_frame(
        cur,
        f"""
        WITH {chosen},
        planned AS (
            SELECT id, CASE {band} END AS band
            FROM (SELECT id, hands_on_minutes * 1.0 / (context_minutes + hands_on_minutes)
                         AS share
                  FROM chosen WHERE context_minutes + hands_on_minutes > 0)
        ),
        answers AS (
            SELECT p.band, r.balance, r.length, count(*) AS responses
            FROM responses r JOIN planned p ON p.id = r.session_id
            WHERE r.balance IS NOT NULL OR r.length IS NOT NULL
            GROUP BY 1, 2, 3
        )
        SELECT band, 'balance' AS question, balance AS answer,
               CAST(sum(responses) AS BIGINT) AS responses
        FROM answers WHERE balance IS NOT NULL GROUP BY 1, 3
        UNION ALL
        SELECT band, 'length', length, CAST(sum(responses) AS BIGINT)
        FROM answers WHERE length IS NOT NULL GROUP BY 1, 3
        ORDER BY 1, 2, 3
        """,
        params,
    )


def trend_co_delivery(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Co-delivered with councillors or not: sessions, responses, rating (and its spread),
    uplift, wanting more of the why."""
    chosen, params = _chosen(where)
    return query_frame(
        cur,
        f"""
        WITH {chosen},
        kinds AS (
            SELECT c.id, EXISTS (SELECT 1 FROM session_facilitators f
                                 WHERE f.session_id = c.id AND f.is_councillor) AS co_delivered
            FROM chosen c
        ),
        sessions_by_kind AS (SELECT co_delivered, count(*) AS sessions FROM kinds GROUP BY 1),
        answers AS (
            SELECT k.co_delivered, count(*) AS responses,
                   avg(r.overall_rating) AS mean_rating,
                   stddev_samp(r.overall_rating) AS rating_sd,
                   avg(r.confidence_after - r.confidence_before) AS mean_uplift,
                   avg(CASE WHEN r.balance = 'more_why' THEN 1.0 ELSE 0.0 END)
                       FILTER (WHERE r.balance IS NOT NULL) AS wanted_more_why
            FROM responses r JOIN kinds k ON k.id = r.session_id
            GROUP BY 1
        )
        SELECT k.co_delivered, k.sessions, COALESCE(a.responses, 0) AS responses,
               a.mean_rating, a.rating_sd, a.mean_uplift, a.wanted_more_why
        FROM sessions_by_kind k LEFT JOIN answers a ON a.co_delivered = k.co_delivered
        ORDER BY 1 DESC
        """,
        params,
    )


def trend_followups(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Per chosen session with any follow-up: its programme, month, follow-up answers and
    how many of them did something since."""
    chosen, params = _chosen(where)
    return query_frame(
        cur,
        f"""
        WITH {chosen}
        SELECT s.id AS session_id, s.programme, c.month, count(*) AS responses,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM followup_choices x WHERE x.followup_id = f.id
                   AND x.kind = 'action' AND x.choice <> 'nothing_yet')) AS did_something
        FROM followup_responses f JOIN chosen c ON c.id = f.session_id
        JOIN sessions s ON s.id = f.session_id
        GROUP BY 1, 2, 3 ORDER BY 3, 2
        """,
        params,
    )


def trend_lessons_by_status(cur: Cursor) -> pd.DataFrame:
    """For each month since the first lesson, how many lessons were in each status at its end
    (from the audit trail, where logging a lesson and every move name the status reached)."""
    return query_frame(
        cur,
        """
        WITH changes AS (
            SELECT CAST(entity_id AS INTEGER) AS lesson_id, changed_at, id, to_status AS status
            FROM audit_log WHERE entity = 'lesson' AND to_status IS NOT NULL
        ),
        months AS (
            SELECT unnest(generate_series(date_trunc('month', min(changed_at)),
                                          date_trunc('month', max(changed_at)),
                                          INTERVAL 1 MONTH)) AS month
            FROM changes
        ),
        latest AS (
            SELECT m.month, c.lesson_id,
                   arg_max(c.status, c.changed_at) AS status
            FROM months m JOIN changes c ON c.changed_at < m.month + INTERVAL 1 MONTH
            GROUP BY 1, 2
        )
        SELECT month, status, count(*) AS lessons FROM latest GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [],
    )


def trend_choices(cur: Cursor) -> dict[str, list[str]]:
    """The values each trend filter can take."""
    return {
        "programme": known_programmes(cur),
        "council": known_councils(cur),
        "format": [
            r[0] for r in cur.execute("SELECT DISTINCT format FROM sessions ORDER BY 1").fetchall()
        ],
        "facilitator": [
            r[0]
            for r in cur.execute(
                "SELECT DISTINCT name FROM session_facilitators ORDER BY 1"
            ).fetchall()
        ],
    }


def trend_date_range(cur: Cursor) -> tuple[date | None, date | None]:
    row = cur.execute(
        "SELECT min(starts_at), max(starts_at) FROM sessions WHERE status <> 'planned'"
    ).fetchall()[0]
    return (row[0].date() if row[0] else None, row[1].date() if row[1] else None)


def data_version(cur: Cursor) -> tuple[object, ...]:
    """Changes whenever feedback, analysis, corrections, sessions, themes or lessons change:
    part of every cached trend's key, so a change made by any process shows at once."""
    # Side by side in one FROM list: as scalar subqueries DuckDB takes several times longer.
    return tuple(
        cur.execute(
            """
            SELECT *
            FROM (SELECT count(*), max(id) FROM responses),
                 (SELECT max(analysed_at) FROM comment_analysis),
                 (SELECT count(*), max(corrected_at) FROM comment_label_corrections),
                 (SELECT count(*), max(corrected_at) FROM comment_theme_corrections),
                 (SELECT max(updated_at) FROM sessions),
                 (SELECT max(updated_at) FROM themes),
                 (SELECT max(id) FROM audit_log),
                 (SELECT count(*) FROM followup_responses)
            """
        ).fetchall()[0]
    )


def export_responses(
    cur: Cursor, where: TrendFilter, min_group: int, include_contact: bool = False
) -> pd.DataFrame:
    """Responses with their session, for CSV and Excel exports (contact details only where
    the attendee opted in, and only when asked for). Sessions with fewer than `min_group`
    responses are left out: one person's answers there could be picked out, and put beside
    the session's comments. No respondent key: nothing joins a row to anything else."""
    condition, params = where.sql()
    contact = ", r.contact_name, r.contact_detail" if include_contact else ""
    return query_frame(
        cur,
        f"""
        SELECT s.title AS session, s.starts_at AS session_date, s.council,
               s.programme, s.format, r.submitted_on, r.overall_rating, r.usefulness,
               r.confidence_before, r.confidence_after, r.balance, r.length,
               r.councillor_type, COALESCE(src.source, 'online') AS source {contact}
        FROM responses r JOIN sessions s ON s.id = r.session_id
        LEFT JOIN response_sources src ON src.response_id = r.id
        WHERE {condition}
          AND r.session_id IN (SELECT session_id FROM responses GROUP BY 1 HAVING count(*) >= ?)
        ORDER BY s.starts_at, s.id, r.id
        """,
        [*params, min_group],
        dates_as_dates=True,
    )


def export_small_groups(cur: Cursor, where: TrendFilter, min_group: int) -> tuple[int, int]:
    """(sessions, responses) the responses export leaves out for being under `min_group`."""
    condition, params = where.sql()
    rows = cur.execute(
        f"""
        SELECT count(*), COALESCE(sum(n), 0) FROM (
            SELECT r.session_id, count(*) AS n
            FROM responses r JOIN sessions s ON s.id = r.session_id
            WHERE {condition} GROUP BY 1 HAVING count(*) < ?
        )
        """,
        [*params, min_group],
    ).fetchall()
    return int(rows[0][0]), int(rows[0][1])


def export_comments(cur: Cursor, where: TrendFilter) -> pd.DataFrame:
    """Comments with their effective sentiment and themes, for CSV and Excel exports. No
    respondent key and no comment id, and within a session the comments run in order of
    question and text, not of arrival: nothing ties a comment to the same person's other
    answers, or to a row of the responses export. Each says whether it was said on the day
    or weeks on, in the follow-up (`said`); a session's day comments come first."""
    day, said = list(DAY_QUESTIONS), COMMENT_MOMENTS
    condition, params = where.sql()
    return query_frame(
        cur,
        f"""
        SELECT s.title AS session, s.starts_at AS session_date, s.council,
               CASE WHEN list_contains(?, m.question) THEN ? ELSE ? END AS said, m.question,
               m.text, l.label AS sentiment, l.corrected,
               (SELECT string_agg(e.theme_id, '; ' ORDER BY e.theme_id)
                  FROM comment_themes_effective e WHERE e.comment_id = m.id) AS themes
        FROM comments m JOIN sessions s ON s.id = m.session_id
        JOIN comment_labels_effective l ON l.comment_id = m.id
        WHERE {condition}
        ORDER BY s.starts_at, s.id, list_contains(?, m.question) DESC, m.question, m.text
        """,
        [day, said["day"], said["weeks_on"], *params, day],
    )
