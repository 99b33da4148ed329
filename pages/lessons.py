"""Lessons: the register — filter, edit, move through the lifecycle, evidence, history."""

import streamlit as st

from lessons import reports, store, ui
from lessons.choices import POLARITIES, PRIORITIES, SCOPES, STATUS_MEANING, STATUSES
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.register import (
    OPEN_ACTION_STATUSES,
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
    move_lesson,
    update_lesson,
)

ui.staff_page()
database = ui.database()
today = now_local().date()
st.title("Lessons learnt")

if flash := st.session_state.pop("lessons_flash", None):
    st.success(flash, icon=":material/check:")

sessions = ui.all_sessions()
session_names = {s.id: ui.session_label(s) for s in sessions}
theme_names = ui.theme_names()
with database.reading() as cur:
    register = store.all_lessons(cur)

overdue = [lesson for lesson in register if is_overdue(lesson, today)]
counts = st.columns(4)
counts[0].metric("Lessons", len(register))
counts[1].metric("Open actions", sum(1 for x in register if x.status in OPEN_ACTION_STATUSES))
counts[2].metric("Validated", sum(1 for x in register if x.status == "validated"))
counts[3].metric("Overdue actions", len(overdue))
if overdue:
    st.error(
        f"{len(overdue)} action{'s are' if len(overdue) != 1 else ' is'} past its due date: "
        + "; ".join(
            f"#{x.id} {x.title} (owner {x.owner or '—'}, due {x.due_date:%d %b})" for x in overdue
        ),
        icon=":material/alarm:",
    )

with st.expander("Log a new lesson", icon=":material/add:"):
    new = ui.lesson_form("lessons_new", LessonDraft(title=""), "Log lesson", session_names)
    if new is not None and ui.ask_for_name_if_missing():
        try:
            new_id = create_lesson(database, new, ui.current_user())
        except ValidationError as invalid:
            ui.show_validation_errors(invalid, ui.LESSON_FIELD_LABELS)
        else:
            st.session_state["lessons_selected"] = new_id
            st.session_state["lessons_flash"] = f"Logged lesson #{new_id}."
            st.rerun()

with st.container(border=True):
    left, middle, right = st.columns(3)
    statuses = left.multiselect(
        "Status", list(STATUSES), format_func=STATUSES.__getitem__, key="lessons_status"
    )
    theme = middle.selectbox(
        "Theme",
        [None, *theme_names],
        format_func=lambda t: "Any theme" if t is None else theme_names[t],
        key="lessons_theme",
    )
    polarity = right.selectbox(
        "Polarity",
        [None, *POLARITIES],
        format_func=lambda p: "Sustain or improve" if p is None else POLARITIES[p],
        key="lessons_polarity",
    )
    left, middle, right = st.columns(3)
    scope = left.selectbox(
        "Scope",
        [None, *SCOPES],
        format_func=lambda s: "Any scope" if s is None else SCOPES[s],
        key="lessons_scope",
    )
    owners = sorted({x.owner for x in register if x.owner})
    owner = middle.selectbox(
        "Owner",
        [None, *owners],
        format_func=lambda o: "Anyone" if o is None else o,
        key="lessons_owner",
    )
    sort = right.selectbox(
        "Sort by", list(SORTS), format_func=SORTS.__getitem__, key="lessons_sort"
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    text = left.text_input("Search", max_chars=100, key="lessons_search")
    overdue_only = right.toggle("Overdue only", key="lessons_overdue")

shown = filter_lessons(
    register,
    LessonFilter(statuses, theme, polarity, scope, owner, overdue_only, text, sort),
    today,
)
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
    }
    for x in shown
]
st.caption(f"{len(shown)} of {len(register)} lessons")
st.dataframe(
    table,
    hide_index=True,
    use_container_width=True,
    column_config={"Due": st.column_config.DateColumn(format="DD MMM YYYY")},
)

left, middle, right = st.columns(3)
# Files are built when a button is clicked, not on every rerun of the page.
left.download_button(
    "Register (CSV)",
    lambda: reports.register_csv(shown, theme_names),
    "lessons-register.csv",
    "text/csv",
    icon=":material/download:",
    use_container_width=True,
)
middle.download_button(
    "Register (Excel)",
    lambda: reports.register_xlsx(shown, theme_names),
    "lessons-register.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    use_container_width=True,
)


def programme_report() -> str:
    with database.reading() as cur:
        return reports.lessons_report(cur, None, theme_names, today)


right.download_button(
    "Programme report (Markdown)",
    programme_report,
    "lessons-report.md",
    "text/markdown",
    icon=":material/article:",
    use_container_width=True,
)

if not shown:
    st.info("No lessons match these filters.")
    st.stop()

ids = [x.id for x in shown]
asked = ui.query_param("lesson")
preferred = int(asked) if asked and asked.isdigit() else st.session_state.get("lessons_selected")
selected = st.selectbox(
    "Open a lesson",
    ids,
    index=ids.index(preferred) if preferred in ids else 0,
    format_func=lambda i: f"#{i} {next(x.title for x in shown if x.id == i)}",
    key="lessons_choice",
)
st.session_state["lessons_selected"] = selected
lesson = next(x for x in shown if x.id == selected)

st.subheader(f"#{lesson.id} {lesson.title}")
st.markdown(
    f"**{STATUSES[lesson.status]}** — {STATUS_MEANING[lesson.status]}"
    + (" **This action is overdue.**" if is_overdue(lesson, today) else "")
)
move_tab, details_tab, evidence_tab, history_tab = st.tabs(
    ["Move on", "Details", "Evidence", "History"]
)

with move_tab:
    moves = allowed_moves(lesson.status)
    if not moves:
        st.info("This lesson is at the end of its lifecycle.")
    else:
        with st.form(f"lessons_move_{lesson.id}"):
            to_status = st.radio(
                "Move to",
                moves,
                format_func=lambda s: f"{STATUSES[s]} — {STATUS_MEANING[s]}",
                key=f"lessons_move_to_{lesson.id}",
            )
            later_sessions = [s for s in sessions if s.id != lesson.source_session_id]
            applied = st.selectbox(
                "Applied in session (for embedded)",
                [None, *[s.id for s in later_sessions]],
                format_func=lambda sid: "—" if sid is None else session_names[sid],
                key=f"lessons_move_session_{lesson.id}",
            )
            evidence_text = st.text_area(
                "What showed it worked (for validated)", key=f"lessons_move_evidence_{lesson.id}"
            )
            reason = st.text_area(
                "Why (required to reject)", key=f"lessons_move_reason_{lesson.id}"
            )
            if (
                st.form_submit_button("Move lesson", type="primary")
                and ui.ask_for_name_if_missing()
            ):
                try:
                    move_lesson(
                        database,
                        lesson.id,
                        to_status,
                        ui.current_user(),
                        reason=reason,
                        applied_session_id=applied,
                        effectiveness_evidence=evidence_text,
                    )
                except ValidationError as invalid:
                    ui.show_validation_errors(invalid, ui.LESSON_FIELD_LABELS)
                else:
                    st.session_state["lessons_flash"] = (
                        f"Moved #{lesson.id} to {STATUSES[to_status].lower()}."
                    )
                    st.rerun()
    if lesson.applied_session_title:
        st.caption(f"Applied in: {lesson.applied_session_title}")
    if lesson.effectiveness_evidence:
        st.caption(f"Effectiveness evidence: {lesson.effectiveness_evidence}")
    if lesson.rejection_reason:
        st.caption(f"Rejected because: {lesson.rejection_reason}")

with details_tab:
    edited = ui.lesson_form(
        f"lessons_edit_{lesson.id}", draft_from_lesson(lesson), "Save changes", session_names
    )
    if edited is not None and ui.ask_for_name_if_missing():
        try:
            update_lesson(database, lesson.id, edited, ui.current_user())
        except ValidationError as invalid:
            ui.show_validation_errors(invalid, ui.LESSON_FIELD_LABELS)
        else:
            st.session_state["lessons_flash"] = f"Saved #{lesson.id}."
            st.rerun()
    st.caption(f"Logged {lesson.logged_at:%d %b %Y} by {lesson.logged_by}")

with evidence_tab:
    with database.reading() as cur:
        evidence = store.evidence_for_lesson(cur, lesson.id)
    if not evidence:
        st.info(
            "No evidence linked yet. Promote a comment or reflection from the post-mortem,"
            " link one from the Comments page, or add a note below."
        )
    for item in evidence:
        with st.container(border=True):
            if item.text:
                st.markdown(f"> {item.text}")
            if item.note:
                st.markdown(item.note)
            st.caption(f"{item.source} · linked {item.added_at:%d %b %Y} by {item.added_by}")
    with st.form(f"lessons_note_{lesson.id}"):
        note = st.text_area(
            "Add evidence as a note (a figure, a link, an observation)",
            key=f"lessons_note_text_{lesson.id}",
        )
        if st.form_submit_button("Add evidence") and ui.ask_for_name_if_missing():
            try:
                link_evidence(database, lesson.id, EvidenceLink(note=note), ui.current_user())
            except ValidationError as invalid:
                ui.show_validation_errors(invalid, ui.LESSON_FIELD_LABELS)
            else:
                st.rerun()

with history_tab:
    with database.reading() as cur:
        history = store.audit_for(cur, "lesson", lesson.id)
    st.dataframe(
        [
            {"When": h.changed_at, "Who": h.actor, "What": h.action, "Detail": h.detail}
            for h in history
        ],
        hide_index=True,
        use_container_width=True,
        column_config={"When": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm")},
    )
