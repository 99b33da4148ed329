"""The audit trail, reflections and the lessons register."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from lessons.auth import Actor
from lessons.store.database import (
    Cursor,
    insert_rows,
    shown_name,
    split_lines,
    update_columns,
)

# --- audit trail ---------------------------------------------------------------------------


def append_audit(
    cur: Cursor,
    actor: Actor,
    entity: str,
    entity_id: object,
    action: str,
    detail: str,
    now: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
) -> None:
    """One row of the append-only audit trail, naming the account that acted (and its name
    then); a lifecycle move also names the status it left and the status it reached, in
    columns of their own."""
    cur.execute(
        "INSERT INTO audit_log (changed_at, actor, actor_account_id, entity, entity_id, action,"
        " detail, from_status, to_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            now,
            actor.name,
            actor.account_id,
            entity,
            str(entity_id),
            action,
            detail,
            from_status,
            to_status,
        ],
    )


@dataclass(frozen=True)
class AuditEntry:
    changed_at: datetime
    actor: str  # as shown: a name typed before accounts existed says so
    action: str
    detail: str
    from_status: str | None
    to_status: str | None
    actor_account_id: int | None


def audit_for(cur: Cursor, entity: str, entity_id: object) -> list[AuditEntry]:
    rows = cur.execute(
        f"SELECT changed_at, {shown_name('actor')}, action, detail, from_status, to_status,"
        " actor_account_id FROM audit_log WHERE entity = ? AND entity_id = ?"
        " ORDER BY changed_at, id",
        [entity, str(entity_id)],
    ).fetchall()
    return [AuditEntry(*row) for row in rows]


# --- reflections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReflectionAnswerRow:
    id: int
    prompt: str
    text: str
    label: str | None
    score: float | None
    mixed: bool
    drivers: tuple[str, ...]
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ReflectionRow:
    id: int
    session_id: int
    author: str  # as shown: a name typed before accounts existed says so
    author_account_id: int | None
    template: str
    status: str
    created_at: datetime
    updated_at: datetime
    answers: tuple[ReflectionAnswerRow, ...]


def reflection_id_for(cur: Cursor, session_id: int, author_account_id: int) -> int | None:
    """The reflection an account wrote (or was handed) on a session."""
    rows = cur.execute(
        "SELECT id FROM reflections WHERE session_id = ? AND author_account_id = ?",
        [session_id, author_account_id],
    ).fetchall()
    return int(rows[0][0]) if rows else None


def insert_reflection(
    cur: Cursor, session_id: int, author: Actor, template: str, status: str, now: datetime
) -> int:
    rows = cur.execute(
        "INSERT INTO reflections (session_id, author, author_account_id, template, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [session_id, author.name, author.account_id, template, status, now, now],
    ).fetchall()
    return int(rows[0][0])


def reflection_owner(cur: Cursor, reflection_id: int) -> tuple[int, int | None, str] | None:
    """(session id, author's account, author as shown) of a reflection."""
    rows = cur.execute(
        f"SELECT session_id, author_account_id, {shown_name('author')} FROM reflections"
        " WHERE id = ?",
        [reflection_id],
    ).fetchall()
    return (int(rows[0][0]), rows[0][1], rows[0][2]) if rows else None


def set_reflection_author(cur: Cursor, reflection_id: int, author: Actor, now: datetime) -> None:
    """Hand a reflection to another account (its answers and their ids stay)."""
    cur.execute(
        "UPDATE reflections SET author = ?, author_account_id = ?, author_typed = FALSE,"
        " updated_at = ? WHERE id = ?",
        [author.name, author.account_id, now, reflection_id],
    )


def update_reflection(
    cur: Cursor, reflection_id: int, template: str, status: str, now: datetime
) -> None:
    cur.execute(
        "UPDATE reflections SET template = ?, status = ?, updated_at = ? WHERE id = ?",
        [template, status, now, reflection_id],
    )


@dataclass(frozen=True)
class ReflectionAnswerValues:
    """One answer of a reflection as saved, with its analysis (None when blank)."""

    prompt: str
    text: str
    label: str | None
    score: float | None
    mixed: bool
    drivers: Sequence[str]
    themes: Sequence[str]


def save_reflection_answers(
    cur: Cursor,
    reflection_id: int,
    answers: Sequence[ReflectionAnswerValues],
    new: bool = False,
) -> dict[str, int]:
    """Insert or update a reflection's answers in place, keeping each answer's id (evidence
    links point at it): one statement for the new answers and one for the edited (`new`: a
    reflection just inserted, with no answers yet). Returns prompt → answer id."""
    existing: dict[str, int] = (
        {}
        if new
        else dict(
            cur.execute(
                "SELECT prompt, id FROM reflection_answers WHERE reflection_id = ?",
                [reflection_id],
            ).fetchall()
        )
    )
    edited = [a for a in answers if a.prompt in existing]
    added = [a for a in answers if a.prompt not in existing]

    def columns(rows: Sequence[ReflectionAnswerValues]) -> dict[str, tuple[str, Sequence[Any]]]:
        return {
            "text": ("VARCHAR", [a.text for a in rows]),
            "label": ("VARCHAR", [a.label for a in rows]),
            "score": ("DOUBLE", [a.score for a in rows]),
            "mixed": ("BOOLEAN", [a.mixed for a in rows]),
            "drivers": ("VARCHAR", ["\n".join(a.drivers) for a in rows]),
            "themes": ("VARCHAR", ["\n".join(a.themes) for a in rows]),
        }

    if edited:
        values = columns(edited)
        cur.execute(
            """
            UPDATE reflection_answers SET text = v.text, label = v.label, score = v.score,
                mixed = v.mixed, drivers = v.drivers, themes = v.themes
            FROM (SELECT unnest(?::INTEGER[]) AS id, unnest(?::VARCHAR[]) AS text,
                         unnest(?::VARCHAR[]) AS label, unnest(?::DOUBLE[]) AS score,
                         unnest(?::BOOLEAN[]) AS mixed, unnest(?::VARCHAR[]) AS drivers,
                         unnest(?::VARCHAR[]) AS themes) v
            WHERE reflection_answers.id = v.id
            """,
            [[existing[a.prompt] for a in edited], *(list(v) for _, v in values.values())],
        )
    inserted = insert_rows(
        cur,
        "reflection_answers",
        {
            "reflection_id": ("INTEGER", [reflection_id] * len(added)),
            "prompt": ("VARCHAR", [a.prompt for a in added]),
            **columns(added),
        },
        returning="prompt, id",
    )
    return {**{a.prompt: existing[a.prompt] for a in edited}, **dict(inserted)}


def reflections_for_session(cur: Cursor, session_id: int) -> list[ReflectionRow]:
    reflections = cur.execute(
        f"SELECT id, session_id, {shown_name('author')}, author_account_id, template, status,"
        " created_at, updated_at FROM reflections WHERE session_id = ? ORDER BY created_at, id",
        [session_id],
    ).fetchall()
    if not reflections:
        return []
    answers: dict[int, list[ReflectionAnswerRow]] = {int(r[0]): [] for r in reflections}
    for row in cur.execute(
        "SELECT reflection_id, id, prompt, text, label, score, COALESCE(mixed, FALSE), drivers,"
        " themes FROM reflection_answers WHERE list_contains(?, reflection_id) ORDER BY id",
        [list(answers)],
    ).fetchall():
        answers[int(row[0])].append(
            ReflectionAnswerRow(
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                bool(row[6]),
                split_lines(row[7]),
                split_lines(row[8]),
            )
        )
    return [
        ReflectionRow(
            id=int(r[0]),
            session_id=r[1],
            author=r[2],
            author_account_id=r[3],
            template=r[4],
            status=r[5],
            created_at=r[6],
            updated_at=r[7],
            answers=tuple(answers[int(r[0])]),
        )
        for r in reflections
    ]


def reflection_answer_by_id(
    cur: Cursor, answer_id: int
) -> tuple[ReflectionAnswerRow, int, str] | None:
    """An answer with its session id and author."""
    rows = cur.execute(
        "SELECT a.id, a.prompt, a.text, a.label, a.score, COALESCE(a.mixed, FALSE), a.drivers,"
        f" a.themes, r.session_id, {shown_name('r.author')} FROM reflection_answers a"
        " JOIN reflections r ON r.id = a.reflection_id WHERE a.id = ?",
        [answer_id],
    ).fetchall()
    if not rows:
        return None
    r = rows[0]
    answer = ReflectionAnswerRow(
        r[0], r[1], r[2], r[3], r[4], bool(r[5]), split_lines(r[6]), split_lines(r[7])
    )
    return answer, int(r[8]), r[9]


# --- lessons register ----------------------------------------------------------------------

LESSON_FIELDS = (
    "title",
    "what_happened",
    "effect",
    "cause",
    "lesson",
    "recommendation",
    "polarity",
    "scope",
    "priority",
    "action",
    "owner",
    "due_date",
    "source_session_id",
)


@dataclass(frozen=True)
class LessonRow:
    id: int
    title: str
    what_happened: str
    effect: str
    cause: str
    lesson: str
    recommendation: str
    polarity: str
    scope: str
    priority: str
    action: str
    owner: str
    due_date: date | None
    status: str
    applied_session_id: int | None
    effectiveness_evidence: str
    rejection_reason: str
    source_session_id: int | None
    logged_at: datetime
    logged_by: str  # as shown: a name typed before accounts existed says so
    updated_at: datetime
    themes: tuple[str, ...]
    evidence_count: int
    applied_session_title: str | None
    source_session_title: str | None


# Each lesson with its themes, how much evidence it has and the titles of its sessions, in
# one query: aggregates joined on, which DuckDB runs faster than subqueries.
_LESSON_ROWS = f"""
    SELECT l.id, l.title, l.what_happened, l.effect, l.cause, l.lesson, l.recommendation,
           l.polarity, l.scope, l.priority, l.action, l.owner, l.due_date, l.status,
           l.applied_session_id, l.effectiveness_evidence, l.rejection_reason,
           l.source_session_id, l.logged_at, {shown_name("l.logged_by")}, l.updated_at,
           COALESCE(t.themes, []), COALESCE(e.evidence, 0), applied.title, source.title
    FROM lessons l
    LEFT JOIN (SELECT lesson_id, list(theme_id ORDER BY theme_id) AS themes
               FROM lesson_themes GROUP BY 1) t ON t.lesson_id = l.id
    LEFT JOIN (SELECT lesson_id, count(*) AS evidence FROM lesson_evidence GROUP BY 1) e
        ON e.lesson_id = l.id
    LEFT JOIN sessions applied ON applied.id = l.applied_session_id
    LEFT JOIN sessions source ON source.id = l.source_session_id
"""


_LESSON_ROW_NAMES = [f.name for f in fields(LessonRow)][:21]


def _lesson_rows(cur: Cursor, where: str, params: list[Any]) -> list[LessonRow]:
    rows = cur.execute(f"{_LESSON_ROWS} {where} ORDER BY l.id", params).fetchall()
    return [
        LessonRow(
            **dict(zip(_LESSON_ROW_NAMES, r[:21], strict=True)),
            themes=tuple(r[21]),
            evidence_count=int(r[22]),
            applied_session_title=r[23],
            source_session_title=r[24],
        )
        for r in rows
    ]


def all_lessons(cur: Cursor) -> list[LessonRow]:
    return _lesson_rows(cur, "", [])


def lesson_titles(cur: Cursor, statuses: Sequence[str]) -> dict[int, str]:
    """Id → title of the lessons at any of these statuses, oldest first."""
    rows = cur.execute(
        "SELECT id, title FROM lessons WHERE status IN (SELECT unnest(?::VARCHAR[])) ORDER BY id",
        [list(statuses)],
    ).fetchall()
    return {int(lesson_id): title for lesson_id, title in rows}


def lessons_applied_in(cur: Cursor, session_id: int) -> list[LessonRow]:
    """The lessons applied (embedded) in a session, whatever stage they reached since."""
    return _lesson_rows(cur, "WHERE l.applied_session_id = ?", [session_id])


def lessons_by_ids(cur: Cursor, lesson_ids: Sequence[int]) -> list[LessonRow]:
    if not lesson_ids:
        return []
    return _lesson_rows(cur, "WHERE l.id IN (SELECT unnest(?::INTEGER[]))", [list(lesson_ids)])


def lesson_by_id(cur: Cursor, lesson_id: int) -> LessonRow | None:
    rows = _lesson_rows(cur, "WHERE l.id = ?", [lesson_id])
    return rows[0] if rows else None


@dataclass(frozen=True)
class LessonState:
    """What a lifecycle move is checked against: where a lesson stands and its action."""

    status: str
    action: str
    owner: str
    due_date: date | None


def lesson_state(cur: Cursor, lesson_id: int) -> LessonState | None:
    rows = cur.execute(
        "SELECT status, action, owner, due_date FROM lessons WHERE id = ?", [lesson_id]
    ).fetchall()
    return LessonState(*rows[0]) if rows else None


def insert_lesson(
    cur: Cursor, values: dict[str, Any], status: str, logged_by: Actor, now: datetime
) -> int:
    columns = [
        *LESSON_FIELDS,
        "status",
        "logged_at",
        "logged_by",
        "logged_by_account_id",
        "updated_at",
    ]
    params = [values[f] for f in LESSON_FIELDS] + [
        status,
        now,
        logged_by.name,
        logged_by.account_id,
        now,
    ]
    rows = cur.execute(
        f"INSERT INTO lessons ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
        params,
    ).fetchall()
    return int(rows[0][0])


def update_lesson(cur: Cursor, lesson_id: int, values: dict[str, Any], now: datetime) -> None:
    """Update any of the lesson's columns named in `values` (names checked, never user input)."""
    allowed = set(LESSON_FIELDS) | {
        "status",
        "applied_session_id",
        "effectiveness_evidence",
        "rejection_reason",
    }
    update_columns(cur, "lessons", lesson_id, values, allowed, now)


def set_lesson_themes(
    cur: Cursor, lesson_id: int, theme_ids: Sequence[str], new: bool = False
) -> None:
    """A lesson's themes (`new`: a lesson just inserted, which has none to replace)."""
    if not new:
        cur.execute("DELETE FROM lesson_themes WHERE lesson_id = ?", [lesson_id])
    if theme_ids:
        chosen = sorted(set(theme_ids))
        insert_rows(
            cur,
            "lesson_themes",
            {"lesson_id": ("INTEGER", [lesson_id] * len(chosen)), "theme_id": ("VARCHAR", chosen)},
        )


def insert_lesson_evidence(
    cur: Cursor,
    lesson_id: int,
    comment_id: int | None,
    reflection_answer_id: int | None,
    note: str,
    added_by: Actor,
    now: datetime,
) -> int:
    rows = cur.execute(
        "INSERT INTO lesson_evidence (lesson_id, comment_id, reflection_answer_id, note,"
        " added_at, added_by, added_by_account_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            lesson_id,
            comment_id,
            reflection_answer_id,
            note,
            now,
            added_by.name,
            added_by.account_id,
        ],
    ).fetchall()
    return int(rows[0][0])


@dataclass(frozen=True)
class EvidenceTarget:
    """What linking a piece of evidence to a lesson would find."""

    lesson_exists: bool
    comment_exists: bool  # False when no comment is named
    answer_exists: bool  # False when no reflection answer is named
    already_linked: bool  # the same comment or answer is linked to the lesson already


def evidence_target(
    cur: Cursor, lesson_id: int, comment_id: int | None, reflection_answer_id: int | None
) -> EvidenceTarget:
    row = cur.execute(
        """
        SELECT EXISTS (SELECT 1 FROM lessons WHERE id = $lesson),
               EXISTS (SELECT 1 FROM comments WHERE id = $comment),
               EXISTS (SELECT 1 FROM reflection_answers WHERE id = $answer),
               EXISTS (SELECT 1 FROM lesson_evidence WHERE lesson_id = $lesson
                       AND comment_id IS NOT DISTINCT FROM $comment
                       AND reflection_answer_id IS NOT DISTINCT FROM $answer)
        """,
        {"lesson": lesson_id, "comment": comment_id, "answer": reflection_answer_id},
    ).fetchall()[0]
    return EvidenceTarget(*(bool(value) for value in row))


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    kind: str  # comment, reflection or note
    text: str
    source: str
    note: str
    added_at: datetime
    added_by: str
    comment_id: int | None
    reflection_answer_id: int | None


def evidence_for_lesson(cur: Cursor, lesson_id: int) -> list[EvidenceRow]:
    rows = cur.execute(
        f"""
        SELECT e.id,
               CASE WHEN e.comment_id IS NOT NULL THEN 'comment'
                    WHEN e.reflection_answer_id IS NOT NULL THEN 'reflection' ELSE 'note' END,
               COALESCE(c.text, a.text, ''),
               COALESCE(cs.title, rs.title, ''),
               e.note, e.added_at, {shown_name("e.added_by")}, e.comment_id,
               e.reflection_answer_id, {shown_name("r.author")}, a.prompt, c.question
        FROM lesson_evidence e
        LEFT JOIN comments c ON c.id = e.comment_id
        LEFT JOIN sessions cs ON cs.id = c.session_id
        LEFT JOIN reflection_answers a ON a.id = e.reflection_answer_id
        LEFT JOIN reflections r ON r.id = a.reflection_id
        LEFT JOIN sessions rs ON rs.id = r.session_id
        WHERE e.lesson_id = ? ORDER BY e.added_at, e.id
        """,
        [lesson_id],
    ).fetchall()
    result = []
    for r in rows:
        source = r[3]
        if r[1] == "reflection":
            source = f"{source} — reflection by {r[9]} ({r[10]})"
        elif r[1] == "comment":
            source = f"{source} — attendee comment ({r[11]})"
        result.append(EvidenceRow(r[0], r[1], r[2], source, r[4], r[5], r[6], r[7], r[8]))
    return result


def lessons_for_comments(
    cur: Cursor, comment_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, str]]]:
    """For each of these comments, (id, title, status) of the lessons it supports: one query
    for a page of comments."""
    found: dict[int, list[tuple[int, str, str]]] = {int(i): [] for i in comment_ids}
    if not comment_ids:
        return found
    for comment_id, lesson_id, title, status in cur.execute(
        "SELECT e.comment_id, l.id, l.title, l.status FROM lesson_evidence e"
        " JOIN lessons l ON l.id = e.lesson_id WHERE list_contains(?, e.comment_id)"
        " ORDER BY e.comment_id, l.id",
        [list(comment_ids)],
    ).fetchall():
        found[int(comment_id)].append((int(lesson_id), title, status))
    return found


def lesson_counts_by_comment(cur: Cursor, comment_ids: Sequence[int]) -> dict[int, int]:
    if not comment_ids:
        return {}
    rows = cur.execute(
        "SELECT comment_id, count(*) FROM lesson_evidence WHERE list_contains(?, comment_id)"
        " GROUP BY comment_id",
        [list(comment_ids)],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}
