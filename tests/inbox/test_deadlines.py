import datetime as dt

import pytest

from inbox.deadlines import AMSTERDAM, due_at, end_of_working_day, is_working_day


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    "received,expected",
    [
        ("2026-11-30 09:00", "2026-11-30 17:00"),  # Monday morning: today
        ("2026-11-30 16:59", "2026-11-30 17:00"),
        ("2026-11-30 17:00", "2026-12-01 17:00"),  # at closing time: tomorrow
        ("2026-12-04 18:30", "2026-12-07 17:00"),  # Friday evening: Monday
        ("2026-12-05 11:00", "2026-12-07 17:00"),  # Saturday: Monday
        (
            "2026-12-24 17:30",
            "2026-12-28 17:00",
        ),  # Christmas Eve evening: past both Christmas days and Sunday
        ("2026-04-27 10:00", "2026-04-28 17:00"),  # Koningsdag (Monday 27 April 2026)
    ],
)
def test_due_by_end_of_the_working_day(received, expected):
    assert due_at(at(received)) == at(expected)


def test_urgent_is_due_within_minutes(settings):
    settings.INBOX_URGENT_MINUTES = 30
    assert due_at(at("2026-12-05 23:00"), urgent=True) == at("2026-12-05 23:30")


def test_workday_end_is_configurable(settings):
    settings.INBOX_WORKDAY_END = "16:30"
    assert end_of_working_day(at("2026-11-30 16:45")) == at("2026-12-01 16:30")


def test_public_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 12, 25))
    assert not is_working_day(dt.date(2026, 4, 27))
    assert is_working_day(dt.date(2026, 12, 23))


@pytest.mark.parametrize(
    "start,end,minutes",
    [
        ("2026-11-30 09:00", "2026-11-30 09:45", 45),  # within one morning
        ("2026-11-30 07:00", "2026-11-30 09:00", 30),  # before opening counts from 08:30
        ("2026-12-04 16:30", "2026-12-07 09:00", 60),  # Friday 16:30 → Monday 09:00: 30 + 30
        ("2026-11-30 18:00", "2026-11-30 22:00", 0),  # evening only
        ("2026-12-24 16:00", "2026-12-28 08:45", 75),  # 60 on Christmas Eve, holidays and Sunday skipped, 15 on Monday
    ],
)
def test_working_time_between_two_moments(start, end, minutes):
    from inbox.deadlines import working_seconds_between

    assert working_seconds_between(at(start), at(end)) == minutes * 60
