"""Plan: plan the next session from the lessons register and the data behind it."""

import streamlit as st

from lessons import charts, document, planning, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.choices import BALANCE_CHOICES, POLARITIES, STATUSES
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.wording import plural

plain = ui_widgets.plain
me = ui_auth.require_role("facilitator")
database = ui_data.database()
st.title("Plan the next session")

ui_widgets.show_flash("plan_flash")

all_sessions = ui_data.all_sessions()
upcoming = planning.upcoming_sessions(all_sessions)
if not upcoming:
    st.info("No planned sessions. Create one on the Sessions page, then plan it here.")
    st.stop()

by_id = {s.id: s for s in upcoming}
session = by_id[
    ui_forms.choose_by_id(
        "Planned session",
        {s.id: ui_widgets.session_label(s) for s in upcoming},
        key="plan_session_id",
        asked="session",
    )
]
theme_names = ui_data.theme_names()
st.caption(
    plain(
        f"{session.starts_at:%A %-d %B %Y, %H:%M}–{session.ends_at:%H:%M} · {session.council} ·"
        f" planned {session.context_minutes} min context, {session.hands_on_minutes} min hands-on"
    )
)

view = ui_data.plan_view(session)
plan, evidence, applicable = view.plan, view.evidence, view.applicable
chosen_before = set(plan.lesson_ids) if plan else set()

# Keyed, so an action in a tab (a box ticked, an item added) leaves the person on it.
lessons_tab, checklist_tab, data_tab, export_tab = st.tabs(
    ["Lessons to apply", "Checklist", "What the data says", "Print and share"],
    key="plan_tab",
    on_change="rerun",
)

with lessons_tab:
    if lessons_tab.open:
        if not applicable:
            st.info(
                "No lesson in the register applies yet: lessons apply once they are actioned, and"
                " when their scope (programme, council and format) matches this session."
            )
        with st.form(f"plan_form_{session.id}"):
            picks = {}
            for lesson in applicable:
                with st.container(border=True):
                    picks[lesson.id] = st.checkbox(
                        f"**{plain(lesson.title)}**",
                        value=lesson.id in chosen_before,
                        key=f"plan_pick_{session.id}_{lesson.id}",
                    )
                    st.caption(
                        plain(
                            f"{POLARITIES[lesson.polarity]} · {STATUSES[lesson.status]}"
                            f" · {lesson.scope}"
                            + (
                                f" · from {lesson.source_session_title}"
                                if lesson.source_session_title
                                else ""
                            )
                            + (
                                " · themes: "
                                + ", ".join(theme_names.get(t, t) for t in lesson.themes)
                                if lesson.themes
                                else ""
                            )
                        )
                    )
                    if lesson.recommendation or lesson.lesson:
                        st.text(lesson.recommendation or lesson.lesson)
            notes = st.text_area(
                "Notes for the facilitators",
                value=plan.notes if plan else "",
                key=f"plan_notes_{session.id}",
            )
            saved = st.form_submit_button("Save plan", type="primary")
        if saved:
            try:
                planning.save_plan(
                    database,
                    session.id,
                    [i for i, on in picks.items() if on],
                    notes,
                    me,
                )
            except ValidationError as invalid:
                ui_forms.show_validation_errors(
                    invalid,
                    {
                        "actor": "Your name",
                        "notes": "Notes",
                        "session": "Session",
                        "lessons": "Lessons",
                    },
                )
            else:
                st.session_state["plan_flash"] = (
                    "Plan saved: each chosen lesson is now on the checklist."
                )
                st.rerun()

with checklist_tab:
    if checklist_tab.open:
        if plan is None:
            st.info("Save the plan to make its checklist.")
        else:
            done = sum(1 for item in plan.checklist if item.done)
            st.progress(
                done / len(plan.checklist) if plan.checklist else 0.0,
                text=f"{done} of {len(plan.checklist)} done",
            )
            for item in plan.checklist:
                ticked = st.checkbox(plain(item.text), value=item.done, key=f"plan_item_{item.id}")
                if item.done and item.done_at:
                    st.caption(plain(f"Done {item.done_at:%d %b, %H:%M} by {item.done_by or '—'}"))
                if ticked != item.done:
                    planning.tick(database, item.id, ticked, me)
                    st.rerun()
            with st.form(f"plan_add_{session.id}", clear_on_submit=True):
                text = st.text_input(
                    "Add an item",
                    max_chars=planning.MAX_ITEM_CHARS,
                    key=f"plan_add_text_{session.id}",
                )
                if st.form_submit_button("Add"):
                    try:
                        planning.add_checklist_item(database, session.id, text, me)
                    except ValidationError as invalid:
                        ui_forms.show_validation_errors(invalid, {"item": "Item"})
                    else:
                        st.rerun()

with data_tab:
    if data_tab.open:
        st.header("Context and hands-on")
        balance = evidence.balance
        if balance.enough:
            st.markdown(balance.message)
            left, right = st.columns(2)
            left.metric("Suggested context (why)", f"{balance.context_minutes} min")
            right.metric("Suggested hands-on (how)", f"{balance.hands_on_minutes} min")
            frame = charts.counts_frame(balance.counts, BALANCE_CHOICES)
            st.plotly_chart(
                charts.bar_chart(frame, "Past balance answers", horizontal=True),
                width="stretch",
                key="plan_balance",
            )
            with st.expander("The numbers and the sessions they come from"):
                st.dataframe(frame, hide_index=True, width="stretch")
                st.markdown("\n".join(f"- {plain(name)}" for name in balance.sessions))
        else:
            st.info(balance.message)
        st.header("Who to expect")
        mix = evidence.mix
        if mix.enough:
            st.markdown(mix.message)
            with st.expander("The sessions it comes from"):
                st.markdown("\n".join(f"- {plain(name)}" for name in mix.sessions))
        else:
            st.info(mix.message)
        st.header("Recurring complaints to guard against")
        if evidence.complaints:
            st.caption(evidence.complaint_message)
            for complaint in evidence.complaints:
                with st.container(border=True):
                    st.markdown(
                        f"**{plain(theme_names.get(complaint.theme_id, complaint.theme_id))}** —"
                        f" {complaint.negative} critical of {plural(complaint.comments, 'comment')}"
                    )
                    if complaint.example:
                        st.markdown(f"> {plain(complaint.example)}")
            with st.expander("The sessions it comes from"):
                st.markdown("\n".join(f"- {plain(name)}" for name in evidence.complaint_sessions))
        else:
            st.info(evidence.complaint_message)
        st.header("What people asked for")
        if evidence.asks:
            st.caption(evidence.ask_message)
            ui_widgets.show_asks(list(evidence.asks), theme_names)
        else:
            st.info(evidence.ask_message)

with export_tab:
    if export_tab.open:
        plan_document = planning.plan_document(session, plan, view.lessons, evidence, theme_names)
        markdown_text = document.to_markdown(plan_document)
        left, right = st.columns(2)
        left.download_button(
            "Plan (Markdown)",
            markdown_text,
            f"plan-{session.short_code}.md",
            "text/markdown",
            icon=":material/article:",
            width="stretch",
        )
        right.download_button(
            "Printable plan (HTML)",
            planning.plan_html(plan_document, f"Plan: {session.title}"),
            f"plan-{session.short_code}.html",
            "text/html",
            icon=":material/print:",
            width="stretch",
        )
        st.markdown(document.to_markdown(plan_document, on_screen=True))
        st.caption(f"Generated {now_local():%d %b %Y, %H:%M}")
