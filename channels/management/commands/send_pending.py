"""Send queued replies now, in this process: `send_pending`."""

from django.core.management.base import BaseCommand

from inbox.services.outbox import replies_stale_sending_fail

from ...sending import RetryLater, pending_reply_ids, send_reply


class Command(BaseCommand):
    help = "Send every queued reply now, in this process (without Celery)."

    def handle(self, *args, **options):
        stale = replies_stale_sending_fail()
        if stale:
            self.stdout.write(f"{stale} interrupted replies marked failed for a person to check.")
        outcomes: dict[str, int] = {}
        for message_id in pending_reply_ids(include_fresh=True):
            try:
                outcome = send_reply(message_id)
            except RetryLater:
                outcome = "will retry"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "nothing queued"
        self.stdout.write(summary)
