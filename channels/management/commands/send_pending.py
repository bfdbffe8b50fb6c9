"""Send queued replies now, in this process: `send_pending`."""

from django.core.management.base import BaseCommand

from inbox.services.outbox import replies_stale_sending_unknown

from ...sending import (
    CheckLater,
    RetryLater,
    pending_reply_ids,
    reconcile_reply,
    send_reply,
    unknown_reply_ids,
)


class Command(BaseCommand):
    help = (
        "Send every queued reply now, in this process (without Celery); look up on the platform "
        "the replies whose send outcome is unknown."
    )

    def handle(self, *args, **options):
        stale = replies_stale_sending_unknown()
        if stale:
            self.stdout.write(f"{stale} interrupted replies to be looked up on the platform.")
        outcomes: dict[str, int] = {}
        for message_id in unknown_reply_ids():
            try:
                outcome = f"{reconcile_reply(message_id)} after a lookup"
            except CheckLater:
                outcome = "still being checked"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        for message_id in pending_reply_ids(include_fresh=True):
            try:
                outcome = send_reply(message_id)
            except RetryLater:
                outcome = "will retry"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "nothing queued"
        self.stdout.write(summary)
