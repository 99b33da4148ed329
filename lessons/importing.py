"""Feedback from elsewhere: a Microsoft Forms or Google Forms export, our own CSV, or paper
cards typed in, stored as the online form stores a response (issue 13).

An import is planned first (the dry run: every row judged, nothing written), then stored:
the accepted rows' comments are analysed, and one transaction stores the responses, their
comments and analyses, the import's record and each row's file hash and key, so a file
imported twice stores nothing the second time and an import cut short stores nothing.
Each row passes the online form's own checks (lessons.feedback).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from lessons import store, tagging
from lessons.analysis import Analysis, analyse_many
from lessons.auth import Actor, check_role
from lessons.choices import QUESTION_KIND, QUESTIONS
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.feedback import (
    FeedbackAnswer,
    Recorded,
    SessionUnavailable,
    Submission,
    clean_answer,
    record_responses_in,
    validate_feedback,
)
from lessons.followup import FollowupAnswer, submit_followup
from lessons.import_sheet import (
    FIELD_LABELS,
    SCALE_FIELDS,
    SOURCES,
    ColumnMapping,
    ParsedRow,
    Sheet,
    parse_row,
)
from lessons.paper_form import CHOICE_KEYS, FOLLOWUP_CHOICE_KEYS
from lessons.sessions import normalise_code
from lessons.wording import plural

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class RowOutcome:
    """What the import does with one row: store it, refuse it (with why) or skip it as
    already imported."""

    number: int
    row_key: str
    status: str  # "store", "refused" or "duplicate"
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Counts:
    rows_read: int
    to_store: int
    refused: int
    duplicates: int

    def as_dict(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "stored": self.to_store,
            "refused": self.refused,
            "duplicates": self.duplicates,
        }


@dataclass(frozen=True)
class Accepted:
    row: ParsedRow
    submission: Submission
    content_key: str


@dataclass(frozen=True)
class ImportPlan:
    """The dry run: every row's outcome, and the submissions to store."""

    sheet: Sheet
    source: str
    outcomes: list[RowOutcome]
    accepted: list[Accepted] = field(default_factory=list)

    @property
    def counts(self) -> Counts:
        statuses = [o.status for o in self.outcomes]
        return Counts(
            rows_read=len(self.outcomes),
            to_store=statuses.count("store"),
            refused=statuses.count("refused"),
            duplicates=statuses.count("duplicate"),
        )

    @property
    def refused(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]


@dataclass(frozen=True)
class ImportResult:
    import_id: int | None
    counts: Counts
    response_ids: list[int]


def _reason(name: str, message: str) -> str:
    label = FIELD_LABELS.get(name, name)
    if name in SCALE_FIELDS:
        return f"bad rating: {label.lower()} — {message}"
    if name in QUESTIONS:
        return f"text over the limit: '{label}' — {message}"
    return f"{label}: {message}"


def _session_finder(
    cur: store.Cursor, session_code: str | None
) -> Callable[[ParsedRow], tuple[int | None, str]]:
    """Where each row goes: the one chosen session, or the session its row names (by code,
    or by day and title)."""
    keys = store.session_keys(cur)
    by_code = {k.short_code: k.id for k in keys}
    by_day_title: dict[tuple[date, str], list[int]] = {}
    for key in keys:
        by_day_title.setdefault((key.day, key.title.strip().lower()), []).append(key.id)
    if session_code:
        code = normalise_code(session_code)
        if code not in by_code:
            raise ValidationError({"session": f"No session has the code {code}."})
        chosen = by_code[code]
        return lambda row: (chosen, "")

    def find(row: ParsedRow) -> tuple[int | None, str]:
        if row.session_code:
            code = normalise_code(row.session_code)
            if code in by_code:
                return by_code[code], ""
            return None, f"unknown session: no session has the code '{row.session_code[:20]}'"
        if row.session_date and row.session_title:
            found = by_day_title.get((row.session_date, row.session_title.lower()), [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, "unknown session: two sessions share that day and title"
            return None, (
                f"unknown session: none called '{row.session_title[:60]}'"
                f" on {row.session_date:%-d %B %Y}"
            )
        return None, "unknown session: choose a session, or map a session code or date and title"

    return find


def _answer(row: ParsedRow) -> FeedbackAnswer:
    v = row.values
    contact_name = str(v.get("contact_name") or "")
    contact_detail = str(v.get("contact_detail") or "")
    return FeedbackAnswer(
        overall_rating=v.get("overall_rating"),  # type: ignore[arg-type]
        usefulness=v.get("usefulness"),  # type: ignore[arg-type]
        confidence_before=v.get("confidence_before"),  # type: ignore[arg-type]
        confidence_after=v.get("confidence_after"),  # type: ignore[arg-type]
        balance=v.get("balance"),  # type: ignore[arg-type]
        length=v.get("length"),  # type: ignore[arg-type]
        councillor_type=v.get("councillor_type"),  # type: ignore[arg-type]
        went_well=str(v.get("went_well") or ""),
        to_change=str(v.get("to_change") or ""),
        help_next=str(v.get("help_next") or ""),
        # Mapped on purpose by the person importing: kept, as the form keeps an opt-in.
        contact_opt_in=bool(contact_name.strip() or contact_detail.strip()),
        contact_name=contact_name,
        contact_detail=contact_detail,
    )


def answer_problems(answer: FeedbackAnswer) -> tuple[FeedbackAnswer | None, list[str]]:
    """The answer as it is kept and the online form's objections to it, as reasons."""
    try:
        kept = clean_answer(answer)
    except ValidationError as invalid:
        return None, [_reason(name, message) for name, message in invalid.errors.items()]
    errors = validate_feedback(kept)
    return kept, [_reason(name, message) for name, message in errors.items()]


def import_key(content_key: str) -> str:
    """The response's idempotency key: the same row imported again finds it."""
    return f"import-{content_key[:64]}"


def plan_import(
    database: store.Database,
    sheet: Sheet,
    mapping: ColumnMapping,
    session_code: str | None = None,
    today: date | None = None,
) -> ImportPlan:
    """Judge every row (the dry run): nothing is written."""
    day = today or now_local().date()
    source = sheet.layout
    with database.reading() as cur:
        find_session = _session_finder(cur, session_code)
        seen_keys = store.imported_row_keys(cur, sheet.file_hash)
        parsed = [parse_row(n, row, mapping) for n, row in enumerate(sheet.rows, start=1)]
        content_keys = [row.content_key(source) for row in parsed]
        seen_content = store.imported_content_keys(cur, content_keys)
    outcomes: list[RowOutcome] = []
    accepted: list[Accepted] = []
    in_file: set[str] = set()
    for row, content_key in zip(parsed, content_keys, strict=True):
        if row.row_key in seen_keys or content_key in seen_content or row.row_key in in_file:
            outcomes.append(RowOutcome(row.number, row.row_key, "duplicate"))
            continue
        in_file.add(row.row_key)
        reasons = [problem for problem in row.problems.values()]
        session_id, session_problem = find_session(row)
        if session_problem:
            reasons.append(session_problem)
        kept, objections = answer_problems(_answer(row))
        reasons += [o for o in objections if not _already_said(o, row)]
        if reasons or kept is None or session_id is None:
            outcomes.append(RowOutcome(row.number, row.row_key, "refused", tuple(reasons)))
            continue
        submitted = datetime.combine(row.submitted or day, time())
        submission = Submission(session_id, kept, import_key(content_key), submitted)
        accepted.append(Accepted(row, submission, content_key))
        outcomes.append(RowOutcome(row.number, row.row_key, "store"))
    return ImportPlan(sheet, source, outcomes, accepted)


def _already_said(objection: str, row: ParsedRow) -> bool:
    """A scale answer that could not be read is blank to the form's checks, which would
    then also say the overall rating is missing: say it once."""
    return "overall_rating" in row.problems and objection.startswith("bad rating: overall")


def analyse_comments(
    database: store.Database,
    submissions: Sequence[Submission],
    progress: Progress | None = None,
) -> dict[tuple[str, str], Analysis]:
    """Each distinct (question, text) of these submissions, analysed (the slow, pure part,
    done before the write transaction)."""
    wanted = sorted(
        {
            (question, text)
            for s in submissions
            for question in QUESTIONS
            if (text := getattr(s.answer, question).strip())
        }
    )
    with database.reading() as cur:
        definitions = tagging.active_definitions(cur)

    def step(done: int, total: int) -> None:
        if progress:
            progress(done / total if total else 1.0, f"Analysing comments: {done:,} of {total:,}")

    results = analyse_many(
        [(text, QUESTION_KIND.get(q, "general")) for q, text in wanted],
        matcher_themes=definitions,
        progress=step,
    )
    return dict(zip(wanted, results, strict=True))


def store_submissions(
    cur: store.Cursor,
    submissions: Sequence[Submission],
    analyses: dict[tuple[str, str], Analysis],
    source: str,
    actor: Actor,
    import_id: int | None = None,
) -> list[Recorded]:
    """Store responses from elsewhere inside the caller's transaction, as the online form
    stores them, each comment with its analysis, each response marked with its source and
    who brought it in. One `Recorded` per submission (`new` False: it was there already)."""
    recorded = record_responses_in(cur, submissions)
    fresh = [(s, r) for s, r in zip(submissions, recorded, strict=True) if r.new]
    analysed = [
        (comment_id, analyses[(question, getattr(s.answer, question).strip())])
        for s, r in fresh
        for question, comment_id in r.comment_ids.items()
    ]
    if analysed:
        tagging.store_analyses(cur, analysed, datetime.combine(now_local().date(), time()))
    ids = [r.response_id for _, r in fresh]
    if ids:
        store.insert_response_sources(cur, ids, source, import_id, actor.account_id, actor.name)
    return recorded


def run_import(
    database: store.Database,
    plan: ImportPlan,
    actor: Actor,
    progress: Progress | None = None,
) -> ImportResult:
    """Store the plan's accepted rows in one transaction (none or all of them), with their
    comments analysed; refused rows are left out (the caller decides whether that is
    acceptable). Rows imported meanwhile by someone else are skipped as duplicates."""
    check_role(actor.role, "facilitator", "import feedback")
    submissions = [a.submission for a in plan.accepted]
    analyses = analyse_comments(database, submissions, progress)
    if progress:
        progress(1.0, f"Storing {plural(len(submissions), 'response')} in one transaction")
    sheet = plan.sheet
    with database.transaction() as cur:
        seen_keys = store.imported_row_keys(cur, sheet.file_hash)
        seen_content = store.imported_content_keys(cur, [a.content_key for a in plan.accepted])
        todo = [
            a
            for a in plan.accepted
            if a.row.row_key not in seen_keys and a.content_key not in seen_content
        ]
        counts = Counts(
            rows_read=len(plan.outcomes),
            to_store=len(todo),
            refused=plan.counts.refused,
            duplicates=plan.counts.duplicates + len(plan.accepted) - len(todo),
        )
        now = now_local()
        import_id = store.insert_import(
            cur,
            store.NewImport(
                sheet.name[:200],
                sheet.file_hash,
                sheet.layout,
                now,
                actor.account_id,
                actor.name,
                counts.rows_read,
                counts.to_store,
                counts.refused,
                counts.duplicates,
            ),
        )
        recorded = store_submissions(
            cur, [a.submission for a in todo], analyses, plan.source, actor, import_id
        )
        store.insert_import_rows(
            cur,
            import_id,
            sheet.file_hash,
            [
                store.ImportedRow(a.row.row_key, a.content_key, r.response_id)
                for a, r in zip(todo, recorded, strict=True)
            ],
        )
        ids = [r.response_id for r in recorded if r.new]
        store.append_audit(
            cur,
            actor,
            "import",
            import_id,
            "imported",
            f"{sheet.layout}: {plural(counts.rows_read, 'row')} read, {counts.to_store} stored,"
            f" {counts.refused} refused, {plural(counts.duplicates, 'duplicate')} skipped",
            now,
        )
    return ImportResult(import_id, counts, ids)


# --- paper cards typed in -------------------------------------------------------------------


def paper_answer(keys: dict[str, str]) -> FeedbackAnswer:
    """A card as typed: a number key for each scale (1-5) and each choice (its printed
    number), the comments and any contact as written. A key that is not a number is a
    ValidationError; a number off the scale is left for the form's own checks."""
    errors: dict[str, str] = {}
    points: dict[str, int | None] = {}
    for name in SCALE_FIELDS:
        typed = keys.get(name, "").strip()
        points[name] = int(typed) if typed.isdigit() else None
        if typed and not typed.isdigit():
            errors[name] = f"Type a number from 1 to 5 for {FIELD_LABELS[name].lower()}."
    codes: dict[str, str | None] = {}
    for name, numbered in CHOICE_KEYS.items():
        typed = keys.get(name, "").strip()
        codes[name] = numbered.get(typed)
        if typed and codes[name] is None:
            errors[name] = (
                f"Type the number printed beside the answer ticked (1 to {len(numbered)})."
            )
    if errors:
        raise ValidationError(errors)
    contact_name = keys.get("contact_name", "")
    contact_detail = keys.get("contact_detail", "")
    return FeedbackAnswer(
        overall_rating=points["overall_rating"],
        usefulness=points["usefulness"],
        confidence_before=points["confidence_before"],
        confidence_after=points["confidence_after"],
        balance=codes["balance"],
        length=codes["length"],
        councillor_type=codes["councillor_type"],
        went_well=keys.get("went_well", ""),
        to_change=keys.get("to_change", ""),
        help_next=keys.get("help_next", ""),
        contact_opt_in=keys.get("contact_opt_in", "") == "yes",
        contact_name=contact_name,
        contact_detail=contact_detail,
    )


def enter_paper_card(
    database: store.Database,
    session_id: int,
    answer: FeedbackAnswer,
    actor: Actor,
    card_key: str,
    day: date | None = None,
) -> int:
    """Store one paper card as the online form stores a response (the same checks), marked
    as entered from paper by `actor`; the card's key (one per blank card shown) makes a
    double press store it once. The response id."""
    check_role(actor.role, "facilitator", "enter paper feedback")
    submitted = datetime.combine(day or now_local().date(), time())
    submission = Submission(session_id, answer, f"paper-{card_key}", submitted).checked()
    analyses = analyse_comments(database, [submission])
    with database.transaction() as cur:
        if store.session_by_id(cur, session_id) is None:
            raise ValidationError({"session": "That session no longer exists."})
        [recorded] = store_submissions(cur, [submission], analyses, "paper", actor)
    return recorded.response_id


def _numbers_typed(typed: str) -> list[str] | None:
    """The numbers typed for the boxes ticked ("1 3", "1,3" or "13": each choice is one
    digit); None when anything else was typed."""
    digits = [c for c in typed if c not in " ,;"]
    return digits if all(c.isdigit() for c in digits) else None


def paper_followup_answer(keys: dict[str, str]) -> FollowupAnswer:
    """A follow-up card as typed: the numbers printed beside the boxes ticked (what was done,
    what got in the way), the one for how often, confidence now (1-5) and the comments as
    written. Anything typed that is not a printed number is a ValidationError; the rest is
    left to the follow-up's own checks."""
    errors: dict[str, str] = {}
    picked: dict[str, list[str]] = {}
    for name, numbered in FOLLOWUP_CHOICE_KEYS.items():
        typed = keys.get(name, "").strip()
        numbers = _numbers_typed(typed)
        many = name != "frequency"
        if (
            numbers is None
            or any(n not in numbered for n in numbers)
            or (not many and len(numbers) > 1)
        ):
            errors[name] = (
                f"Type the number{'s' if many else ''} printed beside the"
                f" {'answers' if many else 'answer'} ticked (1 to {len(numbered)})."
            )
            continue
        picked[name] = [numbered[n] for n in dict.fromkeys(numbers)]
    confidence = keys.get("confidence_now", "").strip()
    if confidence and not confidence.isdigit():
        errors["confidence_now"] = "Type a number from 1 to 5 for confidence now."
    if errors:
        raise ValidationError(errors)
    return FollowupAnswer(
        actions=tuple(picked["actions"]),
        frequency=next(iter(picked["frequency"]), None),
        barriers=tuple(picked["barriers"]),
        fu_barriers=keys.get("fu_barriers", ""),
        confidence_now=int(confidence) if confidence else None,
        fu_help_next=keys.get("fu_help_next", ""),
    )


def enter_paper_followup(
    database: store.Database,
    session_id: int,
    answer: FollowupAnswer,
    actor: Actor,
    card_key: str,
) -> int:
    """Store one paper follow-up card as the online follow-up stores an answer (the same
    checks, whenever it is typed in); the card's key makes a double press store it once.
    The follow-up answer's id."""
    check_role(actor.role, "facilitator", "enter paper follow-up answers")
    try:
        return submit_followup(
            database, session_id, answer, f"paper-followup-{card_key}", within_window=False
        )
    except SessionUnavailable as gone:
        raise ValidationError({"session": "That session no longer exists."}) from gone


def paper_cards_entered(database: store.Database, session_id: int, actor: Actor) -> int:
    """How many of this session's responses `actor` has entered from paper."""
    with database.reading() as cur:
        return store.paper_entries_by(cur, session_id, actor.account_id)


def sources_line(database: store.Database, session_id: int) -> str:
    """How a session's responses arrived, e.g. "Online form 12 · Paper form 3" ("" when
    all came through the online form, or none came)."""
    with database.reading() as cur:
        counts = store.response_source_counts(cur, session_id)
    if set(counts) <= {"online"}:
        return ""
    return " · ".join(f"{SOURCES[s]} {n:,}" for s, n in sorted(counts.items()))
