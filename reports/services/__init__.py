"""Writes of the reports app: freezing a day's figures (and thawing it when late items change it),
raising a peak alert once, and dismissing its banner for one person."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import Account, Conversation, Role
from inbox.selectors.teamwork import adviser_on_duty

from ..models import DailySnapshot, PeakAlert, PeakDismissal
from ..selectors import day_figures, last_hour_intake, normal_hour_intake, peak_began, scopes_for_snapshot

logger = logging.getLogger(__name__)


def snapshot_freeze(*, day: dt.date) -> int:
    """Freeze `day`'s figures for every scope (only once the day is over). Returns how many were written.

    Every message is stored holding its account's row (a poll's or webhook's ingest, a promoted
    search hit). Holding every account's row while counting, the snapshot sees each message stored
    before it, and a message stored after it finds the snapshot and thaws it (`snapshots_thaw`).
    """
    if day >= timezone.localdate():
        raise ValueError("Only a finished day can be frozen.")
    written = 0
    with transaction.atomic():
        list(Account.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        for scope in scopes_for_snapshot():
            figures = day_figures(day, scope, use_snapshot=False)
            DailySnapshot.objects.update_or_create(date=day, scope=scope.key, defaults={"figures": figures})
            written += 1
    return written


def snapshots_thaw(day: dt.date) -> int:
    """A message from `day` arrived after the day ended: drop the snapshots of that day and every
    day since (the conversation was open through them all), so they are counted live until the
    nightly backfill freezes them again. Registered as inbox's late-arrival hook (reports/apps.py);
    runs in the storing transaction. Returns the number of snapshots dropped."""
    deleted, _by_model = DailySnapshot.objects.filter(date__gte=day).delete()
    if deleted:
        logger.info("Late message for %s: %d snapshots thawed", day, deleted)
    return deleted


def snapshots_backfill(*, limit: int = 60) -> int:
    """Freeze finished days that have no snapshot yet, newest first, at most `limit` days a run.

    Nightly this freezes yesterday and any day a late message thawed; on a database with history
    from before the dashboard it works back a couple of months per night until every day since the
    first conversation is frozen, so no page has to count a past day live for long. Returns the
    number of snapshots written.
    """
    first = Conversation.objects.aggregate(first=Min("started_at"))["first"]
    if first is None:
        return 0
    first_day = timezone.localtime(first).date()
    today = timezone.localdate()
    frozen = set(
        DailySnapshot.objects.filter(scope="all", date__gte=first_day).values_list("date", flat=True)
    )
    written, days_done, day = 0, 0, today - dt.timedelta(days=1)
    while day >= first_day and days_done < limit:
        if day not in frozen:
            written += snapshot_freeze(day=day)
            days_done += 1
        day -= dt.timedelta(days=1)
    return written


def peak_recipients() -> list:
    """The managers and the comms adviser on duty (they see press and political questions first)."""
    users = list(get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).exclude(email=""))
    adviser = adviser_on_duty()
    if adviser is not None and adviser.email and adviser not in users:
        users.append(adviser)
    return users


def peak_alert_check(*, now: dt.datetime | None = None) -> PeakAlert | None:
    """Raise an alert when intake in the last hour is far above normal for that hour and weekday.

    Only with a baseline: while fewer than REPORTS_PEAK_MIN_WEEKS earlier weeks hold that hour
    (a fresh install), nothing is compared and nothing is raised. One alert per clock hour: the
    unique hour makes a second check in the same hour a no-op. A peak still running an hour later
    keeps the moment it began and tells nobody again, so people are told once per peak.
    """
    now = now or timezone.now()
    baseline = normal_hour_intake(now)
    if not baseline.comparable:
        return None
    intake = last_hour_intake(now)
    threshold = max(settings.REPORTS_PEAK_MIN_INTAKE, settings.REPORTS_PEAK_FACTOR * baseline.mean)
    if intake < threshold:
        return None
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    ongoing = PeakAlert.objects.filter(hour_start=hour_start - dt.timedelta(hours=1)).first()
    began_at = ongoing.began_at if ongoing else peak_began(now, threshold) or now
    try:
        with transaction.atomic():
            alert = PeakAlert.objects.create(
                hour_start=hour_start,
                began_at=began_at,
                intake=intake,
                baseline=baseline.mean,
                notified=ongoing.notified if ongoing else [],
            )
    except IntegrityError:
        return None
    logger.warning("Peak alert: %d messages in the last hour (normal %.1f)", intake, baseline.mean)
    if ongoing:
        return alert
    recipients = peak_recipients()
    if recipients:
        send_mail(
            subject=_("Webcare peak: %(n)d messages in the last hour") % {"n": intake},
            message=_(
                "%(n)d messages came in during the last hour, since %(began)s; normally about %(normal).0f. "
                "Check the queue for a calamity, a political row or an event."
            )
            % {"n": intake, "began": f"{timezone.localtime(began_at):%H:%M}", "normal": baseline.mean},
            from_email=None,
            recipient_list=[user.email for user in recipients],
            fail_silently=True,
        )
        alert.notified = [user.get_username() for user in recipients]
        alert.save(update_fields=["notified"])
    return alert


@transaction.atomic
def peak_alert_dismiss(*, alert_id: int, user: AbstractBaseUser) -> PeakDismissal:
    """Hide the banner of this alert's peak for `user`, on all their devices; others still see it."""
    alert = PeakAlert.objects.get(pk=alert_id)
    dismissal, _created = PeakDismissal.objects.get_or_create(user=user, began_at=alert.began_at)
    return dismissal
