"""Celery tasks: poll accounts, send replies. Each takes ids, re-reads the world and is safe twice."""

from celery import shared_task
from django.utils import timezone

from inbox.services.outbox import replies_stale_sending_unknown

from . import polling, sending


@shared_task(name="channels.tasks.poll_due_accounts", ignore_result=True)
def poll_due_accounts() -> int:
    account_ids = polling.due_account_ids()
    for account_id in account_ids:
        poll_account.delay(account_id)
    return len(account_ids)


@shared_task(name="channels.tasks.poll_account", ignore_result=True)
def poll_account(account_id: int) -> str:
    return polling.poll_account(account_id)


@shared_task(
    name="channels.tasks.send_reply", bind=True, ignore_result=True, max_retries=sending.MAX_ATTEMPTS
)
def send_reply(self, message_id: int) -> str:
    try:
        return sending.send_reply(message_id)
    except sending.RetryLater as exc:
        countdown = min(10 * 2**exc.attempts, 600)
        if exc.not_before:
            countdown = max(countdown, (exc.not_before - timezone.now()).total_seconds())
        raise self.retry(countdown=countdown) from exc


# Looked up at once, and again when the platform's read delay has passed. A lookup that could not
# be made is left to the send_pending sweep (every minute), so no chain of retries piles up.
@shared_task(name="channels.tasks.reconcile_reply", bind=True, ignore_result=True, max_retries=3)
def reconcile_reply(self, message_id: int) -> str:
    try:
        return sending.reconcile_reply(message_id)
    except sending.CheckLater as exc:
        if not exc.too_early or self.request.retries >= self.max_retries:
            return "still unknown"
        raise self.retry(countdown=exc.seconds) from exc


@shared_task(name="channels.tasks.send_pending", ignore_result=True)
def send_pending() -> int:
    """Safety net: replies left queued (broker down at enqueue time) are sent; replies stuck in
    sending become unknown; every unknown reply is looked up (again)."""
    replies_stale_sending_unknown()
    for message_id in sending.unknown_reply_ids():
        reconcile_reply.delay(message_id)
    message_ids = sending.pending_reply_ids()
    for message_id in message_ids:
        send_reply.delay(message_id)
    return len(message_ids)


@shared_task(name="channels.tasks.process_webhook_delivery", ignore_result=True)
def process_webhook_delivery(delivery_id: int) -> str:
    from .facebook.webhook import process_delivery

    return process_delivery(delivery_id)
