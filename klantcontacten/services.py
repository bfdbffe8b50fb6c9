"""Every write to klantcontacten. Each move of a klantcontact's sync state is a guarded conditional
update along SYNC_TRANSITIONS, next to the event it writes, in one transaction."""

import datetime as dt
import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Klantcontact, KlantcontactEvent
from .records import ContactRecord
from .workflow import SYNC_TRANSITIONS, SyncState

logger = logging.getLogger(__name__)

PUSH_TASK = "klantcontacten.tasks.klantcontact_push"


class KlantcontactError(Exception):
    """A refusal with a message fit to show the user."""


def enabled() -> bool:
    """Off unless KLANTINTERACTIES_API_URL is set."""
    return bool(settings.KLANTINTERACTIES_API_URL)


def sync_state_move(
    *, klantcontact_id: int, expected: str, new: str, where: Q | None = None, **changes
) -> bool:
    """The one way a klantcontact's sync state moves. False when it is no longer at `expected`."""
    rows = Klantcontact.objects.filter(pk=klantcontact_id)
    if where is not None:
        rows = rows.filter(where)
    return SYNC_TRANSITIONS.apply(
        rows, field="state", expected=expected, new=new, updated_at=timezone.now(), **changes
    )


def _event(klantcontact: Klantcontact, kind: str, actor=None, **data) -> KlantcontactEvent:
    return KlantcontactEvent.objects.create(klantcontact=klantcontact, actor=actor, kind=kind, data=data)


def enqueue_push(klantcontact_id: int) -> None:
    """Hand a klantcontact to the push task; if the broker is down, klantcontacten_pending catches up."""
    try:
        current_app.signature(PUSH_TASK, args=(klantcontact_id,)).apply_async()
    except Exception:
        logger.exception("Could not enqueue klantcontact %s; the beat safety net will", klantcontact_id)


def klantcontact_record(
    *, conversation_id: int, record: ContactRecord, actor: AbstractBaseUser | None = None
) -> Klantcontact | None:
    """Inside the transaction that closes an answered conversation: save what Open Klant is to
    have, before any call, and hand it to the push task after commit. Closed again after a reopen:
    the same klantcontact, to be updated. None when Open Klant is not configured."""
    if not enabled():
        return None
    data = record.to_json()
    klantcontact = Klantcontact.objects.select_for_update().filter(conversation_id=conversation_id).first()
    if klantcontact is None:
        klantcontact = Klantcontact.objects.create(conversation_id=conversation_id, record=data)
        _event(klantcontact, KlantcontactEvent.Kind.QUEUED, actor=actor)
    elif klantcontact.record != data:
        Klantcontact.objects.filter(pk=klantcontact.pk).update(record=data, version=F("version") + 1)
        for done in (SyncState.SYNCED, SyncState.FAILED):  # pushing, pending, unknown: pushed again anyway
            sync_state_move(klantcontact_id=klantcontact.pk, expected=done, new=SyncState.PENDING, error="")
        klantcontact.refresh_from_db()
        _event(klantcontact, KlantcontactEvent.Kind.UPDATE_QUEUED, actor=actor, version=klantcontact.version)
    else:
        return klantcontact  # closed again with nothing new to register
    transaction.on_commit(lambda: enqueue_push(klantcontact.pk))
    return klantcontact


def klantcontact_push_start(*, klantcontact_id: int) -> Klantcontact | None:
    """Take a pending (or unknown) klantcontact for an attempt; None when another has it or it is done."""
    changes = {"started_at": timezone.now(), "attempts": F("attempts") + 1}
    for waiting in (SyncState.PENDING, SyncState.UNKNOWN):
        if sync_state_move(
            klantcontact_id=klantcontact_id, expected=waiting, new=SyncState.PUSHING, **changes
        ):
            return Klantcontact.objects.get(pk=klantcontact_id)
    return None


def klantcontact_progress(*, klantcontact_id: int, remote_uuid: str) -> None:
    """Keep Open Klant's uuid as soon as it is known (not a move: the attempt goes on)."""
    Klantcontact.objects.filter(pk=klantcontact_id).update(remote_uuid=remote_uuid[:36])


@transaction.atomic
def klantcontact_mark_synced(*, klantcontact_id: int, version: int, created: bool) -> Klantcontact | None:
    """The attempt registered `version` of the record. If the conversation was closed again
    meanwhile, back to pending for the newer version. None when the attempt was no longer current."""
    now = timezone.now()
    synced = sync_state_move(
        klantcontact_id=klantcontact_id,
        expected=SyncState.PUSHING,
        new=SyncState.SYNCED,
        where=Q(version=version),
        pushed_version=version,
        error="",
        synced_at=now,
    )
    if not synced:
        if not sync_state_move(
            klantcontact_id=klantcontact_id,
            expected=SyncState.PUSHING,
            new=SyncState.PENDING,
            pushed_version=version,
        ):
            return None
        transaction.on_commit(lambda: enqueue_push(klantcontact_id))
    klantcontact = Klantcontact.objects.get(pk=klantcontact_id)
    kind = KlantcontactEvent.Kind.REGISTERED if created else KlantcontactEvent.Kind.UPDATED
    _event(klantcontact, kind, uuid=klantcontact.remote_uuid, version=version)
    return klantcontact


@transaction.atomic
def klantcontact_mark_failed(
    *, klantcontact_id: int, error: str, will_retry: bool = False, unknown: bool = False
) -> Klantcontact | None:
    """A failed attempt: unknown (a write may have happened; looked up on the retry), pending (a
    fault before anything was written), or failed for a person to see. None when no longer current."""
    new = SyncState.FAILED
    if will_retry:
        new = SyncState.UNKNOWN if unknown else SyncState.PENDING
    error = error.replace("\x00", "")[:2000]
    if not sync_state_move(klantcontact_id=klantcontact_id, expected=SyncState.PUSHING, new=new, error=error):
        return None
    klantcontact = Klantcontact.objects.get(pk=klantcontact_id)
    if new == SyncState.FAILED:
        _event(klantcontact, KlantcontactEvent.Kind.FAILED, error=klantcontact.error)
    return klantcontact


@transaction.atomic
def klantcontact_retry(*, klantcontact_id: int, user: AbstractBaseUser) -> Klantcontact:
    """A person sends a refused klantcontact again (after Open Klant or the settings were fixed)."""
    if not sync_state_move(klantcontact_id=klantcontact_id, expected=SyncState.FAILED, new=SyncState.PENDING):
        raise KlantcontactError(_("Only a klantcontact Open Klant refused can be sent again."))
    klantcontact = Klantcontact.objects.get(pk=klantcontact_id)
    _event(klantcontact, KlantcontactEvent.Kind.RETRIED, actor=user)
    transaction.on_commit(lambda: enqueue_push(klantcontact_id))
    return klantcontact


def klantcontacten_stale_unknown() -> int:
    """Attempts whose worker went quiet may have written: unknown, so the next one looks first."""
    stale_before = timezone.now() - dt.timedelta(minutes=settings.KLANTINTERACTIES_STALE_MINUTES)
    moved = 0
    for klantcontact_id in Klantcontact.objects.filter(
        state=SyncState.PUSHING, started_at__lt=stale_before
    ).values_list("pk", flat=True):
        moved += sync_state_move(
            klantcontact_id=klantcontact_id,
            expected=SyncState.PUSHING,
            new=SyncState.UNKNOWN,
            where=Q(started_at__lt=stale_before),
            error="The attempt was interrupted; Open Klant is looked at before anything is written again.",
        )
    return moved


def klantcontacten_waiting(*, include_fresh: bool = False) -> list[int]:
    """Klantcontacten no task seems to be handling: waiting over a minute (all, for the command)."""
    waiting = Klantcontact.objects.filter(state__in=(SyncState.PENDING, SyncState.UNKNOWN))
    if not include_fresh:
        waiting = waiting.filter(updated_at__lt=timezone.now() - dt.timedelta(minutes=1))
    return list(waiting.order_by("pk").values_list("pk", flat=True))


def klantcontacten_pending() -> int:
    """Beat's safety net: interrupted attempts become unknown, and everything waiting is handed on."""
    klantcontacten_stale_unknown()
    waiting = klantcontacten_waiting()
    for klantcontact_id in waiting:
        enqueue_push(klantcontact_id)
    return len(waiting)
