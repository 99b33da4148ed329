"""Post-mortem: one session's feedback, every facilitator's reflection side by side, and
turning what was learnt into lessons."""

import streamlit as st

from lessons import (
    accounts,
    importing,
    loop,
    postmortem,
    reports,
    ui_auth,
    ui_data,
    ui_forms,
    ui_widgets,
)
from lessons.auth import may
from lessons.choices import COMMENT_QUESTIONS, POLARITIES, STATUSES
from lessons.clock import today_local
from lessons.errors import ValidationError
from lessons.reflections import (
    MAX_REFLECTION_ANSWER_CHARS,
    NEEDS_ACCOUNT,
    TEMPLATES,
    own_reflection,
    prompt_label,
    reassign_reflection,
    save_reflection,
)
from lessons.register import MAX_LESSON_TITLE_CHARS, create_lesson, may_make_move
from lessons.sessions import mark_reviewed
from lessons.wording import plural

plain = ui_widgets.plain
me = ui_auth.require_role("facilitator")
database = ui_data.database()
st.title("Post-mortem")

ui_widgets.show_flash("postmortem_flash")

sessions = postmortem.sessions_for_post_mortem(ui_data.all_sessions())
if not sessions:
    st.info("No session has been delivered yet. Mark a session delivered on the Sessions page.")
    st.stop()

by_id = {s.id: s for s in sessions}
session = by_id[
    ui_forms.choose_by_id(
        "Session",
        {
            s.id: ui_widgets.session_label(s)
            + (" — awaiting post-mortem" if postmortem.awaiting_post_mortem(s) else "")
            for s in sessions
        },
        key="postmortem_session_id",
        asked="session",
    )
]
theme_names = ui_data.theme_names()
view = ui_data.post_mortem(session.id, theme_names)
figures = view.figures

people = ", ".join(session.facilitators + session.councillor_facilitators) or "—"
st.caption(
    plain(f"{session.starts_at:%A %-d %B %Y, %H:%M} · {session.council} · facilitated by {people}")
)


def forget_promotion() -> None:
    st.session_state.pop("postmortem_promote", None)


@st.dialog("Promote to lesson", width="medium", on_dismiss=forget_promotion)
def promote_dialog(promotion: postmortem.Promotion) -> None:
    """Quick capture, in view wherever the item sits on the page: a title and a sentence,
    the polarity its sentiment suggests and the themes it carries; the rest later."""
    st.markdown(f"**From this {promotion.kind}:**\n\n> {plain(promotion.text)}")
    draft = promotion.draft(session.id)
    active = ui_data.theme_names(include_retired=False)
    with st.form("postmortem_lesson", border=False):
        title = st.text_input(
            "Title", max_chars=MAX_LESSON_TITLE_CHARS, key="postmortem_lesson_title"
        )
        sentence = st.text_area(
            "The lesson, in a sentence",
            value=draft.lesson,
            height=90,
            placeholder="e.g. Test the wifi and logins before people arrive.",
            key="postmortem_lesson_sentence",
        )
        polarity = st.radio(
            "Polarity",
            list(POLARITIES),
            index=list(POLARITIES).index(draft.polarity),
            format_func=POLARITIES.__getitem__,
            horizontal=True,
            key="postmortem_lesson_polarity",
        )
        themes = st.multiselect(
            "Themes",
            list(active),
            default=[t for t in draft.themes if t in active],
            format_func=active.__getitem__,
            key="postmortem_lesson_themes",
        )
        st.caption(
            "The rest (cause, effect, action, owner, due date) can wait: the Lessons page"
            " shows what each lesson still needs for its next stage."
        )
        logged = st.form_submit_button("Log lesson", type="primary")
    if logged:
        try:
            lesson_id = create_lesson(
                database,
                promotion.quick_draft(session.id, title, sentence, polarity, themes),
                me,
                promotion.evidence(),
            )
        except ValidationError as invalid:
            ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
        else:
            forget_promotion()
            st.session_state["postmortem_flash"] = (
                f"Logged lesson #{lesson_id}, with the {promotion.kind} linked as evidence."
            )
            st.rerun()


def promote_button(promotion: postmortem.Promotion, key: str) -> None:
    if st.button("Promote to lesson", key=key, icon=":material/lightbulb:"):
        # Opened at the end of the run, and on every run until it is logged or dismissed.
        st.session_state["postmortem_promote"] = promotion


def reassign_control(reflection) -> None:
    """A lead hands a reflection to its rightful author (e.g. one written before accounts,
    under a typed name)."""
    people = {a.id: a for a in accounts.list_accounts(database) if a.active}
    popover = f"postmortem_reassign_pop_{reflection.id}"
    with st.popover(
        "Hand to someone else",
        icon=":material/swap_horiz:",
        key=ui_widgets.popover_key(popover),
    ):
        chosen = st.selectbox(
            "Author",
            list(people),
            format_func=lambda i: people[i].display_name,
            key=f"postmortem_reassign_to_{reflection.id}",
        )
        if st.button("Hand over", key=f"postmortem_reassign_{reflection.id}"):
            try:
                reassign_reflection(database, reflection.id, people[chosen], me)
            except ValidationError as invalid:
                ui_forms.show_validation_errors(invalid, {"author": "Author"})
            else:
                ui_widgets.close_popover(popover)
                st.session_state["postmortem_flash"] = (
                    f"The reflection now belongs to {plain(people[chosen].display_name)}."
                )
                st.rerun()


# Keyed, so an action in a tab (a draft saved, a lesson logged) leaves the person on it.
feedback_tab, followup_tab, applied_tab, reflections_tab, mine_tab, comments_tab = st.tabs(
    ["Feedback", "Weeks on", "Lessons applied", "Reflections", "Your reflection", "Comments"],
    key="postmortem_tab",
    on_change="rerun",
)


def show_panel(panel: postmortem.Panel) -> None:
    if panel.figure is not None:
        st.plotly_chart(panel.figure, width="stretch", key=panel.key)
        with st.expander("The numbers"):
            st.dataframe(panel.frame, hide_index=True, width="stretch")
    if panel.note:
        st.caption(panel.note)


with feedback_tab:
    if feedback_tab.open:
        top = st.columns(4)
        expected = f" of {figures.expected}" if figures.expected else ""
        top[0].metric("Responses", f"{figures.responses}{expected}")
        if arrived := importing.sources_line(database, session.id):
            top[0].caption(arrived)
        if figures.response_rate is not None:
            top[1].metric("Response rate", f"{figures.response_rate:.0%}")
        if figures.hidden:
            st.info(figures.hidden_message)
        else:
            if figures.mean_rating is not None:
                top[2].metric("Mean rating", f"{figures.mean_rating:.1f} / 5")
            if figures.uplift is not None:
                top[3].metric(
                    "Confidence uplift", f"{figures.uplift:+.1f}", help=figures.uplift_help
                )
            for start in range(0, len(figures.panels), 2):
                for column, panel in zip(
                    st.columns(2), figures.panels[start : start + 2], strict=False
                ):
                    with column:
                        show_panel(panel)
            if figures.themes is not None:
                show_panel(figures.themes)
            if figures.top_themes:
                st.header("Top themes, in councillors' words")
            for theme in figures.top_themes:
                with st.container(border=True):
                    st.markdown(
                        f"**{plain(theme_names.get(theme.theme_id, theme.theme_id))}**"
                        f" — {plural(theme.comments, 'comment')}"
                        f" ({theme.positive} positive, {theme.negative} negative)"
                    )
                    if theme.positive_quote:
                        st.markdown(f":green[**+**] “{plain(theme.positive_quote)}”")
                    if theme.negative_quote:
                        st.markdown(f":red[**−**] “{plain(theme.negative_quote)}”")
            st.header("What people asked for")
            if view.asks:
                st.caption(
                    f"{plural(len(view.asks), 'comment')}"
                    f" {'asks' if len(view.asks) == 1 else 'ask'} for a change or an addition."
                )
                ui_widgets.show_asks(view.asks, theme_names)
            else:
                st.caption("No comment asks for a change or an addition.")

        st.download_button(
            "Lessons report for this session (Markdown)",
            lambda: reports.write_lessons_report(database, session.id, theme_names, today_local()),
            f"lessons-{session.short_code}.md",
            "text/markdown",
            icon=":material/article:",
        )
        if view.followup is not None and view.followup.responses:
            st.info(
                f"Weeks on: {view.followup.headline()} See 'Weeks on'.", icon=":material/update:"
            )
        if postmortem.awaiting_post_mortem(session):
            st.divider()
            if st.button("Mark the post-mortem done (status: reviewed)", key="postmortem_reviewed"):
                try:
                    mark_reviewed(database, session.id, me)
                except ValidationError as invalid:
                    ui_forms.show_validation_errors(invalid, ui_forms.SESSION_FIELD_LABELS)
                else:
                    ui_data.clear_read_cache()
                    st.session_state["postmortem_flash"] = "Marked reviewed."
                    st.rerun()

with followup_tab:
    weeks_on = view.followup
    if followup_tab.open and weeks_on is not None:
        st.header(f"Weeks on: the follow-up ({plural(session.followup_weeks, 'week')} after)")
        st.caption(
            "What councillors went on to do since the session, from the follow-up form"
            " (its link and code are on the Sessions page)."
        )
        fu = st.columns(4)
        fu[0].metric("Follow-up answers", weeks_on.responses)
        if weeks_on.hidden or not weeks_on.responses:
            st.info(weeks_on.headline())
        else:
            fu[1].metric("Went on to use it", f"{weeks_on.did_share:.0%}")
            if weeks_on.confidence_then is not None:
                fu[2].metric(
                    "Confidence then",
                    f"{weeks_on.confidence_then:.1f}",
                    help="At the end of the session, from the day's feedback.",
                )
            if weeks_on.confidence_now is not None:
                shift = weeks_on.confidence_change
                fu[3].metric(
                    "Confidence now",
                    f"{weeks_on.confidence_now:.1f}",
                    None if shift is None else f"{shift:+.1f}",
                )
            st.caption(weeks_on.headline())
            for start in range(0, len(view.followup_panels), 2):
                for column, panel in zip(
                    st.columns(2), view.followup_panels[start : start + 2], strict=False
                ):
                    with column:
                        show_panel(panel)
            for theme in weeks_on.themes[:3]:
                st.markdown(
                    f"**{plain(theme_names.get(theme.theme_id, theme.theme_id))}** in what got"
                    f" in the way or the help asked for — {plural(theme.comments, 'comment')}"
                )
                if theme.negative_quote:
                    st.markdown(f":red[**−**] “{plain(theme.negative_quote)}”")
            if weeks_on.barriers:
                barrier_codes = {t.code: t.label for t in weeks_on.barriers}
                chosen_barrier = st.selectbox(
                    "A barrier to learn from",
                    list(barrier_codes),
                    format_func=barrier_codes.__getitem__,
                    key="postmortem_followup_barrier",
                )
                if st.button(
                    "Promote this barrier to a lesson",
                    key="postmortem_promote_barrier",
                    icon=":material/lightbulb:",
                ):
                    st.session_state["postmortem_promote"] = postmortem.barrier_promotion(
                        session, weeks_on, chosen_barrier
                    )
                    st.rerun()

with applied_tab:
    if applied_tab.open:
        if not view.applied:
            st.info(
                "No lesson was applied in this session. Lessons chosen in a session's plan are"
                " applied when the session is marked delivered."
            )
        for lesson, comparison in view.applied:
            with st.container(border=True):
                st.markdown(
                    f"**#{lesson.id} {plain(lesson.title)}** — {STATUSES[lesson.status].lower()}"
                )
                if comparison is None:
                    continue
                ui_widgets.show_comparison(comparison, theme_names)
                may_validate = may_make_move(me, "validated")
                validate = lesson.status == "embedded" and st.button(
                    "Mark validated, saving this comparison as evidence",
                    key=f"postmortem_validate_{lesson.id}",
                    disabled=comparison.verdict != loop.IMPROVED or not may_validate,
                    help="Only an improvement validates a lesson."
                    if comparison.verdict != loop.IMPROVED
                    else None
                    if may_validate
                    else "A programme lead validates lessons.",
                )
                if validate:
                    try:
                        loop.validate_with_comparison(database, lesson.id, comparison, me)
                    except ValidationError as invalid:
                        ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
                    else:
                        st.session_state["postmortem_flash"] = f"Lesson #{lesson.id} validated."
                        st.rerun()
                evidence = next(
                    (e for e in view.followup_evidence if e.lesson_id == lesson.id), None
                )
                if evidence is not None:
                    st.markdown("**Follow-up evidence** (what people went on to do)")
                    st.text(evidence.summary())
                    if lesson.status == "embedded" and st.button(
                        "Mark validated by this follow-up evidence",
                        key=f"postmortem_validate_followup_{lesson.id}",
                        disabled=not may_validate,
                        help=None if may_validate else "A programme lead validates lessons.",
                    ):
                        try:
                            loop.validate_with_followup(database, lesson.id, evidence, me)
                        except ValidationError as invalid:
                            ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
                        else:
                            st.session_state["postmortem_flash"] = (
                                f"Lesson #{lesson.id} validated by follow-up evidence."
                            )
                            st.rerun()
                if lesson.effectiveness_evidence:
                    st.caption(plain(f"Evidence saved: {lesson.effectiveness_evidence}"))

with reflections_tab:
    if reflections_tab.open:
        if not view.reflections:
            st.info("No reflections yet. Each facilitator writes theirs under 'Your reflection'.")
        for start in range(0, len(view.reflections), 3):
            columns = st.columns(3)
            for column, reflection in zip(
                columns, view.reflections[start : start + 3], strict=False
            ):
                with column, st.container(border=True):
                    st.markdown(f"**{plain(reflection.author)}**")
                    if may(me.role, "lead"):
                        reassign_control(reflection)
                    st.caption(
                        f"{TEMPLATES[reflection.template].name} · "
                        f"{'draft' if reflection.status == 'draft' else 'finished'} · "
                        f"{reflection.updated_at:%d %b %Y, %H:%M}"
                    )
                    for answer in reflection.answers:
                        if not answer.text:
                            continue
                        st.markdown(f"**{prompt_label(reflection.template, answer.prompt)}**")
                        st.text(answer.text)
                        ui_widgets.show_label(answer.label, answer.mixed)
                        if answer.themes:
                            st.caption(
                                plain(" · ".join(theme_names.get(t, t) for t in answer.themes))
                            )
                        promote_button(
                            postmortem.Promotion(
                                "reflection", answer.id, answer.text, answer.label,
                                answer.themes, answer.prompt,
                            ),
                            f"postmortem_promote_r{answer.id}",
                        )  # fmt: skip

with mine_tab:
    if mine_tab.open:
        if me.account_id is None:
            st.warning(NEEDS_ACCOUNT)
        else:
            mine = own_reflection(view.reflections, me)
            templates = list(TEMPLATES)
            template = st.radio(
                "Template",
                templates,
                index=templates.index(mine.template) if mine else 0,
                format_func=lambda t: f"{TEMPLATES[t].name} — {TEMPLATES[t].summary}",
                key="postmortem_template",
            )
            saved = {a.prompt: a.text for a in mine.answers} if mine else {}
            if mine:
                st.caption(
                    f"Your {'draft' if mine.status == 'draft' else 'reflection'},"
                    f" last saved {mine.updated_at:%d %b %Y, %H:%M}."
                )
            with st.form(f"postmortem_reflection_{session.id}_{template}"):
                answers = {
                    prompt.key: st.text_area(
                        prompt.label,
                        value=saved.get(prompt.key, ""),
                        help=prompt.help,
                        max_chars=MAX_REFLECTION_ANSWER_CHARS,
                        key=f"postmortem_answer_{session.id}_{template}_{prompt.key}",
                    )
                    for prompt in TEMPLATES[template].prompts
                }
                left, right = st.columns(2)
                draft_clicked = left.form_submit_button("Save draft")
                final_clicked = right.form_submit_button("Finish reflection", type="primary")
            if draft_clicked or final_clicked:
                try:
                    save_reflection(
                        database, session.id, me, template, answers, final=final_clicked
                    )
                except ValidationError as invalid:
                    ui_forms.show_validation_errors(
                        invalid, {"author": "Author", "answers": "Answers"}
                    )
                else:
                    st.session_state["postmortem_flash"] = (
                        "Reflection finished." if final_clicked else "Draft saved."
                    )
                    st.rerun()

with comments_tab:
    if comments_tab.open:
        if not view.comments:
            st.info("No comments for this session.")
        for comment in view.comments:
            with st.container(border=True):
                st.text(comment.text)
                st.caption(COMMENT_QUESTIONS.get(comment.question, comment.question))
                ui_widgets.show_label(
                    comment.label, comment.mixed, comment.label_corrected, comment.language
                )
                if view.lessons_per_comment.get(comment.id):
                    st.caption(
                        f"Evidence for {plural(view.lessons_per_comment[comment.id], 'lesson')}"
                    )
                promote_button(
                    postmortem.Promotion(
                        "comment", comment.id, comment.text, comment.label, comment.themes
                    ),
                    f"postmortem_promote_c{comment.id}",
                )

if promoting := st.session_state.get("postmortem_promote"):
    promote_dialog(promoting)
