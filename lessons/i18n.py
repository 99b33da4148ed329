"""The attendees' words in English and Welsh: one gettext message catalogue per language
(`lessons/locales/<language>/LC_MESSAGES/messages.po`), read with Babel when first needed.

The message ids are the English words, as gettext has it. Code marks them where they are
used, `t("...")` for a translation now and `N_("...")` for a label kept for later, so that
`tests/test_i18n.py` can find every one and check that each catalogue holds it. Values go
in with `{name}` placeholders, filled after translation (Welsh word order differs).

Pure: no database, no Streamlit.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.pofile import read_po

from lessons.choices import (
    BALANCE_CHOICES,
    CONFIDENCE_LABELS,
    COUNCILLOR_TYPES,
    DEFAULT_LANGUAGE,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_BARRIERS,
    FOLLOWUP_FREQUENCY,
    FOLLOWUP_QUESTIONS,
    LANGUAGES,
    LENGTH_CHOICES,
    QUESTIONS,
    RATING_LABELS,
)

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"

Translator = Callable[..., str]

# The shared vocabularies the form shows: their labels are message ids too.
FORM_VOCABULARIES = (
    RATING_LABELS,
    CONFIDENCE_LABELS,
    BALANCE_CHOICES,
    LENGTH_CHOICES,
    COUNCILLOR_TYPES,
    QUESTIONS,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_FREQUENCY,
    FOLLOWUP_BARRIERS,
    FOLLOWUP_QUESTIONS,
)
# How code marks a message: t("..."), N_("...") and translate(language, "..."): the
# position of the message among the call's arguments.
KEYWORDS = {"t": 0, "N_": 0, "translate": 1}


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for a marked message)
    """Mark a message for the catalogues without translating it yet."""
    return message


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: str) -> dict[str, str]:
    """The language's messages: English id → its words in that language."""
    with catalogue_path(language).open("rb") as po:
        read = read_po(po, locale=language)
    return {
        m.id: m.string
        for m in read
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    }


def language_or_default(asked: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """`asked` when it is a language the form speaks, else `default`."""
    asked = (asked or "").strip().lower()
    return asked if asked in LANGUAGES else default


def translate(language: str, message: str, **values: object) -> str:
    """`message` in `language` (the English id when the catalogue lacks it), with `values`
    put in its placeholders."""
    text = catalogue(language_or_default(language)).get(message, message)
    return text.format(**values) if values else text


def translator(language: str) -> Translator:
    """A function of (message, **values) that translates into `language`."""

    def t(message: str, **values: object) -> str:
        return translate(language, message, **values)

    return t


def long_date(day: date | datetime, language: str) -> str:
    """'Thursday 12 March 2026' / 'Dydd Iau 12 Mawrth 2026'."""
    return format_date(day, "EEEE d MMMM y", locale=language_or_default(language))


def clock_time(moment: datetime, language: str) -> str:
    """'18:30' in either language."""
    return format_time(moment, "HH:mm", locale=language_or_default(language))


def number(value: int) -> str:
    """2,000: the thousands marked as both languages write them in the UK."""
    return f"{value:,}"


def message_ids() -> list[str]:
    """Every message the attendees' pages, the privacy notice and the poster can show: the
    marked strings in lessons/ (read from the syntax tree, so calls inside f-strings count)
    and the labels of the form's vocabularies."""
    found: set[str] = set()
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            where = KEYWORDS.get(node.func.id)
            if where is None or len(node.args) <= where:
                continue
            message = node.args[where]
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                found.add(message.value)
    for vocabulary in FORM_VOCABULARIES:
        found.update(str(label) for label in vocabulary.values())
    return sorted(found)
