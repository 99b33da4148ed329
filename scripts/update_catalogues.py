"""Bring the form's message catalogues up to date with the code.

    .venv/bin/python scripts/update_catalogues.py

Every message marked in lessons/ (`t("...")`, `N_("...")`, `translate(language, "...")`)
and every label of the form's vocabularies goes into each catalogue: English holds the
words as written in the code; a message new to Welsh is added empty, to be translated
(tests/test_i18n.py fails until it is). Messages no longer used are dropped.
"""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from lessons.choices import LANGUAGES
from lessons.i18n import DOMAIN, catalogue_path, message_ids

HEADER = "Attendees' words for council-lessons: the feedback form, its pages, notice and poster."


def updated(language: str, ids: list[str]) -> bytes:
    path = catalogue_path(language)
    known: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as po:
            known = {m.id: m.string for m in read_po(po) if m.id and isinstance(m.string, str)}
    catalog = Catalog(locale=language, domain=DOMAIN, project="council-lessons",
                      header_comment=f"# {HEADER}\n# Language: {LANGUAGES[language]}.")  # fmt: skip
    for message in ids:
        words = message if language == "en" else known.get(message, "")
        catalog.add(message, words, flags=() if words else ("fuzzy",))
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True)
    return buffer.getvalue()


def main() -> None:
    ids = message_ids()
    for language in LANGUAGES:
        path = catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(updated(language, ids))
        print(f"{path}: {len(ids)} messages")


if __name__ == "__main__":
    main()
