"""Notifications: in the app at once, by e-mail once the change that caused them is committed."""

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Conversation, Event, Notification

logger = logging.getLogger(__name__)


def notify(*, users, conversation: Conversation, event: Event, text: str, email: bool) -> None:
    """Notify `users` about `event`; runs inside the caller's transaction."""
    users = [u for u in users if u is not None]
    Notification.objects.bulk_create(
        [Notification(user=u, conversation=conversation, event=event, text=text[:500]) for u in users]
    )
    addresses = [u.email for u in users if u.email]
    if not (email and addresses):
        return
    link = getattr(settings, "WEBCARE_SITE_URL", "") + reverse("inbox:conversation", args=[conversation.pk])
    subject = _("Webcare: %(text)s") % {"text": text[:120]}
    body = f"{text}\n\n{link}\n"

    def send():
        try:
            send_mail(subject, body, None, addresses)
        except Exception:  # the in-app notification is there; a mail server hiccup must not hide that
            logger.exception("Could not e-mail notification for conversation %s", conversation.pk)

    transaction.on_commit(send)


def notifications_known(user, *, any_unread: bool) -> None:
    """Hand over whether the user had unread notifications when read (security.backends), so opening
    a conversation with none unread (nearly always) writes nothing."""
    user._webcare_any_unread = any_unread


def notifications_mark_read(*, user: AbstractBaseUser, conversation_id: int | None = None) -> int:
    """Mark the user's notifications read: all of them, or those about one conversation they opened."""
    if getattr(user, "_webcare_any_unread", True) is False:
        return 0
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if conversation_id is not None:
        unread = unread.filter(conversation_id=conversation_id)
    return unread.update(read_at=timezone.now())
