"""When a conversation is due: by the end of the working day, urgent ones within minutes.

Working days skip weekends and Dutch public holidays (the `holidays` package's NL calendar).
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _workday_end_time() -> dt.time:
    hours, minutes = settings.INBOX_WORKDAY_END.split(":")
    return dt.time(int(hours), int(minutes))


def end_of_working_day(moment: dt.datetime) -> dt.datetime:
    """The end of the working day `moment` falls in; after hours or on a day off, the next one's."""
    local = moment.astimezone(AMSTERDAM)
    end_time = _workday_end_time()
    day = local.date()
    if local.time() >= end_time or not is_working_day(day):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return dt.datetime.combine(day, end_time, tzinfo=AMSTERDAM)


def due_at(received_at: dt.datetime, *, urgent: bool = False) -> dt.datetime:
    if urgent:
        return received_at + dt.timedelta(minutes=settings.INBOX_URGENT_MINUTES)
    return end_of_working_day(received_at)
