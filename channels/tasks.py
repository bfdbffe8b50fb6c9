"""Celery tasks: poll accounts, send replies. Each takes ids, re-reads the world and is safe twice."""

from celery import shared_task

from inbox.services.outbox import replies_stale_sending_fail

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
        raise self.retry(countdown=min(10 * 2**exc.attempts, 600)) from exc


@shared_task(name="channels.tasks.send_pending", ignore_result=True)
def send_pending() -> int:
    """Safety net: replies left queued (broker down at enqueue time) are sent; stuck ones surfaced."""
    replies_stale_sending_fail()
    message_ids = sending.pending_reply_ids()
    for message_id in message_ids:
        send_reply.delay(message_id)
    return len(message_ids)


@shared_task(name="channels.tasks.process_webhook_delivery", ignore_result=True)
def process_webhook_delivery(delivery_id: int) -> str:
    from .facebook.webhook import process_delivery

    return process_delivery(delivery_id)
