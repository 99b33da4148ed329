"""Entry point: builds the navigation from the signed-in role.

The attendees' form is not a Streamlit page: it is plain HTML served by the app's own
server at /feedback (lessons.web_feedback), which also sends a link to the bare address
(`/?s=…`) there. The menu links to it like any other address.

Every page is registered whatever the role, so that a page's address typed by hand runs
that page, which refuses anyone whose role may not use it (ui_auth.require_role). The menu
is drawn here, listing only the pages the role may use.
"""

import streamlit as st

from lessons import ui_auth, ui_widgets
from lessons.auth import may
from lessons.form_html import FORM_PATH

st.set_page_config(
    page_title="Training feedback and lessons",
    page_icon=str(ui_widgets.APP_ICON),
    layout="centered",
)

role = ui_auth.current_role()
signed_in = role is not None


def start() -> None:
    """The app's root address: on to Home, or to the sign-in page. Streamlit serves its
    default page at the root only (its own address would say "Page not found"), so the
    default is this, and /home and /sign_in stay the addresses of their pages."""
    st.switch_page(home if signed_in else account)


home = st.Page("pages/home.py", title="Home", icon=":material/home:", url_path="home")
sessions = st.Page(
    "pages/sessions.py", title="Sessions", icon=":material/event:", url_path="sessions"
)
plan = st.Page("pages/plan.py", title="Plan", icon=":material/checklist:", url_path="plan")
postmortem = st.Page(
    "pages/postmortem.py", title="Post-mortem", icon=":material/forum:", url_path="postmortem"
)
comments = st.Page(
    "pages/comments.py", title="Comments", icon=":material/chat:", url_path="comments"
)
lessons_page = st.Page(
    "pages/lessons.py", title="Lessons", icon=":material/lightbulb:", url_path="lessons"
)
trends = st.Page(
    "pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"
)
reports_page = st.Page(
    "pages/reports.py", title="Reports", icon=":material/summarize:", url_path="reports"
)
people = st.Page("pages/people.py", title="People", icon=":material/group:", url_path="people")
themes = st.Page("pages/settings.py", title="Themes", icon=":material/label:", url_path="settings")
privacy_settings = st.Page(
    "pages/privacy_settings.py",
    title="Privacy",
    icon=":material/shield_person:",
    url_path="privacy_settings",
)
backups_page = st.Page(
    "pages/backups.py", title="Backups", icon=":material/backup:", url_path="backups"
)
account = st.Page(
    "pages/sign_in.py",
    title="Your account" if signed_in else "Sign in",
    icon=":material/person:" if signed_in else ":material/login:",
    url_path="sign_in",
)
import_page = st.Page(
    "pages/import_responses.py", title="Import", icon=":material/upload_file:", url_path="import"
)
paper_entry = st.Page(
    "pages/paper_entry.py", title="Paper cards", icon=":material/edit_note:", url_path="paper"
)
setup = st.Page("pages/setup.py", title="Set up", icon=":material/key:", url_path="setup")

# The menu: each group's pages with the role each needs (the page checks the same itself).
MENU: list[tuple[str, list[tuple[st.Page, str | None]]]] = [
    (
        "Facilitators",
        [
            (home, "facilitator"),
            (sessions, "facilitator"),
            (plan, "facilitator"),
            (postmortem, "facilitator"),
            (comments, "facilitator"),
            (lessons_page, "facilitator"),
            (import_page, "facilitator"),
            (paper_entry, "facilitator"),
        ],
    ),
    ("Programme lead", [(trends, "lead"), (reports_page, "lead")]),
    (
        "Settings",
        [
            (people, "admin"),
            (themes, "admin"),
            (privacy_settings, "admin"),
            (backups_page, "admin"),
        ],
    ),
    ("Account", [(account, None)]),
]

root = st.Page(start, title="Training feedback and lessons", url_path="start", default=True)
navigation = st.navigation(
    [root] + [page for _, entries in MENU for page, _ in entries] + [setup], position="hidden"
)
for group, entries in MENU:
    if group == "Account":
        # The attendees' form: a plain page on this server, opened as any address is.
        st.sidebar.caption("Attendees")
        st.sidebar.markdown(f"[Give feedback]({FORM_PATH})")
    shown = [page for page, needed in entries if needed is None or may(role, needed)]
    if shown:
        st.sidebar.caption(group)
    for page in shown:
        st.sidebar.page_link(page)
if ui_auth.open_mode():
    st.sidebar.page_link(setup)
ui_auth.identity_sidebar()
navigation.run()
