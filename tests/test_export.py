"""Exports a council can open in Excel without any cell running as a formula."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import export
from lessons.export import (
    FORMULA_TRIGGERS,
    dataframe_rows,
    neutralise_cell,
    rows_to_csv,
    rows_to_xlsx,
    safe_sheet_title,
)

HOSTILE = [
    '=HYPERLINK("http://evil","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "\uff1d1",  # full-width =
    "\uff0b1",  # full-width +
    "\uff0d1",  # full-width -
    "\uff201",  # full-width @
    "  =1+1",
]

dangerous_text = st.builds(
    lambda space, trigger, rest: space + trigger + rest,
    st.text(alphabet=" \t\n\u00a0\u3000", max_size=3),
    st.sampled_from(sorted(FORMULA_TRIGGERS)),
    st.text(),
)
any_text = st.one_of(st.text(), dangerous_text)
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def starts_like_a_formula(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def one_column_xlsx(values: list[object]) -> list[openpyxl.cell.Cell]:
    """The data cells (below the header) of a one-column export of `values`."""
    data = rows_to_xlsx({"Sheet": (["value"], [{"value": v} for v in values])})
    sheet = read_xlsx(data)["Sheet"]
    return [row[0] for row in sheet.iter_rows(min_row=2, max_row=len(values) + 1)]


# neutralise_cell


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gets_a_leading_quote(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Siân Ó Briain", "a = b", "", "'=already quoted", "#N/A"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise_cell(text) == text


def test_a_negative_number_in_text_is_still_text_and_quoted():
    assert neutralise_cell("-3") == "'-3"
    assert neutralise_cell("-2.5") == "'-2.5"


@pytest.mark.parametrize(
    "value",
    [3, -3, 2.5, -2.5, Decimal("-1.10"), True, date(2025, 3, 1), datetime(2025, 3, 1, 18, 30)],
)
def test_numbers_and_dates_pass_through_unchanged(value):
    assert neutralise_cell(value) is value


def test_none_becomes_empty_and_other_objects_become_quoted_text():
    class Sneaky:
        def __str__(self) -> str:
            return "=1+1"

    assert neutralise_cell(None) == ""
    assert neutralise_cell(Sneaky()) == "'=1+1"


@given(any_text)
def test_neutralised_text_never_starts_like_a_formula_and_loses_nothing(text):
    result = neutralise_cell(text)
    assert isinstance(result, str)
    assert not starts_like_a_formula(result)
    assert result == ("'" + text if starts_like_a_formula(text) else text)
    assert neutralise_cell(result) == result


# CSV


def test_hostile_cells_are_inert_in_csv():
    data = rows_to_csv([{"comment": text} for text in HOSTILE], ["comment"])
    cells = [row[0] for row in read_csv(data)[1:]]
    assert cells == ["'" + text for text in HOSTILE]


def test_csv_uses_crlf_and_the_header_labels_neutralised_too():
    data = rows_to_csv(
        [{"name": "Ann", "total": 3}],
        ["name", "total"],
        headers={"name": "Attendee", "total": "=Total"},
    )
    assert data.decode("utf-8-sig") == "Attendee,'=Total\r\nAnn,3\r\n"


def test_unicode_names_survive_the_csv_round_trip():
    names = ["Siân Ó Briain", "Zoë Ní Dhónaill", "Łukasz Żółw", "محمد", "😀 Emoji"]
    data = rows_to_csv([{"name": name} for name in names], ["name"])
    assert [row[0] for row in read_csv(data)[1:]] == names


def test_csv_writes_numbers_as_digits_dates_as_iso_and_none_as_empty():
    row = {
        "count": 3,
        "score": 2.5,
        "missing": None,
        "nan": float("nan"),
        "when": datetime(2025, 3, 1, 18, 30, 45),
        "day": date(2025, 3, 1),
    }
    data = rows_to_csv([row], list(row))
    assert read_csv(data)[1] == ["3", "2.5", "", "", "2025-03-01 18:30", "2025-03-01"]


def test_csv_shows_an_aware_time_as_uk_wall_clock_time():
    summer_evening_utc = datetime(2025, 7, 1, 17, 30, tzinfo=UTC)
    data = rows_to_csv([{"when": summer_evening_utc}], ["when"])
    assert read_csv(data)[1] == ["2025-07-01 18:30"]


def test_a_newline_inside_a_csv_cell_cannot_start_a_new_hostile_cell():
    data = rows_to_csv([{"a": "fine\n=1+1", "b": "x"}], ["a", "b"])
    assert read_csv(data)[1] == ["fine\n=1+1", "x"]


@settings(max_examples=50)
@given(any_text)
def test_any_text_round_trips_through_csv_inert(text):
    [[cell]] = read_csv(rows_to_csv([{"t": text}], ["t"]))[1:]
    assert not starts_like_a_formula(cell)
    assert cell == neutralise_cell(CONTROLS.sub("", text))


# Excel


def test_hostile_cells_are_inert_in_excel_without_a_visible_apostrophe():
    cells = one_column_xlsx(list(HOSTILE))
    for text, cell in zip(HOSTILE, cells, strict=True):
        # Text, marked as Excel marks text typed after an apostrophe: the apostrophe is not
        # part of the value, so nobody sees it.
        assert cell.data_type == "s" and cell.quotePrefix
        # XML carries a carriage return as a line feed; the text is otherwise intact.
        assert cell.value == text.replace("\r", "\n")


def test_ordinary_text_in_excel_has_no_quote_prefix():
    [name, sentence] = one_column_xlsx(["Siân Ó Briain", "a = b"])
    assert not name.quotePrefix and not sentence.quotePrefix
    assert (name.value, sentence.value) == ("Siân Ó Briain", "a = b")


def test_no_cell_in_the_workbook_is_a_formula():
    rows = [{"a": text, "b": text} for text in HOSTILE]
    data = rows_to_xlsx({"One": (["a", "b"], rows), "Two": (["b"], rows)})
    for sheet in read_xlsx(data).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert cell.quotePrefix or not starts_like_a_formula(str(cell.value))


def test_error_codes_typed_as_text_stay_text():
    [cell] = one_column_xlsx(["#N/A"])
    assert (cell.data_type, cell.value) == ("s", "#N/A")


def test_numbers_stay_numbers_and_dates_stay_dates_in_excel():
    when = datetime(2025, 3, 1, 18, 30)
    count, score, price, missing, moment, day = one_column_xlsx(
        [3, 2.5, Decimal("1.25"), None, when, date(2025, 3, 1)]
    )
    assert (count.data_type, count.value) == ("n", 3)
    assert (score.data_type, score.value) == ("n", 2.5)
    assert (price.data_type, price.value) == ("n", 1.25)
    assert missing.value is None
    assert moment.is_date and moment.value == when
    assert moment.number_format == "dd/mm/yyyy hh:mm"
    assert day.is_date and day.value == datetime(2025, 3, 1)
    assert day.number_format == "dd/mm/yyyy"


def test_values_excel_cannot_hold_do_not_corrupt_the_workbook():
    nan, infinity, control, non_character = one_column_xlsx(
        [float("nan"), float("-inf"), "\x01=1", "ok\uffff"]
    )
    assert nan.value is None
    assert (infinity.value, infinity.quotePrefix) == ("-inf", True)
    assert (control.value, control.quotePrefix) == ("=1", True)
    assert non_character.value == "ok "


def test_no_export_carries_nul_or_another_control_character():
    rows = [{"a": "before\x00after", "b": "\x00=1", "c": "bell\x07"}]
    data = rows_to_csv(rows, ["a", "b", "c"])
    assert b"\x00" not in data and b"\x07" not in data
    assert read_csv(data)[1] == ["beforeafter", "'=1", "bell"]
    book = rows_to_xlsx({"Sheet": (["a", "b", "c"], rows)})
    with zipfile.ZipFile(io.BytesIO(book)) as parts:
        for name in parts.namelist():
            xml = parts.read(name)
            assert b"\x00" not in xml and b"&#0;" not in xml and b"\x07" not in xml
    cells = [cell.value for cell in read_xlsx(book)["Sheet"][2]]
    assert cells == ["beforeafter", "=1", "bell"]


def test_the_header_row_is_bold_frozen_and_labelled():
    rows = [{"name": "Ann", "comment": "x" * 500}]
    data = rows_to_xlsx(
        {"Feedback": (["name", "comment"], rows)}, headers={"comment": "What could be better?"}
    )
    sheet = read_xlsx(data)["Feedback"]
    assert [cell.value for cell in sheet[1]] == ["name", "What could be better?"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert 8 <= sheet.column_dimensions["A"].width < 20
    assert sheet.column_dimensions["B"].width == 60


def test_each_entry_becomes_a_sheet_with_a_title_excel_accepts():
    data = rows_to_xlsx(
        {
            "Feedback: 2025/26 [draft]?": (["a"], [{"a": 1}]),
            "A session title far longer than Excel allows": (["a"], [{"a": 2}]),
            "feedback  2025 26 draft": (["a"], [{"a": 3}]),
        }
    )
    assert read_xlsx(data).sheetnames == [
        "Feedback 2025 26 draft",
        "A session title far longer than",
        "feedback 2025 26 draft (2)",
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plain", "Plain"),
        ("a[b]c:d*e?f/g\\h", "a b c d e f g h"),
        ("x" * 40, "x" * 31),
        ("   ", "Sheet"),
        ("'Quoted'", "Quoted"),
        ("history", "History sheet"),
        ("Tab\there", "Tab here"),
    ],
)
def test_sheet_titles_are_made_valid(title, expected):
    assert safe_sheet_title(title) == expected


def test_sheet_titles_are_unique_ignoring_case_and_still_fit():
    assert safe_sheet_title("Feedback", ["FEEDBACK"]) == "Feedback (2)"
    assert safe_sheet_title("Feedback", ["feedback", "Feedback (2)"]) == "Feedback (3)"
    long = safe_sheet_title("y" * 40, ["y" * 31])
    assert long == "y" * 27 + " (2)"
    assert len(long) == 31


def test_an_excel_file_needs_a_sheet():
    with pytest.raises(ValueError, match="at least one sheet"):
        rows_to_xlsx({})


class TooManyRows(Sequence):
    """A row count just past Excel's limit, refused before any row is read."""

    def __len__(self) -> int:
        return export.XLSX_MAX_ROWS + 1

    def __getitem__(self, index):
        raise AssertionError("rows were read before the size was checked")


def test_more_rows_than_excel_holds_are_refused_with_advice():
    with pytest.raises(ValueError, match=r"1,048,576 rows.*CSV instead"):
        rows_to_xlsx({"Big": (["a"], TooManyRows())})


def test_rows_without_a_length_are_also_stopped_at_the_limit(monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)
    rows = ({"a": n} for n in range(4))
    with pytest.raises(ValueError, match="more than 3 rows.*CSV instead"):
        rows_to_xlsx({"Big": (["a"], rows)})


@settings(max_examples=30, deadline=None)
@given(any_text)
def test_any_text_is_stored_as_inert_text_in_excel(text):
    [cell] = one_column_xlsx([text])
    if not CONTROLS.sub("", text):
        assert cell.value is None
    else:
        assert cell.data_type == "s"
        assert cell.quotePrefix == starts_like_a_formula(cell.value)
        assert "\x00" not in cell.value


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """Where openpyxl writes its temporary sheet files while building a workbook."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_finished_export_leaves_no_temporary_files(temp_dir):
    rows_to_xlsx({"Sheet": (["a"], [{"a": 1}])})
    assert list(temp_dir.iterdir()) == []


def test_an_abandoned_export_leaves_no_temporary_files(temp_dir):
    def stop_like_streamlit(done: int, total: int) -> None:
        raise RuntimeError("the person left the page")

    rows = [{"a": n} for n in range(1_000)]
    with pytest.raises(RuntimeError, match="left the page"):
        rows_to_xlsx({"One": (["a"], rows), "Two": (["a"], rows)}, progress=stop_like_streamlit)
    assert list(temp_dir.iterdir()) == []


# Progress


def test_progress_is_reported_every_thousand_rows_and_at_the_end():
    calls: list[tuple[int, int]] = []
    rows = [{"a": n} for n in range(2_500)]
    rows_to_csv(rows, ["a"], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]


def test_progress_total_is_zero_when_the_rows_have_no_length():
    calls: list[tuple[int, int]] = []
    rows = ({"a": n} for n in range(1_000))
    rows_to_csv(rows, ["a"], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1_000, 0)]


def test_excel_progress_counts_rows_across_sheets():
    calls: list[tuple[int, int]] = []
    sheets = {
        "One": (["a"], [{"a": n} for n in range(600)]),
        "Two": (["a"], [{"a": n} for n in range(600)]),
    }
    rows_to_xlsx(sheets, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1_000, 1_200), (1_200, 1_200)]


# DataFrames


def test_dataframe_rows_become_plain_python_values():
    frame = pd.DataFrame(
        {
            "name": ["Ann", None],
            "score": [2.5, np.nan],
            "count": np.array([3, 4], dtype="int64"),
            "when": [pd.Timestamp("2025-03-01 18:30"), pd.NaT],
        }
    )
    first, second = dataframe_rows(frame)
    assert first == {
        "name": "Ann",
        "score": 2.5,
        "count": 3,
        "when": datetime(2025, 3, 1, 18, 30),
    }
    assert second == {"name": None, "score": None, "count": 4, "when": None}
    assert type(first["count"]) is int
    assert type(first["score"]) is float
    assert type(first["when"]) is datetime


def test_dataframe_rows_export_cleanly():
    frame = pd.DataFrame({"comment": ["=1+1", None], "score": [1.5, np.nan]})
    data = rows_to_csv(dataframe_rows(frame), ["comment", "score"])
    assert read_csv(data)[1:] == [["'=1+1", "1.5"], ["", ""]]
