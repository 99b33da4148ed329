"""Entry point: builds the navigation. Attendees arriving by a feedback link see only the form."""

import streamlit as st

from lessons import ui_auth

st.set_page_config(
    page_title="Training feedback and lessons",
    page_icon=":material/school:",
    layout="centered",
)

give_feedback = st.Page(
    "pages/feedback.py", title="Give feedback", icon=":material/rate_review:", url_path="feedback"
)
home = st.Page("pages/home.py", title="Home", icon=":material/home:", url_path="home", default=True)
sessions = st.Page(
    "pages/sessions.py", title="Sessions", icon=":material/event:", url_path="sessions"
)
plan = st.Page("pages/plan.py", title="Plan", icon=":material/checklist:", url_path="plan")

comments = st.Page(
    "pages/comments.py", title="Comments", icon=":material/chat:", url_path="comments"
)
postmortem = st.Page(
    "pages/postmortem.py", title="Post-mortem", icon=":material/forum:", url_path="postmortem"
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
settings = st.Page("pages/settings.py", title="Themes", icon=":material/sell:", url_path="settings")
privacy_page = st.Page(
    "pages/privacy_settings.py",
    title="Privacy",
    icon=":material/shield_person:",
    url_path="privacy_settings",
)

sign_in_page = st.Page(
    "pages/sign_in.py", title="Sign in", icon=":material/login:", url_path="sign_in", default=True
)
# The same page, once signed in: who you are, and signing out.
account_page = st.Page(
    "pages/sign_in.py", title="Your account", icon=":material/person:", url_path="sign_in"
)

arrived_by_link = "s" in st.query_params or "c" in st.query_params
signed_in = ui_auth.staff_signed_in()
if signed_in:
    pages: dict[str, list] = {
        "Facilitators": [home, sessions, plan, postmortem, comments, lessons_page],
        "Programme lead": [trends, reports_page],
        "Settings": [settings, privacy_page],
        "Attendees": [give_feedback],
        "Account": [account_page],
    }
else:
    pages = {"": [sign_in_page, give_feedback]}
# Attendees arriving by a link see the form alone. The other pages stay registered (hidden)
# so that /feedback is not the default page, whose address is the bare root.
navigation = st.navigation(pages, position="hidden" if arrived_by_link else "sidebar")
if arrived_by_link and navigation.url_path != give_feedback.url_path:
    # A link to the bare address (e.g. "/?s=…") still opens the form.
    st.switch_page(give_feedback, query_params=st.query_params.to_dict())
if signed_in and not arrived_by_link:
    ui_auth.identity_sidebar()
navigation.run()
