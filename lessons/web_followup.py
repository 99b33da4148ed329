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

from collections.abc import Callable

from starlette.datastructures import FormData
from starlette.responses import Response
from starlette.routing import BaseRoute

from lessons import followup, form_html, store
from lessons.choices import FOLLOWUP_ACTIONS, FOLLOWUP_QUESTIONS
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.followup import FollowupAnswer
from lessons.form_html import FollowupView, FormView, Page
from lessons.i18n import Translator, language_or_default, long_date, translator
from lessons.sessions import normalise_code
from lessons.web_feedback import (
    AttendeeForm,
    AttendeePages,
    Recent,
    Visit,
    form_messages,
    form_routes,
    scale_value,
    see_other,
    typed_values,
)

_TEXT_FIELDS = tuple(FOLLOWUP_QUESTIONS)
_GROUPS = ("actions", "barriers")
_CHOSEN = ("frequency", "confidence_now")


def routes(database: Callable[[], store.Database], base_path: str = "") -> list[BaseRoute]:
    """The follow-up's routes, under the server's base path."""
    root = base_path
    recent = Recent()
    page = AttendeePages(database, root, recent).page

    def find(visit: Visit) -> store.SessionRow:
        return recent.get(
            ("followup", visit.token, visit.code),
            lambda: followup.session_for_followup(database(), visit.token, visit.code),
        )

    def token_of(session: store.SessionRow) -> str:
        with database().reading() as cur:
            link = store.followup_link(cur, session.id)
        return link.token if link else ""

    def not_yet(session: store.SessionRow, language: str, t: Translator) -> tuple[str, list[str]]:
        opens = followup.followup_window(session).opens_at or session.starts_at
        return t("The follow-up opens soon"), [
            t(
                "The follow-up to ‘{title}’ opens on {day}.",
                title=session.title,
                day=long_date(opens, language),
            ),
            t("Come back then, or scan the code again."),
        ]

    def closed(session: store.SessionRow, t: Translator) -> tuple[str, list[str]]:
        return t("The follow-up has closed"), [
            t("The follow-up to ‘{title}’ has closed. Thank you for wanting to help.",
              title=session.title)
        ]  # fmt: skip

    def render(shown: Page, view: FormView, session: store.SessionRow) -> str:
        offered = recent.get(
            ("offered", str(session.id)), lambda: followup.offered_for(database(), session.id)
        )
        actions = {code: FOLLOWUP_ACTIONS[code] for code in offered}
        return form_html.followup_page(shown, FollowupView(view, actions))

    def submit(session: store.SessionRow, values: dict[str, str], language: str, key: str) -> int:
        return followup.submit_followup(database(), session.id, _answer(values, language), key)

    def typed_elsewhere(visit: Visit) -> Response | tuple[str, int] | None:
        """A day's code typed where the follow-up's goes: the day's form while it takes
        feedback (or opens soon); once it has closed, a word on which code goes here."""
        day = followup.day_code_session(database(), visit.code)
        if day is None:
            return None
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
        shown = page(language, {"c": visit.code}, form_html.FOLLOWUP_PATH)
        return form_html.followup_code_page(shown, message, visit.code), 404

    return form_routes(
        AttendeeForm(
            what="Follow-up",
            path=form_html.FOLLOWUP_PATH,
            thanks_path=form_html.FOLLOWUP_THANKS_PATH,
            where_it_goes=form_html.FOLLOWUP_WHERE_IT_GOES,
            text_fields=_TEXT_FIELDS,
            code_page=form_html.followup_code_page,
            find=find,
            token_of=token_of,
            render=render,
            not_yet=not_yet,
            closed=closed,
            values=_values,
            submit=submit,
            messages=_messages,
            typed_elsewhere=typed_elsewhere,
        ),
        root,
        page,
    )


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
