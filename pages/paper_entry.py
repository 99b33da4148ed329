"""Type in paper feedback cards: keyboard first. Number keys for the ratings and choices
(as printed on the card), Tab between answers, Enter saves the card and opens the next
blank one. Each response is marked as entered from paper, by you. The follow-up's cards,
weeks on, are printed and typed in here too, as answers to the session's follow-up."""

import functools
import uuid
from collections.abc import Callable, Mapping

import streamlit as st

from lessons import followup, form_html, importing, paper_form, ui_auth, ui_data, ui_widgets
from lessons.choices import (
    BALANCE_CHOICES,
    COUNCILLOR_TYPES,
    FOLLOWUP_ACTIONS,
    FOLLOWUP_BARRIERS,
    FOLLOWUP_FREQUENCY,
    FOLLOWUP_QUESTIONS,
    LENGTH_CHOICES,
    QUESTIONS,
)
from lessons.errors import ValidationError
from lessons.import_sheet import FIELD_LABELS, SCALE_FIELDS

CARD_KINDS = {"day": "On the day", "followup": "Follow-up, weeks on"}
FOLLOWUP_LABELS = {
    "actions": "Done since",
    "frequency": "How often",
    "barriers": "Got in the way",
    "confidence_now": "Confidence now",
    **FOLLOWUP_QUESTIONS,
}
me = ui_auth.require_role("facilitator")
database = ui_data.database()

st.title("Enter paper feedback")

sessions = ui_data.all_sessions()
if not sessions:
    st.info("Create the session first, on the Sessions page.")
    st.stop()
chosen = st.selectbox(
    "Session",
    sessions,
    format_func=lambda s: f"{s.title} — {s.starts_at:%-d %b %Y} ({s.short_code})",
    key="paper_session",
)

kind = st.radio(
    "Card", list(CARD_KINDS), format_func=CARD_KINDS.__getitem__, horizontal=True, key="paper_kind"
)
weeks_on = kind == "followup"
shared = followup.followup_share(database, chosen.id) if weeks_on else None
code = shared.code if shared is not None else chosen.short_code

with st.expander("Print paper cards for this session", icon=":material/print:"):
    card = paper_form.PaperCard(chosen.title, chosen.council, f"{chosen.starts_at:%-d %B %Y}", code)
    left, right = st.columns(2)
    for column, language in ((left, "en"), (right, "cy")):
        column.download_button(
            f"A4, two {'follow-up ' if weeks_on else ''}cards a page"
            f" ({paper_form.LANGUAGES[language]})",
            # Made when asked for: drawing the cards takes longer than the whole page.
            functools.partial(paper_form.paper_form_pdf, card, language, weeks_on),
            file_name=f"{'followup' if weeks_on else 'feedback'}-card-{code}-{language}.pdf",
            mime="application/pdf",
            key=f"paper_pdf_{kind}_{language}",
        )

if flash := st.session_state.pop("paper_flash", None):
    st.success(flash, icon=":material/check:")
# One blank card per key: a saved card gives the next one new, empty widgets.
card_key = st.session_state.setdefault("paper_card_key", uuid.uuid4().hex)


def _choice_help(choices: dict[str, str]) -> str:
    return "  \n".join(f"{n}: {label}" for n, label in enumerate(choices.values(), start=1))


def save_card(enter: Callable[[], object], labels: Mapping[str, str], flash: str) -> None:
    """Store the card as typed (`enter`): each problem under the card's word for its answer,
    or on to a new blank card."""
    try:
        enter()
    except ValidationError as invalid:
        for name, message in invalid.errors.items():
            st.error(f"{labels.get(name, name)}: {message}", icon=":material/error:")
    else:
        st.session_state["paper_card_key"] = uuid.uuid4().hex
        st.session_state["paper_flash"] = flash
        ui_data.clear_read_cache()
        st.rerun()


def followup_card() -> None:
    """A follow-up card, weeks on: stored as a follow-up answer of the session."""
    st.caption(
        "Each card is stored as an answer to the session's follow-up, whenever it is typed"
        " in; it counts on the post-mortem's Weeks on tab, not in the day's figures."
    )
    with st.form(f"paper_followup_{card_key}", enter_to_submit=True, border=True):
        st.caption("Type the numbers ticked (1 3, say); leave blank what the card leaves blank.")
        keys: dict[str, str] = {}
        left, middle, right = st.columns(3)
        for column, name, label, choices in (
            (left, "actions", "Done since (numbers ticked)", FOLLOWUP_ACTIONS),
            (middle, "frequency", f"How often (1-{len(FOLLOWUP_FREQUENCY)})", FOLLOWUP_FREQUENCY),
            (right, "barriers", "Got in the way (numbers ticked)", FOLLOWUP_BARRIERS),
        ):
            keys[name] = column.text_input(
                label, max_chars=20, help=_choice_help(choices), key=f"paper_fu_{name}_{card_key}"
            )
        keys["fu_barriers"] = st.text_input(
            FOLLOWUP_QUESTIONS["fu_barriers"], key=f"paper_fu_fu_barriers_{card_key}"
        )
        keys["confidence_now"] = st.text_input(
            "Confidence now (1-5)", max_chars=1, key=f"paper_fu_confidence_now_{card_key}"
        )
        keys["fu_help_next"] = st.text_input(
            FOLLOWUP_QUESTIONS["fu_help_next"], key=f"paper_fu_fu_help_next_{card_key}"
        )
        saved = st.form_submit_button("Save and next card (Enter)", type="primary")
    if saved:
        save_card(
            lambda: importing.enter_paper_followup(
                database, chosen.id, importing.paper_followup_answer(keys), me, card_key
            ),
            FOLLOWUP_LABELS,
            "Saved the follow-up card.",
        )


def focus_first_answer() -> None:
    """Keyboard first: the blank card's first answer takes the cursor, ready for the next
    card. The script is a file the app serves (lessons/static), as its Content-Security-Policy
    wants."""
    focus_script = form_html.static_url(ui_widgets.base_path(), "paper_focus.js")
    st.iframe(f'<script src="{focus_script}"></script>', height=1)


if weeks_on:
    followup_card()
    focus_first_answer()
    st.stop()

entered = importing.paper_cards_entered(database, chosen.id, me)
st.metric("Cards you have entered for this session", entered)

with st.form(f"paper_card_{card_key}", enter_to_submit=True, border=True):
    st.caption("Type the number circled or ticked; leave blank what the card leaves blank.")
    keys: dict[str, str] = {}
    scale_columns = st.columns(4)
    for column, name in zip(scale_columns, SCALE_FIELDS, strict=True):
        keys[name] = column.text_input(
            f"{FIELD_LABELS[name]} (1-5)", max_chars=1, key=f"paper_{name}_{card_key}"
        )
    choice_columns = st.columns(3)
    for column, name, choices in zip(
        choice_columns,
        ("balance", "length", "councillor_type"),
        (BALANCE_CHOICES, LENGTH_CHOICES, COUNCILLOR_TYPES),
        strict=True,
    ):
        keys[name] = column.text_input(
            f"{FIELD_LABELS[name]} (1-{len(choices)})",
            max_chars=1,
            help=_choice_help(choices),
            key=f"paper_{name}_{card_key}",
        )
    for name, question in QUESTIONS.items():
        keys[name] = st.text_input(question, key=f"paper_{name}_{card_key}")
    left, right = st.columns(2)
    keys["contact_name"] = left.text_input("Name (if written)", key=f"paper_cn_{card_key}")
    keys["contact_detail"] = right.text_input("Contact (if written)", key=f"paper_cd_{card_key}")
    keys["contact_opt_in"] = (
        "yes"
        if st.checkbox("The card ticks the box to keep them", key=f"paper_ok_{card_key}")
        else ""
    )
    saved = st.form_submit_button("Save and next card (Enter)", type="primary")

if saved:
    save_card(
        lambda: importing.enter_paper_card(
            database, chosen.id, importing.paper_answer(keys), me, card_key
        ),
        FIELD_LABELS,
        f"Saved card {entered + 1}.",
    )

focus_first_answer()
