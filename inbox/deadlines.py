"""When a conversation is due: by the end of the working day, urgent ones within minutes.

Working days skip weekends and Dutch public holidays (the `holidays` package's NL calendar),
adjusted per municipality: INBOX_EXTRA_CLOSED_DAYS adds closed days (MM-DD every year, or a
YYYY-MM-DD date), INBOX_WORKING_HOLIDAYS names public holidays it works on anyway.
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


@lru_cache(maxsize=64)
def _closed_days(year: int, extra: tuple[str, ...], working: tuple[str, ...]) -> frozenset[dt.date]:
    working_names = {name.strip().lower() for name in working}
    closed = {
        day
        for day, name in _holidays(year).items()
        if not any(part.strip().lower() in working_names for part in name.split(";"))
    }
    for value in extra:
        value = value.strip()
        try:
            if len(value) == 5:  # MM-DD, every year
                closed.add(dt.date(year, int(value[:2]), int(value[3:])))
            else:
                day = dt.date.fromisoformat(value)
                if day.year == year:
                    closed.add(day)
        except ValueError as exc:
            raise ValueError(f"INBOX_EXTRA_CLOSED_DAYS: {value!r} is not MM-DD or YYYY-MM-DD") from exc
    return frozenset(closed)


def closed_days(year: int) -> frozenset[dt.date]:
    """The days off in `year` besides weekends: public holidays as this municipality keeps them."""
    return _closed_days(
        year,
        tuple(getattr(settings, "INBOX_EXTRA_CLOSED_DAYS", ()) or ()),
        tuple(getattr(settings, "INBOX_WORKING_HOLIDAYS", ()) or ()),
    )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in closed_days(day.year)


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


def _workday_start_time() -> dt.time:
    hours, minutes = settings.INBOX_WORKDAY_START.split(":")
    return dt.time(int(hours), int(minutes))


def working_seconds_between(start: dt.datetime, end: dt.datetime) -> float:
    """Seconds of working time (working days, between the day's start and end) from start to end.

    A question asked on Friday evening and answered on Monday at 09:00 took half an hour of
    working time, not 62 hours: that is how the KCC's response times are judged.
    """
    if end <= start:
        return 0.0
    start, end = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    open_time, close_time = _workday_start_time(), _workday_end_time()
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            window_start = dt.datetime.combine(day, open_time, tzinfo=AMSTERDAM)
            window_end = dt.datetime.combine(day, close_time, tzinfo=AMSTERDAM)
            overlap = min(end, window_end) - max(start, window_start)
            total += max(overlap.total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return total
