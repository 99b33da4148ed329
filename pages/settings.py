"""Settings: the theme taxonomy — add, edit and retire themes, with a live preview."""

import streamlit as st

from lessons import ui_auth, ui_data, ui_forms, ui_widgets
from lessons.errors import ValidationError
from lessons.tagging import blank_theme, definition, preview_theme, save_theme, theme_from_form

NEW = "__new__"
FIELD_LABELS = {
    "id": "Id",
    "name": "Name",
    "description": "Description",
    "include_terms": "Terms",
    "phrases": "Phrases",
    "exclude_terms": "Exclusions",
    "theme": "Theme",
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
