"""Reports: a written programme report (HTML and Markdown) and safe exports of the data."""

import streamlit as st

from lessons import export, programme_report, reports, ui_auth, ui_data, ui_trends, ui_widgets
from lessons.clock import today_local
from lessons.wording import plural

ui_auth.require_role("lead")
database = ui_data.database()
today = today_local()
heading = st.empty()  # the title names the filters, which are chosen just below it
st.caption(
    "Everything here — the report and every export — covers what the filters choose. They"
    " are shared with the Trends page: change or clear them here."
)

where = ui_trends.trend_filter_controls("reports", expanded=True)
chosen = programme_report.filter_words(where)
heading.title(f"Reports: {ui_widgets.plain(chosen)}")
overview = ui_trends.trend_overview(where)
theme_names = ui_data.theme_names()
# A report or export prepared under other filters is not offered under these ones.
if st.session_state.get("reports_filter") != where:
    for stale in ("reports_markdown", "reports_html", "reports_export"):
        st.session_state.pop(stale, None)
    st.session_state["reports_filter"] = where

st.header("Programme report")
title = st.text_input(
    "Title",
    value=f"{where.programme or 'Councillor training'}: what we have learnt",
    max_chars=150,
    key="reports_title",
)
if st.button("Write the report", type="primary", key="reports_write"):
    lessons = reports.write_lessons_document(
        database, theme_names, today, programme=where.programme
    )
    st.session_state["reports_markdown"] = programme_report.report_markdown(
        title, where, overview.headline, overview.charts, lessons, today
    )
    st.session_state["reports_html"] = programme_report.report_html(
        title, where, overview.headline, overview.charts, lessons, today
    )
if "reports_markdown" in st.session_state:
    left, right = st.columns(2)
    left.download_button(
        "Report (HTML, works offline)",
        st.session_state["reports_html"],
        "programme-report.html",
        "text/html",
        icon=":material/public:",
        width="stretch",
    )
    right.download_button(
        "Report (Markdown)",
        st.session_state["reports_markdown"],
        "programme-report.md",
        "text/markdown",
        icon=":material/article:",
        width="stretch",
    )
    with st.expander("Preview"):
        st.markdown(st.session_state["reports_markdown"])

st.header("Data exports")
st.caption(
    "CSV and Excel files safe to open: cells that a spreadsheet would run as formulas are"
    " written as text. Their first row says what they hold and which filters chose it."
    " Anonymous unless you include contact details, which exist only where an attendee opted"
    " in."
)
what = st.radio(
    "Export",
    list(reports.EXPORTS),
    horizontal=True,
    key="reports_what",
    format_func=str.capitalize,
)
include_contact = what == "responses" and st.checkbox(
    "Include opted-in contact details", key="reports_contact"
)
file_format = st.radio("Format", ["CSV", "Excel"], horizontal=True, key="reports_file_format")
if st.button("Prepare the export", key="reports_prepare"):
    table = reports.export_table(database, where, what, include_contact, today)
    columns, rows, caption = table.columns, table.rows, table.caption
    if table.note:
        st.info(table.note)
    bar = st.progress(0.0, text=f"Writing {plural(len(rows), 'row')}…")

    def report(done: int, total: int) -> None:
        bar.progress(
            min(done / total, 1.0) if total else 1.0,
            text=f"Written {done:,} of {plural(total, 'row')}",
        )

    try:
        data = (
            export.rows_to_csv(rows, columns, caption=caption, progress=report)
            if file_format == "CSV"
            else export.rows_to_xlsx(
                {what.capitalize(): (columns, rows)}, caption=caption, progress=report
            )
        )
    except ValueError as too_big:
        st.error(str(too_big))
    else:
        bar.empty()
        st.session_state["reports_export"] = (
            data,
            f"{what}.{'csv' if file_format == 'CSV' else 'xlsx'}",
            len(rows),
            file_format,
            include_contact,
        )
if "reports_export" in st.session_state:
    data, name, count, kind, with_contact = st.session_state["reports_export"]
    label = f"Download {name} ({plural(count, 'row')})"
    mime = (
        "text/csv"
        if kind == "CSV"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    if with_contact:
        # Names and contact details: a one-time link for this signed-in session only.
        ui_auth.private_download(label, lambda: data, name, mime, key="reports_download")
    else:
        st.download_button(label, data, name, mime, icon=":material/download:")
