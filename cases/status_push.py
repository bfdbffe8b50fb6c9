"""Writes for a case's status changes on their way to the back office (StatusPush rows).

Split from services.py by concern. A change is saved pending in the transaction that makes it;
the case's push task sends them oldest first, one at a time, and only once the zaak exists. Each
row moves along PUSH_TRANSITIONS by guarded conditional updates; the back office's status is
looked up before one is set, so a retry after an unknown outcome never sets it twice.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, CaseEvent, StatusPush
from .workflow import PUSH_TRANSITIONS, PushState, SyncState

logger = logging.getLogger(__name__)

PUSH_TASK = "cases.tasks.case_status_push"
UNFINISHED = (PushState.PENDING, PushState.PUSHING, PushState.FAILED)


class StatusPushError(Exception):
    """A refusal with a message fit to show the user."""


def push_state_move(*, push_id: int, expected: str, new: str, where: Q | None = None, **changes) -> bool:
    """The one way a status push moves: along PUSH_TRANSITIONS, as a guarded conditional update."""
    rows = StatusPush.objects.filter(pk=push_id)
    if where is not None:
        rows = rows.filter(where)
    return PUSH_TRANSITIONS.apply(rows, field="state", expected=expected, new=new, **changes)


def status_push_queue(
    *, case: Case, status: str, changed_at: dt.datetime, note: str = ""
) -> StatusPush | None:
    """Inside the transaction that changes the status: save the change for the back office, and
    hand the case to its push task after commit once the zaak exists (until then the registration
    does that when it is done). None for a case kept here only."""
    if case.backend == "local":
        return None
    push = StatusPush.objects.create(
        case=case, status=status, changed_at=changed_at.replace(microsecond=0), note=note[:1000]
    )
    if case.sync_state == SyncState.SYNCED:
        transaction.on_commit(lambda: enqueue_status_push(case.pk))
    return push


def enqueue_status_push(case_id: int) -> None:
    """Hand a case to its push task; if the broker is down, status_pushes_pending catches up."""
    from celery import current_app

    try:
        current_app.signature(PUSH_TASK, args=(case_id,)).apply_async()
    except Exception:
        logger.exception("Could not enqueue the status push of case %s", case_id)


def status_push_start(*, case_id: int) -> StatusPush | None:
    """Take the case's oldest unfinished status change (pending → pushing). None while the zaak
    does not exist yet, when nothing is pending, or while an older change is being sent or failed:
    the back office hears of a case's statuses in the order they happened."""
    if not Case.objects.filter(pk=case_id, sync_state=SyncState.SYNCED).exists():
        return None
    oldest = (
        StatusPush.objects.filter(case_id=case_id, state__in=UNFINISHED).order_by("changed_at", "pk").first()
    )
    if oldest is None or oldest.state != PushState.PENDING:
        return None
    taken = push_state_move(
        push_id=oldest.pk,
        expected=PushState.PENDING,
        new=PushState.PUSHING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    return StatusPush.objects.select_related("case", "case__registered_by").get(pk=oldest.pk)


def _event(push: StatusPush, kind: str, actor=None, **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case_id=push.case_id, actor=actor, kind=kind, to_status=push.status, data={"push": push.pk, **data}
    )


@transaction.atomic
def status_push_mark_pushed(*, push_id: int, reference: str) -> StatusPush | None:
    """The back office has the status. None when the push is no longer being sent (moved on)."""
    now = timezone.now()
    changes = {"reference": reference[:1000], "error": "", "pushed_at": now}
    if not push_state_move(push_id=push_id, expected=PushState.PUSHING, new=PushState.PUSHED, **changes):
        return None
    push = StatusPush.objects.get(pk=push_id)
    _event(push, CaseEvent.Kind.STATUS_PUSHED, reference=reference)
    return push


def status_push_mark_skipped(*, push_id: int, reason: str) -> StatusPush | None:
    """The back office keeps no such status: nothing to send, and later changes go on."""
    moved = push_state_move(
        push_id=push_id, expected=PushState.PUSHING, new=PushState.SKIPPED, error=reason[:2000]
    )
    return StatusPush.objects.get(pk=push_id) if moved else None


@transaction.atomic
def status_push_mark_failed(*, push_id: int, error: str, will_retry: bool = False) -> StatusPush | None:
    """A failed attempt: back to pending when the task retries, else failed for a person to see.
    Later changes of the case wait behind a failed one. None when the push moved on."""
    error = error.replace("\x00", "")[:2000]
    new = PushState.PENDING if will_retry else PushState.FAILED
    if not push_state_move(push_id=push_id, expected=PushState.PUSHING, new=new, error=error):
        return None
    push = StatusPush.objects.get(pk=push_id)
    if not will_retry:
        _event(push, CaseEvent.Kind.STATUS_PUSH_FAILED, error=push.error)
    return push


@transaction.atomic
def status_push_retry(*, push_id: int, user: AbstractBaseUser) -> StatusPush:
    """A person sends a refused status again (after the back office or ZGW_STATUSTYPEN was fixed)."""
    if not push_state_move(push_id=push_id, expected=PushState.FAILED, new=PushState.PENDING, error=""):
        raise StatusPushError(_("Only a status the back office refused can be sent again."))
    push = StatusPush.objects.get(pk=push_id)
    _event(push, CaseEvent.Kind.STATUS_PUSH_RETRIED, actor=user)
    transaction.on_commit(lambda: enqueue_status_push(push.case_id))
    return push


def status_pushes_pending() -> int:
    """Beat's safety net: attempts whose worker went quiet go back to pending (the status is looked
    up before it is set), and every synced case with a pending change is handed to its task."""
    stale_before = timezone.now() - dt.timedelta(minutes=settings.CASES_SYNC_STALE_MINUTES)
    for push_id in StatusPush.objects.filter(
        state=PushState.PUSHING, started_at__lt=stale_before
    ).values_list("pk", flat=True):
        push_state_move(
            push_id=push_id,
            expected=PushState.PUSHING,
            new=PushState.PENDING,
            where=Q(started_at__lt=stale_before),
            error="The attempt was interrupted; the status is looked up before it is set again.",
        )
    case_ids = list(
        StatusPush.objects.filter(state=PushState.PENDING, case__sync_state=SyncState.SYNCED)
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case_id in case_ids:
        enqueue_status_push(case_id)
    return len(case_ids)


def case_has_pending_pushes(case_id: int) -> bool:
    return StatusPush.objects.filter(case_id=case_id, state=PushState.PENDING).exists()
