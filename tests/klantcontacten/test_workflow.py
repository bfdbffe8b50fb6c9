"""A klantcontact's sync table as a whole, and its guarded moves."""

import itertools

import pytest

from klantcontacten.models import Klantcontact
from klantcontacten.services import sync_state_move
from klantcontacten.workflow import SYNC_TRANSITIONS, SyncState
from webcare.transitions import TransitionNotAllowed

ALLOWED = {
    ("pending", "pushing"),
    ("unknown", "pushing"),
    ("pushing", "synced"),
    ("pushing", "failed"),
    ("pushing", "unknown"),
    ("pushing", "pending"),
    ("synced", "pending"),
    ("failed", "pending"),
}


def test_the_choices_are_the_ones_the_table_is_written_for():
    assert Klantcontact.SyncState is SyncState
    assert SyncState.values == ["pending", "pushing", "unknown", "synced", "failed"]
    assert set(SYNC_TRANSITIONS.table) == set(SyncState.values)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(SyncState.values, repeat=2)))
def test_the_table_as_a_whole(old, new):
    expected = (old, new) in ALLOWED
    assert SYNC_TRANSITIONS.allowed(old, new) is expected
    if not expected:
        with pytest.raises(TransitionNotAllowed):
            SYNC_TRANSITIONS.check(old, new)


def test_a_move_from_a_state_it_left_changes_nothing(db):
    klantcontact = Klantcontact.objects.create(conversation_id=1, record={})

    assert sync_state_move(klantcontact_id=klantcontact.pk, expected="pushing", new="synced") is False

    klantcontact.refresh_from_db()
    assert (klantcontact.state, klantcontact.synced_at) == ("pending", None)
    with pytest.raises(TransitionNotAllowed):
        sync_state_move(klantcontact_id=klantcontact.pk, expected="pending", new="synced")
