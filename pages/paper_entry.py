"""Type in paper feedback cards: keyboard first. Number keys for the ratings and choices
(as printed on the card), Tab between answers, Enter saves the card and opens the next
blank one. Each response is marked as entered from paper, by you."""

import functools
import uuid

import streamlit as st

from lessons import form_html, importing, paper_form, ui_auth, ui_data, ui_widgets
from lessons.choices import BALANCE_CHOICES, COUNCILLOR_TYPES, LENGTH_CHOICES, QUESTIONS
from lessons.errors import ValidationError
from lessons.import_sheet import FIELD_LABELS, SCALE_FIELDS

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

with st.expander("Print paper cards for this session", icon=":material/print:"):
    card = paper_form.PaperCard(
        chosen.title, chosen.council, f"{chosen.starts_at:%-d %B %Y}", chosen.short_code
    )
    left, right = st.columns(2)
    for column, language in ((left, "en"), (right, "cy")):
        column.download_button(
            f"A4, two cards a page ({paper_form.LANGUAGES[language]})",
            # Made when asked for: drawing the cards takes longer than the whole page.
            functools.partial(paper_form.paper_form_pdf, card, language),
            file_name=f"feedback-card-{chosen.short_code}-{language}.pdf",
            mime="application/pdf",
            key=f"paper_pdf_{language}",
        )

entered = importing.paper_cards_entered(database, chosen.id, me)
st.metric("Cards you have entered for this session", entered)
if flash := st.session_state.pop("paper_flash", None):
    st.success(flash, icon=":material/check:")

# One blank card per key: a saved card gives the next one new, empty widgets.
card_key = st.session_state.setdefault("paper_card_key", uuid.uuid4().hex)


def _choice_help(choices: dict[str, str]) -> str:
    return "  \n".join(f"{n}: {label}" for n, label in enumerate(choices.values(), start=1))


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
    try:
        answer = importing.paper_answer(keys)
        importing.enter_paper_card(database, chosen.id, answer, me, card_key)
    except ValidationError as invalid:
        for name, message in invalid.errors.items():
            st.error(f"{FIELD_LABELS.get(name, name)}: {message}", icon=":material/error:")
    else:
        st.session_state["paper_card_key"] = uuid.uuid4().hex
        st.session_state["paper_flash"] = f"Saved card {entered + 1}."
        ui_data.clear_read_cache()
        st.rerun()

# Keyboard first: the blank card's first answer takes the cursor, ready for the next card.
# The script is a file the app serves (lessons/static), as its Content-Security-Policy wants.
focus_script = form_html.static_url(ui_widgets.base_path(), "paper_focus.js")
st.iframe(f'<script src="{focus_script}"></script>', height=1)
