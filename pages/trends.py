"""Trends: how the programme is doing across sessions, councils, facilitators and time."""

import streamlit as st

from lessons import ui_auth, ui_trends
from lessons.choices import MIN_GROUP_SIZE
from lessons.wording import plural

ui_auth.require_role("lead")
st.title("Trends")

where = ui_trends.trend_filter_controls("trends", by_source=True)
overview = ui_trends.trend_overview(where)
headline = overview.headline

if headline.sessions == 0:
    st.info("No delivered sessions match these filters.")
    st.stop()

row = st.columns(3)
row[0].metric("Sessions", headline.sessions)
row[1].metric("Responses", f"{headline.responses:,}")
row[2].metric(
    "Response rate",
    f"{headline.response_rate:.0%}" if headline.response_rate is not None else "—",
    help="Responses as a share of expected attendees, for sessions that gave a number.",
)
row = st.columns(3)
row[0].metric(
    "Mean rating", f"{headline.mean_rating:.2f} / 5" if headline.mean_rating is not None else "—"
)
row[1].metric(
    "Mean confidence uplift",
    f"{headline.mean_uplift:+.2f}" if headline.mean_uplift is not None else "—",
)
row[2].metric(
    "Critical comments",
    f"{headline.negative_share:.0%}" if headline.negative_share is not None else "—",
    help=f"Of {plural(headline.comments, 'comment')} on the day (the follow-up's are not"
    " counted here), after people's corrections.",
)
if headline.figures_hidden:
    st.info(
        f"Fewer than {MIN_GROUP_SIZE} responses match these filters: figures are hidden to keep"
        " people anonymous."
    )
    st.stop()

for chart in overview.charts:
    ui_trends.show_trend_chart(chart)
