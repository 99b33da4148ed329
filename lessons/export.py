"""Exports a council can open safely in Excel: CSV and XLSX where no cell can run.

A cell starting with = + - @ (or a tab or carriage return) is read by spreadsheet apps as a
formula, which is how CSV injection and DDE attacks reach the person opening the file. In a
CSV file, text that could be read that way gets a leading apostrophe (the only way CSV has);
in an Excel workbook it is a text cell with the quote-prefix style, as Excel itself stores
text typed after an apostrophe: inert, and shown without the apostrophe. Numbers and dates
stay numbers and dates so they still sort and add up. No cell carries NUL or another control
character (`without_controls`, and the writers drop any left).
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lessons.clock import UK

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Row = Mapping[str, object]
Progress = Callable[[int, int], None]

# The full-width forms are here because some spreadsheet apps fold them to ASCII first.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header row.
PROGRESS_EVERY = 1_000
MAX_COLUMN_WIDTH = 60
SHEET_TITLE_MAX = 31

_CSV_DATETIME = "%Y-%m-%d %H:%M"
_XLSX_DATETIME = "dd/mm/yyyy hh:mm"
_XLSX_DATE = "dd/mm/yyyy"
_WIDTH_SAMPLE_ROWS = 1_000
_MIN_COLUMN_WIDTH = 8
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry: openpyxl refuses the controls but writes the rest into a
# file Excel then cannot open.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Control characters no exported cell should carry (NUL ends a C string in the programs
# that read CSV; the rest are invisible). Tab, line feed and carriage return stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOLD = Font(bold=True)


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet app read this text as a formula (possibly after whitespace)?"""
    return text[:1] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS


def neutralise_cell(value: object) -> object:
    """`value` as a spreadsheet cell that cannot be run as a formula.

    Numbers (bool, int, float, Decimal) and dates pass through unchanged; None becomes "";
    anything else becomes text, with a leading "'" when it starts with a formula trigger,
    possibly after whitespace. A string that looks like a negative number is still a string,
    so "-3" is quoted too.
    """
    if value is None:
        return ""
    if isinstance(value, numbers.Real | Decimal | date):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if looks_like_formula(text) else text


def rows_to_csv(
    rows: Iterable[Row],
    columns: Sequence[str],
    headers: Mapping[str, str] | None = None,
    *,
    caption: str = "",
    progress: Progress | None = None,
) -> bytes:
    """Rows as CSV bytes Excel opens correctly: UTF-8 with a BOM, CRLF, every cell inert.

    `caption`, when given, is the first row, alone in its cell: what the file holds (the
    filters that chose its rows). `headers` maps a column to the label shown above it.
    `progress(done, total)` is called every 1,000 rows and once at the end; total is 0 when
    `rows` has no length.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if caption:
        writer.writerow([_csv_value(caption)])
    writer.writerow([neutralise_cell(_label(column, headers)) for column in columns])
    counter = _ProgressCounter(progress, len(rows) if isinstance(rows, Sized) else 0)
    for row in rows:
        writer.writerow([_csv_value(row.get(column)) for column in columns])
        counter.step()
    counter.finish()
    return buffer.getvalue().encode("utf-8-sig")


def rows_to_xlsx(
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Row]]],
    headers: Mapping[str, str] | None = None,
    *,
    caption: str = "",
    progress: Progress | None = None,
) -> bytes:
    """An Excel workbook with one worksheet per entry of `sheets` (title -> (columns, rows)).

    Text is stored as text (never a formula), formula-like text with the quote-prefix style;
    numbers and dates stay numeric. `caption`, when given, is each sheet's first row (what
    the file holds); the header row below it is bold, and both stay in view (frozen).
    `progress(done, total)` counts rows across all sheets; total is 0 unless every sheet's
    rows have a length.
    """
    if not sheets:
        raise ValueError("There is nothing to export: an Excel file needs at least one sheet.")
    limit = XLSX_MAX_ROWS - (1 if caption else 0)
    for title, (_, rows) in sheets.items():
        if isinstance(rows, Sized) and len(rows) > limit:
            raise _too_many_rows(title, len(rows), limit)
    sized = all(isinstance(rows, Sized) for _, rows in sheets.values())
    total = sum(len(rows) for _, rows in sheets.values() if isinstance(rows, Sized))
    counter = _ProgressCounter(progress, total if sized else 0)

    workbook = Workbook(write_only=True)
    try:
        taken: list[str] = []
        for title, (columns, rows) in sheets.items():
            sheet = workbook.create_sheet(safe_sheet_title(title, taken))
            taken.append(sheet.title)
            _write_sheet(sheet, title, columns, rows, headers, counter, caption)
        counter.finish()
    except BaseException:
        # Including Streamlit stopping a rerun from inside `progress`.
        _discard(workbook)
        raise
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A worksheet name Excel accepts, and different from those in `taken` (ignoring case).

    At most 31 characters, none of []:*?/\\, not blank, not starting or ending with an
    apostrophe, and not "History", which Excel keeps for itself.
    """
    cleaned = _NOT_XML.sub("", _SHEET_TITLE_FORBIDDEN.sub(" ", title))
    base = " ".join(cleaned.split()).strip("'").strip() or "Sheet"
    if base.casefold() == "history":
        base = "History sheet"
    in_use = {name.casefold() for name in taken}
    candidate = _fit_title(base, "")
    number = 1
    while candidate.casefold() in in_use:
        number += 1
        candidate = _fit_title(base, f" ({number})")
    return candidate


def without_controls(rows: Iterable[Row]) -> list[dict[str, object]]:
    """Rows with the control characters dropped from their text (NUL and the like, which
    text typed before they were removed on input may still hold); the writers above then
    lose nothing of what is left."""
    return [
        {k: _CONTROL.sub("", v) if isinstance(v, str) else v for k, v in row.items()}
        for row in rows
    ]


def dataframe_rows(df: pd.DataFrame) -> list[dict[str, object]]:
    """A DataFrame as rows of plain Python values, ready for `rows_to_csv` or `rows_to_xlsx`.

    Missing values (NaN, NaT, NA) become None, numpy numbers become int or float and
    Timestamps become datetimes. Column names become text.
    """
    columns = [str(column) for column in df.columns]
    return [
        dict(zip(columns, (_python_value(value) for value in values), strict=True))
        for values in df.itertuples(index=False, name=None)
    ]


class _ProgressCounter:
    def __init__(self, callback: Progress | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.callback is not None and self.done % PROGRESS_EVERY == 0:
            self.callback(self.done, self.total)

    def finish(self) -> None:
        # A last report lets a progress bar reach the end when rows are not a round thousand.
        if self.callback is not None and self.done % PROGRESS_EVERY:
            self.callback(self.done, self.total)


def _label(column: str, headers: Mapping[str, str] | None) -> str:
    return headers.get(column, column) if headers else column


def _export_value(value: object) -> object:
    """What both writers put in a cell: None, a number, a naive datetime, a date or text
    (without control characters; not yet made inert: each writer does that its own way)."""
    if value is None:
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None if value.is_nan() else str(value)
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if math.isnan(value):
            return None
        if math.isinf(value):
            # Excel has no infinity; written as a number it would corrupt the workbook.
            return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones; show UK wall-clock time, as the rest of the app does.
        return value.astimezone(UK).replace(tzinfo=None)
    if isinstance(value, numbers.Real | Decimal | date):
        return value
    return _CONTROL.sub("", value if isinstance(value, str) else str(value))


def _csv_value(value: object) -> object:
    value = neutralise_cell(_export_value(value))
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(_CSV_DATETIME)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _xlsx_value(value: object) -> object:
    value = _export_value(value)
    if isinstance(value, str):
        # XML turns a carriage return into a line feed anyway, so say so here.
        text = _NOT_XML.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
        return text or None
    return value


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object, bold: bool = False) -> object:
    """A cell for `sheet.append`: plain values where openpyxl cannot misread them."""
    if value is None or (isinstance(value, numbers.Real) and not bold):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would store "=..." as a formula and "#N/A" as an error: text stays text.
        cell.data_type = "s"
        # Text that looks like a formula keeps Excel's own mark for "typed after an
        # apostrophe": editing the cell cannot turn it into a formula, and nothing shows.
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = _XLSX_DATETIME
    elif isinstance(value, date):
        cell.number_format = _XLSX_DATE
    if bold:
        cell.font = _BOLD
    return cell


def _write_sheet(
    sheet: WriteOnlyWorksheet,
    title: str,
    columns: Sequence[str],
    rows: Iterable[Row],
    headers: Mapping[str, str] | None,
    counter: _ProgressCounter,
    caption: str,
) -> None:
    labels = [_xlsx_value(_label(column, headers)) for column in columns]
    limit = XLSX_MAX_ROWS - (1 if caption else 0)
    remaining = iter(rows)
    # A write-only sheet needs its widths before its first row, so size them on a sample.
    sample = list(islice(remaining, _WIDTH_SAMPLE_ROWS))
    for index, column in enumerate(columns):
        sampled = (_xlsx_value(row.get(column)) for row in sample)
        width = max((_display_width(value) for value in sampled), default=0)
        width = max(width, _display_width(labels[index])) + 2
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(max(width, _MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A3" if caption else "A2"

    if caption:
        sheet.append([_xlsx_cell(sheet, _xlsx_value(caption))])
    sheet.append([_xlsx_cell(sheet, label, bold=True) for label in labels])
    for written, row in enumerate(chain(sample, remaining), start=1):
        if written > limit:
            raise _too_many_rows(title, None, limit)
        sheet.append([_xlsx_cell(sheet, _xlsx_value(row.get(column))) for column in columns])
        counter.step()


def _discard(workbook: Workbook) -> None:
    """Finish an abandoned workbook so openpyxl deletes its temporary files now, not at exit."""
    with contextlib.suppress(Exception):
        workbook.save(io.BytesIO())


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("00/00/0000 00:00")
    if isinstance(value, date):
        return len("00/00/0000")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _too_many_rows(title: str, count: int | None, limit: int) -> ValueError:
    how_many = f"{count:,}" if count is not None else f"more than {limit:,}"
    return ValueError(
        f"'{title}' has {how_many} rows, but an Excel sheet holds at most "  # always many
        f"{limit:,} below its header. Download it as CSV instead."
    )


def _fit_title(base: str, suffix: str) -> str:
    return base[: SHEET_TITLE_MAX - len(suffix)].rstrip(" '") + suffix


def _python_value(value: object) -> object:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime(warn=False)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime(warn=False)
    if isinstance(value, pd.Timedelta):
        return value.to_pytimedelta()
    if isinstance(value, np.generic):
        return value.item()
    return value
