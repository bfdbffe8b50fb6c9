"""Reads for the channel screens: the accounts overview (admins) and the monitoring list (agents)."""

from django.db.models import QuerySet

from ..models import Account, MonitoringHit
from ..permissions import SEE_ALL_ROLES, roles

MONITORING_LIMIT = 200


def accounts_overview() -> list[Account]:
    """Every account with its team and poll state, troubled ones first."""
    trouble_first = {
        Account.PollStatus.NEEDS_RECONNECT: 0,
        Account.PollStatus.ERROR: 1,
        Account.PollStatus.RATE_LIMITED: 2,
    }
    accounts = list(Account.objects.select_related("team").order_by("platform", "handle"))
    return sorted(accounts, key=lambda a: trouble_first.get(a.poll_status, 9) if a.enabled else 10)


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
