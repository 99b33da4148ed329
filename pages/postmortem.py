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
from lessons.choices import COMMENT_QUESTIONS, MIN_GROUP_SIZE, STATUSES
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
from lessons.register import create_lesson, may_make_move
from lessons.sessions import mark_reviewed

plain = ui_widgets.plain
me = ui_auth.require_role("facilitator")
database = ui_data.database()
st.title("Post-mortem")

if flash := st.session_state.pop("postmortem_flash", None):
    st.success(flash, icon=":material/check:")

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
view = postmortem.post_mortem(database, session.id, theme_names)
figures = view.figures

people = ", ".join(session.facilitators + session.councillor_facilitators) or "—"
st.caption(
    plain(f"{session.starts_at:%A %-d %B %Y, %H:%M} · {session.council} · facilitated by {people}")
)


def promote_button(kind: str, item_id: int, text: str, key: str) -> None:
    if st.button("Promote to lesson", key=key, icon=":material/lightbulb:"):
        st.session_state["postmortem_promote"] = postmortem.Promotion(kind, item_id, text)
        st.rerun()  # the lesson form sits at the top of the page


def reassign_control(reflection) -> None:
    """A lead hands a reflection to its rightful author (e.g. one written before accounts,
    under a typed name)."""
    people = {a.id: a for a in accounts.list_accounts(database) if a.active}
    with st.popover("Hand to someone else", icon=":material/swap_horiz:"):
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
                st.session_state["postmortem_flash"] = (
                    f"The reflection now belongs to {plain(people[chosen].display_name)}."
                )
                st.rerun()


promotion = st.session_state.get("postmortem_promote")
if promotion:
    with st.container(border=True):
        st.markdown(f"**New lesson from this {promotion.kind}:**\n\n> {plain(promotion.text)}")
        promoted = ui_forms.lesson_form(
            "postmortem_lesson",
            promotion.draft(session.id),
            "Log lesson",
            {session.id: ui_widgets.session_label(session)},
        )
        if st.button("Cancel", key="postmortem_cancel"):
            del st.session_state["postmortem_promote"]
            st.rerun()
        if promoted is not None:
            try:
                lesson_id = create_lesson(database, promoted, me, promotion.evidence())
            except ValidationError as invalid:
                ui_forms.show_validation_errors(invalid, ui_forms.LESSON_FIELD_LABELS)
            else:
                del st.session_state["postmortem_promote"]
                st.session_state["postmortem_flash"] = (
                    f"Logged lesson #{lesson_id}, with the {promotion.kind} linked as evidence."
                )
                st.rerun()

feedback_tab, followup_tab, applied_tab, reflections_tab, mine_tab, comments_tab = st.tabs(
    ["Feedback", "Weeks on", "Lessons applied", "Reflections", "Your reflection", "Comments"]
)


def show_panel(panel: postmortem.Panel) -> None:
    if panel.figure is not None:
        st.plotly_chart(panel.figure, width="stretch", key=panel.key)
        with st.expander("The numbers"):
            st.dataframe(panel.frame, hide_index=True, width="stretch")
    if panel.note:
        st.caption(panel.note)


with feedback_tab:
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
            top[3].metric("Confidence uplift", f"{figures.uplift:+.1f}", help=figures.uplift_help)
        for start in range(0, len(figures.panels), 2):
            for column, panel in zip(
                st.columns(2), figures.panels[start : start + 2], strict=False
            ):
                with column:
                    show_panel(panel)
        if figures.themes is not None:
            show_panel(figures.themes)
        if figures.top_themes:
            st.subheader("Top themes, in councillors' words")
        for theme in figures.top_themes:
            with st.container(border=True):
                st.markdown(
                    f"**{plain(theme_names.get(theme.theme_id, theme.theme_id))}**"
                    f" — {theme.comments} comments"
                    f" ({theme.positive} positive, {theme.negative} negative)"
                )
                if theme.positive_quote:
                    st.markdown(f":green[**+**] “{plain(theme.positive_quote)}”")
                if theme.negative_quote:
                    st.markdown(f":red[**−**] “{plain(theme.negative_quote)}”")
        st.subheader("What people asked for")
        if view.asks:
            st.caption(f"{len(view.asks)} comments ask for a change or an addition.")
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
        st.info(f"Weeks on: {view.followup.headline()} See 'Weeks on'.", icon=":material/update:")
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
    if weeks_on is not None:
        st.subheader(f"Weeks on: the follow-up ({session.followup_weeks} weeks after)")
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
                change = (
                    f"{weeks_on.confidence_now - weeks_on.confidence_then:+.1f}"
                    if weeks_on.confidence_then is not None
                    else None
                )
                fu[3].metric("Confidence now", f"{weeks_on.confidence_now:.1f}", change)
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
                    f" in the way or the help asked for — {theme.comments} comments"
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
    if not view.applied:
        st.info(
            "No lesson was applied in this session. Lessons chosen in a session's plan are"
            " applied when the session is marked delivered."
        )
    st.caption(
        f"A verdict needs at least {MIN_GROUP_SIZE} responses before and after; a change"
        f" counts from {loop.MIN_CHANGE:.0%} points (or {loop.MIN_RATING_CHANGE} on the rating)."
    )
    for lesson, comparison in view.applied:
        with st.container(border=True):
            st.markdown(
                f"**#{lesson.id} {plain(lesson.title)}** — {STATUSES[lesson.status].lower()}"
            )
            if comparison is None:
                continue
            st.markdown(
                f"Compared with {plain(comparison.before_label)}: **{comparison.verdict}**."
            )
            st.dataframe(
                [
                    {
                        "Measure": m.name,
                        "Before": m.side("before"),
                        "After": m.side("after"),
                        "Verdict": m.verdict,
                    }
                    for m in comparison.measures
                ],
                hide_index=True,
                width="stretch",
            )
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
            evidence = next((e for e in view.followup_evidence if e.lesson_id == lesson.id), None)
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
    if not view.reflections:
        st.info("No reflections yet. Each facilitator writes theirs under 'Your reflection'.")
    for start in range(0, len(view.reflections), 3):
        columns = st.columns(3)
        for column, reflection in zip(columns, view.reflections[start : start + 3], strict=False):
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
                        st.caption(plain(" · ".join(theme_names.get(t, t) for t in answer.themes)))
                    promote_button(
                        "reflection", answer.id, answer.text, f"postmortem_promote_r{answer.id}"
                    )

with mine_tab:
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
                save_reflection(database, session.id, me, template, answers, final=final_clicked)
            except ValidationError as invalid:
                ui_forms.show_validation_errors(invalid, {"author": "Author", "answers": "Answers"})
            else:
                st.session_state["postmortem_flash"] = (
                    "Reflection finished." if final_clicked else "Draft saved."
                )
                st.rerun()

with comments_tab:
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
                st.caption(f"Evidence for {view.lessons_per_comment[comment.id]} lesson(s)")
            promote_button("comment", comment.id, comment.text, f"postmortem_promote_c{comment.id}")
