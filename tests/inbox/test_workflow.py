import itertools

import pytest

from inbox.workflow import (
    SEND_TRANSITIONS,
    TRANSITIONS,
    SendStatus,
    State,
    TransitionNotAllowed,
    check_transition,
)

ALLOWED = {
    ("new", "open"),
    ("new", "answered"),
    ("new", "closed"),
    ("new", "escalated"),
    ("open", "new"),
    ("open", "answered"),
    ("open", "closed"),
    ("open", "escalated"),
    ("answered", "open"),
    ("answered", "closed"),
    ("answered", "escalated"),
    ("closed", "open"),
    ("escalated", "open"),
    ("escalated", "answered"),
    ("escalated", "closed"),
}


@pytest.mark.parametrize("old,new", list(itertools.product(State.values, repeat=2)))
def test_transition_table_as_a_whole(old, new):
    if (old, new) in ALLOWED:
        check_transition(old, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            check_transition(old, new)


def test_every_state_has_a_row():
    assert set(TRANSITIONS) == set(State.values)


SEND_ALLOWED = {
    ("queued", "sending"),
    ("sending", "sent"),
    ("sending", "failed"),
    ("sending", "queued"),
    ("sending", "unknown"),
    ("unknown", "sent"),
    ("unknown", "failed"),
    ("failed", "queued"),
}


@pytest.mark.parametrize("old,new", list(itertools.product(SendStatus.values, repeat=2)))
def test_send_status_table_as_a_whole(old, new):
    assert SEND_TRANSITIONS.allowed(old, new) is ((old, new) in SEND_ALLOWED)
    if (old, new) not in SEND_ALLOWED:
        with pytest.raises(TransitionNotAllowed):
            SEND_TRANSITIONS.check(old, new)
