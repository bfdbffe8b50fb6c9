"""The case's status table and its back-office sync table, each as a whole, and their guarded moves."""

import itertools

import pytest

from cases.models import Case, CaseEvent
from cases.services import status_move
from cases.workflow import STATUS_TRANSITIONS, TRANSITIONS, Status, allowed_next, can_transition
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
