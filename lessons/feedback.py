"""The 60-second feedback form: finding the session, checking an answer, storing it once.

Anonymous by default: nothing about the browser or network is stored, and a
name or contact detail is kept only when the attendee ticks the opt-in.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from lessons import store, tagging
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPES,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LENGTH_CHOICES,
    MAX_FEEDBACK_ANSWER_CHARS,
    QUESTIONS,
)
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.sessions import CODE_LENGTH, normalise_code
from lessons.typed_text import clean_dataclass

MAX_CONTACT_CHARS = 200
MAX_IDEMPOTENCY_KEY_CHARS = 100
# A planned session takes feedback from shortly before it starts (the QR code goes up at
# the start) until its closing time: by default two weeks after it ends.
OPENS_BEFORE_START = timedelta(minutes=30)
FEEDBACK_DAYS = 14


@dataclass
class FeedbackAnswer:
    """One attendee's answers, as the form collected them."""

    overall_rating: int | None
    usefulness: int | None = None
    confidence_before: int | None = None
    confidence_after: int | None = None
    balance: str | None = None
    length: str | None = None
    councillor_type: str | None = None
    went_well: str = ""
    to_change: str = ""
    help_next: str = ""
    contact_opt_in: bool = False
    contact_name: str = ""
    contact_detail: str = ""
    language: str = DEFAULT_LANGUAGE  # the form's language: Welsh answers are not analysed


@dataclass(frozen=True)
class FeedbackWindow:
    """When a session's form takes answers."""

    opens_at: datetime | None  # None: open already (the session is no longer planned)
    closes_at: datetime

    def state(self, now: datetime) -> str:
        """'not_yet', 'open' or 'closed'."""
        if self.opens_at is not None and now < self.opens_at:
            return "not_yet"
        return "closed" if now >= self.closes_at else "open"


def feedback_window(session: store.SessionRow) -> FeedbackWindow:
    closes_at = session.feedback_closes_at or session.ends_at + timedelta(days=FEEDBACK_DAYS)
    opens_at = session.starts_at - OPENS_BEFORE_START if session.status == "planned" else None
    return FeedbackWindow(opens_at, closes_at)


class SessionUnavailable(LookupError):
    """The link or code does not lead to a session taking feedback; `message` says why
    (`reason`: 'unknown', 'closed' or 'not_yet'; `session`: the session, when found)."""

    def __init__(
        self, message: str, reason: str = "unknown", session: store.SessionRow | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.session = session


def closed_message(session: store.SessionRow) -> str:
    return (
        f"Feedback for '{session.title}' has closed. Thank you for wanting to help;"
        " please speak to the facilitator if you have something to add."
    )


def check_taking_feedback(session: store.SessionRow, now: datetime) -> None:
    """SessionUnavailable unless the session's form takes answers at `now`."""
    state = feedback_window(session).state(now)
    if not session.feedback_open or state == "closed":
        raise SessionUnavailable(closed_message(session), "closed", session)
    if state == "not_yet":
        raise SessionUnavailable(
            f"Feedback for '{session.title}' opens 30 minutes before it starts.",
            "not_yet",
            session,
        )


def session_for_link(
    database: store.Database,
    token: str | None = None,
    code: str | None = None,
    now: datetime | None = None,
) -> store.SessionRow:
    """The session a feedback link (`?s=token`) or a typed code leads to, if it is taking
    feedback now; otherwise SessionUnavailable with a message to show the attendee."""
    with database.reading() as cur:
        if token:
            session = store.session_by_token(cur, token.strip()[:100])
            if session is None:
                raise SessionUnavailable(
                    "This feedback link is not recognised. Check it was copied in full,"
                    " or type the 6-character code shown on the screen."
                )
        else:
            typed = normalise_code(code or "")
            if len(typed) != CODE_LENGTH:
                raise SessionUnavailable(
                    f"Session codes have {CODE_LENGTH} letters and numbers, like K7M4PQ."
                    " Check the code on the screen or poster."
                )
            session = store.session_by_code(cur, typed)
            if session is None:
                raise SessionUnavailable(
                    f"No session has the code {typed}. Check the code on the screen or poster:"
                    " codes never use the letters O or I."
                )
    check_taking_feedback(session, now or now_local())
    return session


def validate_scale(errors: dict[str, str], name: str, value: int | None, label: str) -> None:
    """Add a message for `name` unless `value` is empty or on the 1-5 scale."""
    if value is not None and value not in range(1, 6):
        errors[name] = f"Choose {label} from 1 to 5."


def validate_feedback(answer: FeedbackAnswer) -> dict[str, str]:
    """Every problem with the answers, by field, in words that say what to fix."""
    errors: dict[str, str] = {}
    if answer.overall_rating is None:
        errors["overall_rating"] = (
            "Choose an overall rating from 1 to 5 stars: it is the one required answer."
        )
    else:
        validate_scale(errors, "overall_rating", answer.overall_rating, "an overall rating")
    validate_scale(errors, "usefulness", answer.usefulness, "how useful it was")
    validate_scale(errors, "confidence_before", answer.confidence_before, "your confidence before")
    validate_scale(errors, "confidence_after", answer.confidence_after, "your confidence now")
    if answer.balance is not None and answer.balance not in BALANCE_CHOICES:
        errors["balance"] = "Choose one of the listed answers about the balance."
    if answer.length is not None and answer.length not in LENGTH_CHOICES:
        errors["length"] = "Choose one of the listed answers about the length."
    if answer.language not in LANGUAGES:
        errors["language"] = "Choose English or Welsh."
    if answer.councillor_type is not None and answer.councillor_type not in COUNCILLOR_TYPES:
        errors["councillor_type"] = "Choose one of the listed descriptions, or leave it blank."
    for question in QUESTIONS:
        text = getattr(answer, question)
        if len(text) > MAX_FEEDBACK_ANSWER_CHARS:
            errors[question] = (
                f"This answer is {len(text):,} characters; please shorten it to"
                f" {MAX_FEEDBACK_ANSWER_CHARS:,} or fewer."
            )
    has_contact = bool(answer.contact_name.strip() or answer.contact_detail.strip())
    if has_contact and not answer.contact_opt_in:
        errors["contact_opt_in"] = (
            "You gave a name or contact detail: tick the box to let us keep it,"
            " or clear those fields to stay anonymous."
        )
    for name in ("contact_name", "contact_detail"):
        if len(getattr(answer, name)) > MAX_CONTACT_CHARS:
            errors[name] = f"Shorten this to {MAX_CONTACT_CHARS} characters or fewer."
    return errors


# What an attendee types (rather than chooses): cleaned as it is kept (lessons.typed_text).
TYPED_FIELDS = (*QUESTIONS, "contact_name", "contact_detail")


def clean_answer(answer: FeedbackAnswer) -> FeedbackAnswer:
    """The answers as they are kept: control characters removed; ValidationError for a
    character that cannot be stored."""
    return clean_dataclass(answer, TYPED_FIELDS)


@dataclass(frozen=True)
class Submission:
    """One set of answers to a session as it arrives: from the form, a paper card or the
    demo. Only the day of `submitted_at` is kept (responses keep no time of day)."""

    session_id: int
    answer: FeedbackAnswer
    idempotency_key: str
    submitted_at: datetime

    def checked(self) -> Submission:
        """The submission as it is kept, once it passes every check; else
        ValidationError with every problem."""
        kept = replace(self, answer=clean_answer(self.answer))
        errors = submission_errors(kept)
        if errors:
            raise ValidationError(errors)
        return kept


@dataclass(frozen=True)
class Recorded:
    response_id: int
    comment_ids: dict[str, int]  # question → comment id, for the comments stored now
    new: bool  # False when the key had already been stored: nothing more was written


def _response_values(answer: FeedbackAnswer) -> dict[str, object]:
    keep_contact = answer.contact_opt_in and bool(
        answer.contact_name.strip() or answer.contact_detail.strip()
    )
    return {
        "overall_rating": answer.overall_rating,
        "usefulness": answer.usefulness,
        "confidence_before": answer.confidence_before,
        "confidence_after": answer.confidence_after,
        "balance": answer.balance,
        "length": answer.length,
        "councillor_type": answer.councillor_type,
        "contact_opt_in": keep_contact,
        "contact_name": answer.contact_name.strip() or None if keep_contact else None,
        "contact_detail": answer.contact_detail.strip() or None if keep_contact else None,
        "language": answer.language,
    }


def submission_errors(submission: Submission) -> dict[str, str]:
    errors = validate_feedback(submission.answer)
    key = submission.idempotency_key
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_CHARS:
        errors["form"] = "This form has expired: reload the page and submit again."
    return errors


def record_responses_in(cur: store.Cursor, submissions: Sequence[Submission]) -> list[Recorded]:
    """Check and store responses and their comments, a whole batch (of one session or many)
    in a few statements, inside the caller's transaction; one `Recorded` per submission.
    A key already stored finds that response and stores nothing more. The comments are
    stored unanalysed: the caller saves their analyses (`tagging.store_analyses`) or
    leaves them to `tagging.reanalyse`."""
    if not submissions:
        return []
    kept = []
    for number, submission in enumerate(submissions, start=1):
        try:
            kept.append(submission.checked())
        except ValidationError as invalid:
            if len(submissions) == 1:
                raise
            where = {"response": f"Response {number} of {len(submissions)}."}
            raise ValidationError({**where, **invalid.errors}) from invalid
    submissions = kept
    sessions = {s.session_id for s in submissions}
    if store.existing_session_ids(cur, sorted(sessions)) != sessions:
        raise SessionUnavailable("That session no longer exists.")
    existing = store.response_ids_for_keys(cur, [s.idempotency_key for s in submissions])
    fresh = list(
        {s.idempotency_key: s for s in submissions if s.idempotency_key not in existing}.values()
    )
    new_ids = store.insert_responses(
        cur,
        [
            store.NewResponse(
                s.session_id, s.idempotency_key, s.submitted_at.date(), _response_values(s.answer)
            )
            for s in fresh
        ],
    )
    comments = [
        store.NewComment(
            new_ids[s.idempotency_key],
            s.session_id,
            question,
            getattr(s.answer, question).strip(),
            s.submitted_at.date(),
            s.answer.language,
        )
        for s in fresh
        for question in QUESTIONS
        if getattr(s.answer, question).strip()
    ]
    comment_ids = store.insert_comments(cur, comments) if comments else {}
    recorded = []
    for submission in submissions:
        key = submission.idempotency_key
        if key in existing:
            recorded.append(Recorded(existing[key], {}, False))
            continue
        response_id = new_ids[key]
        by_question = {
            question: comment_ids[(response_id, question)]
            for question in QUESTIONS
            if (response_id, question) in comment_ids
        }
        recorded.append(Recorded(response_id, by_question, True))
    return recorded


def submit_feedback(
    database: store.Database,
    session_id: int,
    answer: FeedbackAnswer,
    idempotency_key: str,
    now: datetime | None = None,
    within_window: bool = False,
) -> int:
    """Store one response and its analysed comments in one transaction; return the
    response id. English comments are analysed; Welsh ones are kept as written, unanalysed.

    The idempotency key is made once per rendering of the form, so a double click
    or a resubmitted form finds the first response and stores nothing more. With
    `within_window` (the attendees' form), the session must be taking feedback at `now`.
    """
    moment = now or now_local()
    submission = Submission(session_id, answer, idempotency_key, moment).checked()
    answer = submission.answer
    # Analyse before taking the write lock: it is pure and the slowest part.
    analyses = _analyses(database, answer)
    with database.transaction() as cur:
        existing = store.response_ids_for_keys(cur, [idempotency_key])
        if idempotency_key in existing:
            return existing[idempotency_key]
        session = store.session_by_id(cur, session_id)
        if session is None or not session.feedback_open:
            raise SessionUnavailable("Feedback for this session has closed.", "closed", session)
        if within_window:
            check_taking_feedback(session, moment)
        [recorded] = record_responses_in(cur, [submission])
        tagging.store_analyses(
            cur,
            [(recorded.comment_ids[q], analysis) for q, analysis in analyses.items()],
            # Analysed as it arrived: the moment would say when it was sent, so only the day.
            datetime.combine(submission.submitted_at.date(), time()),
        )
    return recorded.response_id


# --- a full room: many phones sending at once -------------------------------------------------


def _analyses(database: store.Database, answer: FeedbackAnswer) -> dict[str, tagging.Analysis]:
    """The analysis of each English answer (Welsh ones are kept unanalysed)."""
    texts = {question: getattr(answer, question) for question in QUESTIONS}
    return analyse_texts(database, answer.language, texts)


def analyse_texts(
    database: store.Database, language: str, texts: dict[str, str]
) -> dict[str, tagging.Analysis]:
    """The analysis of each non-empty answer (question → text) as it arrives, in the light
    of its question; answers in Welsh are kept unanalysed (the analysis reads English)."""
    wanted = {question: text.strip() for question, text in texts.items() if text.strip()}
    if language != "en" or not wanted:
        return {}
    with database.reading() as cur:
        matcher = tagging.current_matcher(cur)
    return {
        question: tagging.analyse_answer(matcher, question, text)
        for question, text in wanted.items()
    }


@dataclass
class _Waiting:
    submission: Submission
    analyses: dict[str, tagging.Analysis]
    done: bool = False
    response_id: int | None = None
    problem: BaseException | None = field(default=None, repr=False)


class RoomOfPhones:
    """The attendees' form's door when a room sends at once: each call stores one
    response, checked as `submit_feedback` checks it (and the session must be taking
    feedback), but the calls that arrive while one transaction is being written wait and
    are written together in the next (a group commit). Each caller returns only once its
    response is committed, so nothing is acknowledged and then lost; a key already stored
    (a double click, a resubmitted form) stores nothing more."""

    def __init__(self, database: store.Database) -> None:
        self._database = database
        self._changed = threading.Condition()
        self._pending: list[_Waiting] = []
        self._writing = False

    def submit(
        self,
        session_id: int,
        answer: FeedbackAnswer,
        idempotency_key: str,
        now: datetime | None = None,
    ) -> int:
        """Store one response (see the class); return its id. ValidationError or
        SessionUnavailable as submit_feedback raises them."""
        submission = Submission(session_id, answer, idempotency_key, now or now_local()).checked()
        waiting = _Waiting(submission, _analyses(self._database, submission.answer))
        with self._changed:
            self._pending.append(waiting)
            while not waiting.done and self._writing:
                self._changed.wait()
            if waiting.done:
                return self._outcome(waiting)
            self._writing = True
            batch, self._pending = self._pending, []
        try:
            self._write(batch)
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()
        return self._outcome(waiting)

    @staticmethod
    def _outcome(waiting: _Waiting) -> int:
        if waiting.problem is not None:
            raise waiting.problem
        assert waiting.response_id is not None
        return waiting.response_id

    def _write(self, batch: list[_Waiting]) -> None:
        try:
            with self._database.transaction() as cur:
                taking: dict[int, SessionUnavailable | None] = {}
                for session_id in {w.submission.session_id for w in batch}:
                    session = store.session_by_id(cur, session_id)
                    try:
                        if session is None:
                            raise SessionUnavailable("That session no longer exists.")
                        check_taking_feedback(session, batch[0].submission.submitted_at)
                        taking[session_id] = None
                    except SessionUnavailable as refused:
                        taking[session_id] = refused
                for waiting in batch:
                    waiting.problem = taking[waiting.submission.session_id]
                accepted = [w for w in batch if w.problem is None]
                recorded = record_responses_in(cur, [w.submission for w in accepted])
                analysed = []
                first: set[int] = set()  # one key sent twice in a batch: analysed once
                for waiting, result in zip(accepted, recorded, strict=True):
                    waiting.response_id = result.response_id
                    if result.new and result.response_id not in first:
                        first.add(result.response_id)
                        analysed += [
                            (result.comment_ids[q], analysis)
                            for q, analysis in waiting.analyses.items()
                        ]
                day = batch[0].submission.submitted_at.date()
                tagging.store_analyses(cur, analysed, datetime.combine(day, time()))
        except BaseException as failed:
            for waiting in batch:
                waiting.problem = waiting.problem or failed
                waiting.response_id = None
        for waiting in batch:
            waiting.done = True
