"""Lessons: the register — filter, edit, move through the lifecycle, evidence, history."""

import streamlit as st

from lessons import loop, register, reports, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.choices import (
    NEXT_STATUS,
    POLARITIES,
    PRIORITIES,
    SCOPES,
    STATUS_MEANING,
    STATUSES,
)
from lessons.clock import today_local
from lessons.errors import ValidationError
from lessons.register import (
    SORTS,
    EvidenceLink,
    LessonDraft,
    LessonFilter,
    allowed_moves,
    create_lesson,
    draft_from_lesson,
    filter_lessons,
    is_overdue,
    link_evidence,
    may_make_move,
    move_lesson,
    update_lesson,
)
from lessons.wording import plural

plain = ui_widgets.plain
me = ui_auth.require_role("facilitator")
database = ui_data.database()
today = today_local()
st.title("Lessons learnt")

ui_widgets.show_flash("lessons_flash")

sessions = ui_data.all_sessions()
session_names = {s.id: ui_widgets.session_label(s) for s in sessions}
theme_names = ui_data.theme_names()
the_register = register.read_register(database)

counts = register.register_counts(the_register, today)
columns = st.columns(4)
columns[0].metric("Lessons", counts.lessons)
columns[1].metric("Open actions", counts.open_actions)
columns[2].metric("Validated", counts.validated)
columns[3].metric("Overdue actions", len(counts.overdue))
if counts.overdue:
    n = len(counts.overdue)
    st.error(
        f"{n} action{'s are' if n != 1 else ' is'} past its due date: "
        + "; ".join(
            plain(f"#{x.id} {x.title} (owner {x.owner or '—'}, due {x.due_date:%d %b})")
            for x in counts.overdue
        ),
        icon=":material/alarm:",
    )

# The form is drawn only once the expander is opened.
new_lesson = st.expander(
    "Log a new lesson", icon=":material/add:", key="lessons_new_open", on_change="rerun"
)
with new_lesson:
    if new_lesson.open:
        new = ui_forms.lesson_form(
            "lessons_new", LessonDraft(title=""), "Log lesson", session_names
        )
        if new is not None:
            try:
                new_id = create_lesson(database, new, me)
            except ValidationError as invalid:
                ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
            else:
                st.session_state["lessons_selected"] = new_id
                st.session_state["lessons_flash"] = f"Logged lesson #{new_id}."
                st.rerun()

with st.container(border=True):
    left, middle, right = st.columns(3)
    statuses = left.multiselect(
        "Status", list(STATUSES), format_func=STATUSES.__getitem__, key="lessons_status"
    )
    theme = ui_forms.any_or_one(
        middle, "Theme", list(theme_names), "Any theme", "lessons_theme", theme_names.__getitem__
    )
    polarity = ui_forms.any_or_one(
        right,
        "Polarity",
        list(POLARITIES),
        "Sustain or improve",
        "lessons_polarity",
        POLARITIES.__getitem__,
    )
    left, middle, right = st.columns(3)
    scope = ui_forms.any_or_one(
        left, "Scope", list(SCOPES), "Any scope", "lessons_scope", SCOPES.__getitem__
    )
    owner = ui_forms.any_or_one(
        middle, "Owner", register.owners(the_register), "Anyone", "lessons_owner"
    )
    sort = right.selectbox(
        "Sort by", list(SORTS), format_func=SORTS.__getitem__, key="lessons_sort"
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    text = left.text_input("Search", max_chars=100, key="lessons_search")
    overdue_only = right.toggle("Overdue only", key="lessons_overdue")

chosen = LessonFilter(statuses, theme, polarity, scope, owner, overdue_only, text, sort)
shown = filter_lessons(the_register, chosen, today)
caption = reports.register_caption(len(shown), len(the_register), chosen, theme_names, today)
table = [
    {
        "#": x.id,
        "Title": x.title,
        "Status": STATUSES[x.status],
        "Due": x.due_date,
        "Overdue": "⚠ overdue" if is_overdue(x, today) else "",
        "Owner": x.owner,
        "Priority": PRIORITIES[x.priority],
        "Polarity": x.polarity,
        "Scope": x.scope,
        "Themes": ", ".join(theme_names.get(t, t) for t in x.themes),
        "Evidence": x.evidence_count,
        "Still needs": ", ".join(register.still_missing(x)),
    }
    for x in shown
]
st.caption(f"{len(shown)} of {plural(len(the_register), 'lesson')}")
ui_widgets.key_columns_table(
    table,
    column_config={
        "Due": st.column_config.DateColumn(format="DD MMM YYYY"),
        "Title": st.column_config.TextColumn(width="medium"),  # the key columns fit a phone
    },
    key_columns=["#", "Title", "Status"],
    key="lessons_table",
)

left, middle, right = st.columns(3)
# Files are built when a button is clicked, not on every rerun of the page.
left.download_button(
    "Register (CSV)",
    lambda: reports.register_csv(shown, theme_names, caption),
    "lessons-register.csv",
    "text/csv",
    icon=":material/download:",
    width="stretch",
)
middle.download_button(
    "Register (Excel)",
    lambda: reports.register_xlsx(shown, theme_names, caption),
    "lessons-register.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    width="stretch",
)
right.download_button(
    "Programme report (Markdown)",
    lambda: reports.write_lessons_report(database, None, theme_names, today),
    "lessons-report.md",
    "text/markdown",
    icon=":material/article:",
    width="stretch",
)

if not shown:
    st.info("No lessons match these filters.")
    st.stop()

by_id = {x.id: x for x in shown}
selected = ui_forms.choose_by_id(
    "Open a lesson",
    {x.id: f"#{x.id} {x.title}" for x in shown},
    key="lessons_choice",
    asked="lesson",
    fallback=st.session_state.get("lessons_selected"),
)
st.session_state["lessons_selected"] = selected
lesson = by_id[selected]

st.header(plain(f"#{lesson.id} {lesson.title}"))
st.markdown(
    f"**{STATUSES[lesson.status]}** — {STATUS_MEANING[lesson.status]}"
    + (" **This action is overdue.**" if is_overdue(lesson, today) else "")
)
# Keyed, so an action in a tab (a save, a move, a note) leaves the person on that tab.
move_tab, verdict_tab, details_tab, evidence_tab, history_tab = st.tabs(
    ["Move on", "Did it work?", "Details", "Evidence", "History"],
    key="lessons_tab",
    on_change="rerun",
)

with move_tab:
    if move_tab.open:
        if missing := register.still_missing(lesson):
            st.markdown(
                f"To move it on to {STATUSES[NEXT_STATUS[lesson.status]].lower()}, it still needs"
                f" {', '.join(missing)}: fill them in under **Details**."
            )
        moves = [m for m in allowed_moves(lesson.status) if may_make_move(me, m)]
        for_review = [m for m in allowed_moves(lesson.status) if m not in moves]
        if for_review:
            st.info(
                "A programme lead reviews the register: ask one to mark this lesson "
                + " or ".join(STATUSES[m].lower() for m in for_review)
                + ".",
                icon=":material/rate_review:",
            )
        if not moves and not for_review:
            st.info("This lesson is at the end of its lifecycle.")
        elif moves:
            with st.form(f"lessons_move_{lesson.id}"):
                to_status = st.radio(
                    "Move to",
                    moves,
                    format_func=lambda s: f"{STATUSES[s]} — {STATUS_MEANING[s]}",
                    key=f"lessons_move_to_{lesson.id}",
                )
                applied = st.selectbox(
                    "Applied in session (for embedded)",
                    [None, *[s.id for s in register.sessions_to_apply_in(lesson, sessions)]],
                    format_func=lambda sid: "—" if sid is None else session_names[sid],
                    key=f"lessons_move_session_{lesson.id}",
                )
                evidence_text = st.text_area(
                    "What showed it worked (for validated)",
                    key=f"lessons_move_evidence_{lesson.id}",
                )
                reason = st.text_area(
                    "Why (required to reject)", key=f"lessons_move_reason_{lesson.id}"
                )
                if st.form_submit_button("Move lesson", type="primary"):
                    try:
                        move_lesson(
                            database,
                            lesson.id,
                            to_status,
                            me,
                            reason=reason,
                            applied_session_id=applied,
                            effectiveness_evidence=evidence_text,
                        )
                    except ValidationError as invalid:
                        ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
                    else:
                        st.session_state["lessons_flash"] = (
                            f"Moved #{lesson.id} to {STATUSES[to_status].lower()}."
                        )
                        st.rerun()
        if lesson.applied_session_title:
            st.caption(plain(f"Applied in: {lesson.applied_session_title}"))
        if lesson.effectiveness_evidence:
            st.caption(plain(f"Effectiveness evidence: {lesson.effectiveness_evidence}"))
        if lesson.rejection_reason:
            st.caption(plain(f"Rejected because: {lesson.rejection_reason}"))

with verdict_tab:
    if verdict_tab.open:
        comparison = loop.lesson_comparison(database, lesson.id, theme_names)
        if comparison is None:
            st.info(
                "Not applied in a later session yet: once it is (status embedded), this compares"
                " that session's feedback with the feedback the lesson came from."
            )
            with st.expander("How the verdict will be reached"):
                st.markdown(loop.RULE)
        else:
            ui_widgets.show_comparison(comparison, theme_names)

with details_tab:
    if details_tab.open:
        edited = ui_forms.lesson_form(
            f"lessons_edit_{lesson.id}", draft_from_lesson(lesson), "Save changes", session_names
        )
        if edited is not None:
            try:
                update_lesson(database, lesson.id, edited, me)
            except ValidationError as invalid:
                ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
            else:
                st.session_state["lessons_flash"] = f"Saved #{lesson.id}."
                st.rerun()
        st.caption(plain(f"Logged {lesson.logged_at:%d %b %Y} by {lesson.logged_by}"))

with evidence_tab:
    if evidence_tab.open:
        evidence = register.evidence_of(database, lesson.id)
        if not evidence:
            st.info(
                "No evidence linked yet. Promote a comment or reflection from the post-mortem,"
                " link one from the Comments page, or add a note below."
            )
        for item in evidence:
            with st.container(border=True):
                if item.text:
                    st.markdown(f"> {plain(item.text)}")
                if item.note:
                    st.text(item.note)
                st.caption(
                    plain(f"{item.source} · linked {item.added_at:%d %b %Y} by {item.added_by}")
                )
        with st.form(f"lessons_note_{lesson.id}"):
            note = st.text_area(
                "Add evidence as a note (a figure, a link, an observation)",
                key=f"lessons_note_text_{lesson.id}",
            )
            if st.form_submit_button("Add evidence"):
                try:
                    link_evidence(database, lesson.id, EvidenceLink(note=note), me)
                except ValidationError as invalid:
                    ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
                else:
                    st.rerun()

with history_tab:
    if history_tab.open:
        ui_widgets.key_columns_table(
            [
                {"When": h.changed_at, "Who": h.actor, "What": h.action, "Detail": h.detail}
                for h in register.history_of(database, lesson.id)
            ],
            column_config={"When": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm")},
            key_columns=["When", "What"],
            key="lessons_history",
        )
