"""Reads for the channel screens: the accounts and how their polling goes (admins, /healthz), and the
monitoring list (agents)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Account, MonitoringHit
from ..permissions import SEE_ALL_ROLES, roles
from ..poll_lock import polls_running

MONITORING_LIMIT = 200


# An account is stalled when its poll is this many intervals (plus the margin) overdue, or when
# the poll that holds its lock has been running longer than a poll ever should.
STALLED_AFTER_INTERVALS = 3
STALLED_MARGIN = dt.timedelta(seconds=60)
POLL_TOO_LONG = dt.timedelta(minutes=15)


def poll_stalled(account: Account, *, polling_since: dt.datetime | None, now: dt.datetime) -> bool:
    """Enabled, not waiting for a reconnection, and yet not being polled as it should be."""
    if not account.enabled or account.poll_status == Account.PollStatus.NEEDS_RECONNECT:
        return False
    if polling_since is not None:
        return now - polling_since > POLL_TOO_LONG
    interval = dt.timedelta(seconds=account.poll_interval_seconds)
    due = account.next_poll_at or (account.last_polled_at and account.last_polled_at + interval)
    if due is None:
        return False  # never polled and never scheduled: nothing to measure against
    return now > due + (STALLED_AFTER_INTERVALS - 1) * interval + STALLED_MARGIN


def accounts_poll_state(now: dt.datetime | None = None) -> list[Account]:
    """Every account with its team, and `polling_since` (the running poll's start, while it holds
    the lock) and `stalled` set on each: the one reading of "is this account polled" for the
    accounts page and /healthz."""
    now = now or timezone.now()
    running = polls_running(now)
    accounts = list(Account.objects.select_related("team").order_by("platform", "handle"))
    for account in accounts:
        account.polling_since = running.get(account.pk)
        account.stalled = poll_stalled(account, polling_since=account.polling_since, now=now)
    return accounts


def accounts_overview() -> list[Account]:
    """Every account with its team and poll state, troubled ones first."""
    trouble_first = {
        Account.PollStatus.NEEDS_RECONNECT: 0,
        Account.PollStatus.ERROR: 2,
        Account.PollStatus.RATE_LIMITED: 3,
    }

    def trouble(account: Account) -> int:
        if not account.enabled:
            return 10
        return 1 if account.stalled else trouble_first.get(account.poll_status, 9)

    return sorted(accounts_poll_state(), key=trouble)


def visible_hits(user) -> QuerySet:
    """Hits of every account for the KCC; wijkbureau staff see their own team's accounts'."""
    hits = MonitoringHit.objects.all()
    user_roles = roles(user)
    if user_roles & SEE_ALL_ROLES:
        return hits
    return hits.filter(account__team__members=user)


def monitoring_hits(*, user, state: str = MonitoringHit.State.NEW) -> list[MonitoringHit]:
    return list(
        visible_hits(user)
        .filter(state=state)
        .select_related("account", "decided_by", "conversation")
        .order_by("-created_at", "-pk")[:MONITORING_LIMIT]
    )


def monitoring_counts(*, user) -> dict[str, int]:
    hits = visible_hits(user)
    return {state: hits.filter(state=state).count() for state in MonitoringHit.State.values}
