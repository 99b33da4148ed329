"""Written reports: the lessons register as export rows, and a lessons report in Markdown
that reads like the seed's blog post ("In summary, we have learnt: …")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from lessons import export, store
from lessons.anonymity import SummaryShown, responses_export, summary_shown
from lessons.choices import STATUSES
from lessons.clock import today_local
from lessons.document import (
    Block,
    Bullets,
    Heading,
    Paragraph,
    Span,
    inline,
    ours,
    to_markdown,
    typed,
)
from lessons.programme_report import filter_words
from lessons.register import LessonFilter, is_overdue
from lessons.wording import HIGHER, SAME, compare_change, plural


def register_rows(
    lessons: Sequence[store.LessonRow], theme_names: Mapping[str, str]
) -> list[dict[str, object]]:
    """The register as plain rows for CSV and Excel exports."""
    return export.without_controls(
        [
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
    )


REGISTER_COLUMNS = (
    "id", "title", "status", "polarity", "scope", "priority", "themes", "what_happened",
    "effect", "cause", "lesson", "recommendation", "action", "owner", "due_date",
    "applied_session", "effectiveness_evidence", "rejection_reason", "source_session",
    "evidence_count", "logged_at", "logged_by",
)  # fmt: skip


def register_csv(
    lessons: Sequence[store.LessonRow], theme_names: Mapping[str, str], caption: str = ""
) -> bytes:
    """The register as a CSV file safe to open in a spreadsheet (`caption`: its first row)."""
    return export.rows_to_csv(
        register_rows(lessons, theme_names), REGISTER_COLUMNS, caption=caption
    )


def register_xlsx(
    lessons: Sequence[store.LessonRow], theme_names: Mapping[str, str], caption: str = ""
) -> bytes:
    """The register as an Excel workbook safe to open (`caption`: its first row)."""
    rows = register_rows(lessons, theme_names)
    return export.rows_to_xlsx({"Lessons": (REGISTER_COLUMNS, rows)}, caption=caption)


def register_caption(
    shown: int, total: int, chosen: LessonFilter, theme_names: Mapping[str, str], today: date
) -> str:
    """The first row of a register export: how many lessons, chosen by which filters."""
    parts = []
    if chosen.statuses:
        parts.append("status: " + ", ".join(STATUSES[s] for s in chosen.statuses))
    for label, value in (
        ("theme", theme_names.get(chosen.theme, chosen.theme) if chosen.theme else None),
        ("polarity", chosen.polarity),
        ("scope", chosen.scope),
        ("owner", chosen.owner),
    ):
        if value:
            parts.append(f"{label}: {value}")
    if chosen.overdue_only:
        parts.append("overdue only")
    if chosen.text.strip():
        parts.append(f"search: {chosen.text.strip()}")
    filters = "; ".join(parts) if parts else "no filters"
    return (
        f"Lessons register: {shown} of {plural(total, 'lesson')} ({filters})."
        f" Exported {today:%-d %B %Y}."
    )


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
            f"Across {plural(sessions, 'session')}, {plural(summary.responses, 'councillor')}"
            " gave feedback: too few to report figures without identifying people."
        )
    parts = [
        f"Across {plural(sessions, 'session')}"
        + (f" for {councils} councils" if councils > 1 else "")  # always many
        + f", {plural(summary.responses, 'councillor')} gave feedback",
    ]
    if summary.mean_rating is not None:
        parts.append(f"rating them {summary.mean_rating:.1f} out of 5 on average")
    sentence = ", ".join(parts) + "."
    if shown.confidence and summary.share_gained_confidence is not None:
        sentence += " " + confidence_sentence(summary)
    return sentence


def confidence_sentence(summary: store.FeedbackSummary) -> str:
    """Confidence before and after, in words that follow lessons.wording's rule."""
    before = summary.mean_confidence_before or 0.0
    after = summary.mean_confidence_after or 0.0
    change = compare_change(before, after, summary.confidence_pairs, summary.sd_confidence_change)
    gained = f"{summary.share_gained_confidence or 0:.0%} felt more confident afterwards."
    if change == SAME:
        return (
            "Their confidence in using social media was about the same before and after"
            f" ({before:.1f} and {after:.1f} out of 5), though {gained}"
        )
    verb = "rose" if change == HIGHER else "fell"
    return (
        f"Their confidence in using social media {verb} from {before:.1f} to {after:.1f}"
        f" (out of 5), and {gained}"
    )


def lessons_document(
    cur: store.Cursor,
    session_id: int | None,
    theme_names: Mapping[str, str],
    today: date,
    programme: str | None = None,
) -> list[Block]:
    """A lessons report for one session, one programme, or everything (both None), as a
    document: what people typed in it (titles, quotes, names) stays text in any format."""
    sessions = store.all_sessions(cur)
    if session_id is not None:
        chosen = [s for s in sessions if s.id == session_id]
        title = (
            inline(ours("What we learnt from '"), typed(chosen[0].title), ours("'"))
            if chosen
            else inline(ours("What we learnt"))
        )
    elif programme:
        chosen = [s for s in sessions if s.programme == programme]
        title = inline(ours("What we have learnt: "), typed(programme))
    else:
        chosen = sessions
        title = inline(ours("What we have learnt"))
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
    blocks: list[Block] = [Heading(1, title)]
    if delivered:
        first = min(s.starts_at for s in delivered)
        last = max(s.starts_at for s in delivered)
        span = (
            f"On {first:%-d %B %Y}"
            if first.date() == last.date()
            else f"Between {first:%B %Y} and {last:%B %Y}"
        )
        blocks.append(
            Paragraph(
                inline(
                    ours(
                        f"{span} we ran {plural(len(delivered), 'training session')}"
                        " for councillors. "
                        + _figures_paragraph(
                            shown, len(delivered), len({s.council for s in delivered})
                        )
                    )
                )
            )
        )
    complaints = sorted(
        (t for t in summary.themes if t.negative), key=lambda t: t.negative, reverse=True
    )[:3]
    if shown.figures and complaints:
        blocks += [
            Heading(2, inline(ours("What councillors told us"))),
            Bullets(
                tuple(
                    inline(
                        typed(theme_names.get(theme.theme_id, theme.theme_id), bold=True),
                        ours(
                            f": {theme.negative} critical and"
                            f" {plural(theme.positive, 'positive comment')}"
                        ),
                        *(
                            (ours(' — "'), typed(_one_line(theme.negative_quote)), ours('"'))
                            if theme.negative_quote
                            else ()
                        ),
                    )
                    for theme in complaints
                )
            ),
        ]
    proven = [x for x in lessons if x.status in ("validated", "archived")]
    applied = [x for x in lessons if x.status == "embedded"]
    open_ = [x for x in lessons if x.status in ("observed", "identified", "actioned")]
    if proven:
        items = []
        for x in proven:
            where = (
                (ours(" (tried in "), typed(x.applied_session_title), ours(")"))
                if x.applied_session_title
                else ()
            )
            evidence = _one_line(x.effectiveness_evidence)
            items.append(
                inline(
                    typed(x.title, bold=True),
                    *where,
                    ours("."),
                    *((ours(" "), typed(evidence)) if evidence else ()),
                )
            )
        blocks += [
            Heading(2, inline(ours("What we changed, and what it did"))),
            Bullets(tuple(items)),
        ]
    if applied:
        blocks += [
            Heading(2, inline(ours("Being tried now"))),
            Bullets(
                tuple(
                    inline(
                        typed(x.title, bold=True),
                        ours(": "),
                        typed(_one_line(x.recommendation) or _statement(x)),
                    )
                    for x in applied
                )
            ),
        ]
    if open_:
        items = []
        for x in open_:
            owner: tuple[Span, ...] = ()
            if x.owner:
                due = f", due {x.due_date:%-d %B %Y}" if x.due_date else ""
                overdue = " (overdue)" if is_overdue(x, today) else ""
                owner = (ours(" — "), typed(x.owner), ours(f"{due}{overdue}"))
            items.append(inline(typed(x.title), *owner))
        blocks += [Heading(2, inline(ours("Still to do"))), Bullets(tuple(items))]
    if lessons:
        blocks += [
            Heading(2, inline(ours("In summary, we have learnt:"))),
            Bullets(
                tuple(
                    inline(typed(_statement(x)))
                    for x in sorted(lessons, key=lambda x: x.polarity != "improve")
                )
            ),
        ]
    else:
        blocks.append(Paragraph(inline(ours("No lessons have been logged for this yet."))))
    blocks.append(
        Paragraph(
            inline(
                ours(
                    f"Written {today:%-d %B %Y} from the feedback and lessons register.",
                    italic=True,
                )
            )
        )
    )
    return blocks


def lessons_report(
    cur: store.Cursor,
    session_id: int | None,
    theme_names: Mapping[str, str],
    today: date,
    programme: str | None = None,
) -> str:
    """`lessons_document` as Markdown."""
    return to_markdown(lessons_document(cur, session_id, theme_names, today, programme))


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


def write_lessons_document(
    database: store.Database,
    theme_names: Mapping[str, str],
    today: date,
    programme: str | None = None,
) -> list[Block]:
    """The lessons of a programme (or of everything) as a document, for the programme
    report."""
    with database.reading() as cur:
        return lessons_document(cur, None, theme_names, today, programme)


EXPORTS = ("responses", "comments")


@dataclass(frozen=True)
class ExportTable:
    """The rows of a CSV or Excel export, what a reader is told was left out, and the
    file's first row: what it holds, chosen by which filters."""

    columns: list[str]
    rows: list[dict[str, object]]
    note: str
    caption: str = ""


def export_caption(what: str, where: store.TrendFilter, note: str, today: date) -> str:
    """The first row of an export: what it holds and the filters that chose it."""
    return " ".join(
        part
        for part in (
            f"{what.capitalize()} of {filter_words(where)}.",
            note,
            f"Exported {today:%-d %B %Y}.",
        )
        if part
    )


def export_table(
    database: store.Database,
    where: store.TrendFilter,
    what: str,
    include_contact: bool = False,
    today: date | None = None,
) -> ExportTable:
    """The responses or the comments the filter chooses, for a CSV or Excel file (contact
    details only where the attendee opted in, and only when asked). Neither carries a
    respondent key, and the responses of sessions too small to stay anonymous are left
    out (lessons.anonymity)."""
    if what not in EXPORTS:
        raise ValueError(f"unknown export {what!r}")
    note = ""
    with database.reading() as cur:
        if what == "responses":
            frame, left_out = responses_export(cur, where, include_contact)
            note = left_out.note()
        else:
            frame = store.export_comments(cur, where)
    rows = export.without_controls(export.dataframe_rows(frame))
    caption = export_caption(what, where, note, today or today_local())
    return ExportTable([str(c) for c in frame.columns], rows, note, caption)
