"""The attendees' form on the app's own server: plain HTML, no websocket, no script needed.

    GET  /feedback                 the code entry (a GET form: ?c=CODE)
    GET  /feedback?s=TOKEN|c=CODE  the form, in the session's language or ?lang=cy|en; a
                                   follow-up's code: 303 to /followup?c=CODE
    POST /feedback?s=TOKEN         check and store; 303 to the thank-you page, or the form
                                   again with every answer and a message for each problem
    GET  /feedback/thanks?s=TOKEN  thank you, and a fresh form for the next person
    GET  /present?s=TOKEN          the presenter screen; /present/count its live count (JSON)
    GET  /?s=TOKEN (or ?c=)        an older link to the bare address: 303 to the form

Each rendering of the form carries a one-time key (hidden field): a double click or a
resubmitted POST stores one response. Nothing about the browser is stored.

Starlette handlers only; the rules are lessons.feedback's, the pages lessons.form_html's.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from lessons import followup, form_html, privacy, share, store, typed_text
from lessons.choices import LANGUAGES, MAX_FEEDBACK_ANSWER_CHARS, QUESTIONS
from lessons.clock import now_local
from lessons.errors import DatabaseUnavailable, ValidationError
from lessons.feedback import (
    FeedbackAnswer,
    RoomOfPhones,
    SessionUnavailable,
    check_taking_feedback,
    feedback_window,
    session_for_link,
)
from lessons.form_html import FormView, Page
from lessons.i18n import Translator, clock_time, language_or_default, long_date, translator
from lessons.privacy_notice import footer_line
from lessons.sessions import CODE_LENGTH, normalise_code, session_response_count

# A form holds three answers of 2,000 characters, each up to 4 bytes and percent-encoded;
# a paste of several times that is still kept and counted, anything larger is refused.
MAX_BODY_BYTES = 256 * 1024
# Not kept by shared caches; a phone may show its own copy again on "back" (the form with
# the key it was sent with, so sending it again stores nothing more) but asks first on a
# new visit (a fresh key).
_HEADERS = {"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"}
_TEXT_FIELDS = (*QUESTIONS, "contact_name", "contact_detail")
T = TypeVar("T")


LOG = logging.getLogger("lessons.errors")


def html_response(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


@dataclass(frozen=True)
class Visit:
    """Who the request is about: the session's link and the language asked for."""

    token: str
    code: str
    asked_language: str

    @classmethod
    def of(cls, request: Request) -> Visit:
        params = request.query_params
        return cls(
            params.get("s", "").strip()[:100],
            params.get("c", "").strip()[:20],
            params.get("lang", ""),
        )


class AttendeePages:
    """What every attendee page of a set of routes shares: the server's base path, and the
    footer (the privacy notice's line, read at most every few seconds)."""

    def __init__(self, database: Callable[[], store.Database], root: str, recent: Recent) -> None:
        self._database = database
        self.root = root
        self._recent = recent

    def footer(self, language: str) -> str:
        settings = self._recent.get(
            ("privacy",), lambda: privacy.privacy_settings(self._database())
        )
        line = footer_line(settings, translator(language))
        return form_html.footer_html(self.root, language, line)

    def page(self, language: str, switch_params: dict[str, str] | None, path: str) -> Page:
        """A page in `language`; with `switch_params`, the switch to the other language."""
        switch = None
        if switch_params is not None:
            other = "cy" if language == "en" else "en"
            switch = form_html.link(self.root, path, **switch_params, lang=other)
        return Page(language, self.root, switch, self.footer(language))


@dataclass(frozen=True)
class AttendeeForm:
    """What one attendee form (the day's, or the follow-up's) has of its own; `form_routes`
    serves either the same way: the code entry, the form, its answers checked and stored
    once, a page for a link not recognised, not open yet or closed, and the thanks."""

    what: str  # for the log: "Feedback", "Follow-up"
    path: str
    thanks_path: str
    where_it_goes: str  # the thank-you page's line about what happens to the answers
    text_fields: tuple[str, ...]  # typed fields, checked for characters that cannot be kept
    code_page: Callable[[Page, str, str], str]  # (page, message, code as typed)
    find: Callable[[Visit], store.SessionRow]  # or SessionUnavailable
    token_of: Callable[[store.SessionRow], str]  # the form's link token
    render: Callable[[Page, FormView, store.SessionRow], str]
    not_yet: Callable[[store.SessionRow, str, Translator], tuple[str, list[str]]]
    closed: Callable[[store.SessionRow, Translator], tuple[str, list[str]]]
    values: Callable[[FormData], dict[str, str]]
    submit: Callable[[store.SessionRow, dict[str, str], str, str], object]  # values, lang, key
    messages: Callable[[ValidationError, dict[str, str], Translator], dict[str, str]]
    # A code the form does not know, which may be the other form's: where it leads, if so.
    typed_elsewhere: Callable[[Visit], Response | tuple[str, int] | None]


def form_routes(
    form: AttendeeForm, root: str, page: Callable[[str, dict[str, str] | None, str], Page]
) -> list[BaseRoute]:
    """The form's two routes, `form.path` (GET the code entry or the form, POST answers) and
    `form.thanks_path`, under the server's base path `root`."""

    def unavailable_page(visit: Visit, refused: SessionUnavailable) -> tuple[str, int]:
        session = refused.session
        language = language_or_default(visit.asked_language, session.language if session else "en")
        t = translator(language)
        params = {"s": visit.token} if visit.token else {"c": visit.code}
        shown = page(language, params, form.path)
        if session is None:
            return form.code_page(shown, not_found_message(visit, t), visit.code), 404
        if refused.reason == "not_yet":
            heading, paragraphs = form.not_yet(session, language, t)
        else:
            heading, paragraphs = form.closed(session, t)
        return form_html.message_page(shown, heading, paragraphs), 200

    def form_for(
        session: store.SessionRow,
        language: str,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        key: str | None = None,
    ) -> str:
        params = {"s": form.token_of(session)}
        view = FormView(
            title=session.title,
            when=long_date(session.starts_at, language),
            action=form_html.link(root, form.path, **params, lang=language),
            key=key or secrets.token_hex(16),
            values=values or {},
            errors=errors or {},
            language_field=language,
        )
        return form.render(page(language, params, form.path), view, session)

    def show_form(visit: Visit) -> Response | tuple[str, int]:
        if not visit.token and not visit.code:
            language = language_or_default(visit.asked_language)
            return form.code_page(page(language, {}, form.path), "", ""), 200
        try:
            session = form.find(visit)
        except SessionUnavailable as refused:
            elsewhere = None
            if refused.session is None and not visit.token:
                elsewhere = form.typed_elsewhere(visit)
            return elsewhere or unavailable_page(visit, refused)
        return form_for(session, language_or_default(visit.asked_language, session.language)), 200

    async def answer(request: Request) -> Response:
        visit = Visit.of(request)
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
                return html_response("Too large", 413)
            fields = await request.form()
            result = await run_in_threadpool(store_answers, visit, fields)
        else:
            result = await run_in_threadpool(show_form, visit)
        return result if isinstance(result, Response) else html_response(*result)

    def store_answers(visit: Visit, fields: FormData) -> Response | tuple[str, int]:
        try:
            session = form.find(visit)
        except SessionUnavailable as refused:
            return unavailable_page(visit, refused)
        values = form.values(fields)
        language = language_or_default(str(fields.get("lang", "")), "en")
        key = str(fields.get("key", ""))[:200]
        t = translator(language)
        errors = {
            n: t(form_html.UNREADABLE) for n in form.text_fields if "\ufffd" in values.get(n, "")
        }
        if not errors:
            try:
                form.submit(session, values, language, key)
            except ValidationError as invalid:
                errors = form.messages(invalid, values, t)
            except SessionUnavailable as refused:
                return unavailable_page(visit, refused)
            except DatabaseUnavailable as problem:
                # Nothing was stored (the transaction rolled back): the same form, same key,
                # every answer kept, to send again.
                LOG.error("%s not saved: %s", form.what, problem)
                saved = {"form": t(form_html.NOT_SAVED)}
                return form_for(session, language, values, saved, key), 503
        if errors:
            return form_for(session, language, values, errors, key), 422
        return RedirectResponse(
            form_html.link(root, form.thanks_path, s=form.token_of(session), lang=language),
            status_code=303,
            headers=_HEADERS,
        )

    def thanks_body(visit: Visit) -> tuple[str, int]:
        try:
            session = form.find(visit)
        except SessionUnavailable as refused:
            return unavailable_page(visit, refused)
        language = language_or_default(visit.asked_language, session.language)
        params = {"s": form.token_of(session)}
        again = form_html.link(root, form.path, **params, lang=language)
        shown = page(language, params, form.thanks_path)
        return form_html.thanks_page(shown, again, form.where_it_goes), 200

    async def thanks(request: Request) -> Response:
        body, status = await run_in_threadpool(thanks_body, Visit.of(request))
        return html_response(body, status)

    return [
        Route(f"{root}{form.path}", answer, methods=["GET", "HEAD", "POST"]),
        Route(f"{root}{form.thanks_path}", thanks, methods=["GET", "HEAD"]),
    ]


def routes(database: Callable[[], store.Database], base_path: str = "") -> list[BaseRoute]:
    """The attendees' routes, under the server's base path; `database` gives the server's
    one Database."""
    root = base_path
    rooms: list[RoomOfPhones] = []
    recent = Recent()
    page = AttendeePages(database, root, recent).page

    def room() -> RoomOfPhones:
        if not rooms:
            rooms.append(RoomOfPhones(database()))
        return rooms[0]

    def find(visit: Visit) -> store.SessionRow:
        # A room opens the same session a hundred times in a minute: its row is read once
        # every few seconds. Storing an answer checks the session again, as it is now.
        session = recent.get(
            ("session", visit.token, visit.code),
            lambda: session_for_link(
                database(), token=visit.token or None, code=visit.code or None
            ),
        )
        # The opening window moves with the clock, not with the row: checked each time.
        check_taking_feedback(session, now_local())
        return session

    def not_yet(session: store.SessionRow, language: str, t: Translator) -> tuple[str, list[str]]:
        opens = feedback_window(session).opens_at or session.starts_at
        return t("Feedback opens soon"), [
            t(
                "The form for ‘{title}’ opens at {time}, {day}: 30 minutes before the"
                " session starts.",
                title=session.title,
                time=clock_time(opens, language),
                day=long_date(opens, language),
            ),
            t("Come back then, or scan the code again."),
        ]

    def closed(session: store.SessionRow, t: Translator) -> tuple[str, list[str]]:
        return t("Feedback has closed"), [
            t("Feedback for ‘{title}’ has closed.", title=session.title),
            t(
                "Thank you for wanting to help; please speak to the facilitator if you"
                " have something to add."
            ),
        ]

    def submit(session: store.SessionRow, values: dict[str, str], language: str, key: str) -> int:
        return room().submit(session.id, _answer(values, language), key)

    def typed_elsewhere(visit: Visit) -> Response | None:
        # A follow-up's code typed where the day's goes: its own form takes it.
        if followup.is_followup_code(database(), visit.code):
            return see_other(root, form_html.FOLLOWUP_PATH, visit)
        return None

    day = AttendeeForm(
        what="Feedback",
        path=form_html.FORM_PATH,
        thanks_path=form_html.THANKS_PATH,
        where_it_goes=form_html.WHERE_IT_GOES,
        text_fields=_TEXT_FIELDS,
        code_page=form_html.code_page,
        find=find,
        token_of=lambda session: session.feedback_token,
        render=lambda shown, view, session: form_html.form_page(shown, view),
        not_yet=not_yet,
        closed=closed,
        values=_values,
        submit=submit,
        messages=_messages,
        typed_elsewhere=typed_elsewhere,
    )

    def presenter_body(visit: Visit, base_url: str) -> tuple[str, int]:
        with database().reading() as cur:
            session = store.session_by_token(cur, visit.token) if visit.token else None
        if session is None:
            language = language_or_default(visit.asked_language)
            t = translator(language)
            return form_html.message_page(
                page(language, None, form_html.PRESENT_PATH),
                t("This feedback link is not recognised"),
                [t("Open the presenter screen from the Sessions page.")],
            ), 404
        language = language_or_default(visit.asked_language, session.language)
        base = share.public_url(base_url)
        params = {"s": session.feedback_token}
        return form_html.present_page(
            page(language, params, form_html.PRESENT_PATH),
            session.title,
            long_date(session.starts_at, language),
            session.short_code,
            share.display_url(share.form_page_url(base)),
            share.qr_svg(share.feedback_link(session.feedback_token, base)),
            session.response_count,
            form_html.link(root, form_html.COUNT_PATH, **params),
        ), 200

    async def present(request: Request) -> Response:
        base_url = str(request.base_url).rstrip("/")
        body, status = await run_in_threadpool(presenter_body, Visit.of(request), base_url)
        return html_response(body, status)

    def count_of(token: str) -> int | None:
        with database().reading() as cur:
            session = store.session_by_token(cur, token) if token else None
        return None if session is None else session_response_count(database(), session.id)

    async def count(request: Request) -> Response:
        responses = await run_in_threadpool(count_of, Visit.of(request).token)
        if responses is None:
            return JSONResponse({"error": "not found"}, status_code=404, headers=_HEADERS)
        return JSONResponse({"responses": responses}, headers=_HEADERS)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in form_html.STATIC_FILES:
            return Response("Not found", status_code=404)
        return Response(
            (form_html.STATIC_DIR / name).read_bytes(),
            media_type=form_html.STATIC_FILES[name],
            headers={
                "Cache-Control": "public, max-age=604800, immutable",
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def to_form(request: Request) -> Response:
        query = request.url.query
        return RedirectResponse(f"{root}{form_html.FORM_PATH}?{query}", status_code=303)

    return [
        *form_routes(day, root, page),
        Route(f"{root}{form_html.PRESENT_PATH}", present, methods=["GET", "HEAD"]),
        Route(f"{root}{form_html.COUNT_PATH}", count, methods=["GET"]),
        Route(f"{root}{form_html.STATIC_PATH}/{{name}}", static, methods=["GET", "HEAD"]),
        LinkToTheForm(f"{root}/", to_form, methods=["GET", "HEAD"]),
    ]


class Recent:
    """What was read in the last few seconds, by key: enough for a room that opens the same
    session at once, short enough that a change made on the Sessions page shows at once
    on the next phone (SECONDS). A lookup that raises is not kept."""

    SECONDS = 5.0

    def __init__(self) -> None:
        self._kept: dict[tuple[str, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], read: Callable[[], T]) -> T:
        moment = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and moment - kept[0] < self.SECONDS:
            return cast(T, kept[1])
        value = read()
        with self._lock:
            if len(self._kept) > 1000:  # links typed wrong a thousand ways: start again
                self._kept.clear()
            self._kept[key] = (moment, value)
        return value


class LinkToTheForm(Route):
    """The bare address with a session's link (`/?s=…` or `/?c=…`): any other request to
    it is left to Streamlit's own page."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        query = scope.get("query_string", b"").decode("latin-1")
        names = {part.split("=", 1)[0] for part in query.split("&")}
        if not names & {"s", "c"}:
            return Match.NONE, {}
        return super().matches(scope)


def see_other(root: str, path: str, visit: Visit) -> RedirectResponse:
    """303 to the other form's `path` with the code typed (and the language, if asked for)."""
    language = visit.asked_language if visit.asked_language in LANGUAGES else ""
    target = form_html.link(root, path, c=normalise_code(visit.code), lang=language)
    return RedirectResponse(target, status_code=303, headers=_HEADERS)


def not_found_message(visit: Visit, t: Callable[..., str]) -> str:
    """Why a link or code found no session, in the attendee's language."""
    if visit.token:
        return t(
            "This feedback link is not recognised. Check it was copied in full, or type the"
            " 6-character code shown on the screen."
        )
    typed = normalise_code(visit.code)
    if len(typed) != CODE_LENGTH:
        return t(
            "Session codes have 6 letters and numbers, like K7M4PQ. Check the code on the"
            " screen or poster."
        )
    return t(
        "No session has the code {code}. Check the code on the screen or poster: codes never"
        " use the letters O or I.",
        code=typed,
    )


def _values(fields: FormData) -> dict[str, str]:
    """The form's answers as typed (text; a file upload is ignored)."""
    names = (*form_html.SCALE_FIELDS, "balance", "length", "councillor_type", "contact_opt_in")
    return typed_values(fields, (*names, *_TEXT_FIELDS))


def typed_values(fields: FormData, names: Sequence[str]) -> dict[str, str]:
    """The named answers as typed (text; a file upload is ignored), as they will be kept
    (lessons.typed_text): a new line, sent as CR LF, counts as one character, and an
    invisible control character (NUL, say) is gone before the form is shown again, so the
    browser never has to replace it."""
    return {
        name: typed_text.cleaned_or_none(value) or value
        for name in names
        if isinstance(value := fields.get(name, ""), str)
    }


def scale_value(text: str) -> int | None:
    """A 1-5 answer as sent: None when blank; 0 (refused as out of range) when not a number."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 3 else 0  # 0: refused as out of range


def _choice_value(text: str) -> str | None:
    return text.strip()[:50] or None


def _answer(values: dict[str, str], language: str) -> FeedbackAnswer:
    return FeedbackAnswer(
        overall_rating=scale_value(values.get("overall_rating", "")),
        usefulness=scale_value(values.get("usefulness", "")),
        confidence_before=scale_value(values.get("confidence_before", "")),
        confidence_after=scale_value(values.get("confidence_after", "")),
        balance=_choice_value(values.get("balance", "")),
        length=_choice_value(values.get("length", "")),
        councillor_type=_choice_value(values.get("councillor_type", "")),
        went_well=values.get("went_well", ""),
        to_change=values.get("to_change", ""),
        help_next=values.get("help_next", ""),
        contact_opt_in=bool(values.get("contact_opt_in")),
        contact_name=values.get("contact_name", ""),
        contact_detail=values.get("contact_detail", ""),
        language=language,
    )


def _messages(
    invalid: ValidationError, values: dict[str, str], t: Callable[..., str]
) -> dict[str, str]:
    return form_messages(
        invalid, values, t, tuple(QUESTIONS), _TEXT_FIELDS, form_html.ERROR_MESSAGES
    )


def form_messages(
    invalid: ValidationError,
    values: dict[str, str],
    t: Callable[..., str],
    answers: Sequence[str],
    typed: Sequence[str],
    worded: Mapping[str, str],
) -> dict[str, str]:
    """The domain's refusals as a form words them, in the attendee's language: a free-text
    answer (`answers`) too long says how much to cut; a typed field with a character that
    cannot be stored says to retype it; any other uses the form's own words (`worded`)."""
    messages = {}
    for name, message in invalid.errors.items():
        text = values.get(name, "")
        if name in answers and len(text) > MAX_FEEDBACK_ANSWER_CHARS:
            messages[name] = form_html.too_long_message(t, len(text))
        elif name in typed and "cannot be stored" in message:
            messages[name] = t(form_html.UNREADABLE)
        else:
            messages[name] = t(worded.get(name, message))
    return messages
