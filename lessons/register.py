"""The lessons-learnt register: lessons, their evidence, and the lifecycle they move through.

observed → identified → actioned → embedded → validated → archived, and rejected
from any stage. Each move is checked (an action needs an owner and a due date;
"embedded" names the later session it was applied in; "validated" says what
showed it worked; "rejected" says why) and recorded in the audit trail with
who, when and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any, Protocol

from lessons import store
from lessons.auth import Actor, may
from lessons.choices import NEXT_STATUS, POLARITIES, PRIORITIES, SCOPES, STATUSES
from lessons.clock import now_local
from lessons.errors import NotAllowed, ValidationError
from lessons.typed_text import clean, clean_dataclass

OPEN_ACTION_STATUSES = ("identified", "actioned")
# A lesson still takes evidence until it is archived or rejected.
TAKES_EVIDENCE_STATUSES = tuple(s for s in STATUSES if s not in ("archived", "rejected"))
MAX_FIELD_CHARS = 4000
MAX_LESSON_TITLE_CHARS = 150


@dataclass
class LessonDraft:
    """A lesson as typed into the form."""

    title: str
    what_happened: str = ""
    effect: str = ""
    cause: str = ""
    lesson: str = ""
    recommendation: str = ""
    polarity: str = "improve"
    scope: str = "programme"
    priority: str = "medium"
    themes: list[str] = field(default_factory=list)
    action: str = ""
    owner: str = ""
    due_date: date | None = None
    source_session_id: int | None = None


def allowed_moves(status: str) -> list[str]:
    """Where a lesson may go next: the next stage, or rejected (from any open stage)."""
    moves = [NEXT_STATUS[status]] if status in NEXT_STATUS else []
    if status not in ("rejected", "archived"):
        moves.append("rejected")
    return moves


def is_overdue(lesson: store.LessonRow, today: date) -> bool:
    """An agreed action past its due date and not yet applied."""
    return (
        lesson.status in OPEN_ACTION_STATUSES
        and lesson.due_date is not None
        and lesson.due_date < today
    )


def validate_lesson(draft: LessonDraft, known_themes: set[str] | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not draft.title.strip():
        errors["title"] = (
            "Give the lesson a short title, e.g. 'Test the wifi before people arrive'."
        )
    elif len(draft.title) > MAX_LESSON_TITLE_CHARS:
        errors["title"] = f"Shorten the title to {MAX_LESSON_TITLE_CHARS} characters or fewer."
    for name in ("what_happened", "effect", "cause", "lesson", "recommendation", "action"):
        if len(getattr(draft, name)) > MAX_FIELD_CHARS:
            errors[name] = f"Shorten this to {MAX_FIELD_CHARS:,} characters or fewer."
    if len(draft.owner) > 100:
        errors["owner"] = "Shorten the owner's name to 100 characters or fewer."
    if draft.polarity not in POLARITIES:
        errors["polarity"] = "Choose sustain or improve."
    if draft.scope not in SCOPES:
        errors["scope"] = "Choose session, programme or organisation."
    if draft.priority not in PRIORITIES:
        errors["priority"] = "Choose high, medium or low."
    if known_themes is not None:
        unknown = [t for t in draft.themes if t not in known_themes]
        if unknown:
            errors["themes"] = f"Unknown theme '{unknown[0]}'."
    return errors


def _values(draft: LessonDraft) -> dict[str, object]:
    values = asdict(draft)
    values.pop("themes")
    for name in ("title", "what_happened", "effect", "cause", "lesson", "recommendation"):
        values[name] = str(values[name]).strip()
    values["action"] = draft.action.strip()
    values["owner"] = draft.owner.strip()
    return values


ACTOR_NEEDED = "Say who you are: your name is recorded against every change."
# The register's review: judging that a lesson worked, and retiring it, is a programme
# lead's call (or an administrator's).
REVIEW_MOVES = ("validated", "archived")
REVIEW_NEEDED = "A programme lead reviews the register: ask one to mark it {status}."


# What a lesson still needs before its next stage, field by field: the lesson and what to
# do about it agreed (identified), then an action someone owns by a date (actioned, which
# `move_errors` insists on). Quick capture logs a title and a sentence; these come later.
NEXT_STAGE_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "observed": (
        ("lesson", "the lesson"),
        ("recommendation", "a recommendation"),
        ("themes", "themes"),
    ),
    "identified": (("action", "an action"), ("owner", "an owner"), ("due_date", "a due date")),
}


def still_missing(lesson: store.LessonRow) -> list[str]:
    """What `lesson` still lacks for its next stage, in words; empty when nothing is
    missing or its next step is not a field (applied in a session, validated)."""
    missing = []
    for name, words in NEXT_STAGE_NEEDS.get(lesson.status, ()):
        value = getattr(lesson, name)
        if not (value.strip() if isinstance(value, str) else value):
            missing.append(words)
    return missing


def may_make_move(actor: Actor, to_status: str) -> bool:
    return to_status not in REVIEW_MOVES or may(actor.role, "lead")


def _check_in(cur: store.Cursor, draft: LessonDraft, actor: Actor) -> LessonDraft:
    """The draft as it is kept (lessons.typed_text); ValidationError with every problem in
    it, or with the actor."""
    draft = clean_dataclass(draft)
    errors = validate_lesson(draft, store.theme_ids(cur))
    if draft.source_session_id is not None and (
        store.session_title_and_status(cur, draft.source_session_id) is None
    ):
        errors["source_session_id"] = "That session does not exist."
    if not actor.name.strip():
        errors["actor"] = ACTOR_NEEDED
    if errors:
        raise ValidationError(errors)
    return draft


@dataclass(frozen=True)
class EvidenceLink:
    """What a lesson rests on: an attendee comment, a reflection answer, or a note."""

    comment_id: int | None = None
    reflection_answer_id: int | None = None
    note: str = ""


def create_lesson_in(
    cur: store.Cursor,
    draft: LessonDraft,
    actor: Actor,
    now: datetime,
    evidence: EvidenceLink | None = None,
) -> int:
    """Log a new lesson (status observed) inside the caller's transaction."""
    draft = _check_in(cur, draft, actor)
    lesson_id = store.insert_lesson(cur, _values(draft), "observed", actor, now)
    store.set_lesson_themes(cur, lesson_id, draft.themes, new=True)
    store.append_audit(
        cur,
        actor,
        "lesson",
        lesson_id,
        "created",
        f"Logged '{draft.title.strip()}'",
        now,
        to_status="observed",
    )
    if evidence is not None:
        link_evidence_in(cur, lesson_id, evidence, actor, now)
    return lesson_id


def create_lesson(
    database: store.Database,
    draft: LessonDraft,
    actor: Actor,
    evidence: EvidenceLink | None = None,
    now: datetime | None = None,
) -> int:
    """Log a new lesson (status observed), with its first piece of evidence."""
    with database.transaction() as cur:
        return create_lesson_in(cur, draft, actor, now or now_local(), evidence)


def update_lesson(
    database: store.Database,
    lesson_id: int,
    draft: LessonDraft,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Save edits to a lesson's fields; the audit trail names the fields that changed."""
    with database.transaction() as cur:
        draft = _check_in(cur, draft, actor)
        before = store.lesson_by_id(cur, lesson_id)
        if before is None:
            raise ValidationError({"lesson": "That lesson no longer exists."})
        values = _values(draft)
        changed = [name for name, value in values.items() if getattr(before, name) != value]
        if set(before.themes) != set(draft.themes):
            changed.append("themes")
        if not changed:
            return
        when = now or now_local()
        store.update_lesson(cur, lesson_id, values, when)
        store.set_lesson_themes(cur, lesson_id, draft.themes)
        store.append_audit(
            cur, actor, "lesson", lesson_id, "edited", "Changed " + ", ".join(changed), when
        )


class Movable(Protocol):
    """A lesson as far as a move is concerned (a store.LessonRow or store.LessonState)."""

    @property
    def status(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def due_date(self) -> date | None: ...


def move_errors(
    lesson: Movable,
    to_status: str,
    reason: str = "",
    applied_session_id: int | None = None,
    effectiveness_evidence: str = "",
) -> dict[str, str]:
    """What stops a lesson moving to `to_status`, in words that say what to do."""
    if to_status not in STATUSES:
        return {"status": f"Unknown status '{to_status}'."}
    if to_status not in allowed_moves(lesson.status):
        options = " or ".join(STATUSES[s] for s in allowed_moves(lesson.status)) or "nowhere"
        return {
            "status": f"A lesson that is {STATUSES[lesson.status].lower()} can move only to"
            f" {options.lower()}, not to {STATUSES[to_status].lower()}."
        }
    errors: dict[str, str] = {}
    if to_status == "actioned":
        missing = [
            label
            for label, value in (("an action", lesson.action), ("an owner", lesson.owner))
            if not value.strip()
        ]
        if lesson.due_date is None:
            missing.append("a due date")
        if missing:
            errors["action"] = "To mark it actioned, give it " + ", ".join(missing) + "."
    if to_status == "embedded" and applied_session_id is None:
        errors["applied_session_id"] = "Name the later session the lesson was applied in."
    if to_status == "validated" and not effectiveness_evidence.strip():
        errors["effectiveness_evidence"] = (
            "Say what showed the lesson worked (e.g. the feedback comparison for that session)."
        )
    if to_status == "rejected" and not reason.strip():
        errors["reason"] = "Give the reason for rejecting the lesson."
    return errors


def move_lesson_in(
    cur: store.Cursor,
    lesson_id: int,
    to_status: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    applied_session_id: int | None = None,
    effectiveness_evidence: str = "",
    also_link: EvidenceLink | None = None,
    occasion: str = "",
) -> None:
    """The one door for a lesson's lifecycle: check the move, make it, and record it as one
    audit row with the status left and the status reached in their own columns, inside the
    caller's transaction. `occasion` says what prompted the move (e.g. "marked delivered");
    with `also_link`, that evidence is linked too."""
    reason = clean(reason, "reason")
    effectiveness_evidence = clean(effectiveness_evidence, "effectiveness_evidence")
    lesson = store.lesson_state(cur, lesson_id)
    if lesson is None:
        raise ValidationError({"lesson": "That lesson no longer exists."})
    errors = move_errors(lesson, to_status, reason, applied_session_id, effectiveness_evidence)
    if not actor.name.strip():
        errors["actor"] = ACTOR_NEEDED
    if not errors and not may_make_move(actor, to_status):
        raise NotAllowed({"status": REVIEW_NEEDED.format(status=STATUSES[to_status].lower())})
    applied = (
        store.session_title_and_status(cur, applied_session_id)
        if applied_session_id is not None
        else None
    )
    if applied_session_id is not None and applied is None:
        errors["applied_session_id"] = "That session does not exist."
    if errors:
        raise ValidationError(errors)
    values: dict[str, object] = {"status": to_status}
    circumstances = []
    if to_status == "embedded":
        values["applied_session_id"] = applied_session_id
        if applied is not None:
            circumstances.append(f"applied in '{applied[0]}'")
    if occasion:
        circumstances.append(occasion)
    if to_status == "validated":
        values["effectiveness_evidence"] = effectiveness_evidence.strip()
    if to_status == "rejected":
        values["rejection_reason"] = reason.strip()
    detail = f"{STATUSES[lesson.status]} → {STATUSES[to_status]}"
    if circumstances:
        detail += f" ({', '.join(circumstances)})"
    if reason.strip():
        detail += f": {reason.strip()}"
    store.update_lesson(cur, lesson_id, values, now)
    store.append_audit(
        cur,
        actor,
        "lesson",
        lesson_id,
        "status",
        detail,
        now,
        from_status=lesson.status,
        to_status=to_status,
    )
    if also_link is not None:
        link_evidence_in(cur, lesson_id, also_link, actor, now)


def move_lesson(
    database: store.Database,
    lesson_id: int,
    to_status: str,
    actor: Actor,
    reason: str = "",
    applied_session_id: int | None = None,
    effectiveness_evidence: str = "",
    also_link: EvidenceLink | None = None,
    now: datetime | None = None,
) -> None:
    """Move a lesson through its lifecycle, after checking the move, and record it
    (with `also_link`, link that evidence in the same transaction)."""
    with database.transaction() as cur:
        move_lesson_in(
            cur,
            lesson_id,
            to_status,
            actor,
            now or now_local(),
            reason=reason,
            applied_session_id=applied_session_id,
            effectiveness_evidence=effectiveness_evidence,
            also_link=also_link,
        )


def link_evidence_in(
    cur: store.Cursor, lesson_id: int, evidence: EvidenceLink, actor: Actor, now: datetime
) -> None:
    """Link evidence to a lesson inside the caller's transaction (linking the same comment
    or reflection answer twice does nothing)."""
    evidence = replace(evidence, note=clean(evidence.note, "evidence"))
    if not actor.name.strip():
        raise ValidationError({"actor": ACTOR_NEEDED})
    target = store.evidence_target(
        cur, lesson_id, evidence.comment_id, evidence.reflection_answer_id
    )
    if not target.lesson_exists:
        raise ValidationError({"lesson": "That lesson no longer exists."})
    if evidence.comment_id is not None and not target.comment_exists:
        raise ValidationError({"evidence": "That comment no longer exists."})
    if evidence.reflection_answer_id is not None and not target.answer_exists:
        raise ValidationError({"evidence": "That reflection answer no longer exists."})
    if (
        evidence.comment_id is None
        and evidence.reflection_answer_id is None
        and not evidence.note.strip()
    ):
        raise ValidationError(
            {"evidence": "Describe the evidence, or link a comment or reflection."}
        )
    if len(evidence.note) > MAX_FIELD_CHARS:
        raise ValidationError({"evidence": f"Shorten the note to {MAX_FIELD_CHARS:,} characters."})
    if target.already_linked and (
        evidence.comment_id is not None or evidence.reflection_answer_id is not None
    ):
        return
    store.insert_lesson_evidence(
        cur,
        lesson_id,
        evidence.comment_id,
        evidence.reflection_answer_id,
        evidence.note.strip(),
        actor,
        now,
    )
    kind = (
        f"comment {evidence.comment_id}"
        if evidence.comment_id is not None
        else f"reflection answer {evidence.reflection_answer_id}"
        if evidence.reflection_answer_id is not None
        else "a note"
    )
    store.append_audit(cur, actor, "lesson", lesson_id, "evidence", f"Linked {kind}", now)


def link_evidence(
    database: store.Database,
    lesson_id: int,
    evidence: EvidenceLink,
    actor: Actor,
    now: datetime | None = None,
) -> None:
    """Link more evidence to a lesson (linking the same comment twice does nothing)."""
    with database.transaction() as cur:
        link_evidence_in(cur, lesson_id, evidence, actor, now or now_local())


def draft_from_lesson(lesson: object, **overrides: Any) -> LessonDraft:
    """A draft holding the fields of anything shaped like a lesson (a stored row, or the
    demo's lessons), with `overrides` for any field it lacks or should change."""
    values: dict[str, Any] = {
        f.name: overrides[f.name] if f.name in overrides else getattr(lesson, f.name)
        for f in fields(LessonDraft)
    }
    values["themes"] = list(values["themes"])
    return LessonDraft(**values)


@dataclass
class LessonFilter:
    statuses: list[str] = field(default_factory=list)
    theme: str | None = None
    polarity: str | None = None
    scope: str | None = None
    owner: str | None = None
    overdue_only: bool = False
    text: str = ""
    sort: str = "priority"


_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SORTS = {
    "priority": "Priority, then due date",
    "due": "Due date",
    "newest": "Newest first",
    "status": "Lifecycle stage",
}


def filter_lessons(
    lessons: list[store.LessonRow], where: LessonFilter, today: date
) -> list[store.LessonRow]:
    """The register as filtered and sorted on the Lessons page."""
    text = where.text.strip().lower()
    chosen = [
        lesson
        for lesson in lessons
        if (not where.statuses or lesson.status in where.statuses)
        and (where.theme is None or where.theme in lesson.themes)
        and (where.polarity is None or lesson.polarity == where.polarity)
        and (where.scope is None or lesson.scope == where.scope)
        and (where.owner is None or lesson.owner == where.owner)
        and (not where.overdue_only or is_overdue(lesson, today))
        and (
            not text
            or any(
                text in value.lower()
                for value in (
                    lesson.title,
                    lesson.lesson,
                    lesson.recommendation,
                    lesson.what_happened,
                    lesson.action,
                    lesson.owner,
                )
            )
        )
    ]
    stage = list(STATUSES)
    far = date.max
    keys = {
        "priority": lambda x: (_PRIORITY_ORDER[x.priority], x.due_date or far, x.id),
        "due": lambda x: (x.due_date or far, x.id),
        "newest": lambda x: (-x.logged_at.timestamp(), -x.id),
        "status": lambda x: (stage.index(x.status), x.id),
    }
    return sorted(chosen, key=keys.get(where.sort, keys["priority"]))


# --- reading the register -----------------------------------------------------------------


def read_register(database: store.Database) -> list[store.LessonRow]:
    with database.reading() as cur:
        return store.all_lessons(cur)


@dataclass(frozen=True)
class RegisterCounts:
    lessons: int
    open_actions: int
    validated: int
    overdue: list[store.LessonRow]


def register_counts(lessons: Sequence[store.LessonRow], today: date) -> RegisterCounts:
    """The figures at the top of the register."""
    return RegisterCounts(
        lessons=len(lessons),
        open_actions=sum(1 for x in lessons if x.status in OPEN_ACTION_STATUSES),
        validated=sum(1 for x in lessons if x.status == "validated"),
        overdue=[x for x in lessons if is_overdue(x, today)],
    )


def owners(lessons: Sequence[store.LessonRow]) -> list[str]:
    """Everyone who owns an action, for the owner filter."""
    return sorted({x.owner for x in lessons if x.owner})


def sessions_to_apply_in(
    lesson: store.LessonRow, sessions: Sequence[store.SessionRow]
) -> list[store.SessionRow]:
    """Where a lesson may be embedded: any session but the one it came from."""
    return [s for s in sessions if s.id != lesson.source_session_id]


def lessons_taking_evidence(database: store.Database) -> dict[int, str]:
    """Id → title of every lesson that can still take evidence."""
    with database.reading() as cur:
        return store.lesson_titles(cur, TAKES_EVIDENCE_STATUSES)


def evidence_of(database: store.Database, lesson_id: int) -> list[store.EvidenceRow]:
    with database.reading() as cur:
        return store.evidence_for_lesson(cur, lesson_id)


def history_of(database: store.Database, lesson_id: int) -> list[store.AuditEntry]:
    """The lesson's audit trail, oldest first."""
    with database.reading() as cur:
        return store.audit_for(cur, "lesson", lesson_id)
