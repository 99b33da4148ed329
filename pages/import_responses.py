"""Import feedback: a Microsoft Forms or Google Forms export, or our own CSV; map the
columns, check the answer scale, see the dry run's counts, then store in one go."""

import pandas as pd
import streamlit as st

from lessons import import_sheet, importing, ui_auth, ui_data
from lessons.errors import ValidationError
from lessons.wording import plural

me = ui_auth.require_role("facilitator")
database = ui_data.database()

st.title("Import feedback")
st.caption(
    "A Microsoft Forms export (.xlsx), a Google Forms download (.csv) or a CSV of our own"
    " layout (headers: " + ", ".join(import_sheet.OWN_LAYOUT) + "). Nothing is stored until"
    " you press Import, and a file imported twice stores nothing the second time."
)

upload = st.file_uploader("Spreadsheet", type=["csv", "xlsx"], key="import_file")
if upload is None:
    st.stop()

try:
    sheet = import_sheet.read_sheet(upload.name, upload.getvalue())
except import_sheet.UnreadableFile as unreadable:
    st.error(str(unreadable), icon=":material/error:")
    st.stop()

st.write(
    f"{import_sheet.SOURCES[sheet.layout]} layout: {plural(len(sheet.rows), 'row')},"
    f" {len(sheet.headers)} columns."
)

# --- where the rows go ---------------------------------------------------------------------
sessions = ui_data.all_sessions()
BY_COLUMNS = "by columns"
session_choice = st.selectbox(
    "Store the rows in",
    [BY_COLUMNS, *[s.short_code for s in sessions]],
    format_func=lambda code: (
        "the session each row names (a session code, or a date and title column)"
        if code == BY_COLUMNS
        else next(
            f"{s.title} — {s.starts_at:%-d %b %Y} ({code})"
            for s in sessions
            if s.short_code == code
        )
    ),
    key="import_session",
)
session_code = None if session_choice == BY_COLUMNS else session_choice

# --- 1. which column is which question --------------------------------------------------------
st.header("1. Which column is which question")
proposed = import_sheet.propose_mapping(sheet)
field_names = {"": "(leave out)", **import_sheet.FIELD_LABELS}
mapping_frame = pd.DataFrame(
    {
        "Column": list(sheet.headers),
        "Example": [
            next((r[i] for r in sheet.rows if r[i].strip()), "")[:60]
            for i in range(len(sheet.headers))
        ],
        "Question": [field_names[proposed.columns.get(i, "")] for i in range(len(sheet.headers))],
    }
)
edited = st.data_editor(
    mapping_frame,
    column_config={
        "Column": st.column_config.TextColumn(disabled=True),
        "Example": st.column_config.TextColumn(disabled=True),
        "Question": st.column_config.SelectboxColumn(
            options=list(field_names.values()), required=True
        ),
    },
    hide_index=True,
    use_container_width=True,
    key=f"import_mapping_{sheet.file_hash[:12]}",
)
by_label = {label: name for name, label in field_names.items()}
columns = {i: by_label[label] for i, label in enumerate(edited["Question"]) if by_label.get(label)}
mapping = import_sheet.ColumnMapping(columns)
twice = import_sheet.duplicate_fields(mapping)
if twice:
    st.error(
        "Each question can come from one column only: "
        + ", ".join(import_sheet.FIELD_LABELS[f] for f in twice)
        + " is chosen twice.",
        icon=":material/error:",
    )
    st.stop()

# --- 2. the answer scale ---------------------------------------------------------------------
st.header("2. The answer scale")
preview = import_sheet.scale_preview(sheet, mapping)
if preview:
    st.caption("Each answer in the rating columns and the point (1 to 5) it is stored as.")
    scale_frame = pd.DataFrame({"Answer": list(preview), "Stored as": list(preview.values())})
    scale_edited = st.data_editor(
        scale_frame,
        column_config={
            "Answer": st.column_config.TextColumn(disabled=True),
            "Stored as": st.column_config.NumberColumn(min_value=1, max_value=5, step=1),
        },
        hide_index=True,
        key=f"import_scale_{sheet.file_hash[:12]}",
    )
    extra = {
        import_sheet.normal_answer(str(answer)): int(point)
        for answer, point in zip(scale_edited["Answer"], scale_edited["Stored as"], strict=True)
        if pd.notna(point) and import_sheet.scale_value(str(answer), {}) is None
    }
    mapping = import_sheet.ColumnMapping(columns, {**mapping.scale, **extra})
else:
    st.caption("No rating column chosen yet.")

# --- 3. the dry run --------------------------------------------------------------------------
st.header("3. What the import will do")
try:
    plan = importing.plan_import(database, sheet, mapping, session_code)
except ValidationError as invalid:
    st.error(" ".join(invalid.errors.values()), icon=":material/error:")
    st.stop()
counts = plan.counts
read, store_, refused, duplicates = st.columns(4)
read.metric("Rows read", f"{counts.rows_read:,}")
store_.metric("Will be stored", f"{counts.to_store:,}")
refused.metric("Refused", f"{counts.refused:,}")
duplicates.metric("Already imported", f"{counts.duplicates:,}")
if plan.refused:
    st.write("Refused rows, and why:")
    st.dataframe(
        pd.DataFrame(
            {
                "Row": [o.number for o in plan.refused],
                "Key": [o.row_key for o in plan.refused],
                "Why": ["; ".join(o.reasons) for o in plan.refused],
            }
        ),
        hide_index=True,
        use_container_width=True,
    )
accept = True
if plan.refused:
    accept = st.checkbox(
        f"Store the {counts.to_store:,} accepted rows and leave the {counts.refused:,} refused"
        " ones out",
        key="import_accept_partial",
    )

if st.button(
    f"Import {plural(counts.to_store, 'row')}",
    type="primary",
    disabled=not counts.to_store or not accept,
    key="import_go",
):
    bar = st.progress(0.0, text="Starting")

    def show_progress(fraction: float, text: str) -> None:
        bar.progress(fraction, text=text)

    try:
        done = importing.run_import(database, plan, me, progress=show_progress)
    except ValidationError as invalid:
        st.error(" ".join(invalid.errors.values()), icon=":material/error:")
    else:
        bar.progress(1.0, text="Done")
        ui_data.clear_read_cache()
        st.success(
            f"Stored {plural(done.counts.to_store, 'response')} from"
            f" {import_sheet.SOURCES[plan.source]},"
            f" with their comments analysed. {done.counts.duplicates:,} were already there.",
            icon=":material/check:",
        )
