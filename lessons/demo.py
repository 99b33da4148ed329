"""Loads the demo programme (lessons.demo_content) into a database, in one transaction."""

from __future__ import annotations

from datetime import date

from lessons import store, tagging
from lessons.choices import QUESTIONS
from lessons.demo_content import DemoProgramme, generate_programme
from lessons.sessions import new_feedback_token, new_short_code


class DatabaseNotEmpty(RuntimeError):
    pass


def load_demo(database: store.Database, today: date | None = None) -> DemoProgramme:
    """Fill an empty database with the demo programme; refuse to mix it with real data."""
    programme = generate_programme(today or date.today())
    with database.transaction() as cur:
        if store.count_rows(cur, "sessions"):
            raise DatabaseNotEmpty(
                f"{database.path} already holds sessions; the demo only loads into an empty"
                " database. Use another LESSONS_DB file, or delete this one first."
            )
        for demo_session in programme.sessions:
            code = new_short_code()
            while store.short_code_taken(cur, code):
                code = new_short_code()
            session_id = store.insert_session(
                cur,
                {
                    "title": demo_session.title,
                    "starts_at": demo_session.starts_at,
                    "ends_at": demo_session.ends_at,
                    "venue": demo_session.venue,
                    "online": demo_session.online,
                    "council": demo_session.council,
                    "programme": demo_session.programme,
                    "format": demo_session.format,
                    "context_minutes": demo_session.context_minutes,
                    "hands_on_minutes": demo_session.hands_on_minutes,
                    "expected_attendees": demo_session.expected_attendees,
                    "status": demo_session.status,
                    "feedback_open": demo_session.status != "reviewed",
                },
                facilitators=demo_session.facilitators,
                councillor_facilitators=demo_session.councillor_facilitators,
                feedback_token=new_feedback_token(),
                short_code=code,
                now=demo_session.starts_at,
            )
            for number, response in enumerate(demo_session.responses):
                has_contact = bool(response.contact_name or response.contact_detail)
                response_id = store.insert_response(
                    cur,
                    session_id,
                    f"demo-{demo_session.key}-{number}",
                    response.submitted_at,
                    {
                        "overall_rating": response.overall_rating,
                        "usefulness": response.usefulness,
                        "confidence_before": response.confidence_before,
                        "confidence_after": response.confidence_after,
                        "balance": response.balance,
                        "length": response.length,
                        "councillor_type": response.councillor_type,
                        "contact_opt_in": has_contact,
                        "contact_name": response.contact_name,
                        "contact_detail": response.contact_detail,
                    },
                )
                for question in QUESTIONS:
                    text = getattr(response, question).strip()
                    if text:
                        store.insert_comment(
                            cur, response_id, session_id, question, text, response.submitted_at
                        )
    # One process is quicker than starting a pool for a few hundred comments.
    tagging.reanalyse(database, workers=1)
    return programme
