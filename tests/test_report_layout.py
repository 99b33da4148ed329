"""The programme report reads on paper and on a phone: every chart names both axes and
grows its margins to fit its labels; the HTML keeps to the screen's width."""

from datetime import date

from streamlit.testing.v1 import AppTest

from lessons import charts, programme_report, reports, store, tagging, trends
from tests.conftest import ROOT, make_account, signed_in

TODAY = date(2026, 11, 25)


def demo_charts(db: store.Database) -> tuple[trends.TrendOverview, dict[str, str]]:
    names = {t.id: t.name for t in tagging.list_themes(db, include_retired=True)}
    return trends.trend_overview(db, store.TrendFilter(), names), names


def test_every_trend_chart_names_both_axes_and_makes_room_for_them(demo_copy):
    db, _ = demo_copy(TODAY)
    overview, names = demo_charts(db)
    figures = {chart.key: chart.figure for chart in overview.charts if chart.figure is not None}
    assert len(figures) == len(overview.charts) == 9  # the two follow-up charts too
    for key, figure in figures.items():
        layout = figure.layout
        assert layout.xaxis.title.text and layout.yaxis.title.text, key
        assert layout.xaxis.automargin and layout.yaxis.automargin, key
    heatmap = figures["themes"]
    assert (heatmap.layout.xaxis.title.text, heatmap.layout.yaxis.title.text) == ("Month", "Theme")
    [cells] = heatmap.data
    # Theme names label the rows (broken onto short lines), months the columns.
    assert {label.replace("<br>", " ").replace("&amp;", "&") for label in cells.y} <= set(
        names.values()
    )
    assert all(
        len(line) <= charts.LABEL_CHARACTERS + 6 for y in cells.y for line in y.split("<br>")
    )
    assert list(cells.x)[0] == "Apr 2025"


def test_the_post_mortem_charts_name_their_axes_too():
    frame = charts.counts_frame({"more_how": 3}, {"more_how": "Wanted more of the how"})
    for figure in (
        charts.bar_chart(frame, "Balance", horizontal=True),
        charts.sentiment_chart(charts.sentiment_frame({"positive": 2})),
        charts.themes_chart(charts.themes_frame([("Pace & length", 3, 1, 1)])),
    ):
        assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text


def test_the_html_report_has_no_toolbar_and_fits_the_screen(demo_copy):
    db, _ = demo_copy(TODAY)
    overview, names = demo_charts(db)
    lessons = reports.write_lessons_document(db, names, TODAY)
    page = programme_report.report_html(
        "Report", store.TrendFilter(), overview.headline, overview.charts, lessons, TODAY
    )
    assert '"displayModeBar": false' in page and '"responsive": true' in page
    assert "overflow-x:auto" in page and "@media print" in page


def test_labels_are_escaped_and_broken_onto_short_lines():
    assert charts.short_lines("Facilitators & delivery") == "Facilitators &amp;<br>delivery"
    assert charts.short_lines("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert charts.short_lines("") == ""


def test_a_wide_table_shows_its_key_columns_until_asked_for_all(db):
    fiona = make_account(db, "Fiona Marsden", "admin")
    at = signed_in(
        AppTest.from_file(str(ROOT / "pages" / "people.py"), default_timeout=60), fiona
    ).run()
    [table] = at.dataframe
    assert list(table.proto.column_order) == ["Name", "Role", "Active"]
    assert "Email" in table.value.columns  # the data is all there, one switch away
    at.toggle(key="people_table_all_columns").set_value(True).run()
    [table] = at.dataframe
    assert list(table.proto.column_order) == []
