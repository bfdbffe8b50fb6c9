"""Webhook deliveries of any platform: the delivery status table and the one way a status moves."""

from webcare.transitions import Transitions

from .models import WebhookDelivery

# A delivery is stored pending. A worker takes it by marking it processed (so a second worker
# finds it taken); it becomes failed when its items then cannot be ingested (polling catches up).
DELIVERY_TRANSITIONS = Transitions(
    "webhook delivery",
    {
        WebhookDelivery.Status.PENDING: {WebhookDelivery.Status.PROCESSED},
        WebhookDelivery.Status.PROCESSED: {WebhookDelivery.Status.FAILED},
        WebhookDelivery.Status.FAILED: set(),
    },
)


def delivery_status_move(*, delivery_id: int, expected: str, new: str, **changes) -> bool:
    """Move a delivery along the table as a guarded conditional update; False when it is no
    longer at `expected` (another worker took it, or it moved on)."""
    return DELIVERY_TRANSITIONS.apply(
        WebhookDelivery.objects.filter(pk=delivery_id), field="status", expected=expected, new=new, **changes
    )
