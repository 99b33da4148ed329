"""The follow-up form weeks after a session, on the app's own server: plain HTML, like the
day's form (lessons.web_feedback), with the same protections.

    GET  /followup                 the code entry (a GET form: ?c=CODE)
    GET  /followup?s=TOKEN|c=CODE  the form, in the session's language or ?lang=cy|en; a
                                   day's code: 303 to /feedback?c=CODE until the day's form
                                   closes, then the code page saying which code goes here
    POST /followup?s=TOKEN         check and store; 303 to the thank-you page, or the form
                                   again with every answer and a message beside each problem
    GET  /followup/thanks?s=TOKEN  thank you

Each rendering carries a one-time key: a double tap or a resubmitted POST stores one answer.
Nothing about the browser is stored. The rules are lessons.followup's; the pages
lessons.form_html's.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from lessons import followup, form_html, store
from lessons.choices import FOLLOWUP_ACTIONS, FOLLOWUP_QUESTIONS
from lessons.clock import now_local
from lessons.errors import DatabaseUnavailable, ValidationError
from lessons.feedback import SessionUnavailable
from lessons.followup import FollowupAnswer
from lessons.form_html import FollowupView, FormView
from lessons.i18n import Translator, language_or_default, long_date, translator
from lessons.sessions import normalise_code
from lessons.web_feedback import (
    MAX_BODY_BYTES,
    AttendeePages,
    Recent,
    Visit,
    form_messages,
    html_response,
    not_found_message,
    scale_value,
    see_other,
    typed_values,
)

LOG = logging.getLogger("lessons.errors")
_TEXT_FIELDS = tuple(FOLLOWUP_QUESTIONS)
_GROUPS = ("actions", "barriers")
_CHOSEN = ("frequency", "confidence_now")


def routes(database: Callable[[], store.Database], base_path: str = "") -> list[BaseRoute]:
    """The follow-up's routes, under the server's base path."""
    root = base_path
    recent = Recent()
    page = AttendeePages(database, root, recent).page
    path, thanks_path = form_html.FOLLOWUP_PATH, form_html.FOLLOWUP_THANKS_PATH

    def find(visit: Visit) -> store.SessionRow:
        return recent.get(
            ("followup", visit.token, visit.code),
            lambda: followup.session_for_followup(database(), visit.token, visit.code),
        )

    def token_of(session_id: int) -> str:
        with database().reading() as cur:
            link = store.followup_link(cur, session_id)
        return link.token if link else ""

    def unavailable_page(visit: Visit, refused: SessionUnavailable) -> tuple[str, int]:
        session = refused.session
        language = language_or_default(visit.asked_language, session.language if session else "en")
        t = translator(language)
        params = {"s": visit.token} if visit.token else {"c": visit.code}
        shown = page(language, params, path)
        if session is None:
            message = not_found_message(visit, t)
            return form_html.followup_code_page(shown, message, visit.code), 404
        window = followup.followup_window(session)
        if refused.reason == "not_yet":
            opens = window.opens_at or session.starts_at
            return form_html.message_page(
                shown,
                t("The follow-up opens soon"),
                [
                    t(
                        "The follow-up to ‘{title}’ opens on {day}.",
                        title=session.title,
                        day=long_date(opens, language),
                    ),
                    t("Come back then, or scan the code again."),
                ],
            ), 200
        return form_html.message_page(
            shown,
            t("The follow-up has closed"),
            [t("The follow-up to ‘{title}’ has closed. Thank you for wanting to help.",
               title=session.title)],
        ), 200  # fmt: skip

    def form_for(
        session: store.SessionRow,
        language: str,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        key: str | None = None,
    ) -> str:
        params = {"s": token_of(session.id)}
        offered = recent.get(
            ("offered", str(session.id)), lambda: followup.offered_for(database(), session.id)
        )
        view = FormView(
            title=session.title,
            when=long_date(session.starts_at, language),
            action=form_html.link(root, path, **params, lang=language),
            key=key or secrets.token_hex(16),
            values=values or {},
            errors=errors or {},
            language_field=language,
        )
        actions = {code: FOLLOWUP_ACTIONS[code] for code in offered}
        return form_html.followup_page(page(language, params, path), FollowupView(view, actions))

    def show_form(visit: Visit) -> Response | tuple[str, int]:
        if not visit.token and not visit.code:
            language = language_or_default(visit.asked_language)
            return form_html.followup_code_page(page(language, {}, path)), 200
        try:
            session = find(visit)
        except SessionUnavailable as refused:
            if refused.session is None and not visit.token:
                day = followup.day_code_session(database(), visit.code)
                if day is not None:
                    return day_code_typed(visit, day)
            return unavailable_page(visit, refused)
        return form_for(session, language_or_default(visit.asked_language, session.language)), 200

    def day_code_typed(visit: Visit, day: store.SessionRow) -> Response | tuple[str, int]:
        """A day's code typed where the follow-up's goes: the day's form while it takes
        feedback (or opens soon); once it has closed, a word on which code goes here."""
        if not followup.day_form_closed(day, now_local()):
            return see_other(root, form_html.FORM_PATH, visit)
        language = language_or_default(visit.asked_language, day.language)
        t = translator(language)
        message = t(
            "The code {code} is for feedback on the day of ‘{title}’, which has closed. This"
            " page is for the follow-up weeks later: type the follow-up’s code, from your"
            " slip or the poster.",
            code=normalise_code(visit.code),
            title=day.title,
        )
        shown = page(language, {"c": visit.code}, path)
        return form_html.followup_code_page(shown, message, visit.code), 404

    async def form(request: Request) -> Response:
        visit = Visit.of(request)
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
                return html_response("Too large", 413)
            fields = await request.form()
            result = await run_in_threadpool(store_answers, visit, fields)
            return result if isinstance(result, Response) else html_response(*result)
        result = await run_in_threadpool(show_form, visit)
        return result if isinstance(result, Response) else html_response(*result)

    def store_answers(visit: Visit, fields: FormData) -> Response | tuple[str, int]:
        try:
            session = find(visit)
        except SessionUnavailable as refused:
            return unavailable_page(visit, refused)
        language = language_or_default(str(fields.get("lang", "")), "en")
        key = str(fields.get("key", ""))[:200]
        values = _values(fields)
        t = translator(language)
        errors = {n: t(form_html.UNREADABLE) for n in _TEXT_FIELDS if "\ufffd" in values.get(n, "")}
        if not errors:
            try:
                followup.submit_followup(database(), session.id, _answer(values, language), key)
            except ValidationError as invalid:
                errors = _messages(invalid, values, t)
            except SessionUnavailable as refused:
                return unavailable_page(visit, refused)
            except DatabaseUnavailable as problem:
                LOG.error("Follow-up not saved: %s", problem)
                saved = {"form": t(form_html.NOT_SAVED)}
                return form_for(session, language, values, saved, key), 503
        if errors:
            return form_for(session, language, values, errors, key), 422
        return RedirectResponse(
            form_html.link(root, thanks_path, s=token_of(session.id), lang=language),
            status_code=303,
            headers={"Cache-Control": "private, no-cache"},
        )

    def thanks_body(visit: Visit) -> tuple[str, int]:
        try:
            session = find(visit)
        except SessionUnavailable as refused:
            return unavailable_page(visit, refused)
        language = language_or_default(visit.asked_language, session.language)
        params = {"s": visit.token}
        again = form_html.link(root, path, **params, lang=language)
        shown = page(language, params, thanks_path)
        return form_html.thanks_page(shown, again, form_html.FOLLOWUP_WHERE_IT_GOES), 200

    async def thanks(request: Request) -> Response:
        body, status = await run_in_threadpool(thanks_body, Visit.of(request))
        return html_response(body, status)

    return [
        Route(f"{root}{path}", form, methods=["GET", "HEAD", "POST"]),
        Route(f"{root}{thanks_path}", thanks, methods=["GET", "HEAD"]),
    ]


def _values(fields: FormData) -> dict[str, str]:
    """The answers as typed; each group of boxes as its ticked codes joined by commas."""
    values = typed_values(fields, (*_CHOSEN, *_TEXT_FIELDS))
    for group in _GROUPS:
        ticked = [v.strip()[:50] for v in fields.getlist(group) if isinstance(v, str)]
        values[group] = ",".join(v for v in ticked[:20] if v and "," not in v)
    return values


def _answer(values: dict[str, str], language: str) -> FollowupAnswer:
    return FollowupAnswer(
        actions=tuple(a for a in values.get("actions", "").split(",") if a),
        frequency=values.get("frequency", "").strip()[:50] or None,
        barriers=tuple(b for b in values.get("barriers", "").split(",") if b),
        fu_barriers=values.get("fu_barriers", ""),
        confidence_now=scale_value(values.get("confidence_now", "")),
        fu_help_next=values.get("fu_help_next", ""),
        language=language,
    )


def _messages(invalid: ValidationError, values: dict[str, str], t: Translator) -> dict[str, str]:
    return form_messages(invalid, values, t, _TEXT_FIELDS, _TEXT_FIELDS, form_html.FOLLOWUP_ERRORS)
