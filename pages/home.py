"""Home: what needs attention now, each with a link to the place to act."""

import streamlit as st

from lessons import attention, ui_auth, ui_data, ui_widgets
from lessons.clock import now_local
from lessons.wording import plural

me = ui_auth.require_role("facilitator")
database = ui_data.database()
now = now_local()
st.title("What needs attention")

found = attention.what_needs_attention(database, now)

# "Since your last visit" is read once per browser session, then the visit is recorded,
# so the list stays put while the facilitator works through it.
if me.account_id is not None and st.session_state.get("home_since_account") != me.account_id:
    st.session_state["home_since"] = attention.record_visit(database, me.account_id, now)
    st.session_state["home_since_account"] = me.account_id

counts = st.columns(3)
counts[0].metric("Awaiting a post-mortem", len(found.awaiting_post_mortem))
counts[1].metric("Overdue lesson actions", len(found.overdue_actions))
counts[2].metric("Upcoming without a plan", found.upcoming_without_plan)

st.header("Sessions awaiting a post-mortem")
if not found.awaiting_post_mortem:
    st.caption("None: every delivered session has been reviewed.")
for s in found.awaiting_post_mortem:
    st.page_link(
        "pages/postmortem.py",
        label=ui_widgets.plain(
            f"{ui_widgets.session_label(s)} — {plural(s.response_count, 'response')}"
        ),
        icon=":material/forum:",
        query_params={"session": str(s.id)},
    )

st.header("Overdue lesson actions")
if not found.overdue_actions:
    st.caption("None overdue.")
for x in found.overdue_actions:
    st.page_link(
        "pages/lessons.py",
        label=ui_widgets.plain(
            f"#{x.id} {x.title} — {x.owner or 'no owner'}, due {x.due_date:%d %b %Y}"
        ),
        icon=":material/alarm:",
        query_params={"lesson": str(x.id)},
    )

st.header("Upcoming sessions")
if not found.upcoming:
    st.caption("No sessions planned. Create one on the Sessions page.")
for s in found.upcoming:
    has_plan = s.id in found.planned_ids
    st.page_link(
        "pages/plan.py",
        label=ui_widgets.plain(
            f"{ui_widgets.session_label(s)} — {'plan ready' if has_plan else 'no plan yet'}"
        ),
        icon=":material/checklist:" if has_plan else ":material/edit_note:",
        query_params={"session": str(s.id)},
    )

st.header("New feedback since your last visit")
if me.account_id is None:
    st.caption("Sign in with your own account to see what is new since you last looked.")
else:
    since = st.session_state.get("home_since")
    if since is None:
        st.caption("This is your first visit: from now on, new feedback will show here.")
    else:
        fresh = attention.new_feedback_since(database, since)
        if not fresh:
            st.caption(f"Nothing new since {since.seen_at:%d %b %Y, %H:%M}.")
        for session_id, title, count in fresh:
            st.page_link(
                "pages/postmortem.py",
                label=ui_widgets.plain(
                    f"{title} — {count} new response{'s' if count != 1 else ''}"
                ),
                icon=":material/mark_chat_unread:",
                query_params={"session": str(session_id)},
            )
