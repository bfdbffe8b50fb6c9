"""Channel accounts: connecting (and reconnecting) one, and its poll outcome (the poll lock is in
inbox/poll_lock.py)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..incoming import storable_text
from ..models import Account, Team
from .base import ServiceError


@transaction.atomic
def account_connect(
    *,
    platform: str,
    handle: str,
    team_slug: str | None = None,
    display_name: str | None = None,
    poll_interval_seconds: int | None = None,
    credentials: dict | None = None,
    config: dict | None = None,
    default_config: dict | None = None,
) -> tuple[Account, bool]:
    """Add an account, or update and reconnect an existing one: only what is given changes.

    Connecting again is how an admin repairs an account that needs reconnection, so polling
    starts afresh (the cursor is kept: nothing is fetched twice).
    """
    account = Account.objects.select_for_update().filter(platform=platform, handle=handle).first()
    created = account is None
    if created:
        account = Account(
            platform=platform, handle=handle, poll_interval_seconds=15, config=default_config or {}
        )
    if team_slug or created:
        account.team = _team(team_slug or "kcc")
    if display_name or created:
        account.display_name = display_name or handle
    if poll_interval_seconds is not None:
        account.poll_interval_seconds = max(1, poll_interval_seconds)
    if credentials is not None:
        account.credentials = credentials
    account.config = {**account.config, **(config or {})}
    account.enabled = True
    account.poll_status = Account.PollStatus.NEVER
    account.poll_error = ""
    account.poll_warning = ""
    # Due at once: and a reference for "stalled" should no poll come.
    account.next_poll_at = timezone.now()
    account.save()
    return account, created


def _team(value: str) -> Team:
    team = Team.objects.filter(slug=value).first() or Team.objects.filter(name__iexact=value).first()
    if team is None and value == "kcc":
        team = Team.objects.create(name="KCC", slug="kcc", kind=Team.Kind.KCC)
    if team is None:
        known = ", ".join(Team.objects.values_list("slug", flat=True))
        raise ServiceError(f"No team {value!r}. Known: {known}")
    return team


def account_poll_failed(*, account_id: int, status: str, error: str, retry_at: dt.datetime | None) -> None:
    Account.objects.filter(pk=account_id).update(
        poll_status=status,
        poll_error=storable_text(error)[:2000],
        last_polled_at=timezone.now(),
        next_poll_at=retry_at,
    )
