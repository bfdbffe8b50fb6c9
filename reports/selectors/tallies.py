"""A day's volumes from the hourly tallies (ADR 0018): intake, starts, answers, replies and closes
per account and hour, and the first response times, without counting the day's messages again.

The tallies are kept per account (and so per channel); a team is not a fixed property of what they
count (forwarding, escalation and re-routing move a conversation's whole history), so a team's
figures are counted from the rows, as before.
"""

import datetime as dt

from inbox.deadlines import AMSTERDAM

from ..models import ConversationTally, HourTally


def tallied_day(start: dt.datetime, end: dt.datetime, account: str = "") -> dict:
    """Sums over the hours from `start` to `end` (all accounts, or the one with this handle)."""
    rows = HourTally.objects.filter(hour__gte=start, hour__lt=end)
    if account:
        rows = rows.filter(account__handle=account)
    totals = {"inbound": 0, "replies_sent": 0, "started": 0, "answered": 0, "closed": 0}
    by_channel: dict[str, int] = {}
    by_account: dict[str, int] = {}
    per_hour = [0] * 24
    for hour, handle, platform, *counts in rows.values_list(
        "hour", "account__handle", "account__platform", *totals
    ):
        for name, n in zip(totals, counts, strict=True):
            totals[name] += n
        inbound = counts[0]
        if inbound:
            by_channel[platform] = by_channel.get(platform, 0) + inbound
            by_account[handle] = by_account.get(handle, 0) + inbound
            per_hour[hour.astimezone(AMSTERDAM).hour] += inbound
    return {
        **totals,
        "by_channel": dict(sorted(by_channel.items())),
        "by_account": dict(sorted(by_account.items())),
        "per_hour": per_hour,
    }


def tallied_response_minutes(
    start: dt.datetime, end: dt.datetime, account: str = ""
) -> tuple[list[float], list[float]]:
    """(working, clock) minutes to the first answer of the conversations first answered in the window."""
    rows = ConversationTally.objects.filter(answered_at__gte=start, answered_at__lt=end)
    if account:
        rows = rows.filter(account__handle=account)
    pairs = list(rows.values_list("working_minutes", "clock_minutes"))
    return [working for working, _ in pairs], [clock for _, clock in pairs]
