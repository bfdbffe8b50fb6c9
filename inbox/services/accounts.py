"""Channel accounts: connecting (and reconnecting) one, and its poll outcome (the poll lock is in
inbox/poll_lock.py)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record

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
    replace_config: bool = False,
    enabled: bool = True,
    audit_via: str = "",
) -> tuple[Account, bool]:
    """Add an account, or update and reconnect an existing one: only what is given changes.

    Connecting again is how an admin repairs an account that needs reconnection, so polling
    starts afresh (the cursor is kept: nothing is fetched twice). `config` is merged into the
    account's configuration, or replaces it (`replace_config`, the admin's form); `enabled=False`
    switches the account off. Changed credentials are audited by name, never by value; with
    `audit_via` (the commands) the change itself is audited too (the admin audits its own).
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
    old_credentials = {} if created else dict(account.credentials or {})
    if credentials is not None:
        account.credentials = credentials
    account.config = dict(config or {}) if replace_config else {**account.config, **(config or {})}
    account.enabled = enabled
    account.poll_status = Account.PollStatus.NEVER
    account.poll_error = ""
    account.poll_warning = ""
    # Due at once: and a reference for "stalled" should no poll come.
    account.next_poll_at = timezone.now()
    account.save()
    if credentials is not None:
        changed = sorted(
            k for k in {*old_credentials, *credentials} if old_credentials.get(k) != credentials.get(k)
        )
        if changed:
            audit_record(
                action=AuditEntry.Action.CREDENTIALS_CHANGED,
                actor_name=audit_via,
                via=audit_via,
                obj=account,
                detail={"keys": changed},
            )
    if audit_via:
        audit_record(
            action=AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
            actor_name=audit_via,
            via=audit_via,
            obj=account,
            detail={
                "team": account.team.slug,
                "enabled": account.enabled,
                "config_keys": sorted(account.config),
            },
        )
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
