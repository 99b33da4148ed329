"""Privacy: the council's notice settings, retention, erasure and subject access.

The one set of doors for what the law asks of the attendees' data; the Privacy
settings page, the Comments page and `lessons privacy ...` all call these.

- Retention: responses (with their comments, the analyses and corrections of those,
  and the lessons' links to them) are deleted once older than the retention period
  (24 months unless the council sets another). A lesson that quoted a deleted comment
  stays: the link goes, and the lesson's history says so.
- Erasure: an attendee who left a name or contact detail is found by it; the details
  are erased, and with them, if asked, the responses they came with. Any single
  response or comment can be removed from the Comments page (one that names someone).
- Subject access: everything held with an attendee's contact details, as JSON.

Every erasure and export is recorded in the audit trail against the account that made
it, with counts and ids, never the erased text or the person's details. The settings,
a purge, erasing an attendee's details and a subject-access export are an
administrator's; removing one comment or response (from the Comments page) is a
programme lead's too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from lessons import backups, store
from lessons.auth import Actor, check_role
from lessons.choices import COMMENT_QUESTIONS
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.privacy_notice import DEFAULT_RETENTION_MONTHS, PrivacySettings
from lessons.typed_text import clean_dataclass
from lessons.wording import plural

MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120
MIN_QUERY_CHARS = 3
MAX_SETTING_CHARS = 300

# The app_settings keys of the privacy settings, by field of PrivacySettings.
SETTING_KEYS = {f.name: f"privacy.{f.name}" for f in fields(PrivacySettings)}

# Why a comment or response was removed by hand: chosen, never typed, so that the audit
# trail cannot end up holding what was erased.
ERASE_REASONS = {
    "names_someone": "it names or identifies someone",
    "offensive": "it is abusive or offensive",
    "asked": "the attendee asked for it to be deleted",
    "other": "another reason",
}


# --- settings ---------------------------------------------------------------------------------


def settings_from(values: dict[str, str]) -> PrivacySettings:
    """The privacy settings from stored key/values (defaults for what is not set)."""
    months = values.get(SETTING_KEYS["retention_months"], "")
    return PrivacySettings(
        controller=values.get(SETTING_KEYS["controller"], ""),
        team=values.get(SETTING_KEYS["team"], ""),
        dpo_email=values.get(SETTING_KEYS["dpo_email"], ""),
        address=values.get(SETTING_KEYS["address"], ""),
        retention_months=int(months) if months.isdigit() else DEFAULT_RETENTION_MONTHS,
    )


def privacy_settings(database: store.Database) -> PrivacySettings:
    with database.reading() as cur:
        return settings_from(store.all_settings(cur))


def settings_errors(settings: PrivacySettings) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not settings.controller.strip():
        errors["controller"] = (
            "Name the data controller: usually the council, e.g. 'Calderbrook Borough Council'."
        )
    email = settings.dpo_email.strip()
    if not email:
        errors["dpo_email"] = "Give the email address attendees can write to about their data."
    elif " " in email or "@" not in email or "." not in email.rsplit("@", 1)[-1]:
        errors["dpo_email"] = "That does not look like an email address: check it."
    for name in ("controller", "team", "dpo_email", "address"):
        if len(getattr(settings, name)) > MAX_SETTING_CHARS:
            errors[name] = f"Shorten this to {MAX_SETTING_CHARS} characters or fewer."
    if not MIN_RETENTION_MONTHS <= settings.retention_months <= MAX_RETENTION_MONTHS:
        errors["retention_months"] = (
            f"Keep answers between {MIN_RETENTION_MONTHS} and {MAX_RETENTION_MONTHS} months."
        )
    return errors


def save_privacy_settings_in(
    cur: store.Cursor, settings: PrivacySettings, actor: Actor, now: datetime
) -> list[str]:
    """Check and save the privacy settings inside the caller's transaction; the audit trail
    names what changed. Returns the names of the fields that changed."""
    check_role(actor.role, "admin", "change the privacy settings")
    settings = clean_dataclass(settings, ("controller", "team", "dpo_email", "address"))
    errors = settings_errors(settings)
    if errors:
        raise ValidationError(errors)
    stored = store.all_settings(cur)
    before = settings_from(stored)
    changed = []
    for field in fields(PrivacySettings):
        value = getattr(settings, field.name)
        value = value.strip() if isinstance(value, str) else value
        if value != getattr(before, field.name):
            changed.append(field.name)
        elif SETTING_KEYS[field.name] in stored:
            continue
        store.save_setting(cur, SETTING_KEYS[field.name], str(value), actor, now)
    if changed:
        detail = "Changed " + ", ".join(changed)
        if "retention_months" in changed:
            months = plural(settings.retention_months, "month")
            detail += f" (retention {before.retention_months} → {months})"
        store.append_audit(cur, actor, "privacy", "settings", "edited", detail, now)
    return changed


def save_privacy_settings(
    database: store.Database, settings: PrivacySettings, actor: Actor, now: datetime | None = None
) -> list[str]:
    with database.transaction() as cur:
        return save_privacy_settings_in(cur, settings, actor, now or now_local())


# --- what a deletion removes ------------------------------------------------------------------


@dataclass(frozen=True)
class Holdings:
    """What is held (or was deleted): responses, their comments, the contact details among
    them, and the lessons' links to those comments."""

    responses: int = 0
    comments: int = 0
    contacts: int = 0
    lesson_links: int = 0
    lessons: tuple[int, ...] = ()
    followups: int = 0  # follow-up answers (their comments are counted in `comments`)

    def describe(self) -> str:
        """In words, leaving out what there is none of ("nothing" when there is nothing)."""
        parts = [
            _count(n, one, many)
            for n, one, many in (
                (self.responses, "response", "responses"),
                (self.comments, "comment", "comments"),
                (self.contacts, "set of contact details", "sets of contact details"),
                (self.followups, "follow-up answer", "follow-up answers"),
            )
            if n
        ]
        text = ", ".join(parts) or "nothing"
        if self.lesson_links:
            lessons = ", ".join(f"#{i}" for i in self.lessons)
            text += f"; {_count(self.lesson_links, 'link')} from lessons ({lessons})"
        return text


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _holdings(
    cur: store.Cursor, response_ids: Sequence[int], followup_ids: Sequence[int] = ()
) -> Holdings:
    # A follow-up answer's id comes from the responses' sequence: its comments are found
    # the same way (migration 012).
    comment_ids = store.comment_ids_of_responses(cur, [*response_ids, *followup_ids])
    links = store.evidence_links_to_comments(cur, comment_ids)
    return Holdings(
        responses=len(response_ids),
        comments=len(comment_ids),
        contacts=store.contact_count(cur, response_ids),
        lesson_links=len(links),
        lessons=tuple(sorted({link.lesson_id for link in links})),
        followups=len(followup_ids),
    )


def _delete_comments_in(
    cur: store.Cursor, comment_ids: Sequence[int], actor: Actor, why: str, now: datetime
) -> None:
    """Delete comments and all that hangs off them; each lesson that loses a link says so in
    its own history (the lesson itself stays)."""
    for link in store.evidence_links_to_comments(cur, comment_ids):
        store.append_audit(
            cur,
            actor,
            "lesson",
            link.lesson_id,
            "evidence",
            f"Unlinked comment {link.comment_id}: the comment was deleted ({why})",
            now,
        )
    store.delete_comments(cur, comment_ids)


def _delete_responses_in(
    cur: store.Cursor,
    response_ids: Sequence[int],
    actor: Actor,
    why: str,
    now: datetime,
    followup_ids: Sequence[int] = (),
) -> Holdings:
    held = _holdings(cur, response_ids, followup_ids)
    everything = [*response_ids, *followup_ids]
    _delete_comments_in(cur, store.comment_ids_of_responses(cur, everything), actor, why, now)
    store.delete_responses(cur, response_ids)
    store.delete_followups(cur, followup_ids)
    return held


# --- retention --------------------------------------------------------------------------------


def retention_cutoff(today: date, months: int) -> date:
    """The first day still kept: `months` before today (the last day of a shorter month
    when today's day does not exist there)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a first day")


@dataclass(frozen=True)
class Purge:
    """A retention purge: responses sent before `cutoff` (from `months` back), and what they
    hold (what would go, or what went)."""

    cutoff: date
    months: int
    held: Holdings
    backups_deleted: int = 0


def purge_preview(database: store.Database, today: date | None = None) -> Purge:
    """What a purge would delete today, without deleting anything."""
    day = today or now_local().date()
    with database.reading() as cur:
        months = settings_from(store.all_settings(cur)).retention_months
        cutoff = retention_cutoff(day, months)
        old = store.response_ids_before(cur, cutoff), store.followups_before(cur, cutoff)
        return Purge(cutoff, months, _holdings(cur, *old))


def purge(database: store.Database, actor: Actor, now: datetime | None = None) -> Purge:
    """Delete every response older than the retention period, with its comments, their
    analyses and corrections, and the lessons' links to them, in one transaction; one
    audit row says what went (even when nothing did: the purge was run)."""
    check_role(actor.role, "admin", "delete what is past the retention period")
    when = now or now_local()
    with database.transaction() as cur:
        months = settings_from(store.all_settings(cur)).retention_months
        cutoff = retention_cutoff(when.date(), months)
        why = f"older than the {months}-month retention period"
        held = _delete_responses_in(
            cur,
            store.response_ids_before(cur, cutoff),
            actor,
            why,
            when,
            store.followups_before(cur, cutoff),
        )
        store.append_audit(
            cur,
            actor,
            "privacy",
            "retention",
            "purged",
            f"Deleted what was sent before {cutoff:%-d %B %Y} ({months}-month retention):"
            f" {held.describe()}",
            when,
        )
    return Purge(cutoff, months, held, len(_delete_old_backups(database, cutoff)))


def _delete_old_backups(database: store.Database, cutoff: date) -> list[str]:
    """What was purged or erased must not live on in a backup older than the retention
    period: delete those backups (the newer ones go in their turn, LESSONS_BACKUP_KEEP)."""
    if str(database.path) == ":memory:":
        return []
    return [path.name for path in backups.delete_backups_before(database.path, cutoff)]


# --- erasure -----------------------------------------------------------------------------------


def find_contacts(database: store.Database, query: str) -> list[store.ContactRow]:
    """Responses that kept a name or contact detail containing `query` (any case)."""
    wanted = " ".join(query.split())
    if len(wanted) < MIN_QUERY_CHARS:
        raise ValidationError(
            {"query": f"Type at least {MIN_QUERY_CHARS} characters of the name or email."}
        )
    with database.reading() as cur:
        return store.contacts_matching(cur, wanted)


def _known_responses(cur: store.Cursor, response_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(response_ids))
    if not ids:
        raise ValidationError({"responses": "Choose at least one response."})
    found = {r.id for r in store.responses_by_ids(cur, ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"responses": f"Response {missing[0]} no longer exists."})
    return ids


def erase_contacts(
    database: store.Database,
    response_ids: Sequence[int],
    actor: Actor,
    with_responses: bool = False,
    now: datetime | None = None,
) -> Holdings:
    """Erase the name and contact details kept with these responses; `with_responses`
    deletes the responses themselves too (their comments and all that hangs off them)."""
    check_role(actor.role, "admin", "erase an attendee's details")
    when = now or now_local()
    with database.transaction() as cur:
        ids = _known_responses(cur, response_ids)
        listed = ", ".join(f"#{i}" for i in ids)
        if with_responses:
            held = _delete_responses_in(cur, ids, actor, "the attendee's data was erased", when)
            detail = (
                f"Erased {_count(len(ids), 'response')} ({listed}) on request: {held.describe()}"
            )
        else:
            held = Holdings(contacts=store.contact_count(cur, ids))
            store.clear_contact_details(cur, ids)
            detail = (
                f"Erased the contact details kept with {_count(len(ids), 'response')} ({listed})"
                " on request; the answers stay, anonymous"
            )
        store.append_audit(cur, actor, "privacy", "contact", "erased", detail, when)
        months = settings_from(store.all_settings(cur)).retention_months
    _delete_old_backups(database, retention_cutoff(when.date(), months))
    return held


def erase_comment(
    database: store.Database,
    comment_id: int,
    actor: Actor,
    reason: str,
    whole_response: bool = False,
    now: datetime | None = None,
) -> Holdings:
    """Remove one comment (one that names someone, say) with all that hangs off it; or, with
    `whole_response`, the response it belongs to and all its answers. A programme lead's
    call (or an administrator's): it cannot be undone, and it takes evidence from lessons."""
    check_role(actor.role, "lead", "remove a comment or a response")
    if reason not in ERASE_REASONS:
        raise ValidationError({"reason": "Choose why it is being removed."})
    when = now or now_local()
    why = ERASE_REASONS[reason]
    with database.transaction() as cur:
        place = store.comment_place(cur, comment_id)
        if place is None:
            raise ValidationError({"comment": "That comment no longer exists."})
        where = f"session {place.session_id}"
        if whole_response:
            held = _delete_responses_in(cur, [place.response_id], actor, why, when)
            detail = f"Deleted response #{place.response_id} ({where}): {why}; {held.describe()}"
        else:
            links = store.evidence_links_to_comments(cur, [comment_id])
            held = Holdings(
                comments=1,
                lesson_links=len(links),
                lessons=tuple(sorted({link.lesson_id for link in links})),
            )
            _delete_comments_in(cur, [comment_id], actor, why, when)
            detail = (
                f"Deleted comment #{comment_id} ({where}, answer to"
                f" '{COMMENT_QUESTIONS.get(place.question, place.question)}'): {why}"
            )
        store.append_audit(cur, actor, "privacy", "response", "erased", detail, when)
        months = settings_from(store.all_settings(cur)).retention_months
    _delete_old_backups(database, retention_cutoff(when.date(), months))
    return held


def record(database: store.Database) -> list[store.PrivacyRecord]:
    """What has been done under these doors, newest first (from the audit trail)."""
    with database.reading() as cur:
        return store.privacy_record(cur)


# --- subject access ----------------------------------------------------------------------------


def subject_access(
    database: store.Database,
    response_ids: Sequence[int],
    actor: Actor,
    now: datetime | None = None,
) -> str:
    """Everything held with these responses (an attendee's, found by their contact
    details) as JSON: the responses with the session and date, the contact details, each
    comment with what the analysis and people made of it and the lessons that quote it.
    The export is audited (ids only)."""
    check_role(actor.role, "admin", "export what is held for an attendee")
    when = now or now_local()
    with database.transaction() as cur:
        ids = _known_responses(cur, response_ids)
        responses = store.responses_by_ids(cur, ids)
        comments = store.held_comments(cur, ids)
        sessions = store.session_titles(cur, sorted({r.session_id for r in responses}))
        settings = settings_from(store.all_settings(cur))
        store.append_audit(
            cur,
            actor,
            "privacy",
            "contact",
            "exported",
            f"Subject access export of {_count(len(ids), 'response')}"
            f" ({', '.join(f'#{i}' for i in ids)})",
            when,
        )
    document = {
        "exported_on": when.date().isoformat(),
        "controller": settings.controller,
        "kept_for_months": settings.retention_months,
        "responses": [
            {
                "response": r.id,
                "session": sessions[r.session_id][0],
                "session_date": sessions[r.session_id][1].date().isoformat(),
                "submitted_on": r.submitted_on.isoformat(),
                "answers": {
                    name: getattr(r, name)
                    for name in store.RESPONSE_FIELDS
                    if not name.startswith("contact_")
                },
                "contact": {
                    "opted_in": r.contact_opt_in,
                    "name": r.contact_name,
                    "detail": r.contact_detail,
                },
                "comments": [
                    {
                        "question": COMMENT_QUESTIONS.get(c.question, c.question),
                        "text": c.text,
                        "given_on": c.created_on.isoformat(),
                        "sentiment": c.sentiment,
                        "themes": list(c.themes),
                        "quoted_in_lessons": [
                            {"lesson": lesson_id, "title": title} for lesson_id, title in c.lessons
                        ],
                    }
                    for c in comments
                    if c.response_id == r.id
                ],
            }
            for r in responses
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
