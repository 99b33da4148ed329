"""Home: what needs attention now, each with a link to the place to act."""

import streamlit as st

from lessons import store, ui
from lessons.attention import needs_attention
from lessons.clock import now_local

ui.staff_page()
database = ui.database()
now = now_local()
st.title("What needs attention")

sessions = ui.all_sessions()
with database.reading() as cur:
    lessons = store.all_lessons(cur)
    planned_ids = store.planned_session_ids(cur)

# "Since your last visit" is read once per browser session, then the visit is recorded,
# so the list stays put while the facilitator works through it.
me = ui.current_user()
if me and st.session_state.get("home_since_user") != me:
    with database.reading() as cur:
        previous = store.last_visit(cur, me)
    with database.transaction() as cur:
        store.record_visit(cur, me, now)
    st.session_state["home_since_user"] = me
    st.session_state["home_since"] = previous

attention = needs_attention(sessions, lessons, planned_ids, now)
awaiting, overdue, upcoming = (
    attention.awaiting_post_mortem,
    attention.overdue_actions,
    attention.upcoming,
)

counts = st.columns(3)
counts[0].metric("Awaiting a post-mortem", len(awaiting))
counts[1].metric("Overdue lesson actions", len(overdue))
counts[2].metric("Upcoming without a plan", attention.upcoming_without_plan)

st.subheader("Sessions awaiting a post-mortem")
if not awaiting:
    st.caption("None: every delivered session has been reviewed.")
for s in awaiting:
    st.page_link(
        "pages/postmortem.py",
        label=f"{ui.session_label(s)} — {s.response_count} responses",
        icon=":material/forum:",
        query_params={"session": s.id},
    )

st.subheader("Overdue lesson actions")
if not overdue:
    st.caption("None overdue.")
for x in overdue:
    st.page_link(
        "pages/lessons.py",
        label=f"#{x.id} {x.title} — {x.owner or 'no owner'}, due {x.due_date:%d %b %Y}",
        icon=":material/alarm:",
        query_params={"lesson": x.id},
    )

st.subheader("Upcoming sessions")
if not upcoming:
    st.caption("No sessions planned. Create one on the Sessions page.")
for s in upcoming:
    has_plan = s.id in planned_ids
    st.page_link(
        "pages/plan.py",
        label=f"{ui.session_label(s)} — {'plan ready' if has_plan else 'no plan yet'}",
        icon=":material/checklist:" if has_plan else ":material/edit_note:",
        query_params={"session": s.id},
    )

st.subheader("New feedback since your last visit")
if not me:
    st.caption("Type your name in the sidebar to see what is new since you last looked.")
else:
    since = st.session_state.get("home_since")
    if since is None:
        st.caption("This is your first visit: from now on, new feedback will show here.")
    else:
        with database.reading() as cur:
            fresh = store.responses_since(cur, since)
        if not fresh:
            st.caption(f"Nothing new since {since:%d %b %Y, %H:%M}.")
        for session_id, title, count in fresh:
            st.page_link(
                "pages/postmortem.py",
                label=f"{title} — {count} new response{'s' if count != 1 else ''}",
                icon=":material/mark_chat_unread:",
                query_params={"session": session_id},
            )
