"""Give feedback: the 60-second form attendees open from a QR code, link or code."""

import uuid

import streamlit as st

from lessons import backups, privacy, ui_data, ui_errors, ui_forms, ui_widgets
from lessons.choices import (
    BALANCE_CHOICES,
    CONFIDENCE_LABELS,
    COUNCILLOR_TYPES,
    LENGTH_CHOICES,
    MAX_FEEDBACK_ANSWER_CHARS,
    QUESTIONS,
    RATING_LABELS,
)
from lessons.document import demoted, markdown_escape, markdown_inline, to_markdown
from lessons.errors import DatabaseUnavailable, ValidationError
from lessons.feedback import FeedbackAnswer, SessionUnavailable, session_for_link, submit_feedback
from lessons.privacy_notice import NOTICE_PATH, footer, notice_blocks

FIELD_LABELS = {
    "overall_rating": "Overall rating",
    "usefulness": "Usefulness",
    "confidence_before": "Confidence before",
    "confidence_after": "Confidence now",
    "balance": "Balance",
    "length": "Length",
    "councillor_type": "Which best describes you",
    "contact_opt_in": "Contact details",
    "contact_name": "Your name",
    "contact_detail": "Email or phone",
    "form": "Form",
    **QUESTIONS,
}

ui_widgets.apply_base_style()
database = ui_data.database()


def privacy_footer() -> None:
    """Who keeps the answers and for how long, a link to the full notice (/privacy), and the
    notice itself for anyone who would rather not leave the form."""
    settings = privacy.privacy_settings(database)
    st.divider()
    st.caption(
        markdown_inline(footer(settings).text)
        + f" [Privacy notice]({NOTICE_PATH}) (how we use your answers, your rights)."
    )
    with st.expander("Privacy notice", icon=":material/shield_person:"):
        blocks = notice_blocks(settings, backups.kept_for_days(database))
        st.markdown(to_markdown(demoted(blocks, 2)))


def ask_for_code(message: str | None = None) -> None:
    st.title("Give feedback")
    if message:
        st.error(markdown_escape(message))  # it can name the session, whose title was typed
    with st.form("feedback_code_form"):
        code = st.text_input(
            "Session code",
            max_chars=12,
            placeholder="e.g. K7M4PQ",
            help="The 6-character code on the screen or poster.",
            key="feedback_code",
        )
        go = st.form_submit_button("Continue", type="primary", width="stretch")
    if go:
        st.query_params.clear()
        st.query_params["c"] = code.strip().upper()
        st.rerun()


def scale(question: str, labels: dict[int, str], key: str, required: bool = False):
    """A 1-5 answer as one row of buttons that fits a phone; the label names both ends."""
    label = f"{question} (1 {labels[1].lower()} – 5 {labels[5].lower()})"
    if required:
        label = f"{label} — required"
    return st.segmented_control(label, list(labels), key=key, width="stretch")


def choice(label: str, choices: dict[str, str], key: str):
    return st.radio(label, list(choices), index=None, format_func=choices.__getitem__, key=key)


token = ui_widgets.query_param("s")
code = ui_widgets.query_param("c")
if not token and not code:
    ask_for_code()
    privacy_footer()
    st.stop()
try:
    session = session_for_link(database, token=token, code=code)
except SessionUnavailable as unavailable:
    ask_for_code(unavailable.message)
    privacy_footer()
    st.stop()

done_key = f"feedback_done_{session.id}"
form_key_name = f"feedback_form_key_{session.id}"

st.title("How was today's session?")
st.markdown(f"**{ui_widgets.plain(session.title)}**  \n{session.starts_at:%A %-d %B %Y}")

if st.session_state.get(done_key):
    st.success("Thank you — your feedback has been recorded.", icon=":material/check_circle:")
    st.write(
        "It goes straight to the people who ran the session, to make the next one better."
        " You can close this page."
    )
    if st.button("Someone else wants to use this phone", key="feedback_again"):
        del st.session_state[done_key]
        st.session_state.pop(form_key_name, None)
        st.rerun()
    privacy_footer()
    st.stop()

# One key per rendering of the form: a double click or a resubmit stores one response.
if form_key_name not in st.session_state:
    st.session_state[form_key_name] = uuid.uuid4().hex

st.caption("Anonymous and under a minute. Only the first question is required.")
with st.form("feedback_form", border=False):
    rating = scale("Overall, how was the session?", RATING_LABELS, "feedback_rating", required=True)
    usefulness = scale(
        "How useful was it for your role as a councillor?", RATING_LABELS, "feedback_usefulness"
    )
    st.markdown("**How confident do you feel using social media as a councillor?**")
    confidence_before = scale("Before the session", CONFIDENCE_LABELS, "feedback_conf_before")
    confidence_after = scale("Now", CONFIDENCE_LABELS, "feedback_conf_after")
    balance = choice("The balance between why and how", BALANCE_CHOICES, "feedback_balance")
    length = st.segmented_control(
        "The length of the session was",
        list(LENGTH_CHOICES),
        format_func=LENGTH_CHOICES.__getitem__,
        key="feedback_length",
        width="stretch",
    )
    councillor_type = choice(
        "Which best describes you? (optional)", COUNCILLOR_TYPES, "feedback_type"
    )
    went_well = st.text_area(
        QUESTIONS["went_well"], max_chars=MAX_FEEDBACK_ANSWER_CHARS, key="feedback_went_well"
    )
    to_change = st.text_area(
        QUESTIONS["to_change"], max_chars=MAX_FEEDBACK_ANSWER_CHARS, key="feedback_to_change"
    )
    help_next = st.text_area(
        QUESTIONS["help_next"], max_chars=MAX_FEEDBACK_ANSWER_CHARS, key="feedback_help_next"
    )
    with st.expander("Want us to get back to you? (optional)"):
        opt_in = st.checkbox(
            "I agree to the council keeping my name and contact details with this feedback",
            key="feedback_opt_in",
        )
        contact_name = st.text_input("Your name", max_chars=200, key="feedback_contact_name")
        contact_detail = st.text_input(
            "Email or phone", max_chars=200, key="feedback_contact_detail"
        )
    sent = st.form_submit_button("Send feedback", type="primary", width="stretch")

if sent:
    answer = FeedbackAnswer(
        overall_rating=rating,
        usefulness=usefulness,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        balance=balance,
        length=length,
        councillor_type=councillor_type,
        went_well=went_well,
        to_change=to_change,
        help_next=help_next,
        contact_opt_in=opt_in,
        contact_name=contact_name,
        contact_detail=contact_detail,
    )
    try:
        submit_feedback(database, session.id, answer, st.session_state[form_key_name])
    except ValidationError as invalid:
        ui_forms.show_validation_errors(invalid, FIELD_LABELS)
    except SessionUnavailable as closed:
        st.error(markdown_escape(closed.message))
    except DatabaseUnavailable:
        # Logged for whoever runs the app; the attendee keeps every answer on screen.
        ui_errors.log.exception("Feedback not saved")
        st.error(
            "Sorry — we could not save your feedback just now. Your answers are still here:"
            " please press Send feedback again in a minute.",
            icon=":material/cloud_off:",
        )
    else:
        # Forget the answers, so the next person on this phone starts with a blank form.
        for key in [k for k in st.session_state if str(k).startswith("feedback_")]:
            del st.session_state[key]
        st.session_state[done_key] = True
        ui_data.clear_read_cache()
        st.rerun()

privacy_footer()
