"""Wall-clock time in the UK, where every council using this works.

Times are stored as naive local times (Europe/London) so a session at 18:30
reads as 18:30 in every export and chart, whatever the server's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def now_local() -> datetime:
    return datetime.now(UK).replace(tzinfo=None, microsecond=0)


def today_local() -> date:
    return now_local().date()
