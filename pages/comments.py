"""Comments: every free-text answer with its sentiment and themes; correct them; the
untagged queue; emerging phrases to grow the taxonomy."""

import streamlit as st

from lessons import learning, register, tagging, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.auth import may
from lessons.choices import COMMENT_MOMENTS, COMMENT_QUESTIONS, MOMENT_QUESTIONS
from lessons.errors import ValidationError
from lessons.privacy import ERASE_REASONS, erase_comment
from lessons.register import EvidenceLink, link_evidence
from lessons.tagging import LABELS, add_term_to_theme, correct_comment
from lessons.wording import plural

PAGE_SIZE = 10
MAX_LISTED = 2000

plain = ui_widgets.plain
me = ui_auth.require_role("facilitator")
# Removing a comment or a whole response cannot be undone and takes evidence from lessons:
# a programme lead's call (or an administrator's), as in lessons.privacy.erase_comment.
may_remove = may(me.role, "lead")
database = ui_data.database()
st.title("Comments")

for flash_key in ("reanalysis_flash", "comments_flash"):
    ui_widgets.show_flash(flash_key)

learnt = learning.status(database)
if learnt.version is not None or learnt.running:
    st.caption(
        (
            "The analysis has learnt from"
            f" {plural(learnt.examples, 'correction', 'corrections and confirmations')}"
            f" (version {learnt.version}, {learnt.trained_at:%d %b %Y %H:%M})."
            if learnt.version is not None and learnt.trained_at is not None
            else "The analysis is learning from your corrections."
        )
        + (" Learning from the newest ones in the background…" if learnt.running else "")
    )

sessions = ui_data.all_sessions()
session_names = {s.id: ui_widgets.session_label(s) for s in sessions}
lessons_by_comment: dict[int, list[tuple[int, str, str]]] = {}
open_lessons = register.lessons_taking_evidence(database)
theme_names = ui_data.theme_names()
active_themes = ui_data.theme_names(include_retired=False)

with st.container(border=True):
    left, middle, right = st.columns(3)
    session_id = ui_forms.any_or_one(
        left, "Session", list(session_names), "All sessions", "comments_session",
        session_names.__getitem__,
    )  # fmt: skip
    theme_id = ui_forms.any_or_one(
        middle, "Theme", list(theme_names), "All themes", "comments_theme",
        theme_names.__getitem__,
    )  # fmt: skip
    label = ui_forms.any_or_one(
        right, "Sentiment", list(LABELS), "Any sentiment", "comments_label", str.capitalize
    )
    left, middle, right = st.columns([1, 1, 2])
    # The day's comments unless asked: the follow-up's, weeks on, are another moment.
    said = ui_forms.any_or_one(
        left, "Said", list(COMMENT_MOMENTS), "Either", "comments_said",
        COMMENT_MOMENTS.__getitem__, chosen="day",
    )  # fmt: skip
    asked = MOMENT_QUESTIONS[said] if said else tuple(COMMENT_QUESTIONS)
    question = ui_forms.any_or_one(
        middle, "Question", list(asked), "All questions", "comments_question",
        COMMENT_QUESTIONS.__getitem__,
    )  # fmt: skip
    text = right.text_input("Text contains", max_chars=100, key="comments_text")

# Keyed, so an action in a tab (a correction, a phrase added) leaves the person on it.
all_tab, asks_tab, untagged_tab, phrases_tab = st.tabs(
    ["Comments", "What people asked for", "Untagged queue", "Emerging phrases"],
    key="comments_tab",
    on_change="rerun",
)


def comment_card(comment, key: str) -> None:
    with st.container(border=True):
        st.text(comment.text)
        meta, badge = st.columns([3, 1])
        meta.caption(
            plain(
                f"{comment.session_starts_at:%d %b %Y} · {comment.session_title} · "
                f"{COMMENT_QUESTIONS.get(comment.question, comment.question)}"
            )
        )
        with badge:
            ui_widgets.show_label(
                comment.label, comment.mixed, comment.label_corrected, comment.language
            )
        reasons = []
        if comment.drivers:
            reasons.append("**Why:** " + "; ".join(plain(d) for d in comment.drivers))
        if comment.themes:
            parts = []
            for tid in comment.themes:
                name = theme_names.get(tid, tid)
                words = ", ".join(comment.evidence.get(tid, ())) or "added by a person"
                tone = comment.theme_labels.get(tid)
                parts.append(plain(f"{name} ({words}{'; ' + tone if tone else ''})"))
            reasons.append("**Themes:** " + " · ".join(parts))
        else:
            reasons.append("**Themes:** none yet")
        if comment.request:
            asked = plain(" … ".join(comment.asks)) if comment.asks else "yes"
            corrected = " (corrected)" if comment.request_corrected else ""
            reasons.append(f"**Asks for:** {asked}{corrected}")
        supports = lessons_by_comment.get(comment.id, [])
        if supports:
            reasons.append(
                "**Evidence for:** "
                + "; ".join(plain(f"lesson #{i} {title}") for i, title, _ in supports)
            )
        if comment.corrected_by:
            reasons.append(f"**Corrected by:** {plain(comment.corrected_by)}")
        st.markdown("  \n".join(reasons))
        correct_popover = ui_widgets.drawn_when_open(
            "Correct", ":material/edit:", ui_widgets.popover_key(f"{key}_fix_pop_{comment.id}")
        )
        if correct_popover.open:
            with correct_popover, st.form(f"{key}_fix_{comment.id}", border=False):
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
                new_request = st.checkbox(
                    "Asks for a change or an addition",
                    value=comment.request,
                    key=f"{key}_fix_request_{comment.id}",
                )
                st.caption("Saving unchanged confirms them: the analysis learns from both.")
                if st.form_submit_button("Save correction", type="primary"):
                    try:
                        correct_comment(
                            database, comment.id, new_label, new_themes, me, request=new_request
                        )
                    except ValidationError as invalid:
                        ui_forms.show_validation_errors(invalid, {})
                    else:
                        learning.learn_in_background(database)
                        ui_data.clear_read_cache()
                        ui_widgets.close_popover(f"{key}_fix_pop_{comment.id}")
                        st.session_state["comments_flash"] = "Correction saved."
                        st.rerun()
        if may_remove:
            remove_popover = ui_widgets.drawn_when_open(
                "Remove",
                ":material/delete:",
                ui_widgets.popover_key(f"{key}_remove_pop_{comment.id}"),
            )
            if remove_popover.open:
                with remove_popover, st.form(f"{key}_remove_{comment.id}", border=False):
                    st.caption(
                        "For a comment that names someone, say. It goes for good, with its"
                        " analysis; a lesson that quoted it keeps a note in its history. The"
                        " record keeps why, never the words."
                    )
                    reason = st.radio(
                        "Why",
                        list(ERASE_REASONS),
                        format_func=lambda r: ERASE_REASONS[r].capitalize(),
                        key=f"{key}_remove_reason_{comment.id}",
                    )
                    whole = st.checkbox(
                        "Remove this attendee's whole response (every answer), not only this"
                        " comment",
                        key=f"{key}_remove_whole_{comment.id}",
                    )
                    if st.form_submit_button("Remove for good", type="primary"):
                        try:
                            erase_comment(database, comment.id, me, reason, whole_response=whole)
                        except ValidationError as invalid:
                            ui_forms.show_validation_errors(invalid, {"reason": "Why"})
                        else:
                            learning.learn_in_background(database)  # unlearn what went
                            ui_data.clear_read_cache()
                            st.session_state["comments_flash"] = (
                                "Removed the response." if whole else "Removed the comment."
                            )
                            st.rerun()
        if open_lessons:
            link_popover = ui_widgets.drawn_when_open(
                "Link to a lesson",
                ":material/link:",
                ui_widgets.popover_key(f"{key}_link_pop_{comment.id}"),
            )
            if link_popover.open:
                with link_popover, st.form(f"{key}_link_{comment.id}", border=False):
                    chosen = st.selectbox(
                        "Lesson",
                        list(open_lessons),
                        format_func=lambda i: f"#{i} {open_lessons[i]}",
                        key=f"{key}_link_lesson_{comment.id}",
                    )
                    if st.form_submit_button("Link as evidence"):
                        try:
                            link_evidence(
                                database,
                                chosen,
                                EvidenceLink(comment_id=comment.id),
                                me,
                            )
                        except ValidationError as invalid:
                            ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
                        else:
                            ui_widgets.close_popover(f"{key}_link_pop_{comment.id}")
                            st.session_state["comments_flash"] = (
                                f"Linked as evidence for #{chosen}."
                            )
                            st.rerun()


def comment_list(untagged_only: bool, key: str, requests_only: bool = False) -> None:
    comments = tagging.find_comments(
        database,
        session_id=session_id,
        theme_id=theme_id,
        label=label,
        question=question,
        text=text,
        untagged_only=untagged_only,
        said=said,
        limit=MAX_LISTED,
        requests_only=requests_only,
    )
    if not comments:
        st.info(
            "Every comment has a theme."
            if untagged_only
            else "No comment matching these filters asks for anything."
            if requests_only
            else "No comments match these filters."
        )
        return
    pages = (len(comments) - 1) // PAGE_SIZE + 1
    summary, pager = st.columns([3, 1])
    summary.caption(
        f"{plural(len(comments), 'comment')}"
        + (f" (the newest {MAX_LISTED:,})" if len(comments) == MAX_LISTED else "")
        + (" said on the day; the follow-up's, weeks on, are under Said" if said == "day" else "")
        + ("" if may_remove else ". One that names someone? Ask a programme lead to remove it.")
    )
    page_number = pager.number_input("Page", 1, pages, 1, key=f"{key}_page") if pages > 1 else 1
    start = (int(page_number) - 1) * PAGE_SIZE
    shown = comments[start : start + PAGE_SIZE]
    lessons_by_comment.update(tagging.lessons_supported_by(database, [c.id for c in shown]))
    for comment in shown:
        comment_card(comment, key)


with all_tab:
    if all_tab.open:
        comment_list(False, "comments_all")

with asks_tab:
    if asks_tab.open:
        st.caption(
            'Comments that ask for a change or an addition ("more exercises please"), whatever'
            " their sentiment: a plain request is neutral, not a complaint."
        )
        comment_list(False, "comments_asks", requests_only=True)

with untagged_tab:
    if untagged_tab.open:
        st.caption(
            "Comments no theme matched: tag them by hand, or grow the taxonomy from the phrases"
            " they share."
        )
        comment_list(True, "comments_untagged")

with phrases_tab:
    if phrases_tab.open:
        st.caption(
            "Phrases that recur among untagged comments. Adding one to a theme tags every comment"
            " that uses it, and re-analyses only those comments."
        )
        phrases = tagging.untagged_phrases(database)
        if not phrases:
            st.info("No phrase recurs among the untagged comments yet.")
        for number, phrase in enumerate(phrases):
            with st.container(border=True):
                st.markdown(f"**{plain(phrase.phrase)}** — in {plural(phrase.count, 'comment')}")
                st.caption(plain(f"e.g. “{phrase.example[:160]}”"))
                target = st.selectbox(
                    "Add as a term to theme",
                    list(active_themes),
                    index=None,
                    placeholder="Choose a theme…",
                    format_func=active_themes.__getitem__,
                    key=f"comments_phrase_theme_{number}",
                )
                if target is None:
                    continue
                preview = tagging.preview_term(database, target, phrase.phrase)
                st.caption(
                    f"Adding it would tag {preview.total_gained:,} of the newest"
                    f" {preview.searched:,} stored comments with"
                    f" '{plain(active_themes[target])}'"
                    + (", for example:" if preview.gained else ".")
                )
                for gained in preview.gained:
                    st.text(gained[:200])
                if st.button(
                    "Add to the theme",
                    key=f"comments_phrase_add_{number}",
                    help="Undo it from the theme's history under Settings → Themes.",
                ):
                    try:
                        add_term_to_theme(database, target, phrase.phrase, me)
                    except ValidationError as invalid:
                        ui_forms.show_validation_errors(invalid, {})
                    else:
                        ui_widgets.run_reanalysis(database)
                        st.rerun()
