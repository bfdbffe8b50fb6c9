import itertools

import pytest

from inbox.workflow import TRANSITIONS, State, TransitionNotAllowed, check_transition

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
