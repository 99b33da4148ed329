"""Spreadsheets as Microsoft Forms and Google Forms export them, built for the import tests
and benchmarks/import_speed.py.

- Microsoft Forms (Excel): ID, Start time, Completion time, Email, Name, then one column
  per question, the question's text as the header; ratings as numbers, Likert answers as
  their words ("Very satisfied").
- Google Forms (CSV, UTF-8): Timestamp (day first, as a UK account exports it), then the
  questions.
"""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

QUESTIONS_EN = [
    "How would you rate the session overall?",
    "How useful was it for your work as a councillor?",
    "How confident were you before the session?",
    "How confident are you now?",
    "The balance of why and how",
    "The length of the session",
    "Which of these describes you best?",
    "What worked well for you?",
    "What should we change for next time?",
    "What help would you like next?",
]
QUESTIONS_CY = [
    "Sut fyddech chi'n sgorio'r sesiwn yn gyffredinol?",
    "Pa mor ddefnyddiol oedd hi i'ch gwaith fel cynghorydd?",
    "Pa mor hyderus oeddech chi cyn y sesiwn?",
    "Pa mor hyderus ydych chi nawr?",
    "Cydbwysedd y pam a'r sut",
    "Hyd y sesiwn",
    "Pa un o'r rhain sy'n eich disgrifio orau?",
    "Beth weithiodd yn dda i chi?",
    "Beth ddylen ni ei newid y tro nesaf?",
    "Pa help hoffech chi nesaf?",
]
MS_HEADERS = ["ID", "Start time", "Completion time", "Email", "Name", *QUESTIONS_EN]
SATISFACTION = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
WORDS = [
    "The hands-on practice with the scheduling tool was the best part.",
    "More time on handling abuse and trolls, please.",
    "Clear slides, friendly trainer, good pace.",
    "Too much theory before we touched a phone.",
    "I would like a follow-up on Facebook groups for my ward.",
    "",
]

# Hostile cells. In the .xlsx each has its own row: the first three are stored, the
# over-long answer and the rating of 7 refused.
HOSTILE_TEXT = {
    "formula": '=HYPERLINK("http://evil.example","click me")',
    "bidi": "Good\u202e session",  # a bidirectional override (an .xlsx cannot hold a NUL)
    "nul": "Good\x00 session\x00",  # in the CSV
    "markup": "<script>alert(1)</script> **bold** [link](http://evil.example)",
    "too_long": "x" * 2001,
}


def _answers(rng: random.Random, number: int) -> list[object]:
    return [
        rng.randint(3, 5),
        SATISFACTION[rng.randint(2, 4)],
        rng.randint(1, 3),
        rng.randint(3, 5),
        rng.choice(["About right", "I wanted more of the how (hands-on practice)"]),
        rng.choice(["About right", "Too long", "Too short"]),
        rng.choice(["Curious, but cautious about the risks", ""]),
        rng.choice(WORDS),
        rng.choice(WORDS),
        rng.choice(WORDS) if number % 3 else "",
    ]


def microsoft_forms_xlsx(rows: int, seed: int = 13, hostile: bool = True) -> bytes:
    """An export of `rows` responses; with `hostile`, the first rows hold a formula, a NUL,
    markup, an over-long answer and a rating of 7."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(MS_HEADERS)
    start = datetime(2026, 11, 3, 10, 0)
    for number in range(1, rows + 1):
        began = start + timedelta(seconds=37 * number)
        answers = _answers(rng, number)
        if hostile and number <= 5:
            kind = ["formula", "bidi", "markup", "too_long", "rating"][number - 1]
            if kind == "rating":
                answers[0] = 7
            else:
                answers[7] = HOSTILE_TEXT[kind]
        sheet.append([number, began, began + timedelta(minutes=1), "anonymous", "", *answers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def google_forms_csv(rows: int, seed: int = 31, welsh: bool = False, nul: bool = True) -> bytes:
    """An export of `rows` responses; the first one's first answer holds NULs."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Timestamp", *(QUESTIONS_CY if welsh else QUESTIONS_EN)])
    start = datetime(2026, 11, 4, 14, 0)
    for number in range(1, rows + 1):
        when = start + timedelta(seconds=41 * number)
        answers = _answers(rng, number)
        if welsh:
            answers[1] = ["Gwael", "Gweddol", "Da", "Da iawn", "Rhagorol"][rng.randint(2, 4)]
        if nul and number == 1:
            answers[7] = HOSTILE_TEXT["nul"]
        writer.writerow([f"{when:%d/%m/%Y %H:%M:%S}", *answers])
    return buffer.getvalue().encode("utf-8")


def kill_an_import_as_it_stores(database: Path, export: Path, code: str, pause_s: float) -> None:
    """Run `lessons import responses` on `export` for session `code` in a real process and
    kill it (SIGKILL) `pause_s` after it says it has started storing."""
    command = [str(Path(sys.executable).parent / "lessons"), "--db", str(database), "import"]
    process = subprocess.Popen(
        [*command, "responses", str(export), "--session", code, "--accept-partial"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Storing"):
            break
    time.sleep(pause_s)
    process.send_signal(signal.SIGKILL)
    process.wait()
