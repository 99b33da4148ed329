"""Settings: the theme taxonomy — add, edit and retire themes, with a live preview."""

import streamlit as st

from lessons import store, ui
from lessons.errors import ValidationError
from lessons.tagging import definition, preview_theme, save_theme, split_terms

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

ui.staff_page()
database = ui.database()
st.title("Settings")
st.header("Themes", divider="gray")
st.caption(
    "Themes tag every comment with what it is about. A term matches every form of a word"
    ' ("laptop" finds "laptops"); a phrase matches its words in order; an exclusion stops'
    " the theme in any clause that contains it."
)

if flash := st.session_state.pop("reanalysis_flash", None):
    st.success(flash, icon=":material/check:")

all_themes = ui.themes(include_retired=True)
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
current = by_id.get(choice) or store.ThemeRow(
    id="",
    name="",
    description="",
    include_terms=(),
    phrases=(),
    exclude_terms=(),
    position=0,
    retired=False,
)
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
draft = store.ThemeRow(
    id=theme_id.strip().lower(),
    name=name,
    description=description,
    include_terms=split_terms(include_text),
    phrases=split_terms(phrase_text),
    exclude_terms=split_terms(exclude_text),
    position=current.position,
    retired=retired,
)

st.subheader("Preview")
with database.reading() as cur:
    samples = store.sample_comment_texts(cur, limit=10)
    stored_texts = [text for _, _, text in store.comment_texts(cur)[-5000:]]
sample_text = st.text_area(
    "Sample comments (one per line; edit to try your own)",
    value="\n".join(samples),
    height=150,
    key="settings_preview_samples",
)
preview = preview_theme(
    definition(draft),
    sample_text.splitlines(),
    stored_texts,
    before=None if is_new else definition(current),
)
st.caption(
    f"With these terms, **{preview.stored_matches:,} of {preview.stored_total:,}** stored comments"
    f" would be tagged '{draft.name or draft.id or 'this theme'}'"
    + (f" (now {preview.stored_matches_before:,})." if not is_new else ".")
)
st.dataframe(
    [
        {"Comment": text, "Matched words": ", ".join(words) or "—"}
        for text, words in preview.samples
    ],
    hide_index=True,
    use_container_width=True,
)

if st.button("Save and re-analyse", type="primary", key=f"{key}_save"):
    try:
        save_theme(database, draft, is_new=is_new)
    except ValidationError as invalid:
        ui.show_validation_errors(invalid, FIELD_LABELS)
    else:
        ui.run_reanalysis(database)
        if is_new:
            st.session_state["settings_theme_choice"] = draft.id
        st.rerun()
