"""Intake over time against what is normal: the hourly chart, its typical day and the peak check.

A comparison needs history: "normal for this hour and weekday" means the same window on at least
`REPORTS_PEAK_MIN_WEEKS` earlier weeks that lie within the data we have (from the first message's
platform time on). Without them there is nothing to compare with, and nothing is called a peak.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.db.models.functions import ExtractHour

from inbox.deadlines import AMSTERDAM
from inbox.models import Message

from ..models import PeakAlert, PeakDismissal
from .figures import Scope, day_bounds
from .tallies import tallied_day

HOUR = dt.timedelta(hours=1)
# A peak began where intake first ran at the peak's rate: found in slots of this length.
PEAK_SLOT = dt.timedelta(minutes=10)


def history_start() -> dt.datetime | None:
    """The platform time of the first message we hold: from then on a quiet hour is a real zero."""
    return Message.objects.filter(direction=Message.Direction.INBOUND).aggregate(first=Min("created_at"))[
        "first"
    ]


def comparable_weeks(window_start: dt.datetime, weeks: int, first: dt.datetime | None) -> list[int]:
    """Which of the previous `weeks` weeks hold this window within our history (1 = a week ago).

    Weeks are subtracted on the Amsterdam wall clock (aware arithmetic with a ZoneInfo), so the
    hour compared is the same hour of the working day across a daylight-saving change.
    """
    if first is None:
        return []
    local = window_start.astimezone(AMSTERDAM)
    return [week for week in range(1, weeks + 1) if local - dt.timedelta(weeks=week) >= first]


def intake_per_hour(day: dt.date, scope: Scope, *, use_tallies: bool = True) -> list[int]:
    """Citizens' messages per hour of the Amsterdam day (a 25-hour day adds its repeated hour up)."""
    start, end = day_bounds(day)
    if use_tallies and scope.tallied:
        return tallied_day(start, end, scope.account)["per_hour"]
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


def typical_intake_per_hour(
    day: dt.date, scope: Scope, weeks: int | None = None, *, first: dt.datetime | None = None
) -> list[float] | None:
    """The mean intake per hour on the same weekday over the previous `weeks` weeks (default
    REPORTS_PEAK_MIN_WEEKS), or None while our history does not reach back that far."""
    weeks = weeks or settings.REPORTS_PEAK_MIN_WEEKS
    start, _end = day_bounds(day)
    covered = comparable_weeks(start, weeks, first if first is not None else history_start())
    if len(covered) < weeks:
        return None
    totals = [0] * 24
    for week in covered:
        for hour, n in enumerate(intake_per_hour(day - dt.timedelta(weeks=week), scope)):
            totals[hour] += n
    return [round(total / weeks, 1) for total in totals]


def last_hour_intake(now: dt.datetime) -> int:
    return Message.objects.filter(
        direction=Message.Direction.INBOUND, created_at__gt=now - HOUR, created_at__lte=now
    ).count()


@dataclass(frozen=True)
class HourBaseline:
    """Normal intake for the hour up to a moment: the mean over `weeks` comparable earlier weeks."""

    weeks: int
    mean: float | None  # None: fewer comparable weeks than REPORTS_PEAK_MIN_WEEKS, no comparison

    @property
    def comparable(self) -> bool:
        return self.mean is not None


def normal_hour_intake(now: dt.datetime, weeks: int = 8, *, first: dt.datetime | None = None) -> HourBaseline:
    """Mean intake in the same hour-long window on the same weekday over the previous weeks that
    lie within our history (up to `weeks`); no mean while fewer than REPORTS_PEAK_MIN_WEEKS do."""
    local = now.astimezone(AMSTERDAM)
    covered = comparable_weeks(local - HOUR, weeks, first if first is not None else history_start())
    if len(covered) < settings.REPORTS_PEAK_MIN_WEEKS:
        return HourBaseline(weeks=len(covered), mean=None)
    total = sum(last_hour_intake(local - dt.timedelta(weeks=week)) for week in covered)
    return HourBaseline(weeks=len(covered), mean=total / len(covered))


def peak_began(now: dt.datetime, threshold: float) -> dt.datetime | None:
    """When the burst in the hour up to `now` began: the first message of the latest run of
    ten-minute slots that each ran at the peak's rate (`threshold` an hour). None without messages."""
    times = list(
        Message.objects.filter(
            direction=Message.Direction.INBOUND, created_at__gt=now - HOUR, created_at__lte=now
        ).values_list("created_at", flat=True)
    )
    if not times:
        return None
    slots = int(HOUR / PEAK_SLOT)
    per_slot = [0] * slots
    for moment in times:
        per_slot[min(int((now - moment) / PEAK_SLOT), slots - 1)] += 1
    busy = [n * slots >= threshold for n in per_slot]
    newest = next((i for i, is_busy in enumerate(busy) if is_busy), None)
    if newest is None:
        return min(times)  # spread over the whole hour: it began an hour ago at the latest
    oldest = newest
    while oldest + 1 < slots and busy[oldest + 1]:
        oldest += 1
    return min(t for t in times if newest <= min(int((now - t) / PEAK_SLOT), slots - 1) <= oldest)


def peak_banner_alert(*, user, now: dt.datetime) -> PeakAlert | None:
    """The latest peak of the last two hours, unless this person dismissed it. Every page of everyone
    asks, and nearly always there is none: one statement compiled once per process, and the
    dismissal looked up only when there is a peak."""
    since = connection.ops.adapt_datetimefield_value(now - 2 * HOUR)
    alert = next(iter(PeakAlert.objects.raw(_latest_peak_statement(), [since])), None)
    if alert is None or PeakDismissal.objects.filter(user=user, began_at=alert.began_at).exists():
        return None
    return alert


@cache
def _latest_peak_statement() -> str:
    """The newest alert from a moment on (its one parameter), as the ORM writes it: building the
    query cost more than running it (ADR 0014)."""
    queryset = PeakAlert.objects.filter(hour_start__gte=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    return queryset.order_by("-hour_start")[:1].query.sql_with_params()[0]
