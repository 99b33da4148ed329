"""Settings: the theme taxonomy — add, edit and retire themes, with a live preview and
their history (an added term can be undone); a theme learnt from examples alone; re-analysing
every comment."""

import streamlit as st

from lessons import learning, tagging, ui_auth, ui_data, ui_forms, ui_widgets
from lessons.errors import ValidationError
from lessons.tagging import blank_theme, definition, preview_theme, save_theme, theme_from_form
from lessons.wording import plural

NEW = "__new__"
FIELD_LABELS = {
    "id": "Id",
    "name": "Name",
    "description": "Description",
    "include_terms": "Terms",
    "phrases": "Phrases",
    "exclude_terms": "Exclusions",
    "theme": "Theme",
    "examples": "Examples",
}

me = ui_auth.require_role("admin")
database = ui_data.database()
st.title("Settings")
st.header("Themes", divider="gray")
st.caption(
    "Themes tag every comment with what it is about. A term matches every form of a word"
    ' ("laptop" finds "laptops"); a phrase matches its words in order; an exclusion stops'
    " the theme in any clause that contains it."
)

if flash := st.session_state.pop("reanalysis_flash", None):
    st.success(flash, icon=":material/check:")

all_themes = ui_data.themes(include_retired=True)
by_id = {t.id: t for t in all_themes}
choice = st.selectbox(
    "Theme to edit",
    [*by_id, NEW],
    format_func=lambda tid: (
        "＋ New theme"
        if tid == NEW
        else (by_id[tid].name + (" (retired)" if by_id[tid].retired else ""))
    ),
    key="settings_theme_choice",
)
is_new = choice == NEW
current = by_id.get(choice) or blank_theme()
key = f"settings_theme_{choice}"

theme_id = st.text_input(
    "Id (never changes once created)", value=current.id, disabled=not is_new, key=f"{key}_id"
)
name = st.text_input("Name", value=current.name, max_chars=60, key=f"{key}_name")
description = st.text_area(
    "Description", value=current.description, height=70, key=f"{key}_description"
)
left, middle, right = st.columns(3)
include_text = left.text_area(
    "Terms (one per line)", value="\n".join(current.include_terms), height=220, key=f"{key}_terms"
)
phrase_text = middle.text_area(
    "Phrases (one per line)", value="\n".join(current.phrases), height=220, key=f"{key}_phrases"
)
exclude_text = right.text_area(
    "Exclusions (one per line)",
    value="\n".join(current.exclude_terms),
    height=220,
    key=f"{key}_exclude",
)
retired = st.checkbox(
    "Retired (kept for history, no longer tags comments)",
    value=current.retired,
    key=f"{key}_retired",
)
draft = theme_from_form(
    current, theme_id, name, description, include_text, phrase_text, exclude_text, retired
)

st.subheader("Preview")
texts = ui_data.preview_texts()
sample_text = st.text_area(
    "Sample comments (one per line; edit to try your own)",
    value="\n".join(texts.samples),
    height=150,
    key="settings_preview_samples",
)
preview = preview_theme(
    definition(draft),
    sample_text.splitlines(),
    texts.stored,
    before=None if is_new else definition(current),
)
st.caption(
    f"With these terms, **{preview.stored_matches:,} of {preview.stored_total:,}** stored comments"
    f" would be tagged '{ui_widgets.plain(draft.name or draft.id or 'this theme')}'"
    + (f" (now {preview.stored_matches_before:,})." if not is_new else ".")
)
st.dataframe(
    [
        {"Comment": text, "Matched words": ", ".join(words) or "—"}
        for text, words in preview.samples
    ],
    hide_index=True,
    width="stretch",
)

if st.button("Save and re-analyse", type="primary", key=f"{key}_save"):
    try:
        save_theme(database, draft, is_new=is_new, actor=me)
    except ValidationError as invalid:
        ui_forms.show_validation_errors(invalid, FIELD_LABELS)
    else:
        ui_widgets.run_reanalysis(database)
        if is_new:
            st.session_state["settings_theme_choice"] = draft.id
        st.rerun()

if not is_new:
    with st.expander("History"):
        for number, change in enumerate(tagging.theme_history(database, current.id)):
            line, undo = st.columns([4, 1], vertical_alignment="center")
            line.markdown(
                ui_widgets.plain(
                    f"{change.entry.changed_at:%d %b %Y %H:%M} · {change.entry.actor} ·"
                    f" {change.entry.detail}"
                )
            )
            if change.undo_term is not None and undo.button(
                "Undo", key=f"{key}_undo_{number}", help="Take it out and re-analyse"
            ):
                try:
                    tagging.undo_term(database, current.id, change.undo_term, me)
                except ValidationError as invalid:
                    ui_forms.show_validation_errors(invalid, FIELD_LABELS)
                else:
                    ui_widgets.run_reanalysis(database)
                    st.rerun()

st.header("A theme learnt from examples", divider="gray")
st.caption(
    "No terms needed: pick comments the theme is about, and the analysis learns it from them"
    f" (at least {learning.MIN_THEME_EXAMPLES}), then tags other comments like them, each with"
    " its evidence. Correcting its tags teaches it more."
)
left, right = st.columns(2)
example_id = left.text_input("Id", key="settings_examples_id")
example_name = right.text_input("Name", max_chars=60, key="settings_examples_name")
example_description = st.text_input("Description", key="settings_examples_description")
search = st.text_input("Find comments containing", max_chars=100, key="settings_examples_search")
found_comments = tagging.find_comments(database, text=search, limit=200) if search else []
chosen = st.multiselect(
    "Example comments",
    [c.id for c in found_comments] + [
        cid for cid in st.session_state.get("settings_examples_chosen", [])
        if cid not in {c.id for c in found_comments}
    ],
    format_func=lambda cid: next(
        (c.text[:120] for c in found_comments if c.id == cid), f"comment #{cid}"
    ),
    key="settings_examples_chosen",
)  # fmt: skip
if st.button("Create the theme from these examples", key="settings_examples_create"):
    try:
        learning.create_theme_from_examples(
            database, example_id, example_name, example_description, chosen, me
        )
    except ValidationError as invalid:
        ui_forms.show_validation_errors(invalid, FIELD_LABELS)
    else:
        learning.learn_in_background(database)
        ui_data.clear_read_cache()
        st.session_state["reanalysis_flash"] = (
            f"Created the theme from {plural(len(chosen), 'example')}: the analysis is learning"
            " it in the background, and tags comments like them when it has."
        )
        st.rerun()

st.header("Analysis", divider="gray")
learnt = learning.status(database)
st.caption(
    (
        f"The learned layer (version {learnt.version}) learnt from {learnt.examples:,}"
        " corrections and confirmations."
        if learnt.version is not None
        else "No learned layer yet: it learns once people correct or confirm comments."
    )
    + (" Learning in the background now…" if learnt.running else "")
    + (f" The last attempt failed: {learnt.error}" if learnt.error else "")
)
if st.button("Re-analyse every comment", key="settings_reanalyse_all"):
    ui_widgets.run_reanalysis(database, everything=True)
    st.rerun()
