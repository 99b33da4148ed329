"""The attendees' words come from one gettext catalogue per language, and Welsh holds them all."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest
from babel.messages.pofile import read_po

from lessons import i18n
from lessons.choices import LANGUAGES
from lessons.i18n import catalogue_path, message_ids, translate


def read(language: str) -> dict[str, str]:
    with catalogue_path(language).open("rb") as po:
        return {
            m.id: m.string
            for m in read_po(po)
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)
        }


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_each_catalogue_holds_every_message_the_code_marks_and_no_other(language):
    held = read(language)
    ids = message_ids()
    assert len(ids) > 100  # the form, its errors, the thank-you page, the notice, the poster
    assert sorted(held) == ids, "run scripts/update_catalogues.py"
    untranslated = [m for m in ids if not held[m].strip()]
    assert not untranslated, untranslated


def test_english_is_written_as_in_the_code_and_welsh_keeps_every_placeholder():
    english, welsh = read("en"), read("cy")
    assert all(english[m] == m for m in english)
    for message, words in welsh.items():
        assert placeholders(words) == placeholders(message), message
    # Welsh is written, not copied: only the placeholders-only line reads the same.
    same = [m for m in welsh if welsh[m] == m]
    assert same == ["{day}, {time}"], same


def test_messages_found_inside_f_strings_are_marked_too():
    assert "Send feedback" in message_ids()  # used inside an f-string in lessons/form_html.py
    assert "Online" in message_ids()  # translate(language, "Online") in lessons/sessions.py


def test_translation_fills_values_after_translating_and_falls_back_to_english():
    assert translate("cy", "{count} months", count=24) == "24 mis"
    assert translate("cy", "Thank you") == "Diolch"
    assert translate("xx", "Thank you") == "Thank you"  # an unknown language reads English
    assert i18n.language_or_default(" CY ") == "cy"
    assert i18n.language_or_default("fr", "cy") == "cy"
    assert i18n.long_date(date(2026, 3, 12), "cy") == "Dydd Iau 12 Mawrth 2026"


def test_every_welsh_answer_choice_differs_from_the_english_one():
    welsh = read("cy")
    for vocabulary in i18n.FORM_VOCABULARIES:
        for label in vocabulary.values():
            assert welsh[str(label)] != label and not re.search(r"\bthe\b", welsh[str(label)])
