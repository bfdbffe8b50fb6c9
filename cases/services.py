"""Every write to cases. One transaction and one case-timeline event each."""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import numbers, status_push
from .models import Case, CaseEvent, CaseNumberCounter, Category, ManualContact
from .workflow import CLOSED_STATUSES, STATUS_TRANSITIONS, SYNC_TRANSITIONS, Status, SyncState, can_transition

logger = logging.getLogger(__name__)

REGISTER_TASK = "cases.tasks.case_backoffice_register"


class CaseError(Exception):
    """A refusal with a message fit to show the user."""


def _clean(text: str) -> str:
    # Null bytes cannot be stored in PostgreSQL text; everything else is kept as typed.
    return (text or "").replace("\x00", "")


def _event(
    case: Case, *, kind: str, actor=None, from_status: str = "", to_status: str = "", **data
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, kind=kind, from_status=from_status, to_status=to_status, data=data
    )


def _locked(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


def status_move(*, case_id: int, expected: str, new: str, **changes) -> bool:
    """The one way a case's status moves: along the status table, as a guarded conditional update.

    False when the case is no longer at `expected`. Not a service (it writes no event): the
    services call it inside their own transaction, next to the event they write.
    """
    return STATUS_TRANSITIONS.apply(
        Case.objects.filter(pk=case_id), field="status", expected=expected, new=new, **changes
    )


def _next_sequence(year: int) -> int:
    """The next number of the year. The counter row stays locked until the caller commits, so
    concurrent registrations queue here; a rolled-back registration rolls its number back too
    (no gaps), and a committed one is never handed out again."""
    CaseNumberCounter.objects.bulk_create([CaseNumberCounter(year=year)], ignore_conflicts=True)
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def case_register(
    *,
    user: AbstractBaseUser | None,
    category: str,
    description: str,
    location: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    contact_name: str = "",
    contact_platform: str = "",
    contact_handle: str = "",
    source: dict | None = None,
) -> Case:
    """Give a report its number at once; the back office hears of it afterwards, through a task."""
    description = _clean(description).strip()
    if not description:
        raise CaseError(_("Describe the report first."))
    if category not in Category.values:
        raise CaseError(_("Choose a category."))
    if (latitude is None) != (longitude is None):
        raise CaseError(_("Give both latitude and longitude, or neither."))
    if latitude is not None and not (-90 <= float(latitude) <= 90 and -180 <= float(longitude) <= 180):
        raise CaseError(_("These coordinates do not exist."))
    year = timezone.localdate().year
    sequence = _next_sequence(year)
    backend = settings.CASES_BACKEND
    case = Case.objects.create(
        number=numbers.format_number(year, sequence),
        year=year,
        sequence=sequence,
        category=category,
        description=description,
        location=_clean(location).strip()[:300],
        latitude=None if latitude is None else round(Decimal(str(latitude)), 6),
        longitude=None if longitude is None else round(Decimal(str(longitude)), 6),
        contact_name=_clean(contact_name)[:500],
        contact_platform=_clean(contact_platform)[:20],
        contact_handle=_clean(contact_handle)[:200],
        registered_by=user,
        backend=backend,
        sync_state=SyncState.LOCAL if backend == "local" else SyncState.PENDING,
    )
    _event(case, kind=CaseEvent.Kind.REGISTERED, actor=user, to_status=case.status, **(source or {}))
    status_push.status_push_queue(case=case, status=case.status, changed_at=case.created_at)
    if case.sync_state == SyncState.PENDING:
        transaction.on_commit(lambda: enqueue_backoffice_register(case.pk))
    return case


def enqueue_backoffice_register(case_id: int) -> None:
    """Hand a case to the registration task; if the broker is down, cases_sync_pending catches up."""
    from celery import current_app

    try:
        current_app.signature(REGISTER_TASK, args=(case_id,)).apply_async()
    except Exception:
        logger.exception("Could not enqueue back-office registration of case %s", case_id)


@transaction.atomic
def case_conversation_link(
    *, case_id: int, conversation_id: int, channel: str, account: str, via: str, actor=None
) -> Case:
    """Record on the case that a conversation (on any channel) is about it. The inbox owns the link."""
    case = _locked(case_id)
    _event(
        case,
        kind=CaseEvent.Kind.CONVERSATION_LINKED,
        actor=actor,
        conversation=conversation_id,
        channel=channel,
        account=account,
        via=via,
    )
    case.save(update_fields=["updated_at"])
    return case


@transaction.atomic
def case_contact_log(
    *, case_id: int, user: AbstractBaseUser, channel: str, text: str, happened_at: dt.datetime | None = None
) -> ManualContact:
    case = _locked(case_id)
    text = _clean(text).strip()
    if channel not in ManualContact.Channel.values:
        raise CaseError(_("Choose phone, e-mail or counter."))
    if not text:
        raise CaseError(_("Write down what was said."))
    now = timezone.now()
    happened_at = happened_at or now
    if happened_at > now + dt.timedelta(minutes=5):
        raise CaseError(_("A contact cannot lie in the future."))
    contact = ManualContact.objects.create(
        case=case, channel=channel, text=text, happened_at=happened_at, recorded_by=user
    )
    _event(case, kind=CaseEvent.Kind.CONTACT_LOGGED, actor=user, contact=contact.pk, channel=channel)
    case.save(update_fields=["updated_at"])
    return contact


def _status_refused(case: Case, status: str) -> CaseError:
    return CaseError(
        _("A case cannot go from “%(old)s” to “%(new)s”.")
        % {"old": case.get_status_display(), "new": Status(status).label}
    )


@transaction.atomic
def case_status_change(
    *, case_id: int, user: AbstractBaseUser | None, status: str, note: str = "", source: str = "manual"
) -> Case:
    """Move a case along the transition table, by hand or because the back office says so."""
    case = _locked(case_id)
    if status not in Status.values:
        raise CaseError(_("Unknown status."))
    if not can_transition(case.status, status):
        raise _status_refused(case, status)
    old, now = case.status, timezone.now()
    if not status_move(case_id=case_id, expected=old, new=status, updated_at=now):
        # Only where the row lock does not hold (SQLite): someone moved the case meanwhile.
        case.refresh_from_db(fields=["status"])
        raise _status_refused(case, status)
    case.status, case.updated_at = status, now
    _event(
        case,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        actor=user,
        from_status=old,
        to_status=status,
        note=_clean(note).strip()[:2000],
        source=source,
    )
    if source != "backoffice":  # what the back office told us, it knows already
        status_push.status_push_queue(case=case, status=status, changed_at=now, note=_clean(note).strip())
    return case


@transaction.atomic
def case_citizen_notified(
    *, case_id: int, user: AbstractBaseUser, conversation_id: int, message_id: int
) -> Case:
    """Note on the case that the agent told the citizen its status (the reply itself is the inbox's)."""
    case = _locked(case_id)
    _event(
        case,
        kind=CaseEvent.Kind.CITIZEN_NOTIFIED,
        actor=user,
        to_status=case.status,
        conversation=conversation_id,
        message=message_id,
    )
    case.save(update_fields=["updated_at"])
    return case


def status_notice(case: Case) -> str:
    """A neutral, businesslike text telling the citizen the status; the agent confirms or edits it."""
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            Status.REGISTERED: _("Your report %(number)s has been registered."),
            Status.IN_PROGRESS: _("Your report %(number)s is being dealt with."),
            Status.WAITING: _("For your report %(number)s we need more information from you."),
            Status.FORWARDED: _("Your report %(number)s has been forwarded to the organisation responsible."),
            Status.RESOLVED: _("Your report %(number)s has been resolved. Thank you for reporting it."),
            Status.REJECTED: _("Your report %(number)s has been closed without action."),
        }
        return texts[case.status] % {"number": case.number}


def registration_notice(case: Case) -> str:
    """The sentence that puts the new case number in the reply box."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Thank you for your report. We have registered it under case number %(number)s. "
            "Please mention this number if you contact us about it again."
        ) % {"number": case.number}


# --- The back office ------------------------------------------------------------------------------


def sync_state_move(*, case_id: int, expected: str, new: str, where: Q | None = None, **changes) -> bool:
    """The one way a case's back-office sync state moves: along SYNC_TRANSITIONS, as a guarded
    conditional update (`where` narrows it further, e.g. to an attempt gone stale).

    False when the case is no longer at `expected` (or `where` no longer holds). Not a service (it
    writes no event): the services call it inside their own transaction, next to their event.
    """
    rows = Case.objects.filter(pk=case_id)
    if where is not None:
        rows = rows.filter(where)
    return SYNC_TRANSITIONS.apply(rows, field="sync_state", expected=expected, new=new, **changes)


def case_backoffice_start(*, case_id: int) -> Case | None:
    """Move a pending case to syncing; None when it is not pending (done already, or in progress)."""
    taken = sync_state_move(
        case_id=case_id,
        expected=SyncState.PENDING,
        new=SyncState.SYNCING,
        sync_started_at=timezone.now(),
        sync_attempts=F("sync_attempts") + 1,
    )
    if not taken:
        return None
    return Case.objects.get(pk=case_id)


def case_backoffice_progress(*, case_id: int, reference: str) -> None:
    """Store the back office's reference as soon as it exists, so a retry never creates it twice."""
    Case.objects.filter(pk=case_id).update(backend_reference=reference[:1000])


@transaction.atomic
def case_backoffice_mark_synced(*, case_id: int, reference: str) -> Case | None:
    """The attempt registered the case. None when the case is no longer syncing: that attempt's
    outcome came too late (a person retried it as stale, or a later attempt already finished)."""
    now = timezone.now()
    moved = sync_state_move(
        case_id=case_id,
        expected=SyncState.SYNCING,
        new=SyncState.SYNCED,
        backend_reference=reference[:1000],
        sync_error="",
        synced_at=now,
        updated_at=now,
    )
    if not moved:
        return None
    case = Case.objects.get(pk=case_id)
    _event(case, kind=CaseEvent.Kind.BACKOFFICE_REGISTERED, backend=case.backend, reference=reference)
    if status_push.case_has_pending_pushes(case_id):  # its statuses waited for the zaak
        transaction.on_commit(lambda: status_push.enqueue_status_push(case_id))
    return case


@transaction.atomic
def case_backoffice_mark_failed(*, case_id: int, error: str, will_retry: bool = False) -> Case | None:
    """A failed attempt: back to pending when the task retries, else failed for a person to see.
    None when the case is no longer syncing (as for case_backoffice_mark_synced)."""
    error = _clean(error)[:2000]
    moved = sync_state_move(
        case_id=case_id,
        expected=SyncState.SYNCING,
        new=SyncState.PENDING if will_retry else SyncState.FAILED,
        sync_error=error,
        updated_at=timezone.now(),
    )
    if not moved:
        return None
    case = Case.objects.get(pk=case_id)
    if not will_retry:
        _event(case, kind=CaseEvent.Kind.BACKOFFICE_FAILED, backend=case.backend, error=case.sync_error)
    return case


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.CASES_SYNC_STALE_MINUTES)


@transaction.atomic
def case_backoffice_retry(*, case_id: int, user: AbstractBaseUser) -> Case:
    """A person tries again: a failed registration, or an attempt whose worker went quiet (stale)."""
    case = _locked(case_id)
    moved = False
    if case.sync_state == SyncState.FAILED:
        moved = sync_state_move(
            case_id=case_id, expected=SyncState.FAILED, new=SyncState.PENDING, updated_at=timezone.now()
        )
    elif case.sync_state == SyncState.SYNCING:
        moved = sync_state_move(
            case_id=case_id,
            expected=SyncState.SYNCING,
            new=SyncState.PENDING,
            where=Q(sync_started_at__isnull=True) | Q(sync_started_at__lt=_stale_before()),
            updated_at=timezone.now(),
        )
    if not moved:
        raise CaseError(_("Only a failed back-office registration can be retried."))
    case.refresh_from_db()
    _event(case, kind=CaseEvent.Kind.BACKOFFICE_RETRIED, actor=user)
    transaction.on_commit(lambda: enqueue_backoffice_register(case.pk))
    return case


def cases_sync_pending() -> int:
    """Enqueue cases still waiting for the back office (a lost task, a broker that was down)."""
    case_ids = list(
        Case.objects.filter(
            Q(sync_state=SyncState.PENDING, created_at__lt=timezone.now() - dt.timedelta(minutes=1))
        ).values_list("pk", flat=True)
    )
    for case_id in case_ids:
        enqueue_backoffice_register(case_id)
    return len(case_ids)


def cases_open_in_backoffice(limit: int = 500) -> list[Case]:
    """Registered in a back office and not closed here: the cases whose status is worth pulling."""
    return list(
        Case.objects.filter(sync_state=SyncState.SYNCED)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("registered_by")
        .order_by("updated_at")[:limit]
    )


def case_status_from_backoffice(*, case_id: int, status: str) -> bool:
    """Apply a status the back office reports; False when the table does not allow it from here."""
    case = Case.objects.get(pk=case_id)
    if case.status == status or not can_transition(case.status, status):
        return False
    try:
        case_status_change(case_id=case_id, user=None, status=status, source="backoffice")
    except CaseError:
        return False  # an agent moved the case since it was read, to where the table has no way on
    return True
