"""Celery tasks of the inbox: copying citizens' photos and videos into our own storage."""

from celery import shared_task

from . import media
from .services import media as media_services

RETRY_BASE_SECONDS = 30


@shared_task(name="inbox.tasks.fetch_attachment", bind=True, ignore_result=True, max_retries=6)
def fetch_attachment(self, attachment_id: int) -> str:
    try:
        return media_services.attachment_fetch(attachment_id=attachment_id)
    except media.MediaUnavailable as exc:
        raise self.retry(countdown=min(RETRY_BASE_SECONDS * 2**self.request.retries, 1800)) from exc


@shared_task(name="inbox.tasks.fetch_pending_attachments", ignore_result=True)
def fetch_pending_attachments() -> int:
    """The safety net: attachments whose task was lost (a broker restart) are fetched again."""
    ids = media_services.attachments_pending_ids()
    for attachment_id in ids:
        fetch_attachment.delay(attachment_id)
    return len(ids)
