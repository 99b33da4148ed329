"""What people type, as it is kept: the one cleaning every input path applies before storing.

Attendees' answers, reflections, lessons, sessions, plans, themes and the privacy
settings all pass through `clean` (or `clean_fields`) in the domain before they are
checked and stored, so what is kept is the same whichever door it came in by:

- NUL and the other control characters are removed, except tab and newline
  (a carriage return becomes a newline); they are invisible, break exports and
  some terminals, and no one means to type them;
- bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
  are removed: they reorder how the text around them is shown, which is how a
  comment or a file name can be made to read as something else. The marks
  U+200E/U+200F and zero-width joiners stay: right-to-left text and emoji need them;
- a lone surrogate (half of a UTF-16 pair, as a broken copy and paste or a damaged
  file leaves) cannot be stored at all: it is refused with a message saying what to
  fix, rather than failing later in the database. So is U+FFFD, the replacement
  character, which stands where such a character was lost (the server puts it where a
  browser sent a lone surrogate: lessons.ui_server).

Pure: imports nothing of ours but the shared error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from lessons.errors import ValidationError

T = TypeVar("T")

# C0 controls but tab and newline, DEL and the C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff\ufffd]")

UNSTORABLE = (
    "This contains a character that cannot be stored (half of a pair, as a broken copy and"
    " paste can leave). Retype that part and try again."
)


def cleaned_or_none(text: str) -> str | None:
    """`text` as it is kept, or None when it holds a character that cannot be stored."""
    if _SURROGATES.search(text):
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BIDI_CONTROLS.sub("", _CONTROLS.sub("", text))


def clean(text: str, field: str = "text") -> str:
    """`text` as it is kept; a ValidationError naming `field` when it cannot be stored."""
    kept = cleaned_or_none(text)
    if kept is None:
        raise ValidationError({field: UNSTORABLE})
    return kept


def clean_fields(values: Mapping[str, T]) -> dict[str, T]:
    """Several fields cleaned at once (each a text, or a list or tuple of texts); one
    ValidationError naming every field that cannot be stored."""
    kept: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, str):
            result: Any = cleaned_or_none(value)
        else:
            items = [cleaned_or_none(item) for item in value]  # type: ignore[attr-defined]
            result = None if None in items else type(value)(items)  # type: ignore[call-arg]
        if result is None:
            errors[name] = UNSTORABLE
        else:
            kept[name] = result
    if errors:
        raise ValidationError(errors)
    return kept


def clean_dataclass(value: T, names: Iterable[str] | None = None) -> T:
    """A copy of a form's dataclass (a draft, an answer) with its text fields cleaned: the
    named ones, or every field holding text or a list of texts."""
    if not is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"{value!r} is not a dataclass instance")
    chosen = list(names) if names is not None else [f.name for f in fields(value)]
    texts = {
        name: current
        for name in chosen
        if isinstance(current := getattr(value, name), str)
        or (isinstance(current, list | tuple) and all(isinstance(v, str) for v in current))
    }
    return replace(value, **clean_fields(texts))
