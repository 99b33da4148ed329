"""Comments: every free-text answer with its sentiment and themes; correct them; the
untagged queue; emerging phrases to grow the taxonomy."""

import streamlit as st

from lessons import store, ui
from lessons.choices import QUESTIONS
from lessons.errors import ValidationError
from lessons.register import EvidenceLink, link_evidence
from lessons.tagging import LABELS, add_term_to_theme, correct_comment, emerging_phrases

PAGE_SIZE = 25

ui.staff_page()
database = ui.database()
st.title("Comments")

if flash := st.session_state.pop("reanalysis_flash", None):
    st.success(flash, icon=":material/check:")

sessions = ui.all_sessions()
lessons_by_comment: dict[int, list[tuple[int, str, str]]] = {}
with database.reading() as cur:
    open_lessons = {
        lesson.id: lesson.title
        for lesson in store.all_lessons(cur)
        if lesson.status not in ("archived", "rejected")
    }
theme_names = ui.theme_names()
active_themes = ui.theme_names(include_retired=False)

with st.container(border=True):
    left, middle, right = st.columns(3)
    session_id = left.selectbox(
        "Session",
        [None, *[s.id for s in sessions]],
        format_func=lambda sid: (
            "All sessions"
            if sid is None
            else ui.session_label(next(s for s in sessions if s.id == sid))
        ),
        key="comments_session",
    )
    theme_id = middle.selectbox(
        "Theme",
        [None, *theme_names],
        format_func=lambda tid: "All themes" if tid is None else theme_names[tid],
        key="comments_theme",
    )
    label = right.selectbox(
        "Sentiment",
        [None, *LABELS],
        format_func=lambda value: "Any sentiment" if value is None else value.capitalize(),
        key="comments_label",
    )
    left, right = st.columns([1, 2])
    question = left.selectbox(
        "Question",
        [None, *QUESTIONS],
        format_func=lambda q: "All questions" if q is None else QUESTIONS[q],
        key="comments_question",
    )
    text = right.text_input("Text contains", max_chars=100, key="comments_text")

all_tab, untagged_tab, phrases_tab = st.tabs(["Comments", "Untagged queue", "Emerging phrases"])


def comment_card(comment: store.AnalysedComment, key: str) -> None:
    with st.container(border=True):
        st.markdown(comment.text)
        meta, badge = st.columns([3, 1])
        meta.caption(
            f"{comment.session_starts_at:%d %b %Y} · {comment.session_title} · "
            f"{QUESTIONS.get(comment.question, comment.question)}"
        )
        with badge:
            ui.show_label(comment.label, comment.mixed, comment.label_corrected)
        reasons = []
        if comment.drivers:
            reasons.append("**Why:** " + "; ".join(comment.drivers))
        if comment.themes:
            parts = []
            for tid in comment.themes:
                name = theme_names.get(tid, tid)
                words = ", ".join(comment.evidence.get(tid, ())) or "added by a person"
                tone = comment.theme_labels.get(tid)
                parts.append(f"{name} ({words}{'; ' + tone if tone else ''})")
            reasons.append("**Themes:** " + " · ".join(parts))
        else:
            reasons.append("**Themes:** none yet")
        supports = lessons_by_comment.get(comment.id, [])
        if supports:
            reasons.append(
                "**Evidence for:** " + "; ".join(f"lesson #{i} {title}" for i, title, _ in supports)
            )
        st.markdown("  \n".join(reasons))
        with (
            st.popover("Correct", icon=":material/edit:"),
            st.form(f"{key}_fix_{comment.id}", border=False),
        ):
            new_label = st.selectbox(
                "Sentiment",
                list(LABELS),
                index=LABELS.index(comment.label) if comment.label in LABELS else 1,
                key=f"{key}_fix_label_{comment.id}",
            )
            new_themes = st.multiselect(
                "Themes",
                list(active_themes),
                default=[t for t in comment.themes if t in active_themes],
                format_func=lambda tid: active_themes[tid],
                key=f"{key}_fix_themes_{comment.id}",
            )
            if st.form_submit_button("Save correction", type="primary"):
                try:
                    correct_comment(database, comment.id, new_label, new_themes)
                except ValidationError as invalid:
                    ui.show_validation_errors(invalid, {})
                else:
                    ui.clear_read_cache()
                    st.rerun()
        if open_lessons:
            with (
                st.popover("Link to a lesson", icon=":material/link:"),
                st.form(f"{key}_link_{comment.id}", border=False),
            ):
                chosen = st.selectbox(
                    "Lesson",
                    list(open_lessons),
                    format_func=lambda i: f"#{i} {open_lessons[i]}",
                    key=f"{key}_link_lesson_{comment.id}",
                )
                if st.form_submit_button("Link as evidence") and ui.ask_for_name_if_missing():
                    try:
                        link_evidence(
                            database, chosen, EvidenceLink(comment_id=comment.id), ui.current_user()
                        )
                    except ValidationError as invalid:
                        ui.show_validation_errors(invalid, ui.LESSON_FIELD_LABELS)
                    else:
                        st.rerun()


def comment_list(untagged_only: bool, key: str) -> None:
    where = store.CommentFilter(
        session_id=session_id,
        theme_id=None if untagged_only else theme_id,
        label=label,
        question=question,
        text=text,
        untagged_only=untagged_only,
        limit=2000,
    )
    with database.reading() as cur:
        comments = store.analysed_comments(cur, where)
    if not comments:
        st.info(
            "No comments match these filters."
            if not untagged_only
            else "Every comment has a theme."
        )
        return
    pages = (len(comments) - 1) // PAGE_SIZE + 1
    summary, pager = st.columns([3, 1])
    summary.caption(
        f"{len(comments):,} comments" + (" (the newest 2,000)" if len(comments) == 2000 else "")
    )
    page_number = pager.number_input("Page", 1, pages, 1, key=f"{key}_page") if pages > 1 else 1
    start = (int(page_number) - 1) * PAGE_SIZE
    shown = comments[start : start + PAGE_SIZE]
    with database.reading() as cur:
        lessons_by_comment.update(store.lessons_for_comments(cur, [c.id for c in shown]))
    for comment in shown:
        comment_card(comment, key)


with all_tab:
    comment_list(False, "comments_all")

with untagged_tab:
    st.caption(
        "Comments no theme matched: tag them by hand, or grow the taxonomy from the phrases"
        " they share."
    )
    comment_list(True, "comments_untagged")

with phrases_tab:
    st.caption(
        "Phrases that recur among untagged comments. Adding one to a theme tags every comment"
        " that uses it, and re-analyses only those comments."
    )
    with database.reading() as cur:
        untagged = store.untagged_comment_texts(cur)
    phrases = emerging_phrases(untagged)
    if not phrases:
        st.info("No phrase recurs among the untagged comments yet.")
    for number, phrase in enumerate(phrases):
        with st.container(border=True):
            st.markdown(f"**{phrase.phrase}** — in {phrase.count} comments")
            st.caption(f"e.g. “{phrase.example[:160]}”")
            choose, add = st.columns([3, 1], vertical_alignment="bottom")
            target = choose.selectbox(
                "Add as a term to theme",
                list(active_themes),
                format_func=active_themes.__getitem__,
                key=f"comments_phrase_theme_{number}",
            )
            if add.button("Add", key=f"comments_phrase_add_{number}", use_container_width=True):
                try:
                    add_term_to_theme(database, target, phrase.phrase)
                except ValidationError as invalid:
                    ui.show_validation_errors(invalid, {})
                else:
                    ui.run_reanalysis(database)
                    st.rerun()
