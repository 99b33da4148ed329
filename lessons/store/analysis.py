"""Themes, comment analysis, corrections and the comments as pages show them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lessons.auth import Actor
from lessons.choices import FOLLOWUP_QUESTIONS
from lessons.store.database import Cursor, insert_rows, shown_name, split_lines

# --- themes and comment analysis ------------------------------------------------------


@dataclass(frozen=True)
class ThemeRow:
    id: str
    name: str
    description: str
    include_terms: tuple[str, ...]
    phrases: tuple[str, ...]
    exclude_terms: tuple[str, ...]
    position: int
    retired: bool


def all_themes(cur: Cursor, include_retired: bool = True) -> list[ThemeRow]:
    rows = cur.execute(
        "SELECT id, name, description, include_terms, phrases, exclude_terms, position, retired"
        " FROM themes WHERE ? OR NOT retired ORDER BY position, id",
        [include_retired],
    ).fetchall()
    return [
        ThemeRow(
            r[0], r[1], r[2], split_lines(r[3]), split_lines(r[4]), split_lines(r[5]), r[6], r[7]
        )
        for r in rows
    ]


def save_theme(cur: Cursor, theme: ThemeRow, now: datetime) -> None:
    """Insert or replace one theme's definition."""
    values = [
        theme.name,
        theme.description,
        "\n".join(theme.include_terms),
        "\n".join(theme.phrases),
        "\n".join(theme.exclude_terms),
        theme.position,
        theme.retired,
        now,
    ]
    exists = cur.execute("SELECT 1 FROM themes WHERE id = ?", [theme.id]).fetchall()
    if exists:
        cur.execute(
            "UPDATE themes SET name = ?, description = ?, include_terms = ?, phrases = ?,"
            " exclude_terms = ?, position = ?, retired = ?, updated_at = ? WHERE id = ?",
            [*values, theme.id],
        )
    else:
        cur.execute(
            "INSERT INTO themes (name, description, include_terms, phrases, exclude_terms,"
            " position, retired, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*values, theme.id],
        )


def theme_ids(cur: Cursor) -> set[str]:
    """The id of every theme, retired or not."""
    return {r[0] for r in cur.execute("SELECT id FROM themes").fetchall()}


def next_theme_position(cur: Cursor) -> int:
    return int(cur.execute("SELECT COALESCE(max(position), 0) + 1 FROM themes").fetchall()[0][0])


@dataclass(frozen=True)
class CommentAnalysisRow:
    """The machine analysis of one comment, as stored."""

    comment_id: int
    label: str
    score: float
    mixed: bool
    drivers: Sequence[str]
    themes: Sequence[tuple[str, Sequence[str], str, float]]  # (theme, evidence, label, score)
    request: bool = False
    asks: Sequence[str] = ()  # the clauses that ask, when `request`


def save_comment_analyses(
    cur: Cursor, analyses: Sequence[CommentAnalysisRow], analyser_version: str, now: datetime
) -> None:
    """Replace the machine analysis of many comments in four statements, however many there
    are (their corrections are kept apart). Each row carries its comment's session, and
    whether the comment answers a follow-up question (as migration 016 marks them)."""
    if not analyses:
        return
    ids = [a.comment_id for a in analyses]
    cur.execute(
        "DELETE FROM comment_themes WHERE comment_id IN (SELECT unnest(?::INTEGER[]))", [ids]
    )
    cur.execute(
        "DELETE FROM comment_analysis WHERE comment_id IN (SELECT unnest(?::INTEGER[]))", [ids]
    )
    cur.execute(
        """
        INSERT INTO comment_analysis (comment_id, label, score, mixed, drivers,
            analyser_version, analysed_at, session_id, request, asks, followup)
        SELECT a.comment_id, a.label, a.score, a.mixed, a.drivers, ?, ?, c.session_id,
               a.request, a.asks, list_contains(?, c.question)
        FROM (SELECT unnest(?::INTEGER[]) AS comment_id, unnest(?::VARCHAR[]) AS label,
                     unnest(?::DOUBLE[]) AS score, unnest(?::BOOLEAN[]) AS mixed,
                     unnest(?::VARCHAR[]) AS drivers, unnest(?::BOOLEAN[]) AS request,
                     unnest(?::VARCHAR[]) AS asks) a
        JOIN comments c ON c.id = a.comment_id
        """,
        [
            analyser_version,
            now,
            list(FOLLOWUP_QUESTIONS),
            ids,
            [a.label for a in analyses],
            [a.score for a in analyses],
            [a.mixed for a in analyses],
            ["\n".join(a.drivers) for a in analyses],
            [a.request for a in analyses],
            ["\n".join(" ".join(ask.split()) for ask in a.asks) for a in analyses],
        ],
    )
    themes = [(a.comment_id, *theme) for a in analyses for theme in a.themes]
    if themes:
        cur.execute(
            """
            INSERT INTO comment_themes (comment_id, theme_id, evidence, label, score,
                session_id, followup)
            SELECT t.comment_id, t.theme_id, t.evidence, t.label, t.score, c.session_id,
                   list_contains(?, c.question)
            FROM (SELECT unnest(?::INTEGER[]) AS comment_id, unnest(?::VARCHAR[]) AS theme_id,
                         unnest(?::VARCHAR[]) AS evidence, unnest(?::VARCHAR[]) AS label,
                         unnest(?::DOUBLE[]) AS score) t
            JOIN comments c ON c.id = t.comment_id
            """,
            [
                list(FOLLOWUP_QUESTIONS),
                [t[0] for t in themes],
                [t[1] for t in themes],
                ["\n".join(t[2]) for t in themes],
                [t[3] for t in themes],
                [t[4] for t in themes],
            ],
        )


def analysed_theme_hashes(cur: Cursor) -> dict[str, str]:
    rows = cur.execute(
        "SELECT theme_id, definition_hash FROM analysed_theme_definitions"
    ).fetchall()
    return {theme_id: definition_hash for theme_id, definition_hash in rows}


def replace_analysed_theme_hashes(cur: Cursor, hashes: dict[str, str]) -> None:
    cur.execute("DELETE FROM analysed_theme_definitions")
    if hashes:
        ordered = sorted(hashes.items())
        insert_rows(
            cur,
            "analysed_theme_definitions",
            {
                "theme_id": ("VARCHAR", [theme_id for theme_id, _ in ordered]),
                "definition_hash": ("VARCHAR", [h for _, h in ordered]),
            },
        )


def comment_texts(cur: Cursor) -> list[tuple[int, str, str]]:
    """(id, question, text) of every comment the analysis reads (not the Welsh ones: it
    reads English), oldest first."""
    rows = cur.execute(
        "SELECT id, question, text FROM comments WHERE language = 'en' ORDER BY id"
    ).fetchall()
    return [(int(r[0]), r[1], r[2]) for r in rows]


def comment_ids_needing_analysis(cur: Cursor, analyser_version: str) -> list[int]:
    """Comments never analysed, or analysed by an older version of the rules."""
    rows = cur.execute(
        "SELECT c.id FROM comments c LEFT JOIN comment_analysis a ON a.comment_id = c.id"
        " WHERE c.language = 'en' AND (a.comment_id IS NULL OR a.analyser_version <> ?)"
        " ORDER BY c.id",
        [analyser_version],
    ).fetchall()
    return [int(r[0]) for r in rows]


def comment_ids_tagged_with(cur: Cursor, theme_ids: Sequence[str]) -> list[int]:
    if not theme_ids:
        return []
    rows = cur.execute(
        "SELECT DISTINCT comment_id FROM comment_themes WHERE list_contains(?, theme_id)",
        [list(theme_ids)],
    ).fetchall()
    return [int(r[0]) for r in rows]


def set_label_correction(
    cur: Cursor, comment_id: int, label: str | None, corrected_by: Actor, now: datetime
) -> None:
    """Record a person's label for a comment (None removes the correction)."""
    cur.execute("DELETE FROM comment_label_corrections WHERE comment_id = ?", [comment_id])
    if label is not None:
        cur.execute(
            "INSERT INTO comment_label_corrections (comment_id, label, corrected_by,"
            " corrected_by_account_id, corrected_at) VALUES (?, ?, ?, ?, ?)",
            [comment_id, label, corrected_by.name, corrected_by.account_id, now],
        )


def set_theme_correction(
    cur: Cursor,
    comment_id: int,
    theme_id: str,
    action: str | None,
    corrected_by: Actor,
    now: datetime,
) -> None:
    """Record that a person added or removed a theme (None removes the correction)."""
    cur.execute(
        "DELETE FROM comment_theme_corrections WHERE comment_id = ? AND theme_id = ?",
        [comment_id, theme_id],
    )
    if action is not None:
        cur.execute(
            "INSERT INTO comment_theme_corrections (comment_id, theme_id, action, corrected_by,"
            " corrected_by_account_id, corrected_at) VALUES (?, ?, ?, ?, ?, ?)",
            [comment_id, theme_id, action, corrected_by.name, corrected_by.account_id, now],
        )


def set_request_correction(
    cur: Cursor, comment_id: int, request: bool | None, corrected_by: Actor, now: datetime
) -> None:
    """Record whether a person says a comment asks for something (None removes it)."""
    cur.execute("DELETE FROM comment_request_corrections WHERE comment_id = ?", [comment_id])
    if request is not None:
        cur.execute(
            "INSERT INTO comment_request_corrections (comment_id, request, corrected_by,"
            " corrected_by_account_id, corrected_at) VALUES (?, ?, ?, ?, ?)",
            [comment_id, request, corrected_by.name, corrected_by.account_id, now],
        )


def record_review(cur: Cursor, comment_id: int, reviewed_by: Actor, now: datetime) -> None:
    """Record that a person reviewed (corrected or confirmed) a comment's readings."""
    cur.execute("DELETE FROM comment_reviews WHERE comment_id = ?", [comment_id])
    cur.execute(
        "INSERT INTO comment_reviews (comment_id, reviewed_by, reviewed_by_account_id,"
        " reviewed_at) VALUES (?, ?, ?, ?)",
        [comment_id, reviewed_by.name, reviewed_by.account_id, now],
    )


def comment_exists(cur: Cursor, comment_id: int) -> bool:
    return bool(cur.execute("SELECT 1 FROM comments WHERE id = ?", [comment_id]).fetchall())


@dataclass(frozen=True)
class AnalysedComment:
    """A comment as every page shows it: the analysis with the corrections applied."""

    id: int
    session_id: int
    session_title: str
    session_starts_at: datetime
    question: str
    text: str
    label: str | None
    machine_label: str | None
    label_corrected: bool
    score: float | None
    mixed: bool
    drivers: tuple[str, ...]
    themes: tuple[str, ...]
    machine_themes: tuple[str, ...]
    evidence: dict[str, tuple[str, ...]]
    theme_labels: dict[str, str]
    corrected_by: str | None  # who last corrected the label or the themes, if anyone
    request: bool = False  # asks for a change or an addition (after corrections)
    machine_request: bool = False
    request_corrected: bool = False
    asks: tuple[str, ...] = ()  # the clauses that ask, as the analysis found them
    reviewed: bool = False  # a person saved its readings (corrected or confirmed)
    language: str = "en"  # 'cy': kept as written, not analysed (the analysis reads English)


@dataclass
class CommentFilter:
    session_id: int | None = None
    theme_id: str | None = None
    label: str | None = None
    question: str | None = None
    questions: Sequence[str] = ()  # when given, only comments answering one of these
    text: str = ""
    untagged_only: bool = False
    requests_only: bool = False
    comment_id: int | None = None
    limit: int = 500


def analysed_comments(cur: Cursor, where: CommentFilter) -> list[AnalysedComment]:
    """Comments with their effective label and themes, newest first, filtered."""
    conditions = ["TRUE"]
    params: list[Any] = []
    if where.comment_id is not None:
        conditions.append("c.id = ?")
        params.append(where.comment_id)
    if where.session_id is not None:
        conditions.append("c.session_id = ?")
        params.append(where.session_id)
    if where.question:
        conditions.append("c.question = ?")
        params.append(where.question)
    if where.questions:
        conditions.append("list_contains(?, c.question)")
        params.append(list(where.questions))
    if where.label:
        conditions.append("l.label = ?")
        params.append(where.label)
    if where.text.strip():
        conditions.append("lower(c.text) LIKE ? ESCAPE '\\'")
        escaped = where.text.strip().lower().replace("\\", "\\\\").replace("%", "\\%")
        params.append("%" + escaped.replace("_", "\\_") + "%")
    if where.theme_id:
        conditions.append(
            "EXISTS (SELECT 1 FROM comment_themes_effective e"
            " WHERE e.comment_id = c.id AND e.theme_id = ?)"
        )
        params.append(where.theme_id)
    if where.requests_only:
        conditions.append("q.request")
    if where.untagged_only:
        conditions.append(
            "NOT EXISTS (SELECT 1 FROM comment_themes_effective e WHERE e.comment_id = c.id)"
        )
    rows = cur.execute(
        f"""
        SELECT c.id, c.session_id, s.title, s.starts_at, c.question, c.text,
               l.label, l.machine_label, l.corrected, a.score, COALESCE(a.mixed, FALSE),
               COALESCE(a.drivers, ''), who.corrected_by, q.request, q.machine_request,
               q.corrected, q.asks, rv.comment_id IS NOT NULL, c.language
        FROM comments c
        JOIN sessions s ON s.id = c.session_id
        JOIN comment_labels_effective l ON l.comment_id = c.id
        JOIN comment_requests_effective q ON q.comment_id = c.id
        LEFT JOIN comment_reviews rv ON rv.comment_id = c.id
        LEFT JOIN comment_analysis a ON a.comment_id = c.id
        LEFT JOIN (
            SELECT comment_id, arg_max(corrected_by, corrected_at) AS corrected_by
            FROM (SELECT comment_id, {shown_name("corrected_by")} AS corrected_by, corrected_at
                  FROM comment_label_corrections
                  UNION ALL
                  SELECT comment_id, {shown_name("corrected_by")}, corrected_at
                  FROM comment_theme_corrections
                  UNION ALL
                  SELECT comment_id, {shown_name("corrected_by")}, corrected_at
                  FROM comment_request_corrections)
            GROUP BY 1
        ) who ON who.comment_id = c.id
        WHERE {" AND ".join(conditions)}
        ORDER BY s.starts_at DESC, c.id DESC
        LIMIT ?
        """,
        [*params, where.limit],
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    effective: dict[int, list[str]] = {i: [] for i in ids}
    machine: dict[int, list[str]] = {i: [] for i in ids}
    evidence: dict[int, dict[str, tuple[str, ...]]] = {i: {} for i in ids}
    theme_labels: dict[int, dict[str, str]] = {i: {} for i in ids}
    if ids:
        # Each theme's tone as it stands after corrections (a corrected label re-reads it).
        for comment_id, theme_id, theme_label in cur.execute(
            "SELECT comment_id, theme_id, label FROM comment_themes_effective"
            " WHERE list_contains(?, comment_id) ORDER BY theme_id",
            [ids],
        ).fetchall():
            effective[comment_id].append(theme_id)
            if theme_label is not None:
                theme_labels[comment_id][theme_id] = theme_label
        for comment_id, theme_id, words in cur.execute(
            "SELECT comment_id, theme_id, evidence FROM comment_themes"
            " WHERE list_contains(?, comment_id) ORDER BY theme_id",
            [ids],
        ).fetchall():
            machine[comment_id].append(theme_id)
            evidence[comment_id][theme_id] = split_lines(words)
    return [
        AnalysedComment(
            id=int(r[0]),
            session_id=r[1],
            session_title=r[2],
            session_starts_at=r[3],
            question=r[4],
            text=r[5],
            label=r[6],
            machine_label=r[7],
            label_corrected=bool(r[8]),
            score=r[9],
            mixed=bool(r[10]),
            drivers=split_lines(r[11]),
            themes=tuple(effective[int(r[0])]),
            machine_themes=tuple(machine[int(r[0])]),
            evidence=evidence[int(r[0])],
            theme_labels=theme_labels[int(r[0])],
            corrected_by=r[12],
            request=bool(r[13]),
            machine_request=bool(r[14]),
            request_corrected=bool(r[15]),
            asks=split_lines(r[16]),
            reviewed=bool(r[17]),
            language=r[18],
        )
        for r in rows
    ]


def untagged_comment_texts(cur: Cursor, limit: int = 5000) -> list[str]:
    rows = cur.execute(
        "SELECT c.text FROM comments c WHERE NOT EXISTS"
        " (SELECT 1 FROM comment_themes_effective e WHERE e.comment_id = c.id)"
        " ORDER BY c.id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [r[0] for r in rows]


def recent_comment_texts(cur: Cursor, limit: int) -> list[str]:
    """The texts of the newest `limit` comments, oldest of them first."""
    rows = cur.execute(
        "SELECT text FROM (SELECT id, text FROM comments ORDER BY id DESC LIMIT ?) ORDER BY id",
        [limit],
    ).fetchall()
    return [r[0] for r in rows]


def sample_comment_texts(cur: Cursor, limit: int = 12) -> list[str]:
    """A spread of recent comments for previews (the longer ones say more)."""
    rows = cur.execute(
        "SELECT text FROM comments WHERE length(text) >= 20 ORDER BY id DESC LIMIT ?", [limit]
    ).fetchall()
    return [r[0] for r in rows]
