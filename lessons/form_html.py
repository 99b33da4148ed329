"""The attendees' pages as plain HTML: the feedback form (and its errors), the code entry,
the thank-you page, "not open yet", and the presenter screen.

No script is needed: a form posts, the server answers. The stylesheet and the small
optional scripts are separate files on the same server (`STATIC`), so a strict
Content-Security-Policy (`default-src 'self'`) holds. Everything that comes from a person
(a session's title, the answers being kept) is escaped here, and every word comes from the
language's catalogue (lessons.i18n).

Pure: the pages are built from plain values.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from lessons.choices import (
    BALANCE_CHOICES,
    CONFIDENCE_LABELS,
    COUNCILLOR_TYPES,
    FOLLOWUP_BARRIERS,
    FOLLOWUP_FREQUENCY,
    FOLLOWUP_QUESTIONS,
    LENGTH_CHOICES,
    MAX_FEEDBACK_ANSWER_CHARS,
    QUESTIONS,
    RATING_LABELS,
)
from lessons.i18n import N_, Translator, number, translator

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "form.css": "text/css",
    "form.js": "text/javascript",
    "present.js": "text/javascript",
    "paper_focus.js": "text/javascript",
}
FORM_PATH = "/feedback"
THANKS_PATH = "/feedback/thanks"
FOLLOWUP_PATH = "/followup"
FOLLOWUP_THANKS_PATH = "/followup/thanks"
PRESENT_PATH = "/present"
COUNT_PATH = "/present/count"
STATIC_PATH = "/_lessons/static"
MAX_CONTACT_CHARS = 200

# The other language's name, written in itself, for the switch.
SWITCH_LABEL = {"en": "Cymraeg", "cy": "English"}


@functools.cache  # the files change only with a new release: hashed once, not per page
def static_version(name: str) -> str:
    """A short digest of a static file, put in its address so a changed file is fetched anew
    while an unchanged one is served from the phone's cache."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def static_url(root: str, name: str) -> str:
    return f"{root}{STATIC_PATH}/{name}?v={static_version(name)}"


def e(text: object) -> str:
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class Page:
    """What every attendee page shares: its language, the server's base path, and the
    address of this page in the other language (for the switch; None: no switch)."""

    language: str
    root: str = ""
    switch_href: str | None = None
    footer_html: str = ""

    @property
    def t(self) -> Translator:
        return translator(self.language)


def page_html(
    page: Page, title: str, body: str, scripts: Sequence[str] = (), body_class: str = ""
) -> str:
    """A whole page: the stylesheet and any scripts from this server, nothing inline."""
    t = page.t
    switch = ""
    if page.switch_href is not None:
        other = "cy" if page.language == "en" else "en"
        switch = (
            f'<nav class="lang" aria-label="{e(t("Language"))}">'
            f'<a href="{e(page.switch_href)}" hreflang="{other}" lang="{other}">'
            f"{SWITCH_LABEL[page.language]}</a></nav>"
        )
    script_tags = "".join(
        f'<script src="{e(static_url(page.root, name))}" defer></script>' for name in scripts
    )
    html_lang = "cy-GB" if page.language == "cy" else "en-GB"
    return (
        f'<!doctype html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        f'<link rel="stylesheet" href="{e(static_url(page.root, "form.css"))}">'
        f"{script_tags}</head>\n"
        f"<body{f' class={chr(34)}{body_class}{chr(34)}' if body_class else ''}>"
        f'<header>{switch}</header>\n<main id="main">\n{body}\n</main>\n'
        f"{page.footer_html}</body></html>\n"
    )


def link(root: str, path: str, **params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{root}{path}" + (f"?{query}" if query else "")


# --- the form --------------------------------------------------------------------------------

# Each field's message when it is wrong, in the attendee's words (the domain's checks decide
# which fields are wrong; these say what to do, in either language).
ERROR_MESSAGES = {
    "overall_rating": N_("Choose an overall rating from 1 to 5: it is the one answer we need."),
    "usefulness": N_("Choose how useful it was from 1 to 5, or leave it blank."),
    "confidence_before": N_("Choose how confident you were before, from 1 to 5."),
    "confidence_after": N_("Choose how confident you feel now, from 1 to 5."),
    "balance": N_("Choose one of the answers about the balance, or leave it blank."),
    "length": N_("Choose one of the answers about the length, or leave it blank."),
    "councillor_type": N_("Choose one of the descriptions, or leave it blank."),
    "contact_opt_in": N_(
        "You gave a name or contact detail: tick the box to let us keep it, or clear those"
        " fields to stay anonymous."
    ),
    "contact_name": N_("Shorten your name to 200 characters or fewer."),
    "contact_detail": N_("Shorten this to 200 characters or fewer."),
    "form": N_("This form has expired. Please send it again: your answers are still here."),
    "language": N_("Choose English or Welsh."),
}
# When the database cannot take the answers just now (a full disk, say): nothing is lost,
# the form comes back with every answer in it.
NOT_SAVED = N_(
    "We could not save your feedback just now. Your answers are still here: please try"
    " again in a minute."
)
UNREADABLE = N_(
    "Part of this answer did not come through (it shows as \ufffd): a broken copy and paste"
    " can do this. Retype that part and send it again."
)
TOO_LONG = N_(
    "This answer is {count} characters long: please cut {excess} characters to send it (the"
    " limit is {limit})."
)

LEAD = N_("Anonymous and under a minute. Only the first question is required.")
CODE_HINT = N_("The 6-character code on the screen or poster, like K7M4PQ.")
FOLLOWUP_WHERE_IT_GOES = N_(
    "It shows the people who ran the session what helped and what got in the way, so the"
    " next sessions and the help on offer get better. You can close this page."
)
WHERE_IT_GOES = N_(
    "It goes straight to the people who ran the session, to make the next one better. You can"
    " close this page."
)

# The order of the fields on the page: the error summary lists them in this order.
FIELD_ORDER = (
    "overall_rating",
    "usefulness",
    "confidence_before",
    "confidence_after",
    "balance",
    "length",
    "councillor_type",
    *QUESTIONS,
    "contact_opt_in",
    "contact_name",
    "contact_detail",
    "form",
)
SCALE_FIELDS = ("overall_rating", "usefulness", "confidence_before", "confidence_after")
# Where the summary's link for a field leads: the first control of a group.
_SUMMARY_TARGET = {
    **{name: f"{name}-1" for name in SCALE_FIELDS},
    "balance": "balance-more_why",
    "length": "length-too_short",
    "councillor_type": "councillor_type-sceptic",
    "contact_opt_in": "contact_opt_in",
    "form": "send",
}

QUESTION_WORDS = {
    "overall_rating": N_("Overall, how was the session?"),
    "usefulness": N_("How useful was it for your role as a councillor?"),
    "confidence": N_("How confident do you feel using social media as a councillor?"),
    "confidence_before": N_("Before the session"),
    "confidence_after": N_("Now"),
    "balance": N_("The balance between why and how"),
    "length": N_("The length of the session was"),
    "councillor_type": N_("Which best describes you? (optional)"),
}


@dataclass(frozen=True)
class FormView:
    """The form as the attendee sees it: the session, the answers so far (as typed, text),
    the messages for fields in error, and this rendering's one-time key."""

    title: str
    when: str  # the session's date, in the page's language
    action: str  # where the form posts
    key: str
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    language_field: str = "en"


def _error_id(name: str) -> str:
    return f"{name}-error"


def _message(name: str, errors: Mapping[str, str], t: Translator) -> str:
    if name not in errors:
        return ""
    return (
        f'<p class="message" id="{_error_id(name)}"><span class="visually-hidden">'
        f"{e(t('Error:'))}</span> {e(errors[name])}</p>"
    )


def _described(*ids: str) -> str:
    wanted = " ".join(i for i in ids if i)
    return f' aria-describedby="{wanted}"' if wanted else ""


def _scale(
    name: str, legend: str, labels: Mapping[int, str], view: FormView, t: Translator, req: bool
) -> str:
    chosen = view.values.get(name, "")
    hint_id = f"{name}-hint"
    hint = t("1 is {low}, 5 is {high}", low=t(labels[1]).lower(), high=t(labels[5]).lower())
    required = f' <span class="required">({e(t("required"))})</span>' if req else ""
    options = "".join(
        f'<span class="option"><input type="radio" id="{name}-{value}" name="{name}"'
        f' value="{value}"{" checked" if chosen == str(value) else ""}'
        f"{' required' if req else ''}>"
        f'<label for="{name}-{value}">{value}<span class="visually-hidden">'
        f" {e(t(labels[value]))}</span></label></span>"
        for value in labels
    )
    in_error = name in view.errors
    return (
        f'<fieldset class="scale{" error" if in_error else ""}"'
        f"{_described(hint_id, _error_id(name) if in_error else '')}>"
        f"<legend>{e(legend)}{required}</legend>"
        f'<p class="hint" id="{hint_id}">{e(hint)}</p>{_message(name, view.errors, t)}'
        f'<div class="options">{options}</div></fieldset>'
    )


def _choices(
    name: str, legend: str, choices: Mapping[str, str], view: FormView, t: Translator
) -> str:
    chosen = view.values.get(name, "")
    in_error = name in view.errors
    options = "".join(
        f'<div class="choice"><input type="radio" id="{name}-{code}" name="{name}"'
        f' value="{code}"{" checked" if chosen == code else ""}>'
        f'<label for="{name}-{code}">{e(t(label))}</label></div>'
        for code, label in choices.items()
    )
    return (
        f'<fieldset class="choices{" error" if in_error else ""}"'
        f"{_described(_error_id(name) if in_error else '')}>"
        f"<legend>{e(legend)}</legend>{_message(name, view.errors, t)}{options}</fieldset>"
    )


_TEXT_QUESTIONS = {**QUESTIONS, **FOLLOWUP_QUESTIONS}


def _text_answer(name: str, view: FormView, t: Translator) -> str:
    value = view.values.get(name, "")
    in_error = name in view.errors
    count_id = f"{name}-count"
    return (
        f'<div class="text{" error" if in_error else ""}">'
        f'<label for="{name}">{e(t(_TEXT_QUESTIONS[name]))}</label>'
        f"{_message(name, view.errors, t)}"
        f'<textarea id="{name}" name="{name}" rows="3" data-limit="{MAX_FEEDBACK_ANSWER_CHARS}"'
        f"{_described(count_id, _error_id(name) if in_error else '')}"
        f"{' aria-invalid=' + chr(34) + 'true' + chr(34) if in_error else ''}>"
        f"{e(value)}</textarea>"
        f'<p class="hint count" id="{count_id}" aria-live="polite">'
        f"{e(t('Up to {limit} characters.', limit=number(MAX_FEEDBACK_ANSWER_CHARS)))}</p>"
        "</div>"
    )


def _text_input(name: str, label: str, view: FormView, t: Translator, kind: str) -> str:
    in_error = name in view.errors
    autocomplete = {"contact_name": "name", "contact_detail": "email"}[name]
    return (
        f'<div class="text{" error" if in_error else ""}">'
        f'<label for="{name}">{e(label)}</label>{_message(name, view.errors, t)}'
        f'<input type="{kind}" id="{name}" name="{name}" value="{e(view.values.get(name, ""))}"'
        f' autocomplete="{autocomplete}"'
        f"{_described(_error_id(name) if in_error else '')}></div>"
    )


def error_summary(
    errors: Mapping[str, str],
    t: Translator,
    order: Sequence[str] = FIELD_ORDER,
    targets: Mapping[str, str] = _SUMMARY_TARGET,
) -> str:
    """The box at the top: each problem, linked to its field, in the order of the page."""
    if not errors:
        return ""
    items = "".join(
        f'<li><a href="#{targets.get(name, name)}">{e(errors[name])}</a></li>'
        for name in order
        if name in errors
    )
    return (
        '<div class="error-summary" id="error-summary" role="alert" tabindex="-1"'
        ' aria-labelledby="error-summary-title">'
        f'<h2 id="error-summary-title">{e(t("There is a problem"))}</h2>'
        f"<ul>{items}</ul></div>"
    )


def form_page(page: Page, view: FormView) -> str:
    """The 60-second form, with the answers so far and any errors."""
    t = page.t
    contact_open = any(
        view.values.get(n) for n in ("contact_opt_in", "contact_name", "contact_detail")
    ) or any(n in view.errors for n in ("contact_opt_in", "contact_name", "contact_detail"))
    opt_in = " checked" if view.values.get("contact_opt_in") else ""
    body = (
        f"{error_summary(view.errors, t)}"
        f"<h1>{e(t('How was today’s session?'))}</h1>"
        f'<p class="session"><strong>{e(view.title)}</strong><br>{e(view.when)}</p>'
        f'<p class="lead">{e(t(LEAD))}</p>'
        f'<form method="post" action="{e(view.action)}" novalidate>'
        f'<input type="hidden" name="key" value="{e(view.key)}">'
        f'<input type="hidden" name="lang" value="{e(view.language_field)}">'
        + _scale(
            "overall_rating", t(QUESTION_WORDS["overall_rating"]), RATING_LABELS, view, t, True
        )
        + _scale("usefulness", t(QUESTION_WORDS["usefulness"]), RATING_LABELS, view, t, False)
        + f'<div class="pair"><p class="group-title">{e(t(QUESTION_WORDS["confidence"]))}</p>'
        + _scale(
            "confidence_before",
            t(QUESTION_WORDS["confidence_before"]),
            CONFIDENCE_LABELS,
            view,
            t,
            False,
        )
        + _scale(
            "confidence_after",
            t(QUESTION_WORDS["confidence_after"]),
            CONFIDENCE_LABELS,
            view,
            t,
            False,
        )
        + "</div>"
        + _choices("balance", t(QUESTION_WORDS["balance"]), BALANCE_CHOICES, view, t)
        + _choices("length", t(QUESTION_WORDS["length"]), LENGTH_CHOICES, view, t)
        + _choices(
            "councillor_type", t(QUESTION_WORDS["councillor_type"]), COUNCILLOR_TYPES, view, t
        )
        + "".join(_text_answer(name, view, t) for name in QUESTIONS)
        + f"<details{' open' if contact_open else ''}>"
        f"<summary>{e(t('Want us to get back to you? (optional)'))}</summary>"
        f'<fieldset class="contact{" error" if "contact_opt_in" in view.errors else ""}">'
        f'<legend class="visually-hidden">{e(t("Your contact details"))}</legend>'
        f"{_message('contact_opt_in', view.errors, t)}"
        f'<div class="choice"><input type="checkbox" id="contact_opt_in" name="contact_opt_in"'
        f' value="yes"{opt_in}><label for="contact_opt_in">'
        f"{e(t('I agree to the council keeping my name and contact details with this feedback'))}"
        "</label></div>"
        + _text_input("contact_name", t("Your name"), view, t, "text")
        + _text_input("contact_detail", t("Email or phone"), view, t, "text")
        + "</fieldset></details>"
        f'<button type="submit" id="send">{e(t("Send feedback"))}</button>'
        "</form>"
    )
    title = t("Give feedback") + f": {view.title}"
    if view.errors:
        title = t("Error:") + " " + title
    return page_html(page, title, body, scripts=("form.js",))


# --- the follow-up, weeks later ------------------------------------------------------------

FOLLOWUP_ERRORS = {
    "actions": N_("Tick what you have done since the session, or ‘Nothing yet’."),
    "frequency": N_("Choose one of the answers about how often, or leave it blank."),
    "barriers": N_(
        "Tick what got in the way, or ‘Nothing got in the way’ on its own, or leave it blank."
    ),
    "confidence_now": N_("Choose how confident you feel now, from 1 to 5."),
    "form": ERROR_MESSAGES["form"],
    "language": ERROR_MESSAGES["language"],
}
FOLLOWUP_LEAD = N_(
    "A few weeks on: what have you done with it? Anonymous, about two minutes. Only the"
    " first question is required."
)
FOLLOWUP_FIELD_ORDER = (
    "actions",
    "frequency",
    "barriers",
    "fu_barriers",
    "confidence_now",
    "fu_help_next",
    "form",
)
_FOLLOWUP_TARGET = {
    "frequency": "frequency-weekly",
    "barriers": "barriers-time",
    "confidence_now": "confidence_now-1",
    "form": "send",
}


@dataclass(frozen=True)
class FollowupView:
    """The follow-up form as the attendee sees it: the choices of what they may have done
    (fitted to the session's themes), with the answers so far; the ticked boxes of a group
    are in `values` joined by commas."""

    form: FormView
    actions: Mapping[str, str]  # code → label, in the order shown


def _checkboxes(
    name: str,
    legend: str,
    choices: Mapping[str, str],
    view: FormView,
    t: Translator,
    hint: str,
    required: bool = False,
) -> str:
    ticked = set(view.values.get(name, "").split(","))
    in_error = name in view.errors
    hint_id = f"{name}-hint"
    options = "".join(
        f'<div class="choice"><input type="checkbox" id="{name}-{code}" name="{name}"'
        f' value="{code}"{" checked" if code in ticked else ""}>'
        f'<label for="{name}-{code}">{e(t(label))}</label></div>'
        for code, label in choices.items()
    )
    marker = f' <span class="required">({e(t("required"))})</span>' if required else ""
    return (
        f'<fieldset class="choices{" error" if in_error else ""}"'
        f"{_described(hint_id, _error_id(name) if in_error else '')}>"
        f"<legend>{e(legend)}{marker}</legend>"
        f'<p class="hint" id="{hint_id}">{e(hint)}</p>'
        f"{_message(name, view.errors, t)}{options}</fieldset>"
    )


def followup_page(page: Page, followup: FollowupView) -> str:
    """The follow-up form weeks after a session, with the answers so far and any errors."""
    t = page.t
    view = followup.form
    actions = followup.actions
    targets = {**_FOLLOWUP_TARGET, "actions": f"actions-{next(iter(actions))}"}
    body = (
        f"{error_summary(view.errors, t, FOLLOWUP_FIELD_ORDER, targets)}"
        f"<h1>{e(t('How is it going since the session?'))}</h1>"
        f'<p class="session"><strong>{e(view.title)}</strong><br>{e(view.when)}</p>'
        f'<p class="lead">{e(t(FOLLOWUP_LEAD))}</p>'
        f'<form method="post" action="{e(view.action)}" novalidate>'
        f'<input type="hidden" name="key" value="{e(view.key)}">'
        f'<input type="hidden" name="lang" value="{e(view.language_field)}">'
        + _checkboxes(
            "actions",
            t("What have you done since the session?"),
            actions,
            view,
            t,
            t("Tick all that apply."),
            required=True,
        )
        + _choices("frequency", t("How often do you do it now?"), FOLLOWUP_FREQUENCY, view, t)
        + _checkboxes(
            "barriers",
            t("What got in the way?"),
            FOLLOWUP_BARRIERS,
            view,
            t,
            t("Tick all that apply."),
        )
        + _text_answer("fu_barriers", view, t)
        + _scale(
            "confidence_now",
            t("How confident do you feel using social media as a councillor now?"),
            CONFIDENCE_LABELS,
            view,
            t,
            False,
        )
        + _text_answer("fu_help_next", view, t)
        + f'<button type="submit" id="send">{e(t("Send"))}</button></form>'
    )
    title = t("Follow-up") + f": {view.title}"
    if view.errors:
        title = t("Error:") + " " + title
    return page_html(page, title, body, scripts=("form.js",))


def followup_code_page(page: Page, message: str = "", code: str = "") -> str:
    """Where a follow-up's typed code leads to it (the code page, at the follow-up's path)."""
    return code_page(page, message, code, FOLLOWUP_PATH, page.t("Follow-up"))


def too_long_message(t: Translator, count: int) -> str:
    return t(
        TOO_LONG,
        count=number(count),
        excess=number(count - MAX_FEEDBACK_ANSWER_CHARS),
        limit=number(MAX_FEEDBACK_ANSWER_CHARS),
    )


# --- the other pages -------------------------------------------------------------------------


def code_page(
    page: Page, message: str = "", code: str = "", path: str = FORM_PATH, heading: str = ""
) -> str:
    """Where a typed code leads to the session (a GET form: it works with scripts off); at
    `path` (the day's form, or the follow-up's)."""
    t = page.t
    heading = heading or t("Give feedback")
    error = ""
    if message:
        error = (
            '<div class="error-summary" role="alert" aria-labelledby="error-summary-title">'
            f'<h2 id="error-summary-title">{e(t("There is a problem"))}</h2>'
            f'<p><a href="#c">{e(message)}</a></p></div>'
        )
    body = (
        f"{error}<h1>{e(heading)}</h1>"
        f'<form method="get" action="{e(page.root + path)}">'
        f'<input type="hidden" name="lang" value="{e(page.language)}">'
        f'<div class="text{" error" if message else ""}">'
        f'<label for="c">{e(t("Session code"))}</label>'
        f'<p class="hint" id="c-hint">{e(t(CODE_HINT))}</p>'
        f'<input type="text" id="c" name="c" value="{e(code)}" autocomplete="off"'
        ' autocapitalize="characters" spellcheck="false" maxlength="12" aria-describedby="c-hint"'
        f"{' aria-invalid=' + chr(34) + 'true' + chr(34) if message else ''}></div>"
        f'<button type="submit">{e(t("Continue"))}</button></form>'
    )
    return page_html(page, heading, body)


def message_page(page: Page, heading: str, paragraphs: Sequence[str]) -> str:
    """A page that only says something: feedback closed, or not open yet."""
    body = f"<h1>{e(heading)}</h1>" + "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return page_html(page, heading, body)


def thanks_page(page: Page, again_href: str, where_it_goes: str = WHERE_IT_GOES) -> str:
    t = page.t
    body = (
        f'<div class="done"><h1>{e(t("Thank you"))}</h1>'
        f"<p>{e(t('Your feedback has been recorded.'))}</p>"
        f"<p>{e(t(where_it_goes))}</p></div>"
        f'<p><a class="again" href="{e(again_href)}">'
        f"{e(t('Someone else wants to use this phone'))}</a></p>"
    )
    return page_html(page, t("Thank you"), body)


def footer_html(page_root: str, language: str, line: str) -> str:
    """The foot of every attendee page: who keeps the answers and the privacy notice."""
    t = translator(language)
    href = link(page_root, "/privacy", lang="cy" if language == "cy" else "")
    return (
        f'<footer><p>{e(line)} <a href="{e(href)}">{e(t("Privacy notice"))}</a>'
        f" ({e(t('how we use your answers, your rights'))}).</p></footer>"
    )


def present_page(
    page: Page,
    title: str,
    when: str,
    code: str,
    short: str,
    qr_svg: str,
    count: int,
    count_url: str,
) -> str:
    """The projector screen: the QR code large, the code, the short link and the count of
    responses, which present.js refreshes every few seconds (the page works without it)."""
    t = page.t
    spaced = " ".join(code)
    body = (
        f'<div class="present"><h1>{e(t("Tell us how it went"))}</h1>'
        f'<p class="session"><strong>{e(title)}</strong> · {e(when)}</p>'
        f'<div class="qr" role="img" aria-label="{e(t("QR code for the feedback form"))}">'
        f"{qr_svg}</div>"
        f'<p class="code-label">{e(t("Or go to"))} <strong>{e(short)}</strong></p>'
        f'<p class="code-label">{e(t("and enter the code"))}</p>'
        f'<p class="code" aria-label="{e(code)}">{e(spaced)}</p>'
        f'<p class="live-count" data-count-url="{e(count_url)}">'
        f"{e(t('Responses so far:'))} "
        f'<strong id="count" aria-live="polite">{count}</strong></p></div>'
    )
    return page_html(page, t("Tell us how it went") + f": {title}", body, ("present.js",), "wide")
