"""Written reports: the lessons register as export rows, and a lessons report in Markdown
that reads like the seed's blog post ("In summary, we have learnt: …")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from lessons import export, store
from lessons.anonymity import SummaryShown, summary_shown
from lessons.choices import STATUSES
from lessons.register import is_overdue


def register_rows(
    lessons: Sequence[store.LessonRow], theme_names: Mapping[str, str]
) -> list[dict[str, object]]:
    """The register as plain rows for CSV and Excel exports."""
    return [
        {
            "id": x.id,
            "title": x.title,
            "status": STATUSES[x.status],
            "polarity": x.polarity,
            "scope": x.scope,
            "priority": x.priority,
            "themes": "; ".join(theme_names.get(t, t) for t in x.themes),
            "what_happened": x.what_happened,
            "effect": x.effect,
            "cause": x.cause,
            "lesson": x.lesson,
            "recommendation": x.recommendation,
            "action": x.action,
            "owner": x.owner,
            "due_date": x.due_date,
            "applied_session": x.applied_session_title or "",
            "effectiveness_evidence": x.effectiveness_evidence,
            "rejection_reason": x.rejection_reason,
            "source_session": x.source_session_title or "",
            "evidence_count": x.evidence_count,
            "logged_at": x.logged_at,
            "logged_by": x.logged_by,
        }
        for x in lessons
    ]


REGISTER_COLUMNS = (
    "id", "title", "status", "polarity", "scope", "priority", "themes", "what_happened",
    "effect", "cause", "lesson", "recommendation", "action", "owner", "due_date",
    "applied_session", "effectiveness_evidence", "rejection_reason", "source_session",
    "evidence_count", "logged_at", "logged_by",
)  # fmt: skip


def register_csv(lessons: Sequence[store.LessonRow], theme_names: Mapping[str, str]) -> bytes:
    """The register as a CSV file safe to open in a spreadsheet."""
    return export.rows_to_csv(register_rows(lessons, theme_names), REGISTER_COLUMNS)


def register_xlsx(lessons: Sequence[store.LessonRow], theme_names: Mapping[str, str]) -> bytes:
    """The register as an Excel workbook safe to open."""
    rows = register_rows(lessons, theme_names)
    return export.rows_to_xlsx({"Lessons": (REGISTER_COLUMNS, rows)})


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _statement(lesson: store.LessonRow) -> str:
    """The lesson in one sentence: its statement, else its title."""
    text = _one_line(lesson.lesson) or lesson.title
    return text if text.endswith((".", "!", "?")) else text + "."


def _figures_paragraph(shown: SummaryShown, sessions: int, councils: int) -> str:
    summary = shown.summary
    if not shown.figures:
        return (
            f"Across {sessions} session{'s' if sessions != 1 else ''}, {summary.responses}"
            " councillors gave feedback: too few to report figures without identifying people."
        )
    parts = [
        f"Across {sessions} session{'s' if sessions != 1 else ''}"
        + (f" for {councils} councils" if councils > 1 else "")
        + f", {summary.responses} councillors gave feedback",
    ]
    if summary.mean_rating is not None:
        parts.append(f"rating them {summary.mean_rating:.1f} out of 5 on average")
    sentence = ", ".join(parts) + "."
    if shown.confidence and summary.share_gained_confidence is not None:
        sentence += (
            f" Their confidence in using social media rose from"
            f" {summary.mean_confidence_before:.1f} to {summary.mean_confidence_after:.1f}"
            f" (out of 5), and {summary.share_gained_confidence:.0%} felt more confident"
            " afterwards."
        )
    return sentence


def lessons_report(
    cur: store.Cursor,
    session_id: int | None,
    theme_names: Mapping[str, str],
    today: date,
    programme: str | None = None,
) -> str:
    """A lessons report for one session, one programme, or everything (both None)."""
    sessions = store.all_sessions(cur)
    if session_id is not None:
        chosen = [s for s in sessions if s.id == session_id]
        title = f"What we learnt from '{chosen[0].title}'" if chosen else "What we learnt"
    elif programme:
        chosen = [s for s in sessions if s.programme == programme]
        title = f"What we have learnt: {programme}"
    else:
        chosen = sessions
        title = "What we have learnt"
    chosen_ids = {s.id for s in chosen}
    delivered = [s for s in chosen if s.status != "planned"]
    lessons = [
        x
        for x in store.all_lessons(cur)
        if x.status != "rejected"
        and (
            (session_id is None and programme is None)
            or x.source_session_id in chosen_ids
            or x.applied_session_id in chosen_ids
        )
    ]
    shown = summary_shown(store.feedback_summary(cur, [s.id for s in delivered]))
    summary = shown.summary
    lines = [f"# {title}", ""]
    if delivered:
        first = min(s.starts_at for s in delivered)
        last = max(s.starts_at for s in delivered)
        span = (
            f"On {first:%-d %B %Y}"
            if first.date() == last.date()
            else f"Between {first:%B %Y} and {last:%B %Y}"
        )
        lines += [
            f"{span} we ran {len(delivered)} training session{'s' if len(delivered) != 1 else ''}"
            " for councillors. "
            + _figures_paragraph(shown, len(delivered), len({s.council for s in delivered})),
            "",
        ]
    complaints = sorted(
        (t for t in summary.themes if t.negative), key=lambda t: t.negative, reverse=True
    )[:3]
    if shown.figures and complaints:
        lines += ["## What councillors told us", ""]
        for theme in complaints:
            quote = f' — "{_one_line(theme.negative_quote)}"' if theme.negative_quote else ""
            lines.append(
                f"- **{theme_names.get(theme.theme_id, theme.theme_id)}**:"
                f" {theme.negative} critical and {theme.positive} positive comments{quote}"
            )
        lines.append("")
    proven = [x for x in lessons if x.status in ("validated", "archived")]
    applied = [x for x in lessons if x.status == "embedded"]
    open_ = [x for x in lessons if x.status in ("observed", "identified", "actioned")]
    if proven:
        lines += ["## What we changed, and what it did", ""]
        for x in proven:
            where = f" (tried in {x.applied_session_title})" if x.applied_session_title else ""
            lines.append(f"- **{x.title}**{where}. {_one_line(x.effectiveness_evidence)}".rstrip())
        lines.append("")
    if applied:
        lines += ["## Being tried now", ""]
        lines += [
            f"- **{x.title}**: {_one_line(x.recommendation) or _statement(x)}" for x in applied
        ]
        lines.append("")
    if open_:
        lines += ["## Still to do", ""]
        for x in open_:
            due = f", due {x.due_date:%-d %B %Y}" if x.due_date else ""
            overdue = " (overdue)" if is_overdue(x, today) else ""
            owner = f" — {x.owner}{due}{overdue}" if x.owner else ""
            lines.append(f"- {x.title}{owner}")
        lines.append("")
    if lessons:
        lines += ["## In summary, we have learnt:", ""]
        lines += [
            f"- {_statement(x)}" for x in sorted(lessons, key=lambda x: x.polarity != "improve")
        ]
        lines.append("")
    else:
        lines += ["No lessons have been logged for this yet.", ""]
    lines.append(f"_Written {today:%-d %B %Y} from the feedback and lessons register._")
    return "\n".join(lines) + "\n"


def write_lessons_report(
    database: store.Database,
    session_id: int | None,
    theme_names: Mapping[str, str],
    today: date,
    programme: str | None = None,
) -> str:
    """`lessons_report`, read from the database."""
    with database.reading() as cur:
        return lessons_report(cur, session_id, theme_names, today, programme)


EXPORTS = ("responses", "comments")


def export_table(
    database: store.Database, where: store.TrendFilter, what: str, include_contact: bool = False
) -> tuple[list[str], list[dict[str, object]]]:
    """The responses or the comments the filter chooses, as (columns, rows) for a CSV or
    Excel file (contact details only where the attendee opted in, and only when asked)."""
    if what not in EXPORTS:
        raise ValueError(f"unknown export {what!r}")
    with database.reading() as cur:
        frame = (
            store.export_responses(cur, where, include_contact)
            if what == "responses"
            else store.export_comments(cur, where)
        )
    return [str(c) for c in frame.columns], export.dataframe_rows(frame)
