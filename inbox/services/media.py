"""Citizens' photos and videos: registered with their message on ingest, copied into our own storage
by a task (inbox.tasks.fetch_attachment), so a browser never loads them from the platform."""

import datetime as dt
import logging
import uuid

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import media
from ..incoming import storable_text
from ..models import Attachment, Conversation, Message
from ..workflow import ATTACHMENT_TRANSITIONS, AttachmentStatus

logger = logging.getLogger(__name__)

FETCH_ATTACHMENT_TASK = "inbox.tasks.fetch_attachment"
KINDS = {
    "photo": Attachment.Kind.IMAGE,
    "image": Attachment.Kind.IMAGE,
    "sticker": Attachment.Kind.IMAGE,
    "animated_gif": Attachment.Kind.VIDEO,
    "video": Attachment.Kind.VIDEO,
    "video_inline": Attachment.Kind.VIDEO,
}


def enqueue_fetch(attachment_id: int) -> None:
    try:
        current_app.signature(FETCH_ATTACHMENT_TASK, args=(attachment_id,)).apply_async()
    except Exception:  # the broker is down: the sweep (fetch_pending_attachments) picks it up
        logger.exception("Could not enqueue fetching attachment %s", attachment_id)


def attachments_register(*, message: Message) -> list[int]:
    """Pending attachments for the photos and videos in a message's media, each fetched by a task
    once the caller's transaction has committed. Runs inside that transaction (ingest)."""
    rows = []
    for position, item in enumerate(message.media or []):
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or "")
        kind = KINDS.get(str(item.get("type", "")).lower(), Attachment.Kind.OTHER)
        if not url or kind == Attachment.Kind.OTHER:
            continue
        rows.append(
            Attachment(
                message=message,
                position=position,
                kind=kind,
                platform_url=url[:2000],
                alt=storable_text(item.get("alt") or "")[:1000],
            )
        )
    Attachment.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Attachment.objects.filter(message=message, status=AttachmentStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    for attachment_id in ids:
        transaction.on_commit(lambda pk=attachment_id: enqueue_fetch(pk))
    return ids


def _refuse(attachment: Attachment, reason: str) -> str:
    moved = ATTACHMENT_TRANSITIONS.apply(
        Attachment.objects.filter(pk=attachment.pk),
        field="status",
        expected=AttachmentStatus.PENDING,
        new=AttachmentStatus.REFUSED,
        error=reason[:500],
        fetched_at=timezone.now(),
    )
    if moved:
        _touch(attachment)
    return f"refused: {reason}"


def _touch(attachment: Attachment) -> None:
    # Open pages refresh when their conversation's updated_at moves.
    Conversation.objects.filter(messages__attachments=attachment).update(updated_at=timezone.now())


def attachment_fetch(*, attachment_id: int) -> str:
    """Copy one pending attachment into our storage (or refuse it for good). Safe to run twice: only
    a pending attachment is fetched, and only one run's copy is kept. The platform call is made
    outside any transaction; a transient fault raises MediaUnavailable for the task to retry, until
    INBOX_ATTACHMENT_MAX_ATTEMPTS."""
    attachment = Attachment.objects.filter(pk=attachment_id, status=AttachmentStatus.PENDING).first()
    if attachment is None:
        return "nothing to do"
    Attachment.objects.filter(pk=attachment.pk).update(attempts=F("attempts") + 1)
    try:
        checked = media.fetch(attachment.platform_url, kind=attachment.kind)
    except media.MediaRefused as exc:
        return _refuse(attachment, str(exc))
    except media.MediaUnavailable as exc:
        if attachment.attempts + 1 >= settings.INBOX_ATTACHMENT_MAX_ATTEMPTS:
            return _refuse(attachment, f"still unavailable after {attachment.attempts + 1} tries: {exc}")
        raise
    folder = timezone.now().strftime("attachments/%Y/%m")
    stem = f"{folder}/{attachment.pk}-{uuid.uuid4().hex[:12]}"
    name = default_storage.save(f"{stem}.{checked.extension}", ContentFile(checked.content))
    thumbnail = ""
    if checked.thumbnail:
        extension = "png" if checked.thumbnail_type == "image/png" else "jpg"
        thumbnail = default_storage.save(f"{stem}-thumb.{extension}", ContentFile(checked.thumbnail))
    kind = Attachment.Kind.IMAGE if checked.content_type.startswith("image/") else Attachment.Kind.VIDEO
    moved = ATTACHMENT_TRANSITIONS.apply(
        Attachment.objects.filter(pk=attachment.pk),
        field="status",
        expected=AttachmentStatus.PENDING,
        new=AttachmentStatus.STORED,
        file=name,
        thumbnail=thumbnail,
        kind=kind,
        content_type=checked.content_type,
        size=len(checked.content),
        width=checked.width,
        height=checked.height,
        latitude=checked.latitude,
        longitude=checked.longitude,
        error="",
        fetched_at=timezone.now(),
    )
    if not moved:  # another run stored it first: keep theirs
        for stored in (name, thumbnail):
            if stored:
                default_storage.delete(stored)
        return "already stored"
    _touch(attachment)
    return f"stored {len(checked.content)} bytes"


def attachments_pending_ids(*, older_than_seconds: int = 300, limit: int = 200) -> list[int]:
    """Pending attachments whose task seems lost (the sweep's list)."""
    since = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return list(
        Attachment.objects.filter(status=AttachmentStatus.PENDING, message__received_at__lt=since)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def attachments_remove(*, conversation_id: int) -> int:
    """Delete a conversation's photos and videos, files and rows (erasure, retention): they are the
    citizen's personal data as much as their words. Files first, so no row points at nothing."""
    attachments = list(Attachment.objects.filter(message__conversation_id=conversation_id))
    for attachment in attachments:
        for stored in (attachment.file.name, attachment.thumbnail.name):
            if stored:
                default_storage.delete(stored)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    return len(attachments)
