"""Sessions: create and edit sessions; share the feedback link, code and QR poster."""

import functools
from urllib.parse import urlencode

import streamlit as st

from lessons import followup, share, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.choices import SESSION_FORMATS, SESSION_STATUSES
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.feedback import feedback_window
from lessons.form_html import PRESENT_PATH
from lessons.loop import update_session_and_embed
from lessons.sessions import (
    EARLY_DELIVERY_QUESTION,
    create_session,
    draft_from_row,
    nearest_session,
    new_form_token,
    poster_for,
    session_response_count,
)
from lessons.wording import plural

SHARE_TAB, FOLLOWUP_TAB, EDIT_TAB = "Share the feedback form", "Follow-up", "Edit session"

me = ui_auth.require_role("facilitator")
database = ui_data.database()

st.title("Sessions")

# Each rendering of the create form has its own number and one-time token: after Create,
# the next form is a fresh one (empty, closed), and a repeated click of the same form's
# button finds the session the first click made instead of making a second.
form_number = st.session_state.setdefault("sessions_new_number", 0)
form_key = f"sessions_new_{form_number}" if form_number else "sessions_new"
form_token = st.session_state.setdefault(f"{form_key}_token", new_form_token())
with st.expander(
    "Create a session", icon=":material/add:", expanded=False, key=f"{form_key}_expander"
):
    new_draft = ui_forms.session_form(form_key, None, "Create session")
    if new_draft is not None:
        try:
            new_id = create_session(database, new_draft, me, form_token=form_token)
        except ValidationError as invalid:
            ui_forms.show_validation_errors(invalid, ui_forms.SESSION_FIELD_LABELS)
        else:
            ui_data.clear_read_cache()
            st.session_state["sessions_new_number"] = form_number + 1
            # The new session is the one chosen and shown, on the tab with its QR code: the
            # chooser and the tabs are drawn anew (their keys carry the form's number), so
            # no value the browser still holds for the old ones can bring back another.
            st.session_state["sessions_selected_id"] = new_id
            st.session_state["sessions_flash"] = (
                f"Created '{ui_widgets.plain(new_draft.title.strip())}': its feedback link,"
                " code, QR code and poster are below."
            )
            st.rerun()

if flash := st.session_state.pop("sessions_flash", None):
    st.success(flash, icon=":material/check:")

sessions = ui_data.all_sessions()
if not sessions:
    st.info(
        "No sessions yet. Create the first one above; its feedback link and QR code appear here."
    )
    st.stop()

by_id = {s.id: s for s in sessions}
nearest = nearest_session(sessions, now_local())
selected_id = ui_forms.choose_by_id(
    "Choose a session to share or edit",
    {s.id: ui_widgets.session_label(s) for s in sessions},
    key=f"sessions_choice_{st.session_state['sessions_new_number']}",
    fallback=st.session_state.get("sessions_selected_id", nearest.id if nearest else None),
)
st.session_state["sessions_selected_id"] = selected_id
session = by_id[selected_id]

share_tab, followup_tab, edit_tab = st.tabs(
    [SHARE_TAB, FOLLOWUP_TAB, EDIT_TAB],
    key=f"sessions_tab_{st.session_state['sessions_new_number']}",
    on_change="rerun",
)

# LESSONS_PUBLIC_URL, or else the address this browser is using: what a phone needs.
base = share.public_url(ui_widgets.address_in_use())

with share_tab:
    if share_tab.open:
        if share.unreachable_from_a_phone(base):
            st.warning(
                f"Phones cannot reach this address ({share.display_url(base)}): the link and QR"
                " code only work on this computer. Set LESSONS_PUBLIC_URL to the address attendees"
                " use, or open this page by the computer's network address.",
                icon=":material/wifi_off:",
            )
        link = share.feedback_link(session.feedback_token, base)
        short = share.short_link(session.short_code, base)
        qr_column, detail_column = st.columns([2, 3])
        with qr_column:
            st.image(
                share.qr_png(link),
                caption="Scan to give feedback",
                width=220,
                alt=f"QR code of the feedback link for session {session.short_code}",
            )
        with detail_column:
            st.markdown("**Session code**")
            # Wrapped: a line wider than the column would make a scrolling box that the
            # keyboard cannot reach.
            st.code(session.short_code, language=None, wrap_lines=True)
            st.markdown("**Short link** (to type from a slide)")
            st.code(share.display_url(short), language=None, wrap_lines=True)
            st.markdown("**Feedback link** (unguessable; the QR code carries it)")
            st.code(link, language=None, wrap_lines=True)

            @st.fragment(run_every=15)
            def live_count() -> None:
                count = session_response_count(database, session.id)
                expected = (
                    f" of {session.expected_attendees} expected"
                    if session.expected_attendees
                    else ""
                )
                st.metric("Responses so far", f"{count}{expected}")

            live_count()
            window = feedback_window(session)
            if not session.feedback_open or window.state(now_local()) == "closed":
                st.warning(
                    "Feedback is closed for this session: reopen it, or set a later closing date,"
                    " under 'Edit session'."
                )
            elif window.opens_at and window.state(now_local()) == "not_yet":
                st.info(f"The form opens at {window.opens_at:%H:%M on %-d %B %Y}.")
            st.caption(f"The form closes at {window.closes_at:%H:%M on %-d %B %Y}.")
        st.link_button(
            "Presenter screen (for the projector)",
            f"{base}{PRESENT_PATH}?{urlencode({'s': session.feedback_token})}",
            icon=":material/co_present:",
            width="stretch",
        )
        left, right = st.columns(2)
        left.download_button(
            "QR code (PNG)",
            lambda: share.qr_png(link, scale=20),
            file_name=f"feedback-qr-{session.short_code}.png",
            mime="image/png",
            icon=":material/qr_code_2:",
            width="stretch",
        )
        last_time = followup.last_time_on_poster(database, session, base)
        if last_time is not None:
            st.caption(
                "The poster also carries the follow-up to the previous session of the programme"
                f" ('{ui_widgets.plain(last_time.title)}'): before we start, how did last time go?"
            )
        right.download_button(
            "Printable poster (PDF)",
            lambda: share.poster_pdf(poster_for(session, last_time), base),
            file_name=f"feedback-poster-{session.short_code}.pdf",
            mime="application/pdf",
            icon=":material/print:",
            width="stretch",
        )

with followup_tab:
    if followup_tab.open:
        shared = followup.followup_share(database, session.id, base)
        if shared is not None:
            st.markdown(
                f"Weeks after the session, a short form asks what people went on to do. It opens on"
                f" **{shared.opens_at:%-d %B %Y}** ({plural(session.followup_weeks, 'week')} on;"
                " change it"
                f" under 'Edit session') and closes on {shared.closes_at:%-d %B %Y}. No email is"
                " sent: hand out the slips, show it on the next session's poster, or mail-merge"
                " the link to the attendees who agreed to be contacted."
            )
            fu_qr, fu_detail = st.columns([2, 3])
            fu_qr.image(
                share.qr_png(shared.link),
                caption="Scan for the follow-up",
                width=200,
                alt=f"QR code of the follow-up link for session {session.short_code}",
            )
            with fu_detail:
                st.markdown("**Follow-up code**")
                st.code(shared.code, language=None, wrap_lines=True)
                st.markdown("**Follow-up link**")
                st.code(shared.link, language=None, wrap_lines=True)
            slips, merge = st.columns(2)
            slips.download_button(
                "Printable slips (PDF, 8 to a page)",
                functools.partial(share.followup_slips_pdf, shared.on_paper(), base),
                file_name=f"followup-slips-{shared.code}.pdf",
                mime="application/pdf",
                icon=":material/content_cut:",
                width="stretch",
            )
            with merge:
                ui_auth.private_download(
                    "Mail-merge file of opted-in contacts (CSV)",
                    lambda: followup.mail_merge_csv(database, session.id, base, me),
                    f"followup-contacts-{shared.code}.csv",
                    "text/csv",
                    key=f"sessions_mail_merge_{session.id}",
                )
            st.caption(
                "The file lists only the people who ticked to let the council keep their name and"
                " contact details with their feedback: name, email, link."
            )

with edit_tab:
    if edit_tab.open:
        edited = ui_forms.session_form(
            f"sessions_edit_{session.id}", draft_from_row(session), "Save changes"
        )
        pending_key = f"sessions_early_{session.id}"
        if edited is not None:
            st.session_state.pop(pending_key, None)
        confirmed = False
        if edited is None and pending_key in st.session_state:
            # Marked delivered before its date: asked once more, with the edit kept meanwhile.
            st.warning(EARLY_DELIVERY_QUESTION, icon=":material/event_busy:")
            yes, keep = st.columns(2)
            if yes.button("Yes, it has been delivered", key=f"{pending_key}_yes", type="primary"):
                edited, confirmed = st.session_state.pop(pending_key), True
            if keep.button("Keep it planned", key=f"{pending_key}_no"):
                st.session_state.pop(pending_key)
                st.rerun()
        if edited is not None:
            try:
                embedded = update_session_and_embed(
                    database, session.id, edited, me, confirmed_early=confirmed
                )
            except ValidationError as invalid:
                if invalid.errors == {"status": EARLY_DELIVERY_QUESTION}:
                    st.session_state[pending_key] = edited
                    st.rerun()
                ui_forms.show_validation_errors(invalid, ui_forms.SESSION_FIELD_LABELS)
            else:
                ui_data.clear_read_cache()
                st.session_state["sessions_flash"] = (
                    f"Saved changes to '{ui_widgets.plain(edited.title.strip())}'."
                ) + (
                    f" {plural(len(embedded), 'planned lesson')} now embedded: see the post-mortem."
                    if embedded
                    else ""
                )
                st.rerun()

st.header("Every session")
ui_widgets.key_columns_table(
    [
        {
            "Date": s.starts_at,
            "Title": s.title,
            "Council": s.council,
            "Format": SESSION_FORMATS.get(s.format, s.format),
            "Status": SESSION_STATUSES[s.status],
            "Responses": s.response_count,
            "Expected": s.expected_attendees,
            "Code": s.short_code,
        }
        for s in sessions
    ],
    column_config={
        "Date": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm"),
        "Title": st.column_config.TextColumn(width="medium"),  # the key columns fit a phone
    },
    key_columns=["Date", "Title"],
    key="sessions_table",
)
