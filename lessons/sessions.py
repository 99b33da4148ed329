"""Training sessions: validation, feedback tokens and short codes, saving."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from lessons import store
from lessons.auth import UNATTRIBUTED, Actor
from lessons.choices import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEFAULT_LANGUAGE,
    FOLLOWUP_WEEKS_DEFAULT,
    FOLLOWUP_WEEKS_MAX,
    LANGUAGES,
    SESSION_FORMATS,
    SESSION_STATUSES,
    TOKEN_BYTES,
)
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.i18n import translate
from lessons.share import FollowupOnPaper, Poster
from lessons.typed_text import clean_dataclass
from lessons.wording import plural

MAX_SESSION_TITLE_CHARS = 200
MAX_TEXT_FIELD_CHARS = 200
MAX_PEOPLE = 12
MAX_ATTENDEES = 1000
MAX_SESSION_MINUTES = 12 * 60


@dataclass
class SessionDraft:
    """A session as typed into the form, before it is checked."""

    title: str
    starts_at: datetime
    ends_at: datetime
    council: str
    format: str = "workshop"
    venue: str = ""
    online: bool = False
    programme: str = ""
    facilitators: list[str] = field(default_factory=list)
    councillor_facilitators: list[str] = field(default_factory=list)
    context_minutes: int = 0
    hands_on_minutes: int = 0
    expected_attendees: int | None = None
    status: str = "planned"
    feedback_open: bool = True
    language: str = DEFAULT_LANGUAGE  # the form's language when the link does not say
    feedback_closes_at: datetime | None = None  # None: FEEDBACK_DAYS after the session ends
    followup_weeks: int = FOLLOWUP_WEEKS_DEFAULT  # the follow-up opens this many weeks after


def new_feedback_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_short_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def free_code(cur: store.Cursor) -> str:
    """A new code no session or follow-up has: a typed code leads to one thing."""
    code = new_short_code()
    while store.short_code_taken(cur, code):
        code = new_short_code()
    return code


def normalise_code(typed: str) -> str:
    """What a person typed, read generously: case, spaces and dashes ignored."""
    return re.sub(r"[\s\-]", "", typed).upper()


def split_names(text: str) -> list[str]:
    """'Ann Lee, Bo Khan; Cy Day' → ['Ann Lee', 'Bo Khan', 'Cy Day']."""
    return [name.strip() for name in re.split(r"[,;\n]", text) if name.strip()]


def validate_session(draft: SessionDraft) -> dict[str, str]:
    """Every problem with the draft, by field, in words that say what to fix."""
    errors: dict[str, str] = {}
    title = draft.title.strip()
    if not title:
        errors["title"] = "Give the session a title, e.g. 'Social media for councillors'."
    elif len(title) > MAX_SESSION_TITLE_CHARS:
        errors["title"] = f"Shorten the title to {MAX_SESSION_TITLE_CHARS} characters or fewer."
    if not draft.council.strip():
        errors["council"] = "Say which council the session is for."
    for name in ("council", "venue", "programme"):
        if len(getattr(draft, name).strip()) > MAX_TEXT_FIELD_CHARS:
            errors[name] = f"Shorten this to {MAX_TEXT_FIELD_CHARS} characters or fewer."
    if not draft.online and not draft.venue.strip():
        errors["venue"] = "Give the venue, or tick 'Online'."
    if draft.format not in SESSION_FORMATS:
        errors["format"] = "Choose one of the listed formats."
    if draft.status not in SESSION_STATUSES:
        errors["status"] = "Choose planned, delivered or reviewed."
    if draft.language not in LANGUAGES:
        errors["language"] = "Choose English or Welsh for the form."
    if draft.feedback_closes_at is not None and draft.feedback_closes_at <= draft.starts_at:
        errors["feedback_closes_at"] = (
            "The form must close after the session starts: check the closing date."
        )
    length_minutes = (draft.ends_at - draft.starts_at).total_seconds() / 60
    if length_minutes <= 0:
        errors["ends_at"] = "The session must end after it starts: check the end time."
    elif length_minutes > MAX_SESSION_MINUTES:
        errors["ends_at"] = "A session can last at most 12 hours: check the dates and times."
    if draft.context_minutes < 0 or draft.hands_on_minutes < 0:
        errors["context_minutes"] = "Minutes of context and hands-on cannot be negative."
    elif length_minutes > 0 and draft.context_minutes + draft.hands_on_minutes > length_minutes:
        errors["context_minutes"] = (
            f"Context ({draft.context_minutes} min) plus hands-on ({draft.hands_on_minutes} min)"
            f" is more than the session's {plural(int(length_minutes), 'minute')}."
        )
    if not 1 <= draft.followup_weeks <= FOLLOWUP_WEEKS_MAX:
        errors["followup_weeks"] = (
            f"The follow-up opens between 1 and {FOLLOWUP_WEEKS_MAX} weeks after the session."
        )
    if draft.expected_attendees is not None and not (0 < draft.expected_attendees <= MAX_ATTENDEES):
        errors["expected_attendees"] = f"Expected attendees must be between 1 and {MAX_ATTENDEES}."
    for name in ("facilitators", "councillor_facilitators"):
        people = getattr(draft, name)
        if len(people) > MAX_PEOPLE:
            errors[name] = f"List at most {MAX_PEOPLE} people."
        elif any(len(person) > 100 for person in people):
            errors[name] = "Each name must be 100 characters or fewer."
    return errors


def _values(draft: SessionDraft) -> dict[str, object]:
    values = asdict(draft)
    for name in ("title", "council", "venue", "programme"):
        values[name] = values[name].strip()
    return values


def new_form_token() -> str:
    """A one-time token for one rendering of a create form (see create_session_in)."""
    return secrets.token_urlsafe(16)


def create_session_in(
    cur: store.Cursor,
    draft: SessionDraft,
    actor: Actor,
    now: datetime,
    form_token: str | None = None,
) -> int:
    """Check and save a new session with a fresh token and code, inside the caller's
    transaction; return its id. With `form_token` (one per rendering of the form), a
    repeated submission returns the session the first one made, and makes no other."""
    if form_token is not None:
        made = store.made_by_submission(cur, "session", form_token)
        if made is not None:
            return made
    draft = clean_dataclass(draft)
    errors = validate_session(draft)
    if errors:
        raise ValidationError(errors)
    session_id = store.insert_session(
        cur,
        _values(draft),
        facilitators=draft.facilitators,
        councillor_facilitators=draft.councillor_facilitators,
        feedback_token=new_feedback_token(),
        short_code=free_code(cur),
        now=now,
    )
    # The follow-up weeks later has its own link and code from the start.
    store.insert_followup_link(cur, session_id, new_feedback_token(), free_code(cur))
    if form_token is not None:
        store.record_submission(cur, form_token, "session", session_id, now)
    store.append_audit(
        cur,
        actor,
        "session",
        session_id,
        "created",
        draft.title.strip(),
        now,
        to_status=draft.status,
    )
    return session_id


def create_session(
    database: store.Database,
    draft: SessionDraft,
    actor: Actor = UNATTRIBUTED,
    now: datetime | None = None,
    form_token: str | None = None,
) -> int:
    """Check and save a new session with a fresh token and code; return its id. A form's
    repeated submission (the same `form_token`) makes no second session."""
    with database.transaction() as cur:
        return create_session_in(cur, draft, actor, now or now_local(), form_token)


EARLY_DELIVERY_QUESTION = (
    "This session's date is still to come. Tick 'Yes, it has been delivered' to mark it"
    " delivered now, or keep it planned."
)


def delivered_before_its_date(status_before: str, draft: SessionDraft, now: datetime) -> bool:
    """Whether this edit marks a planned session delivered before it has started: a slip of
    the status box as often as a session moved forward, so it is asked about."""
    return status_before == "planned" and draft.status == "delivered" and draft.starts_at > now


def update_session_in(
    cur: store.Cursor,
    session_id: int,
    draft: SessionDraft,
    actor: Actor,
    now: datetime,
    confirmed_early: bool = False,
) -> store.SessionRow:
    """Check and save edits to a session inside the caller's transaction; the audit trail
    names the fields that changed (and a status change in its own columns). Returns the
    session as it was. Marking a session delivered also embeds the lessons its plan
    applied: `loop.update_session_and_embed` is the door that does both. Marking a planned
    session delivered before its start needs `confirmed_early`."""
    draft = clean_dataclass(draft)
    errors = validate_session(draft)
    if errors:
        raise ValidationError(errors)
    before = store.session_by_id(cur, session_id)
    if before is None:
        raise ValidationError({"session": "That session no longer exists."})
    if delivered_before_its_date(before.status, draft, now) and not confirmed_early:
        raise ValidationError({"status": EARLY_DELIVERY_QUESTION})
    people_changed = (
        list(before.facilitators) != draft.facilitators
        or list(before.councillor_facilitators) != draft.councillor_facilitators
    )
    store.update_session(
        cur,
        session_id,
        _values(draft),
        now,
        people=(draft.facilitators, draft.councillor_facilitators) if people_changed else None,
    )
    changed = [
        name
        for name, value in _values(draft).items()
        if name not in ("facilitators", "councillor_facilitators")
        and getattr(before, name) != value
    ]
    if people_changed:
        changed.append("facilitators")
    if changed:
        moved = before.status != draft.status
        store.append_audit(
            cur,
            actor,
            "session",
            session_id,
            "edited",
            "Changed " + ", ".join(changed),
            now,
            from_status=before.status if moved else None,
            to_status=draft.status if moved else None,
        )
    return before


def mark_reviewed(
    database: store.Database,
    session_id: int,
    actor: Actor = UNATTRIBUTED,
    now: datetime | None = None,
) -> None:
    """The post-mortem is done: a delivered session becomes reviewed."""
    with database.transaction() as cur:
        session = store.session_by_id(cur, session_id)
        if session is None:
            raise ValidationError({"session": "That session no longer exists."})
        if session.status != "delivered":
            raise ValidationError(
                {
                    "status": f"Only a delivered session can be marked reviewed: this one is"
                    f" {SESSION_STATUSES[session.status].lower()}."
                }
            )
        draft = draft_from_row(session, status="reviewed")
        update_session_in(cur, session_id, draft, actor, now or now_local())


def poster_for(session: store.SessionRow, last_time: FollowupOnPaper | None = None) -> Poster:
    """What the session's poster says; `last_time`: the previous session's follow-up."""
    return Poster(
        title=session.title,
        starts_at=session.starts_at,
        place=translate(session.language, "Online") if session.online else session.venue,
        feedback_token=session.feedback_token,
        short_code=session.short_code,
        language=session.language,
        last_time=last_time,
    )


def list_sessions(database: store.Database) -> list[store.SessionRow]:
    """Every session, newest first."""
    with database.reading() as cur:
        return store.all_sessions(cur)


def session_response_count(database: store.Database, session_id: int) -> int:
    """How many responses a session has now (the live count on the share tab)."""
    with database.reading() as cur:
        return store.response_count_for_session(cur, session_id)


def nearest_session(sessions: list[store.SessionRow], now: datetime) -> store.SessionRow | None:
    """The session a facilitator most likely means: the one starting closest to now."""
    if not sessions:
        return None
    return min(sessions, key=lambda s: abs((s.starts_at - now).total_seconds()))


def draft_from_row(session: object, **overrides: Any) -> SessionDraft:
    """A draft holding the fields of anything shaped like a session (a stored row, or the
    demo's sessions), with `overrides` for any field it lacks or should change."""
    defaults = SessionDraft("", datetime.min, datetime.min, "")
    values: dict[str, Any] = {
        f.name: overrides[f.name]
        if f.name in overrides
        else getattr(session, f.name, getattr(defaults, f.name))
        for f in fields(SessionDraft)
    }
    for people in ("facilitators", "councillor_facilitators"):
        values[people] = list(values[people])
    return SessionDraft(**values)
