"""Who may use which page: the role × page table, through AppTest.

Each page checks the role itself (ui_auth.require_role), so a page's address typed by hand
is refused with a message and nothing of the page; app.py's menu lists only the pages the
role may use. AppTest cannot drive st.login: the role comes from the signed-in account in
the session state, as after a password sign-in (tests/e2e checks the same in a browser).
"""

import pytest
from streamlit.testing.v1 import AppTest

from lessons.feedback import FeedbackAnswer, submit_feedback
from lessons.register import LessonDraft, create_lesson
from tests.conftest import ROOT, make_account, make_session, signed_in

ROLES = ("facilitator", "lead", "admin")
# page → may a facilitator, a programme lead, an administrator use it?
TABLE: dict[str, tuple[bool, bool, bool]] = {
    "home": (True, True, True),
    "sessions": (True, True, True),
    "plan": (True, True, True),
    "postmortem": (True, True, True),
    "comments": (True, True, True),
    "lessons": (True, True, True),
    "import_responses": (True, True, True),
    "paper_entry": (True, True, True),
    "trends": (False, True, True),
    "reports": (False, True, True),
    "people": (False, False, True),
    "settings": (False, False, True),
    "privacy_settings": (False, False, True),
    "backups": (False, False, True),
}
CASES = [
    pytest.param(page, role, allowed, id=f"{role}-{page}-{'allowed' if allowed else 'refused'}")
    for page, row in TABLE.items()
    for role, allowed in zip(ROLES, row, strict=True)
]
MENU_TITLES = {
    "home": "Home",
    "sessions": "Sessions",
    "plan": "Plan",
    "postmortem": "Post-mortem",
    "comments": "Comments",
    "lessons": "Lessons",
    "import_responses": "Import",
    "paper_entry": "Paper cards",
    "trends": "Trends",
    "reports": "Reports",
    "people": "People",
    "settings": "Themes",
    "privacy_settings": "Privacy",
    "backups": "Backups",
}


@pytest.fixture
def data(db):
    """A delivered session with feedback and a lesson: something for every page to show."""
    session = make_session(db, status="delivered")
    for n in range(6):
        submit_feedback(
            db, session.id, FeedbackAnswer(overall_rating=4, to_change="The wifi failed"), f"k{n}"
        )
    owner = make_account(db, "Joanne Whitaker", "lead")
    create_lesson(db, LessonDraft(title="Test the wifi first"), owner.actor())
    return db


@pytest.mark.parametrize(("page", "role", "allowed"), CASES)
def test_each_role_may_use_exactly_its_pages(data, page, role, allowed):
    me = make_account(data, f"Someone {role}", role)
    # Home links to other pages, which exist only through app.py's navigation: it runs as
    # the signed-in default page. Every other page runs alone, as a typed address would.
    script = ROOT / ("app.py" if page == "home" else f"pages/{page}.py")
    at = signed_in(AppTest.from_file(str(script), default_timeout=60), me)
    at.run()
    assert not at.exception
    refusals = [e.value for e in at.error if "This page is for" in e.value]
    if allowed:
        assert not refusals
        assert at.title  # the page itself
    else:
        [refusal] = refusals
        assert f"signed in as Someone {role}" in refusal
        # Nothing of the page: no title, figures, tables, charts or forms.
        assert not at.title and not at.metric and not at.dataframe and not at.text_input
        assert not at.get("plotly_chart") and not at.get("download_button")


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_lists_only_the_pages_the_role_may_use(db, role):
    me = make_account(db, f"Someone {role}", role)
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), me).run()
    assert not at.exception
    shown = [link.proto.label for link in at.sidebar.get("page_link")]
    column = ROLES.index(role)
    expected = [MENU_TITLES[p] for p, row in TABLE.items() if row[column]]
    assert shown == [*expected, "Your account"]
    # The attendees' form is a plain page on the server, linked as an address.
    assert any(m.value == "[Give feedback](/feedback)" for m in at.sidebar.markdown)


def test_before_signing_in_the_menu_offers_only_sign_in_and_the_form(db):
    make_account(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert [link.proto.label for link in at.sidebar.get("page_link")] == ["Sign in"]
    assert any(m.value == "[Give feedback](/feedback)" for m in at.sidebar.markdown)
