"""Typed text is inert everywhere (issue 10): the hostile set, typed as a comment (through the
form, and stored beforehand), a reflection answer, a lesson, a plan, the council's privacy
details and a staff member's name, is opened on every page and in every report where it
appears, signed in as an administrator (who may open every page). A beacon server on
127.0.0.1 must receive no request, and no link, heading, colour, emphasis, maths or image
may come from the text.

Run with `-s` to see the matrix: each hostile input against each surface, inert or not.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from markdown_it import MarkdownIt

from lessons import accounts, planning, privacy, store
from lessons.clock import now_local, today_local
from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.privacy_notice import PrivacySettings
from lessons.reflections import save_reflection
from lessons.register import EvidenceLink, LessonDraft, create_lesson, link_evidence, move_lesson
from lessons.startup import open_app_database
from tests.conftest import found, make_session
from tests.e2e.conftest import free_port
from tests.e2e.test_sign_in_in_browser import sign_in

ADMIN_EMAIL = "fiona@council.example"
PASSWORD = "council staff only"
DESKTOP = {"width": 1280, "height": 1000}
GFM = MarkdownIt("gfm-like")  # as GitHub or an editor's preview would show a .md file


class Beacon:
    """An HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        self.port = free_port()
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def beacon() -> Iterator[Beacon]:
    server = Beacon()
    yield server
    server.stop()


# Each hostile input, with what would show that it was interpreted: a word of its own
# (that a link, heading, colour or emphasis would wrap on its own) or a path on the beacon.
@dataclass(frozen=True)
class Hostile:
    name: str
    text: str
    marks: tuple[str, ...]


def hostile_set(beacon: Beacon) -> list[Hostile]:
    return [
        Hostile(
            "=HYPERLINK(…)",
            f'=HYPERLINK("{beacon.url("/hyperlink")}","hostilecell")',
            ("hostilecell", "/hyperlink"),
        ),
        Hostile("![x](beacon)", f"![hostileimg]({beacon.url('/beacon.png')})", ("/beacon.png",)),
        Hostile("[click](…)", f"[hostilelink]({beacon.url('/click')})", ("hostilelink", "/click")),
        Hostile("# heading", "# hostileheading", ("hostileheading",)),
        Hostile(":red[x]", ":red[hostilered]", ("hostilered",)),
        Hostile("$x^2$", "$hostilemath^2$", ("hostilemath",)),
        Hostile("**bold**", "**hostilebold**", ("hostilebold",)),
        Hostile(
            "<img onerror>",
            f'<img src="{beacon.url("/img.png")}" onerror="fetch(\'{beacon.url("/onerror")}\')">',
            ("/img.png", "/onerror"),
        ),
        Hostile(
            "<script>",
            f"<script>fetch('{beacon.url('/script')}')</script>",
            ("/script",),
        ),
        Hostile("bare URL", f"see {beacon.url('/bare')} or www.hostile.example", ("/bare",)),
        Hostile("U+202E", "\u202ehostile reversed", ("\u202e",)),
        Hostile("zero-width", "hostile\u200bzero\u200dwidth", ()),
        Hostile("NUL", "hostile\x00nul", ("\x00",)),
    ]


def hostile_text(inputs: list[Hostile]) -> str:
    # Every line on its own (a heading needs the start of a line), and the wifi, so that the
    # comment is tagged, quoted as a complaint and never in the untagged queue.
    return "\n".join(h.text for h in inputs) + "\nThe wifi did not work and it ran far too long"


# What the page must not hold: an element made from the text. Returns [kind, detail] pairs.
DOM_CHECK = """
([port, words]) => {
  const bad = [];
  const fromText = (s) => !!s && (s.includes(':' + port + '/') || s === 'x');
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    const text = (a.textContent || '').trim();
    const where = a.closest('[data-testid]');
    const testid = where ? where.getAttribute('data-testid') : '?';
    if (fromText(href) || words.includes(text))
      bad.push(['link', href + ' ' + text + ' in ' + testid]);
  }
  for (const el of document.querySelectorAll('img,image,iframe,object,embed,video,audio,source')) {
    const src = el.getAttribute('src') || el.getAttribute('href') || el.getAttribute('xlink:href');
    if (fromText(src)) bad.push(['image', src]);
  }
  for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')) {
    if ((h.textContent || '').trim().startsWith('hostileheading'))
      bad.push(['heading', 'hostileheading']);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (el.children.length === 0 && words.includes((el.textContent || '').trim()))
      bad.push(['wrapped', el.tagName + ' ' + el.textContent.trim()]);
  }
  for (const k of document.querySelectorAll('.katex,math')) {
    if ((k.textContent || '').includes('hostilemath')) bad.push(['maths', 'hostilemath']);
  }
  for (const el of document.querySelectorAll('[onerror],script')) {
    const text = el.outerHTML;
    if (text.includes(':' + port + '/')) bad.push(['script', text.slice(0, 120)]);
  }
  const all = document.body ? document.body.innerText : '';
  if (all.includes('\\u202e')) bad.push(['text', '\\u202e']);
  if (all.includes('\\u0000')) bad.push(['text', '\\u0000']);
  return bad;
}
"""
# The words a link, heading, colour, emphasis or maths would wrap on their own.
WORDS = ["hostilelink", "hostileheading", "hostilered", "hostilemath", "hostilebold", "hostilecell"]


@dataclass
class Matrix:
    inputs: list[Hostile]
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    surfaces: list[str] = field(default_factory=list)

    def record(self, surface: str, problems: list[list[str]]) -> None:
        self.surfaces.append(surface)
        for hostile in self.inputs:
            self.cells[(hostile.name, surface)] = [
                f"{kind}: {detail}"
                for kind, detail in problems
                if any(mark in detail for mark in hostile.marks)
                or (hostile.name == "# heading" and kind == "heading")
            ]
        unclaimed = [
            f"{kind}: {detail}"
            for kind, detail in problems
            if not any(any(m in detail for m in h.marks) for h in self.inputs) and kind != "heading"
        ]
        assert not unclaimed, (surface, unclaimed)

    def failures(self) -> list[str]:
        return [f"{name} on {surface}: {why}" for (name, surface), why in self.cells.items() if why]

    def table(self) -> str:
        lines = ["| input | " + " | ".join(self.surfaces) + " |"]
        lines.append("|---" * (len(self.surfaces) + 1) + "|")
        for hostile in self.inputs:
            row = ["inert" if not self.cells[(hostile.name, s)] else "NOT" for s in self.surfaces]
            lines.append(f"| {hostile.name} | " + " | ".join(row) + " |")
        return "\n".join(lines)


def check(page, matrix: Matrix, beacon: Beacon, surface: str) -> None:
    problems = page.evaluate(DOM_CHECK, [str(beacon.port), WORDS])
    matrix.record(surface, problems)


@dataclass(frozen=True)
class Planted:
    session: store.SessionRow
    planned: store.SessionRow
    lesson_id: int


def plant(db_path, beacon: Beacon, text: str) -> Planted:
    """The hostile set stored through the domain's own doors, before the server starts."""
    database = open_app_database(db_path)
    me = found(
        accounts.account_by_id(
            database,
            accounts.add_account(database, ADMIN_EMAIL, "Fiona Marsden", "admin", PASSWORD),
        )
    ).actor()
    # A reflection's author is an account: its name is typed too (by an administrator).
    author = found(
        accounts.account_by_id(
            database,
            accounts.add_account(
                database,
                "tom@council.example",
                "Tom :red[hostilered] **hostilebold** Ellery",
                "facilitator",
                actor=me,
            ),
        )
    ).actor()
    privacy.save_privacy_settings(
        database,
        PrivacySettings(
            controller=f"Council ![hostileimg]({beacon.url('/beacon.png')}) :red[hostilered]",
            team="# hostileheading",
            dpo_email="dpo@hostile.example",
            address=f"[hostilelink]({beacon.url('/click')})",
        ),
        me,
    )
    # Delivered earlier today: its form takes answers (and the hostile set is typed there).
    start = now_local().replace(microsecond=0) - timedelta(hours=3)
    session = make_session(
        database,
        title="Hostile evening",
        status="delivered",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    submit_feedback(
        database,
        session.id,
        FeedbackAnswer(
            overall_rating=2,
            went_well=text + "\nReally useful and clear, the examples were excellent",
            to_change=text,
            help_next=text,
        ),
        "hostile",
    )
    for n in range(5):
        submit_feedback(
            database, session.id, FeedbackAnswer(overall_rating=4, to_change="Nothing"), f"ok{n}"
        )
    submit_feedback(
        database,
        session.id,
        FeedbackAnswer(
            overall_rating=4,
            contact_opt_in=True,
            contact_name=f"hostile # hostileheading [hostilelink]({beacon.url('/click')})",
            contact_detail=f"![hostileimg]({beacon.url('/beacon.png')}) bob@hostile.example",
        ),
        "contact",
    )
    save_reflection(
        database, session.id, author, "aar", {"sustain": text, "improve": text}, final=True
    )
    with database.reading() as cur:
        [hostile_response] = [
            r for r in store.responses_for_session(cur, session.id) if r.overall_rating == 2
        ]
        comment = found(
            next(
                (c for c in store.comments_for_response(cur, hostile_response.id)
                 if c.question == "to_change"),
                None,
            )
        )  # fmt: skip
        [reflection] = store.reflections_for_session(cur, session.id)
    title = f"# hostileheading :red[hostilered] [hostilelink]({beacon.url('/click')})"
    lesson_id = create_lesson(
        database,
        LessonDraft(
            title=title,
            what_happened=text,
            effect=text,
            cause=text,
            lesson=text,
            recommendation=text,
            action=text,
            owner=f"![hostileimg]({beacon.url('/beacon.png')})",
            due_date=date(2026, 1, 5),  # overdue: on Home and in the register's alarm
            scope="organisation",
            priority="high",
            source_session_id=session.id,
        ),
        me,
        EvidenceLink(comment_id=comment.id),
    )
    link_evidence(
        database, lesson_id, EvidenceLink(reflection_answer_id=reflection.answers[0].id), me
    )
    link_evidence(database, lesson_id, EvidenceLink(note=text), me)
    move_lesson(database, lesson_id, "identified", me)
    move_lesson(database, lesson_id, "actioned", me)
    # A second lesson, applied in the session and validated with typed evidence.
    applied = create_lesson(database, LessonDraft(title=title, action="a", owner="o",
                                                  due_date=date(2026, 1, 5)), me)  # fmt: skip
    for status in ("identified", "actioned"):
        move_lesson(database, applied, status, me)
    move_lesson(database, applied, "embedded", me, applied_session_id=session.id)
    move_lesson(database, applied, "validated", me, effectiveness_evidence=text)
    start = datetime.combine(today_local() + timedelta(days=14), datetime.min.time())
    planned = make_session(
        database,
        title="Next evening",
        starts_at=start.replace(hour=18),
        ends_at=start.replace(hour=20),
    )
    planning.save_plan(database, planned.id, [lesson_id], text, me)
    planning.add_checklist_item(database, planned.id, text.split("\n", 1)[1][:290], me)
    database.close()
    return Planted(session, planned, lesson_id)


def open_page(page, url: str, ready: str) -> None:
    page.goto(url)
    page.get_by_text(ready).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the rest of the script's elements arrive


def click_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    # A tab that reruns the page (only the open tab runs): until that run has finished.
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=60_000
    )
    page.wait_for_timeout(500)


def download(page, button: str) -> str:
    with page.expect_download(timeout=60_000) as fetched:
        page.get_by_role("button", name=button).click()
    path = fetched.value.path()
    return open(path, encoding="utf-8-sig").read()


def show_markdown(browser, markdown: str, matrix: Matrix, beacon: Beacon, surface: str) -> None:
    """A downloaded Markdown file as a GFM renderer shows it, in the browser."""
    show_html(browser, "<!doctype html><body>" + GFM.render(markdown) + "</body>", matrix, beacon,
              surface)  # fmt: skip


def show_html(browser, html: str, matrix: Matrix, beacon: Beacon, surface: str) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.set_content(html, wait_until="load")
    page.wait_for_timeout(1000)
    check(page, matrix, beacon, surface)
    page.close()


def test_the_hostile_set_is_inert_on_every_page_and_in_every_report(
    tmp_path, start_server, browser, beacon
):
    inputs = hostile_set(beacon)
    text = hostile_text(inputs)
    matrix = Matrix(inputs)

    # The beacon and the checks can see an image that loads: a positive control.
    control = browser.new_page()
    control.set_content(f"<img src='{beacon.url('/control.png')}'>", wait_until="load")
    control.wait_for_timeout(500)
    control.close()
    assert beacon.hits == ["/control.png"]
    beacon.hits.clear()

    db_path = tmp_path / "hostile.duckdb"
    planted = plant(db_path, beacon, text)
    server = start_server(db_path)
    page = browser.new_page(viewport=DESKTOP)

    # The form: the council's details in the footer, and the set typed as a comment.
    open_page(page, f"{server.url}/feedback?s={planted.session.feedback_token}", "Hostile evening")
    assert page.locator("a[href='/privacy']").count() == 1
    check(page, matrix, beacon, "form")
    # Sent first without the rating: the form comes back with the text kept, still inert.
    page.get_by_label("What should we change for next time?").fill(text)
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_text("There is a problem").wait_for(timeout=30_000)
    check(page, matrix, beacon, "form: errors")
    page.locator("label[for=overall_rating-3]").click()
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("heading", name="Thank you").wait_for(timeout=30_000)
    check(page, matrix, beacon, "thank-you page")
    page.goto(f"{server.url}/privacy")
    page.get_by_text("is the data controller").wait_for(timeout=30_000)
    check(page, matrix, beacon, "/privacy")

    # The staff pages, signed in as the administrator (who may open all of them).
    sign_in(page, server.url, ADMIN_EMAIL, PASSWORD)
    open_page(page, f"{server.url}/home", "What needs attention")
    check(page, matrix, beacon, "Home")

    open_page(page, f"{server.url}/people", "Change an account")
    assert page.get_by_text("Ellery").count()  # the hostile name is on the page, as text
    check(page, matrix, beacon, "Settings: People")

    open_page(page, f"{server.url}/privacy_settings", "Privacy")
    check(page, matrix, beacon, "Settings: Privacy notice")
    click_tab(page, "Erasure and subject access")
    page.get_by_label("Name or email (part of it will do)").fill("hostile")
    page.get_by_label("Name or email (part of it will do)").press("Enter")
    page.get_by_text("bob").first.wait_for(timeout=30_000)
    check(page, matrix, beacon, "Settings: Erasure")

    open_page(page, f"{server.url}/comments", "The wifi did not work")
    check(page, matrix, beacon, "Comments")

    open_page(page, f"{server.url}/postmortem?session={planted.session.id}", "Post-mortem")
    for tab in ("Feedback", "Lessons applied", "Reflections", "Comments"):
        click_tab(page, tab)
        if tab == "Reflections":  # by the author with the hostile name
            assert page.get_by_text("Ellery").count()
        check(page, matrix, beacon, f"Post-mortem: {tab}")
    click_tab(page, "Feedback")
    session_report = download(page, "Lessons report for this session (Markdown)")

    open_page(page, f"{server.url}/lessons?lesson={planted.lesson_id}", "Lessons learnt")
    for tab in ("Move on", "Details", "Evidence", "History"):
        click_tab(page, tab)
        check(page, matrix, beacon, f"Lessons: {tab}")
    register_report = download(page, "Programme report (Markdown)")

    open_page(page, f"{server.url}/plan?session={planted.planned.id}", "Plan the next session")
    for tab in ("Lessons to apply", "Checklist", "What the data says", "Print and share"):
        click_tab(page, tab)
        check(page, matrix, beacon, f"Plan: {tab}")
    plan_markdown = download(page, "Plan (Markdown)")
    plan_html = download(page, "Printable plan (HTML)")

    open_page(page, f"{server.url}/reports", "Programme report")
    page.get_by_role("button", name="Write the report").click()
    page.get_by_text("Preview").wait_for(timeout=60_000)
    page.get_by_text("Preview").click()
    page.wait_for_timeout(1500)
    check(page, matrix, beacon, "Reports: preview")
    report_html = download(page, "Report (HTML, works offline)")
    report_markdown = download(page, "Report (Markdown)")
    page.get_by_text("Comments", exact=True).last.click()
    page.get_by_role("button", name="Prepare the export").click()
    comments_csv = download(page, "Download comments.csv")
    page.close()

    for surface, markdown in (
        ("post-mortem report .md", session_report),
        ("lessons report .md", register_report),
        ("plan .md", plan_markdown),
        ("programme report .md", report_markdown),
    ):
        assert "hostile" in markdown, surface
        show_markdown(browser, markdown, matrix, beacon, surface)
    for surface, html in (("plan .html", plan_html), ("programme report .html", report_html)):
        assert "hostile" in html, surface
        show_html(browser, html, matrix, beacon, surface)

    # The spreadsheet: the formula is quoted, and no NUL reaches the file.
    cells = [cell for row in csv.reader(io.StringIO(comments_csv)) for cell in row]
    hostile_cells = [c for c in cells if "hostilecell" in c]
    assert hostile_cells and all(c.startswith("'=HYPERLINK") for c in hostile_cells)
    assert "\x00" not in comments_csv and "\u202e" not in comments_csv
    matrix.surfaces.append("comments .csv")
    for hostile in inputs:
        matrix.cells[(hostile.name, "comments .csv")] = []

    print("\n" + matrix.table())
    assert beacon.hits == [], beacon.hits
    assert not matrix.failures(), matrix.failures()

    server.stop()
    database = store.open_database(db_path)
    with database.reading() as cur:
        texts = [r[0] for r in cur.execute("SELECT text FROM comments").fetchall()]
    database.close()
    # What the browser sent was cleaned on the way in, like what was stored beforehand.
    assert sum("hostilecell" in t for t in texts) == 4
    assert not any("\x00" in t or "\u202e" in t for t in texts)
    assert all("hostile\u200bzero\u200dwidth" in t for t in texts if "hostilecell" in t)


def test_a_lone_surrogate_typed_in_the_form_gets_a_message(tmp_path, start_server, browser):
    """Half of a UTF-16 pair, as a broken paste leaves one: the browser sends it as U+FFFD,
    and the form says which answer to retype, keeping the rest."""
    db_path = tmp_path / "surrogate.duckdb"
    database = open_app_database(db_path)
    start = now_local().replace(microsecond=0) - timedelta(minutes=10)
    session = make_session(
        database, title="Surrogate evening", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    database.close()
    server = start_server(db_path)
    page = browser.new_page(viewport=DESKTOP)
    open_page(page, f"{server.url}/feedback?s={session.feedback_token}", "Surrogate evening")
    page.locator("label[for=overall_rating-4]").click()
    page.get_by_label("What should we change for next time?").fill("Start on time")
    # Set in the page, as a paste would leave it.
    page.get_by_label("What worked well for you?").evaluate(
        "(area) => { area.value = 'Good \\ud800 session'; }"
    )
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_role("alert").get_by_text("did not come through").wait_for(timeout=15_000)
    assert "Good" in page.get_by_label("What worked well for you?").input_value()
    assert (
        page.get_by_label("What should we change for next time?").input_value() == "Start on time"
    )
    assert page.locator("#overall_rating-4").is_checked()
    page.close()
