"""The webhook delivery's status table as a whole, and its guarded moves in processing."""

import itertools
import json

import pytest

from channels.facebook import webhook
from channels.models import WebhookDelivery
from channels.webhooks import DELIVERY_TRANSITIONS, delivery_status_move
from inbox.models import Message
from webcare.transitions import TransitionNotAllowed

from .conftest import PAGE_ID

ALLOWED = {
    ("pending", "processed"),
    ("processed", "failed"),
}


def test_the_status_choices_are_the_ones_the_table_is_written_for():
    assert WebhookDelivery.Status.values == ["pending", "processed", "failed"]
    assert set(DELIVERY_TRANSITIONS.table) == set(WebhookDelivery.Status.values)


@pytest.mark.parametrize(("old", "new"), list(itertools.product(WebhookDelivery.Status.values, repeat=2)))
def test_delivery_table_as_a_whole(old, new):
    expected = (old, new) in ALLOWED
    assert DELIVERY_TRANSITIONS.allowed(old, new) is expected
    if expected:
        DELIVERY_TRANSITIONS.check(old, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            DELIVERY_TRANSITIONS.check(old, new)


def _comment_body(comment_id="1_c9") -> bytes:
    value = {
        "from": {"id": "user-anna", "name": "Anna de Vries"},
        "item": "comment",
        "verb": "add",
        "post_id": f"{PAGE_ID}_1",
        "comment_id": comment_id,
        "parent_id": f"{PAGE_ID}_1",
        "created_time": 1543608842,
        "message": "Waarom is de weg dicht?",
    }
    payload = {"object": "page", "entry": [{"id": PAGE_ID, "changes": [{"field": "feed", "value": value}]}]}
    return json.dumps(payload).encode()


def _row(delivery):
    delivery.refresh_from_db()
    return (delivery.status, delivery.processed_at, delivery.error, delivery.created_messages)


def test_a_pending_delivery_is_taken_once(fb_account):
    delivery, new = webhook.delivery_store(body=_comment_body(), account=fb_account)
    assert (new, delivery.status) == (True, "pending")

    assert webhook.process_delivery(delivery.pk) == "ok: 1 new"
    after = _row(delivery)
    assert (after[0], after[2], after[3]) == ("processed", "", 1)
    assert after[1] is not None

    assert webhook.process_delivery(delivery.pk) == "not pending"
    assert _row(delivery) == after
    assert Message.objects.count() == 1


def test_a_delivery_that_cannot_be_ingested_fails_and_is_not_taken_again(fb_account, caplog):
    delivery, _ = webhook.delivery_store(body=b"{not json", account=fb_account)

    assert webhook.process_delivery(delivery.pk) == "failed"
    failed = _row(delivery)
    assert (failed[0], failed[3]) == ("failed", 0)
    assert failed[2].startswith("JSONDecodeError: ")
    assert "polling will catch up" in caplog.text

    assert webhook.process_delivery(delivery.pk) == "not pending"
    assert _row(delivery) == failed
    assert Message.objects.count() == 0


def test_a_delivery_move_from_a_status_it_left_changes_nothing(fb_account):
    delivery, _ = webhook.delivery_store(body=_comment_body(), account=fb_account)
    webhook.process_delivery(delivery.pk)
    before = _row(delivery)

    # A worker that still thinks it pending, and a failure for a delivery never taken, are refused.
    assert (
        delivery_status_move(
            delivery_id=delivery.pk,
            expected=WebhookDelivery.Status.PENDING,
            new=WebhookDelivery.Status.PROCESSED,
        )
        is False
    )
    other, _ = webhook.delivery_store(body=_comment_body("1_c10"), account=fb_account)
    assert (
        delivery_status_move(
            delivery_id=other.pk,
            expected=WebhookDelivery.Status.PROCESSED,
            new=WebhookDelivery.Status.FAILED,
            error="boom",
        )
        is False
    )

    assert _row(delivery) == before
    assert _row(other) == ("pending", None, "", 0)
    assert Message.objects.count() == 1


def test_a_delivery_move_outside_the_table_touches_no_row(fb_account):
    delivery, _ = webhook.delivery_store(body=_comment_body(), account=fb_account)
    with pytest.raises(TransitionNotAllowed):
        delivery_status_move(
            delivery_id=delivery.pk,
            expected=WebhookDelivery.Status.PENDING,
            new=WebhookDelivery.Status.FAILED,
        )
    assert _row(delivery) == ("pending", None, "", 0)
