"""Reading a spreadsheet of feedback from elsewhere: the file, its layout, which column is
which question, and each row's answers as values the form's checks can judge.

Three layouts are recognised: a Microsoft Forms export (XLSX: ID, Start time, Completion
time, Email, Name, then one column per question), a Google Forms CSV (Timestamp, then the
questions) and our own CSV (the field names as headers, see `OWN_LAYOUT`). Whatever the
layout, a mapping says which column answers which question; `propose_mapping` guesses it
from the header text, in English or Welsh, and a person fixes the guess.

Pure: no database, no Streamlit. Every cell is read as data: a formula is kept as the text
it is (never evaluated), and a cell is never markup.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from lessons.choices import (
    BALANCE_CHOICES,
    CONFIDENCE_LABELS,
    COUNCILLOR_TYPES,
    LENGTH_CHOICES,
    QUESTIONS,
    RATING_LABELS,
)

SOURCES: dict[str, str] = {
    "online": "Online form",
    "paper": "Paper form",
    "microsoft_forms": "Microsoft Forms",
    "google_forms": "Google Forms",
    "csv": "CSV file",
}

SCALE_FIELDS = ("overall_rating", "usefulness", "confidence_before", "confidence_after")
CHOICE_FIELDS: dict[str, dict[str, str]] = {
    "balance": BALANCE_CHOICES,
    "length": LENGTH_CHOICES,
    "councillor_type": COUNCILLOR_TYPES,
}
TEXT_FIELDS = tuple(QUESTIONS)
# Where a row goes and what identifies it, besides the answers.
ROUTING_FIELDS = ("session_code", "session_date", "session_title", "submitted", "row_key")

FIELD_LABELS: dict[str, str] = {
    "overall_rating": "Overall rating",
    "usefulness": "How useful",
    "confidence_before": "Confidence before",
    "confidence_after": "Confidence now",
    "balance": "Balance of why and how",
    "length": "Length",
    "councillor_type": "Which describes you",
    **QUESTIONS,
    "contact_name": "Name (kept only if mapped on purpose)",
    "contact_detail": "Contact detail (kept only if mapped on purpose)",
    "session_code": "Session code",
    "session_date": "Session date",
    "session_title": "Session title",
    "submitted": "Date sent",
    "row_key": "Row identifier",
}
FIELDS = tuple(FIELD_LABELS)
IGNORE = ""

# Our own layout: these headers, in any order; only overall_rating is required.
OWN_LAYOUT = (
    "row_key",
    "session_code",
    "submitted",
    *SCALE_FIELDS,
    *CHOICE_FIELDS,
    *TEXT_FIELDS,
)

# Header words, English and Welsh, that point to a field; the first field with a match wins,
# so the more specific come first.
_HEADER_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("row_key", ("id", "response id", "row key", "rhif")),
    ("session_code", ("session code", "cod y sesiwn", "cod sesiwn")),
    ("session_title", ("session title", "session name", "teitl y sesiwn", "enw'r sesiwn")),
    ("session_date", ("session date", "dyddiad y sesiwn")),
    ("submitted", ("completion time", "timestamp", "submitted", "date sent", "stamp amser")),
    (
        "confidence_before",
        ("confidence before", "confident before", "confident were you before", "oeddech chi cyn"),
    ),
    (
        "confidence_after",
        (
            "confidence now",
            "confident now",
            "confident are you now",
            "confidence after",
            "ydych chi nawr",
        ),
    ),
    ("overall_rating", ("overall", "rating", "cyffredinol", "gyffredinol", "sgorio")),
    ("usefulness", ("useful", "defnyddiol", "ddefnyddiol")),
    ("balance", ("balance", "why and how", "cydbwysedd")),
    ("length", ("length", "too long", "hyd y sesiwn", "rhy hir")),
    ("councillor_type", ("describes you", "kind of councillor", "disgrifio", "math o gynghorydd")),
    ("went_well", ("worked well", "went well", "gweithio'n dda", "weithiodd yn dda")),
    ("to_change", ("change", "newid")),
    ("help_next", ("help", "cymorth")),
]

# Answer words that stand for a point on a 1-5 scale (matched whatever their case), besides
# the numbers themselves and the form's own labels.
DEFAULT_SCALE: dict[str, int] = {
    **{label.lower(): value for value, label in RATING_LABELS.items()},
    **{label.lower(): value for value, label in CONFIDENCE_LABELS.items()},
    "very satisfied": 5,
    "satisfied": 4,
    "neutral": 3,
    "dissatisfied": 2,
    "very dissatisfied": 1,
    "strongly agree": 5,
    "agree": 4,
    "neither agree nor disagree": 3,
    "disagree": 2,
    "strongly disagree": 1,
    "extremely useful": 5,
    "very useful": 4,
    "quite useful": 3,
    "slightly useful": 2,
    "not useful": 1,
    "rhagorol": 5,
    "da iawn": 4,
    "da": 3,
    "gweddol": 2,
    "gwael": 1,
}

MAX_CELL_CHARS = 20_000  # a cell longer than this is cut before any check (it is refused)


@dataclass(frozen=True)
class Sheet:
    """A file read: its layout, the headers, the rows as text (one list per row, padded to
    the headers) and the SHA-256 of its bytes."""

    name: str
    layout: str  # microsoft_forms, google_forms or csv
    headers: tuple[str, ...]
    rows: list[list[str]]
    file_hash: str


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (by header position) gives which field, and the answer scale."""

    columns: dict[int, str]  # column index → field
    scale: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SCALE))

    def column_for(self, name: str) -> int | None:
        for index, chosen in self.columns.items():
            if chosen == name:
                return index
        return None


@dataclass(frozen=True)
class ParsedRow:
    """One row's answers as values (None when blank), where it goes, and what could not be
    read at all (field → reason); the form's own checks judge the rest."""

    number: int  # 1 = the first row under the headers
    row_key: str
    values: dict[str, object]
    session_code: str
    session_date: date | None
    session_title: str
    submitted: date | None
    problems: dict[str, str]

    def content_key(self, source: str) -> str:
        """A fingerprint of the row (where it came from, its key, its answers): the same
        response in a later export of the same form has the same one."""
        parts = [source, self.row_key, self.session_code, str(self.session_date)]
        parts += [self.session_title, str(self.submitted)]
        parts += [f"{name}={self.values.get(name)!r}" for name in sorted(self.values)]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


class UnreadableFile(ValueError):
    """The file is not a spreadsheet we can read; the message says what to do."""


# --- reading ------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:MAX_CELL_CHARS]


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        # data_only=False: a formula is read as its text, never as a value someone computed.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(
            "This file could not be read as an Excel workbook (.xlsx). Export it again as"
            " .xlsx or .csv."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise UnreadableFile("This CSV file's characters could not be read: save it as UTF-8.")
    text = text.replace("\x00", "")  # csv refuses NUL; typed_text would remove it anyway
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_CELL_CHARS * 10)
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        yield [cell[:MAX_CELL_CHARS] for cell in row]


def detect_layout(headers: Sequence[str]) -> str:
    names = [_normal(h) for h in headers]
    if names[:5] == ["id", "start time", "completion time", "email", "name"]:
        return "microsoft_forms"
    if names[:1] == ["timestamp"] or names[:1] == ["stamp amser"]:
        return "google_forms"
    return "csv"


def read_sheet(name: str, data: bytes) -> Sheet:
    """A CSV or XLSX file's headers and rows (blank rows left out)."""
    if not data:
        raise UnreadableFile("The file is empty.")
    is_xlsx = data[:2] == b"PK"
    rows_iter = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    try:
        headers = [h.strip() for h in next(rows_iter)]
    except StopIteration:
        raise UnreadableFile("The file has no header row.") from None
    except csv.Error as error:
        raise UnreadableFile(f"This CSV file could not be read: {error}.") from error
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnreadableFile("The first row should hold the column headers; it is empty.")
    width = len(headers)
    rows = []
    try:
        for row in rows_iter:
            if not any(cell.strip() for cell in row):
                continue
            rows.append((row + [""] * width)[:width])
    except csv.Error as error:
        raise UnreadableFile(f"This CSV file could not be read: {error}.") from error
    return Sheet(
        name, detect_layout(headers), tuple(headers), rows, hashlib.sha256(data).hexdigest()
    )


# --- mapping ------------------------------------------------------------------------------


def _normal(text: str) -> str:
    """Lower case, accents off (ô → o), punctuation but apostrophes to spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = plain.replace("\u2019", "'").lower()
    return " ".join(re.sub(r"[^a-z0-9']+", " ", plain).split())


def _field_for_header(header: str) -> str:
    name = _normal(header)
    if name in FIELD_LABELS:
        return name
    for label_field, label in FIELD_LABELS.items():
        if name and name == _normal(label):
            return label_field
    words = f" {name} "
    for candidate, keys in _HEADER_WORDS:
        if any(f" {key} " in words for key in keys):
            return candidate
    return IGNORE


# The columns a layout always has where they are: Start time, Email and Name are left out.
_FIXED_COLUMNS: dict[str, dict[int, str]] = {
    "microsoft_forms": {0: "row_key", 1: IGNORE, 2: "submitted", 3: IGNORE, 4: IGNORE},
    "google_forms": {0: "submitted"},
}


def propose_mapping(sheet: Sheet) -> ColumnMapping:
    """A first guess at which column is which field, by header text (English or Welsh).
    Email and Name are never guessed: attendees did not agree to be named here."""
    columns: dict[int, str] = {}
    taken: set[str] = set()
    fixed = _FIXED_COLUMNS.get(sheet.layout, {})
    for index, header in enumerate(sheet.headers):
        chosen = fixed[index] if index in fixed else _field_for_header(header)
        if chosen and chosen not in taken and chosen not in ("contact_name", "contact_detail"):
            columns[index] = chosen
            taken.add(chosen)
    return ColumnMapping(columns)


def mapping_from_json(sheet: Sheet, spec: Mapping[str, object]) -> ColumnMapping:
    """A mapping file: {"columns": {header: field, ...}, "scale": {answer: 1-5, ...}}; the
    columns it names replace the proposal's, the rest of the proposal stays."""
    proposed = propose_mapping(sheet)
    columns = dict(proposed.columns)
    given = spec.get("columns", {})
    if not isinstance(given, dict):
        raise UnreadableFile('The mapping file\'s "columns" should map headers to fields.')
    for header, chosen in given.items():
        if header not in sheet.headers:
            raise UnreadableFile(f"The mapping names a column '{header}' the file does not have.")
        chosen = str(chosen or "")
        if chosen and chosen not in FIELD_LABELS:
            raise UnreadableFile(
                f"The mapping gives '{header}' the field '{chosen}'; fields are: "
                + ", ".join(FIELD_LABELS)
                + "."
            )
        index = sheet.headers.index(header)
        columns = {i: f for i, f in columns.items() if f != chosen or not chosen}
        columns[index] = chosen
    scale = dict(DEFAULT_SCALE)
    extra = spec.get("scale", {})
    if not isinstance(extra, dict):
        raise UnreadableFile('The mapping file\'s "scale" should map answers to 1-5.')
    scale.update({_normal(str(k)): int(v) for k, v in extra.items()})
    return ColumnMapping({i: f for i, f in columns.items() if f}, scale)


def duplicate_fields(mapping: ColumnMapping) -> list[str]:
    chosen = [f for f in mapping.columns.values() if f]
    return sorted({f for f in chosen if chosen.count(f) > 1})


def scale_preview(sheet: Sheet, mapping: ColumnMapping) -> dict[str, int | None]:
    """Each distinct answer in the scale columns → the point it stands for (None: unread)."""
    preview: dict[str, int | None] = {}
    for index, chosen in mapping.columns.items():
        if chosen not in SCALE_FIELDS:
            continue
        for row in sheet.rows:
            answer = row[index].strip()
            if answer and answer not in preview:
                preview[answer] = scale_value(answer, mapping.scale)
    return preview


# --- rows ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*(-?\d+)(?:\.0+)?\s*(?:stars?|/\s*5)?\s*$", re.IGNORECASE)


def scale_value(answer: str, scale: Mapping[str, int]) -> int | None:
    """The number an answer stands for: "5", "5.0", "4 stars", "Very satisfied" (by the
    scale); None when it means nothing on the scale."""
    match = _NUMBER.match(answer)
    if match:
        return int(match.group(1))
    return scale.get(_normal(answer))


def _choice_code(answer: str, choices: Mapping[str, str]) -> str | None:
    wanted = _normal(answer)
    for code, label in choices.items():
        if wanted in (_normal(code), _normal(label)):
            return code
    return None


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
)


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text[:19], pattern).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def parse_row(number: int, row: Sequence[str], mapping: ColumnMapping) -> ParsedRow:
    """One row's values by field; `problems` holds what could not be read (an answer not on
    the scale, an unknown choice, a date that is not one)."""
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    cells = {chosen: row[index] for index, chosen in mapping.columns.items() if chosen}
    for name in SCALE_FIELDS:
        answer = cells.get(name, "").strip()
        if not answer:
            values[name] = None
            continue
        point = scale_value(answer, mapping.scale)
        if point is None:
            problems[name] = (
                f"bad rating: {FIELD_LABELS[name].lower()} '{answer[:40]}' is not a point"
                " on the 1-5 scale (add it to the scale mapping)"
            )
        values[name] = point
    for name, choices in CHOICE_FIELDS.items():
        answer = cells.get(name, "").strip()
        code = _choice_code(answer, choices) if answer else None
        if answer and code is None:
            problems[name] = f"{FIELD_LABELS[name].lower()}: '{answer[:40]}' is not a listed answer"
        values[name] = code
    for name in (*TEXT_FIELDS, "contact_name", "contact_detail"):
        values[name] = cells.get(name, "")
    submitted_text = cells.get("submitted", "")
    submitted = parse_date(submitted_text)
    if submitted_text.strip() and submitted is None:
        problems["submitted"] = f"date sent '{submitted_text[:40]}' is not a date"
    session_date_text = cells.get("session_date", "")
    session_date = parse_date(session_date_text)
    if session_date_text.strip() and session_date is None:
        problems["session_date"] = f"session date '{session_date_text[:40]}' is not a date"
    row_key = cells.get("row_key", "").strip()[:200] or f"row {number}"
    return ParsedRow(
        number=number,
        row_key=row_key,
        values=values,
        session_code=cells.get("session_code", "").strip(),
        session_date=session_date,
        session_title=cells.get("session_title", "").strip(),
        submitted=submitted,
        problems=problems,
    )


def normal_answer(text: str) -> str:
    """An answer as the scale looks it up (lower case, accents and punctuation off)."""
    return _normal(text)
