"""The case's status table, its back-office sync and status push tables, each as a whole, and their
guarded moves."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case, CaseEvent, StatusPush
from cases.services import (
    CaseError,
    case_backoffice_mark_failed,
    case_backoffice_mark_synced,
    case_backoffice_retry,
    case_backoffice_start,
    status_move,
    sync_state_move,
)
from cases.status_push import push_state_move
from cases.workflow import (
    PUSH_TRANSITIONS,
    STATUS_TRANSITIONS,
    SYNC_TRANSITIONS,
    TRANSITIONS,
    PushState,
    Status,
    SyncState,
    allowed_next,
    can_transition,
)
from tests.cases.factories import register
from webcare.transitions import TransitionNotAllowed

STATUS_ALLOWED = {
    ("registered", "in_progress"),
    ("registered", "waiting"),
    ("registered", "forwarded"),
    ("registered", "resolved"),
    ("registered", "rejected"),
    ("in_progress", "waiting"),
    ("in_progress", "forwarded"),
    ("in_progress", "resolved"),
    ("in_progress", "rejected"),
    ("waiting", "in_progress"),
    ("waiting", "resolved"),
    ("waiting", "rejected"),
    ("forwarded", "in_progress"),
    ("forwarded", "resolved"),
    ("forwarded", "rejected"),
    ("resolved", "in_progress"),
    ("rejected", "in_progress"),
}


def test_the_status_choices_are_the_ones_the_table_is_written_for():
    assert Status.values == ["registered", "in_progress", "waiting", "forwarded", "resolved", "rejected"]
    assert set(TRANSITIONS) == set(Status.values)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(Status.values, repeat=2)))
def test_status_table_as_a_whole(old, new):
    expected = (old, new) in STATUS_ALLOWED
    assert can_transition(old, new) is expected
    assert STATUS_TRANSITIONS.allowed(old, new) is expected
    if expected:
        STATUS_TRANSITIONS.check(old, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            STATUS_TRANSITIONS.check(old, new)


@pytest.mark.parametrize("old", Status.values)
def test_allowed_next_lists_the_table_in_the_order_of_the_choices(old):
    assert allowed_next(old) == [new for new in Status.values if (old, new) in STATUS_ALLOWED]


def test_a_status_move_from_a_status_the_case_left_changes_nothing(agent):
    case = register(agent)
    Case.objects.filter(pk=case.pk).update(status=Status.REJECTED)  # moved on by someone else
    events = list(CaseEvent.objects.values_list("pk", flat=True))

    assert status_move(case_id=case.pk, expected=Status.REGISTERED, new=Status.IN_PROGRESS) is False

    case.refresh_from_db()
    assert case.status == Status.REJECTED
    assert list(CaseEvent.objects.values_list("pk", flat=True)) == events


def test_a_status_move_outside_the_table_touches_no_row(agent):
    case = register(agent)
    with pytest.raises(TransitionNotAllowed):
        status_move(case_id=case.pk, expected=Status.REGISTERED, new=Status.REGISTERED)
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    assert case.events.count() == 1


def test_a_status_move_at_the_expected_status_moves_one_case(agent):
    case = register(agent)
    other = register(agent)
    assert status_move(case_id=case.pk, expected=Status.REGISTERED, new=Status.WAITING) is True
    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.status, other.status) == (Status.WAITING, Status.REGISTERED)


# --- The back-office sync state ------------------------------------------------------------------

SYNC_ALLOWED = {
    ("pending", "syncing"),
    ("syncing", "synced"),
    ("syncing", "pending"),
    ("syncing", "failed"),
    ("failed", "pending"),
}


def test_the_sync_choices_are_the_ones_the_table_is_written_for():
    assert Case.SyncState is SyncState
    assert SyncState.values == ["local", "pending", "syncing", "synced", "failed"]
    assert set(SYNC_TRANSITIONS.table) == set(SyncState.values)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(SyncState.values, repeat=2)))
def test_sync_table_as_a_whole(old, new):
    expected = (old, new) in SYNC_ALLOWED
    assert SYNC_TRANSITIONS.allowed(old, new) is expected
    if expected:
        SYNC_TRANSITIONS.check(old, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            SYNC_TRANSITIONS.check(old, new)


@pytest.fixture
def pending(settings, agent):
    """A case waiting for the back office (its task is never run here)."""
    settings.CASES_BACKEND = "zgw"
    case = register(agent)
    assert case.sync_state == SyncState.PENDING
    return case


def _state(case):
    case.refresh_from_db()
    return (case.sync_state, case.sync_attempts, case.sync_error, case.backend_reference, case.synced_at)


def _kinds(case):
    return list(case.events.order_by("pk").values_list("kind", flat=True))


def test_a_sync_move_from_a_state_the_case_left_changes_nothing(pending):
    assert sync_state_move(case_id=pending.pk, expected=SyncState.SYNCING, new=SyncState.SYNCED) is False
    assert _state(pending) == (SyncState.PENDING, 0, "", "", None)
    assert _kinds(pending) == ["registered"]


def test_a_sync_move_outside_the_table_touches_no_row(pending):
    with pytest.raises(TransitionNotAllowed):
        sync_state_move(case_id=pending.pk, expected=SyncState.PENDING, new=SyncState.SYNCED)
    assert _state(pending) == (SyncState.PENDING, 0, "", "", None)


def test_a_second_start_does_nothing(pending):
    assert case_backoffice_start(case_id=pending.pk).sync_state == SyncState.SYNCING
    assert case_backoffice_start(case_id=pending.pk) is None
    assert _state(pending)[:2] == (SyncState.SYNCING, 1)
    assert _kinds(pending) == ["registered"]


def test_a_local_case_is_never_started(agent):
    case = register(agent)
    assert case_backoffice_start(case_id=case.pk) is None
    assert _state(case) == (SyncState.LOCAL, 0, "", "", None)


def test_an_attempt_marks_its_outcome_once(pending):
    case_backoffice_start(case_id=pending.pk)
    synced = case_backoffice_mark_synced(case_id=pending.pk, reference="https://zaken.example/z/1")
    assert synced.sync_state == SyncState.SYNCED

    # A duplicate outcome (a second worker, a late failure) is refused: no event, nothing changed.
    before = _state(pending)
    assert case_backoffice_mark_synced(case_id=pending.pk, reference="https://zaken.example/z/2") is None
    assert case_backoffice_mark_failed(case_id=pending.pk, error="HTTP 503", will_retry=True) is None
    assert case_backoffice_mark_failed(case_id=pending.pk, error="HTTP 400") is None
    assert _state(pending) == before
    assert before[3] == "https://zaken.example/z/1"
    assert _kinds(pending) == ["registered", "backoffice_registered"]


def test_a_temporary_fault_goes_back_to_pending_without_an_event(pending):
    case_backoffice_start(case_id=pending.pk)
    case_backoffice_mark_failed(case_id=pending.pk, error="HTTP 503", will_retry=True)
    assert _state(pending)[:3] == (SyncState.PENDING, 1, "HTTP 503")
    assert _kinds(pending) == ["registered"]


def test_an_outcome_after_a_person_retried_the_attempt_as_stale_is_not_recorded(
    pending, agent, settings, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case_backoffice_start(case_id=pending.pk)
    with time_machine.travel(start + dt.timedelta(minutes=settings.CASES_SYNC_STALE_MINUTES + 1)):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            case_backoffice_retry(case_id=pending.pk, user=agent)
    assert len(callbacks) == 1  # the registration is queued again
    before = _state(pending)
    assert before[0] == SyncState.PENDING

    # The worker that went quiet wakes up: its outcome no longer applies.
    assert case_backoffice_mark_synced(case_id=pending.pk, reference="https://zaken.example/z/1") is None
    assert case_backoffice_mark_failed(case_id=pending.pk, error="HTTP 400") is None
    assert _state(pending) == before
    assert _kinds(pending) == ["registered", "backoffice_retried"]


def test_an_attempt_still_running_cannot_be_retried(pending, agent, django_capture_on_commit_callbacks):
    case_backoffice_start(case_id=pending.pk)
    before = _state(pending)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(CaseError, match="Alleen een mislukte registratie"):
            case_backoffice_retry(case_id=pending.pk, user=agent)
    assert callbacks == []
    assert _state(pending) == before
    assert _kinds(pending) == ["registered"]


def test_a_failed_registration_is_retried_once(pending, agent, django_capture_on_commit_callbacks):
    case_backoffice_start(case_id=pending.pk)
    case_backoffice_mark_failed(case_id=pending.pk, error="HTTP 400")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert case_backoffice_retry(case_id=pending.pk, user=agent).sync_state == SyncState.PENDING
        with pytest.raises(CaseError):
            case_backoffice_retry(case_id=pending.pk, user=agent)
    assert len(callbacks) == 1
    assert _state(pending)[:3] == (SyncState.PENDING, 1, "HTTP 400")
    assert _kinds(pending) == ["registered", "backoffice_failed", "backoffice_retried"]


# --- A status change on its way to the back office ----------------------------------------------

PUSH_ALLOWED = {
    ("pending", "pushing"),
    ("pushing", "pushed"),
    ("pushing", "pending"),
    ("pushing", "failed"),
    ("pushing", "skipped"),
    ("failed", "pending"),
}


def test_the_push_choices_are_the_ones_the_table_is_written_for():
    assert StatusPush.State is PushState
    assert PushState.values == ["pending", "pushing", "pushed", "failed", "skipped"]
    assert set(PUSH_TRANSITIONS.table) == set(PushState.values)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(PushState.values, repeat=2)))
def test_push_table_as_a_whole(old, new):
    expected = (old, new) in PUSH_ALLOWED
    assert PUSH_TRANSITIONS.allowed(old, new) is expected
    if not expected:
        with pytest.raises(TransitionNotAllowed):
            PUSH_TRANSITIONS.check(old, new)


def test_a_push_move_from_a_state_it_left_changes_nothing(settings, agent):
    settings.CASES_BACKEND = "zgw"
    push = register(agent).status_pushes.get()

    assert push_state_move(push_id=push.pk, expected=PushState.PUSHING, new=PushState.PUSHED) is False

    push.refresh_from_db()
    assert (push.state, push.pushed_at) == (PushState.PENDING, None)
    with pytest.raises(TransitionNotAllowed):
        push_state_move(push_id=push.pk, expected=PushState.PENDING, new=PushState.PUSHED)
