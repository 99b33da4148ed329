"""Post-mortem: one session's feedback, every facilitator's reflection side by side, and
turning what was learnt into lessons."""

import streamlit as st

from lessons import charts, loop, reports, store, ui
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPE_SHORT,
    LENGTH_CHOICES,
    QUESTIONS,
    STATUSES,
)
from lessons.clock import now_local
from lessons.errors import ValidationError
from lessons.reflections import (
    MAX_REFLECTION_ANSWER_CHARS,
    TEMPLATES,
    prompt_label,
    save_reflection,
)
from lessons.register import EvidenceLink, LessonDraft, create_lesson
from lessons.sessions import mark_reviewed

MIN_GROUP = reports.MIN_GROUP

ui.staff_page()
database = ui.database()
st.title("Post-mortem")

if flash := st.session_state.pop("postmortem_flash", None):
    st.success(flash, icon=":material/check:")

sessions = [s for s in ui.all_sessions() if s.status != "planned"]
if not sessions:
    st.info("No session has been delivered yet. Mark a session delivered on the Sessions page.")
    st.stop()

# Sessions awaiting their post-mortem come first.
sessions.sort(key=lambda s: (s.status != "delivered", -s.starts_at.timestamp()))
ids = [s.id for s in sessions]
asked = ui.query_param("session")
preferred = int(asked) if asked and asked.isdigit() and int(asked) in ids else None
session_id = st.selectbox(
    "Session",
    ids,
    index=ids.index(preferred) if preferred else 0,
    format_func=lambda sid: (
        ui.session_label(next(s for s in sessions if s.id == sid))
        + (
            " — awaiting post-mortem"
            if next(s for s in sessions if s.id == sid).status == "delivered"
            else ""
        )
    ),
    key="postmortem_session_id",
)
session = next(s for s in sessions if s.id == session_id)
theme_names = ui.theme_names()

with database.reading() as cur:
    summary = store.feedback_summary(cur, [session.id])
    reflections = store.reflections_for_session(cur, session.id)
    comments = store.comments_for_session(cur, session.id)

people = ", ".join(session.facilitators + session.councillor_facilitators) or "—"
st.caption(f"{session.starts_at:%A %-d %B %Y, %H:%M} · {session.council} · facilitated by {people}")


def promote_button(kind: str, item_id: int, text: str, key: str) -> None:
    if st.button("Promote to lesson", key=key, icon=":material/lightbulb:"):
        st.session_state["postmortem_promote"] = (kind, item_id, text)
        st.rerun()  # the lesson form sits at the top of the page


promotion = st.session_state.get("postmortem_promote")
if promotion:
    kind, item_id, text = promotion
    with st.container(border=True):
        st.markdown(f"**New lesson from this {kind}:**\n\n> {text}")
        draft = LessonDraft(
            title="",
            what_happened=text if kind == "comment" else "",
            lesson=text if kind == "reflection" else "",
            polarity="improve",
            source_session_id=session.id,
        )
        promoted = ui.lesson_form(
            "postmortem_lesson", draft, "Log lesson", {session.id: ui.session_label(session)}
        )
        if st.button("Cancel", key="postmortem_cancel"):
            del st.session_state["postmortem_promote"]
            st.rerun()
        if promoted is not None and ui.ask_for_name_if_missing():
            link = (
                EvidenceLink(comment_id=item_id)
                if kind == "comment"
                else EvidenceLink(reflection_answer_id=item_id)
            )
            try:
                lesson_id = create_lesson(database, promoted, ui.current_user(), link)
            except ValidationError as invalid:
                ui.show_validation_errors(invalid, ui.LESSON_FIELD_LABELS)
            else:
                del st.session_state["postmortem_promote"]
                st.session_state["postmortem_flash"] = (
                    f"Logged lesson #{lesson_id}, with the {kind} linked as evidence."
                )
                st.rerun()

feedback_tab, applied_tab, reflections_tab, mine_tab, comments_tab = st.tabs(
    ["Feedback", "Lessons applied", "Reflections", "Your reflection", "Comments"]
)

with feedback_tab:
    top = st.columns(4)
    expected = f" of {summary.expected}" if summary.expected else ""
    top[0].metric("Responses", f"{summary.responses}{expected}")
    if summary.expected:
        top[1].metric("Response rate", f"{summary.responses / summary.expected:.0%}")
    if summary.responses < MIN_GROUP:
        st.info(
            f"Only {summary.responses} response{'s' if summary.responses != 1 else ''}: figures and"
            f" breakdowns appear from {MIN_GROUP} responses, so that no one's answers can be"
            " picked out. The comments are still listed under 'Comments'."
        )
    else:
        top[2].metric("Mean rating", f"{summary.mean_rating:.1f} / 5")
        if summary.confidence_pairs >= MIN_GROUP:
            uplift = (summary.mean_confidence_after or 0) - (summary.mean_confidence_before or 0)
            top[3].metric(
                "Confidence uplift",
                f"{uplift:+.1f}",
                help=f"{summary.share_gained_confidence:.0%} of {summary.confidence_pairs}"
                " felt more confident",
            )

        def chart_with_numbers(figure, frame, key: str) -> None:
            st.plotly_chart(figure, use_container_width=True, key=key)
            with st.expander("The numbers"):
                st.dataframe(frame, hide_index=True, use_container_width=True)

        left, right = st.columns(2)
        with left:
            frame = charts.rating_frame(summary)
            chart_with_numbers(
                charts.bar_chart(frame, "Overall rating"), frame, "postmortem_rating"
            )
        with right:
            if summary.confidence_pairs >= MIN_GROUP:
                frame = charts.confidence_frame(summary)
                chart_with_numbers(charts.confidence_chart(frame), frame, "postmortem_confidence")
                st.caption(
                    f"{summary.share_gained_confidence:.0%} of the {summary.confidence_pairs} who"
                    " answered both felt more confident afterwards."
                )
            else:
                st.caption("Too few answered both confidence questions to compare.")
        left, right = st.columns(2)
        with left:
            frame = charts.counts_frame(summary.balance_counts, BALANCE_CHOICES)
            chart_with_numbers(
                charts.bar_chart(frame, "Balance of why and how", horizontal=True),
                frame,
                "postmortem_balance",
            )
        with right:
            frame = charts.counts_frame(summary.length_counts, LENGTH_CHOICES)
            chart_with_numbers(
                charts.bar_chart(frame, "Length", horizontal=True), frame, "postmortem_length"
            )
        left, right = st.columns(2)
        with left:
            if sum(summary.type_counts.values()) >= MIN_GROUP:
                frame = charts.counts_frame(
                    summary.type_counts, COUNCILLOR_TYPE_SHORT, "Councillor type"
                )
                chart_with_numbers(
                    charts.bar_chart(frame, "Who came (self-described)", horizontal=True),
                    frame,
                    "postmortem_types",
                )
            else:
                st.caption("Too few described themselves to show the mix of councillor types.")
        with right:
            frame = charts.sentiment_frame(summary.sentiment_counts)
            chart_with_numbers(charts.sentiment_chart(frame), frame, "postmortem_sentiment")
        if summary.themes:
            frame = charts.themes_frame(summary, theme_names)
            chart_with_numbers(charts.themes_chart(frame), frame, "postmortem_themes")
            st.subheader("Top themes, in councillors' words")
            for theme in summary.themes[:5]:
                with st.container(border=True):
                    st.markdown(
                        f"**{theme_names.get(theme.theme_id, theme.theme_id)}** — {theme.comments}"
                        f" comments ({theme.positive} positive, {theme.negative} negative)"
                    )
                    if theme.positive_quote:
                        st.markdown(f":green[**+**] “{theme.positive_quote}”")
                    if theme.negative_quote:
                        st.markdown(f":red[**−**] “{theme.negative_quote}”")

    def session_report() -> str:
        with database.reading() as cur:
            return reports.lessons_report(cur, session.id, theme_names, now_local().date())

    st.download_button(
        "Lessons report for this session (Markdown)",
        session_report,
        f"lessons-{session.short_code}.md",
        "text/markdown",
        icon=":material/article:",
    )
    if session.status == "delivered":
        st.divider()
        if st.button("Mark the post-mortem done (status: reviewed)", key="postmortem_reviewed"):
            try:
                mark_reviewed(database, session.id, ui.current_user())
            except ValidationError as invalid:
                ui.show_validation_errors(invalid, ui.SESSION_FIELD_LABELS)
            else:
                ui.clear_read_cache()
                st.session_state["postmortem_flash"] = "Marked reviewed."
                st.rerun()

with applied_tab:
    with database.reading() as cur:
        applied = [x for x in store.all_lessons(cur) if x.applied_session_id == session.id]
        comparisons = {x.id: loop.compare_lesson(cur, x, theme_names) for x in applied}
    if not applied:
        st.info(
            "No lesson was applied in this session. Lessons chosen in a session's plan are"
            " applied when the session is marked delivered."
        )
    st.caption(
        f"A verdict needs at least {loop.MIN_RESPONSES} responses before and after; a change"
        f" counts from {loop.MIN_CHANGE:.0%} points (or {loop.MIN_RATING_CHANGE} on the rating)."
    )
    for lesson in applied:
        comparison = comparisons[lesson.id]
        with st.container(border=True):
            st.markdown(f"**#{lesson.id} {lesson.title}** — {STATUSES[lesson.status].lower()}")
            if comparison is None:
                continue
            st.markdown(f"Compared with {comparison.before_label}: **{comparison.verdict}**.")
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
                use_container_width=True,
            )
            validate = lesson.status == "embedded" and st.button(
                "Mark validated, saving this comparison as evidence",
                key=f"postmortem_validate_{lesson.id}",
                disabled=comparison.verdict != loop.IMPROVED,
                help=None
                if comparison.verdict == loop.IMPROVED
                else "Only an improvement validates a lesson.",
            )
            if validate and ui.ask_for_name_if_missing():
                loop.validate_with_comparison(database, lesson.id, comparison, ui.current_user())
                st.session_state["postmortem_flash"] = f"Lesson #{lesson.id} validated."
                st.rerun()
            if lesson.effectiveness_evidence:
                st.caption(f"Evidence saved: {lesson.effectiveness_evidence}")

with reflections_tab:
    if not reflections:
        st.info("No reflections yet. Each facilitator writes theirs under 'Your reflection'.")
    for start in range(0, len(reflections), 3):
        columns = st.columns(3)
        for column, reflection in zip(columns, reflections[start : start + 3], strict=False):
            with column, st.container(border=True):
                st.markdown(f"**{reflection.author}**")
                st.caption(
                    f"{TEMPLATES[reflection.template].name} · "
                    f"{'draft' if reflection.status == 'draft' else 'finished'} · "
                    f"{reflection.updated_at:%d %b %Y, %H:%M}"
                )
                for answer in reflection.answers:
                    if not answer.text:
                        continue
                    st.markdown(f"**{prompt_label(reflection.template, answer.prompt)}**")
                    st.markdown(answer.text)
                    ui.show_label(answer.label, answer.mixed)
                    if answer.themes:
                        st.caption(" · ".join(theme_names.get(t, t) for t in answer.themes))
                    promote_button(
                        "reflection", answer.id, answer.text, f"postmortem_promote_r{answer.id}"
                    )

with mine_tab:
    me = ui.current_user()
    if not me:
        st.warning("Type your name in the sidebar to write your reflection.")
    else:
        mine = next((r for r in reflections if r.author.lower() == me.lower()), None)
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
                ui.show_validation_errors(invalid, {"author": "Your name", "answers": "Answers"})
            else:
                st.session_state["postmortem_flash"] = (
                    "Reflection finished." if final_clicked else "Draft saved."
                )
                st.rerun()

with comments_tab:
    if not comments:
        st.info("No comments for this session.")
    with database.reading() as cur:
        supported = store.lesson_counts_by_comment(cur, [c.id for c in comments])
    for comment in comments:
        with st.container(border=True):
            st.markdown(comment.text)
            st.caption(QUESTIONS.get(comment.question, comment.question))
            ui.show_label(comment.label, comment.mixed, comment.label_corrected)
            if supported.get(comment.id):
                st.caption(f"Evidence for {supported[comment.id]} lesson(s)")
            promote_button("comment", comment.id, comment.text, f"postmortem_promote_c{comment.id}")
