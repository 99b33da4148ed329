"""The paper feedback card: the same questions as the online form, printed two to an A4
page with the session's code, in English or Welsh; the follow-up's card weeks later, with
its own code; and the number keys a facilitator types to enter a card (each choice is
printed with its number, so the card is typed as read).

Pure: no database, no Streamlit. The Welsh strings follow the attendee form's message
catalogue (branch `form`, lessons/locales/cy); `PAPER_TEXT` is keyed by the English text so
the strings can move into that catalogue as they are.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from lessons.choices import (
    BALANCE_CHOICES,
    CONFIDENCE_LABELS,
    COUNCILLOR_TYPES,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_BARRIERS,
    FOLLOWUP_FREQUENCY,
    FOLLOWUP_QUESTIONS,
    LENGTH_CHOICES,
    QUESTIONS,
    RATING_LABELS,
)
from lessons.form_html import FOLLOWUP_LEAD
from lessons.i18n import translator
from lessons.share import font


def numbered(choices: Mapping[str, str]) -> dict[str, str]:
    """Each choice's code by the number printed beside it ("1", "2", ...)."""
    return {str(n): code for n, code in enumerate(choices, start=1)}


# The number a facilitator types for each printed choice.
CHOICE_KEYS: dict[str, dict[str, str]] = {
    "balance": numbered(BALANCE_CHOICES),
    "length": numbered(LENGTH_CHOICES),
    "councillor_type": numbered(COUNCILLOR_TYPES),
}
# The follow-up card's, weeks later. It prints every "done since" choice (the online form
# offers those that fit the session's themes), so a number means the same on every card.
FOLLOWUP_CHOICE_KEYS: dict[str, dict[str, str]] = {
    "actions": numbered(FOLLOWUP_ACTIONS),
    "frequency": numbered(FOLLOWUP_FREQUENCY),
    "barriers": numbered(FOLLOWUP_BARRIERS),
}

LANGUAGES = {"en": "English", "cy": "Cymraeg"}

# English → Welsh. Text the catalogue on branch `form` already has is taken from it.
PAPER_TEXT: dict[str, str] = {
    "Feedback": "Adborth",
    "Session code": "Cod y sesiwn",
    "Anonymous and under a minute. Only the first question is required.": (
        "Dienw, a llai na munud. Dim ond y cwestiwn cyntaf sy'n orfodol."
    ),
    "Overall, how was the session?": "Sut oedd y sesiwn, at ei gilydd?",
    "How useful was it for your role as a councillor?": (
        "Pa mor ddefnyddiol oedd y sesiwn i'ch rôl fel cynghorydd?"
    ),
    "Your confidence before the session": "Eich hyder cyn y sesiwn",
    "Your confidence now": "Eich hyder nawr",
    "The balance between why and how": "Y cydbwysedd rhwng y pam a'r sut",
    "The length of the session was": "Hyd y sesiwn",
    "Which best describes you? (optional)": "Pa un sy'n eich disgrifio chi orau? (dewisol)",
    "What worked well for you?": "Beth weithiodd yn dda i chi?",
    "What should we change for next time?": "Beth ddylen ni ei newid y tro nesaf?",
    "What help would you like next?": "Pa gymorth hoffech chi nesaf?",
    "Poor": "Gwael",
    "Fair": "Gweddol",
    "Good": "Da",
    "Very good": "Da iawn",
    "Excellent": "Ardderchog",
    "Not at all": "Dim o gwbl",
    "A little": "Ychydig",
    "Fairly": "Gweddol hyderus",
    "Very": "Hyderus iawn",
    "Completely": "Yn gwbl hyderus",
    "I wanted more of the why (context, benefits, risks)": (
        "Roeddwn i eisiau mwy o'r pam (cyd-destun, manteision, risgiau)"
    ),
    "About right": "Tua'r iawn",
    "I wanted more of the how (hands-on practice)": (
        "Roeddwn i eisiau mwy o'r sut (ymarfer ymarferol)"
    ),
    "Too short": "Rhy fyr",
    "Too long": "Rhy hir",
    "I'm not convinced social media is worth my time": (
        "Dydw i ddim wedi fy argyhoeddi bod y cyfryngau cymdeithasol yn werth fy amser"
    ),
    "Curious, but cautious about the risks": "Chwilfrydig, ond yn wyliadwrus o'r risgiau",
    "I already use it and want to do more": "Rwy'n ei ddefnyddio'n barod ac eisiau gwneud mwy",
    "I expected these tools to be part of the job": (
        "Roeddwn i'n disgwyl i'r offer hyn fod yn rhan o'r gwaith"
    ),
    "Name and contact, only if you want us to keep them (optional)": (
        "Enw a manylion cyswllt, dim ond os ydych chi am i ni eu cadw (dewisol)"
    ),
    "Tick to let us keep them": "Ticiwch i adael i ni eu cadw",
    "required": "gofynnol",
}


def say(text: str, language: str) -> str:
    """`text` in `language` (English is the text itself)."""
    return PAPER_TEXT.get(text, text) if language == "cy" else text


@dataclass(frozen=True)
class PaperCard:
    title: str
    council: str
    day: str  # as printed, e.g. "12 March 2026"
    code: str


# A4 at 150 dots per inch; each card is half the page (A5, landscape halves stacked).
DPI = 150
PAGE = (1240, 1754)
MARGIN = 50


def _scale_row(
    draw: ImageDraw.ImageDraw, y: int, question: str, labels: dict[int, str], lang: str
) -> int:
    """The question and its scale's ends on the left, five numbered circles on the right."""
    draw.text((MARGIN, y), question, fill="black", font=font(18, bold=True))
    ends = f"1 = {say(labels[1], lang)} … 5 = {say(labels[5], lang)}"
    draw.text((MARGIN, y + 23), ends, fill="black", font=font(15))
    for point in range(1, 6):
        left = PAGE[0] - MARGIN - 5 * 62 + (point - 1) * 62
        draw.ellipse((left, y + 6, left + 34, y + 40), outline="black", width=2)
        draw.text((left + 11, y + 12), str(point), fill="black", font=font(18, bold=True))
    return y + 50


def _choices(
    draw: ImageDraw.ImageDraw, y: int, question: str, labels: Sequence[str], columns: int
) -> int:
    """The question, then each choice (in the card's language) numbered with a tick box."""
    draw.text((MARGIN, y), question, fill="black", font=font(18, bold=True))
    y += 25
    width = (PAGE[0] - 2 * MARGIN - 20) // columns
    for n, label in enumerate(labels):
        left = MARGIN + 20 + (n % columns) * width
        top = y + (n // columns) * 25
        draw.text((left, top), f"{n + 1}", fill="black", font=font(16, bold=True))
        draw.rectangle((left + 20, top + 2, left + 37, top + 19), outline="black", width=2)
        fits = (width - 50) // 9  # characters of 16-point text beside its box
        draw.text((left + 45, top + 1), label[:fits], fill="black", font=font(16))
    return y + 25 * ((len(labels) + columns - 1) // columns) + 4


def _heading(
    draw: ImageDraw.ImageDraw, top: int, card: PaperCard, heading: str, code: str, intro: str
) -> int:
    """The card's heading, session and code box, and its line under them; where the
    questions start."""
    right = PAGE[0] - MARGIN
    draw.text(
        (MARGIN, top), f"{heading}: {card.title}"[:60], fill="black", font=font(26, bold=True)
    )
    draw.text((MARGIN, top + 34), f"{card.council} · {card.day}"[:90], fill="black", font=font(17))
    box = (right - 260, top - 4, right, top + 62)
    draw.rectangle(box, outline="black", width=3)
    draw.text((box[0] + 12, top), code, fill="black", font=font(16))
    draw.text((box[0] + 12, top + 20), card.code, fill="black", font=font(32, bold=True))
    draw.text((MARGIN, top + 60), intro, fill="black", font=font(15))
    return top + 86


def _written(draw: ImageDraw.ImageDraw, y: int, question: str) -> int:
    """A free-text question and the box to write in."""
    draw.text((MARGIN, y), question, fill="black", font=font(18, bold=True))
    draw.rectangle((MARGIN, y + 24, PAGE[0] - MARGIN, y + 62), outline="black", width=1)
    return y + 68


def _card(draw: ImageDraw.ImageDraw, top: int, card: PaperCard, lang: str) -> None:
    right = PAGE[0] - MARGIN
    intro = say("Anonymous and under a minute. Only the first question is required.", lang)
    y = _heading(draw, top, card, say("Feedback", lang), say("Session code", lang), intro)
    for question, labels, required in (
        ("Overall, how was the session?", RATING_LABELS, True),
        ("How useful was it for your role as a councillor?", RATING_LABELS, False),
        ("Your confidence before the session", CONFIDENCE_LABELS, False),
        ("Your confidence now", CONFIDENCE_LABELS, False),
    ):
        text = say(question, lang) + (f" ({say('required', lang)})" if required else "")
        y = _scale_row(draw, y, text, labels, lang)
    for question, choices, columns in (
        ("The balance between why and how", BALANCE_CHOICES, 1),
        ("The length of the session was", LENGTH_CHOICES, 3),
        ("Which best describes you? (optional)", COUNCILLOR_TYPES, 1),
    ):
        shown = [say(label, lang) for label in choices.values()]
        y = _choices(draw, y, say(question, lang), shown, columns)
    for question in QUESTIONS.values():
        y = _written(draw, y, say(question, lang))
    # The form's optional contact, kept only with the tick (as online).
    contact = say("Name and contact, only if you want us to keep them (optional)", lang)
    draw.text((MARGIN, y), contact, fill="black", font=font(16, bold=True))
    draw.line((MARGIN, y + 50, right - 330, y + 50), fill="black", width=1)
    draw.rectangle((right - 310, y + 30, right - 290, y + 50), outline="black", width=2)
    draw.text(
        (right - 282, y + 31), say("Tick to let us keep them", lang), fill="black", font=font(16)
    )


def _followup_card(draw: ImageDraw.ImageDraw, top: int, card: PaperCard, lang: str) -> None:
    """The follow-up's questions, as its online form asks them, in the catalogue's words."""
    t = translator(lang)
    y = _heading(draw, top, card, t("Follow-up"), t("Session code"), t(FOLLOWUP_LEAD))
    ticks = t("Tick all that apply.")
    for question, choices, columns in (
        (t("What have you done since the session?") + " " + ticks, FOLLOWUP_ACTIONS, 1),
        (t("How often do you do it now?"), FOLLOWUP_FREQUENCY, 4),
        (t("What got in the way?") + " " + ticks, FOLLOWUP_BARRIERS, 1),
    ):
        y = _choices(draw, y, question, [t(label) for label in choices.values()], columns)
    y = _written(draw, y, t(FOLLOWUP_QUESTIONS["fu_barriers"]))
    # The day card's short words: the form's whole question would run into the circles.
    y = _scale_row(draw, y, say("Your confidence now", lang), CONFIDENCE_LABELS, lang)
    _written(draw, y, t(FOLLOWUP_QUESTIONS["fu_help_next"]))


def paper_form_image(card: PaperCard, language: str = "en", followup: bool = False) -> Image.Image:
    """An A4 page holding two copies of the card, the day's or (`followup`, with the
    follow-up's code) the follow-up's (cut along the dashed line)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    page = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(page)
    half = PAGE[1] // 2
    for top in (MARGIN - 20, half + MARGIN - 24):
        (_followup_card if followup else _card)(draw, top, card, language)
    for left in range(MARGIN, PAGE[0] - MARGIN, 30):
        draw.line((left, half, left + 15, half), fill="black", width=1)
    return page


def paper_form_pdf(card: PaperCard, language: str = "en", followup: bool = False) -> bytes:
    """The A4 page of two cards (the day's, or the follow-up's) as a PDF, to print."""
    buffer = io.BytesIO()
    paper_form_image(card, language, followup).save(buffer, format="PDF", resolution=DPI)
    return buffer.getvalue()
