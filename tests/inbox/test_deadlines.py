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
# --- Around closing time, Fridays, Koningsdag, Christmas; the municipality's own calendar --------


@pytest.mark.parametrize(
    "received,expected",
    [
        ("2026-12-01 16:59:59", "2026-12-01 17:00"),  # a second before closing: today
        ("2026-12-01 17:00:01", "2026-12-02 17:00"),  # a second after: tomorrow
        ("2026-12-01 23:59", "2026-12-02 17:00"),
        ("2026-12-02 00:01", "2026-12-02 17:00"),  # after midnight: that day
        ("2026-12-04 16:30", "2026-12-04 17:00"),  # Friday afternoon: Friday
        ("2026-12-04 17:00", "2026-12-07 17:00"),  # Friday at closing: Monday
        ("2026-12-06 23:00", "2026-12-07 17:00"),  # Sunday night: Monday
        ("2026-04-24 17:30", "2026-04-28 17:00"),  # Friday evening before Koningsdag Monday: Tuesday
        ("2026-04-27 08:00", "2026-04-28 17:00"),  # on Koningsdag itself
        ("2026-04-26 12:00", "2026-04-28 17:00"),  # Sunday before Koningsdag
        ("2025-04-25 17:05", "2025-04-28 17:00"),  # Koningsdag on a Saturday (26 April 2025): Monday
        ("2026-12-24 16:00", "2026-12-24 17:00"),  # Christmas Eve is a working day
        ("2026-12-25 10:00", "2026-12-28 17:00"),  # Christmas Day (Friday), Boxing Day, Sunday
        ("2027-12-24 17:30", "2027-12-27 17:00"),  # Christmas 2027 falls on the weekend: Monday
        (
            "2026-12-31 17:30",
            "2027-01-04 17:00",
        ),  # New Year's Eve evening: past New Year's Day and the weekend
    ],
)
def test_due_around_closing_time_weekends_and_holidays(received, expected):
    assert due_at(at(received)) == at(expected)


def test_a_friday_message_after_hours_is_urgent_within_minutes(settings):
    settings.INBOX_URGENT_MINUTES = 15
    assert due_at(at("2026-12-04 17:30"), urgent=True) == at("2026-12-04 17:45")


def test_due_is_in_amsterdam_time_whatever_the_input_zone():
    received = dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC)  # 17:30 in Amsterdam (summer time)
    assert due_at(received) == at("2026-07-02 17:00")


def test_good_friday_is_closed_by_default_and_can_be_opened(settings):
    assert not is_working_day(dt.date(2026, 4, 3))
    settings.INBOX_WORKING_HOLIDAYS = ["Good Friday"]
    assert is_working_day(dt.date(2026, 4, 3))
    assert due_at(at("2026-04-02 17:30")) == at("2026-04-03 17:00")


def test_extra_closed_days_every_year_or_once(settings):
    # 5 May is a public holiday only every fifth year in the NL calendar; a municipality may close yearly.
    assert is_working_day(dt.date(2026, 5, 5))
    settings.INBOX_EXTRA_CLOSED_DAYS = ["05-05", "2026-12-31"]
    assert not is_working_day(dt.date(2026, 5, 5))
    assert not is_working_day(dt.date(2027, 5, 5))
    assert not is_working_day(dt.date(2026, 12, 31))
    assert is_working_day(dt.date(2027, 12, 31))
    assert due_at(at("2026-05-04 18:00")) == at("2026-05-06 17:00")


def test_a_malformed_extra_day_is_a_clear_error(settings):
    settings.INBOX_EXTRA_CLOSED_DAYS = ["5 mei"]
    with pytest.raises(ValueError, match="INBOX_EXTRA_CLOSED_DAYS: '5 mei' is not MM-DD or YYYY-MM-DD"):
        is_working_day(dt.date(2026, 5, 5))
