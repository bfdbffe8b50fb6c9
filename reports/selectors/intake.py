"""Intake over time against what is normal: the hourly chart, its typical day and the peak check."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import ExtractHour

from inbox.deadlines import AMSTERDAM
from inbox.models import Message

from .figures import Scope, day_bounds


def intake_per_hour(day: dt.date, scope: Scope) -> list[int]:
    start, end = day_bounds(day)
    counts = [0] * 24
    rows = (
        scope.messages()
        .filter(direction=Message.Direction.INBOUND, created_at__gte=start, created_at__lt=end)
        .annotate(hour=ExtractHour("created_at", tzinfo=AMSTERDAM))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .values_list("hour", "n")
    )
    for hour, n in rows:
        counts[hour] += n
    return counts


def typical_intake_per_hour(day: dt.date, scope: Scope, weeks: int = 4) -> list[float]:
    """The mean intake per hour on the same weekday over the previous weeks."""
    totals = [0] * 24
    for week in range(1, weeks + 1):
        for hour, n in enumerate(intake_per_hour(day - dt.timedelta(weeks=week), scope)):
            totals[hour] += n
    return [round(total / weeks, 1) for total in totals]


def last_hour_intake(now: dt.datetime) -> int:
    return Message.objects.filter(
        direction=Message.Direction.INBOUND, created_at__gt=now - dt.timedelta(hours=1), created_at__lte=now
    ).count()


def normal_hour_intake(now: dt.datetime, weeks: int = 8) -> float:
    """Mean intake in the same hour-long window on the same weekday over the previous weeks.

    Weeks are subtracted on the Amsterdam wall clock (aware arithmetic with a ZoneInfo), so the
    hour compared is the same hour of the working day across a daylight-saving change.
    """
    local = now.astimezone(AMSTERDAM)
    total = 0
    for week in range(1, weeks + 1):
        total += last_hour_intake(local - dt.timedelta(weeks=week))
    return total / weeks
