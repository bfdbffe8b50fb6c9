"""Conversations and cases: register a case from a conversation, link one, tell the citizen its status.

The link lives on the inbox side (Conversation.case) because cases/ does not know the inbox. Each
service writes one event on the conversation's timeline and one on the case's, in one transaction.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case

from ..models import Attachment, Conversation, Event, Message
from ..permissions import require_holder
from ..workflow import State
from .base import ServiceError, conversation_lock, event_append
from .lifecycle import conversation_reopen
from .outbox import reply_queue


@transaction.atomic
def conversation_case_register(
    *,
    conversation_id: int,
    user: AbstractBaseUser,
    category: str,
    description: str,
    location: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    attachment_ids: Sequence[int] = (),
) -> Case:
    """Register the report in this conversation as a new case and link the conversation to it, with
    the conversation's stored photos chosen for it ("foto bij de melding")."""
    conversation = conversation_lock(conversation_id)
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can reply.")
    )
    if conversation.case_id is not None:
        raise ServiceError(
            _("This conversation is already linked to case %(number)s.")
            % {"number": conversation.case.number}
        )
    try:
        case = case_services.case_register(
            user=user,
            category=category,
            description=description,
            location=location,
            latitude=latitude,
            longitude=longitude,
            contact_name=conversation.contact.name,
            contact_platform=conversation.account.platform,
            contact_handle=conversation.contact.handle,
            source={
                "conversation": conversation.pk,
                "channel": conversation.account.platform,
                "account": conversation.account.handle,
            },
        )
    except case_services.CaseError as exc:
        raise ServiceError(str(exc)) from exc
    conversation.case = case
    photos = list(
        Attachment.objects.filter(
            pk__in=list(attachment_ids),
            message__conversation=conversation,
            status=Attachment.Status.STORED,
            kind=Attachment.Kind.IMAGE,
        ).values_list("pk", flat=True)
    )
    Attachment.objects.filter(pk__in=photos).update(case=case)
    data = {"case": case.number, "photos": photos} if photos else {"case": case.number}
    event_append(conversation, kind=Event.Kind.CASE_REGISTERED, actor=user, **data)
    conversation.save()
    return case


@transaction.atomic
def conversation_case_link(*, conversation_id: int, user: AbstractBaseUser, number: str) -> Case:
    """Link a conversation to an existing case by its number, however it was typed."""
    conversation = conversation_lock(conversation_id)
    case = case_selectors.case_by_number(number)
    if case is None:
        raise ServiceError(_("No case with number %(number)s.") % {"number": number.strip()[:60]})
    if conversation.case_id == case.pk:
        return case
    if conversation.case_id is not None:
        raise ServiceError(
            _("This conversation is already linked to case %(number)s.")
            % {"number": conversation.case.number}
        )
    _link(conversation, case, via="agent", actor=user)
    return case


def _link(conversation: Conversation, case: Case, *, via: str, actor=None, message: str = "") -> None:
    conversation.case = case
    event_append(
        conversation, kind=Event.Kind.CASE_LINKED, actor=actor, case=case.number, via=via, message=message
    )
    case_services.case_conversation_link(
        case_id=case.pk,
        conversation_id=conversation.pk,
        channel=conversation.account.platform,
        account=conversation.account.handle,
        via=via,
        actor=actor,
    )
    conversation.save()


def cases_link_named(*, conversation: Conversation, message: Message) -> Case | None:
    """Ingest's step: an inbound message naming a known case links its conversation to it.

    Runs inside ingest's transaction with the conversation locked. A conversation already linked
    keeps its case; the first existing case the message names wins.
    """
    if conversation.case_id is not None:
        return None
    named = case_selectors.cases_named_in(message.text)
    if not named:
        return None
    _link(conversation, named[0], via="message", message=message.platform_id or "")
    return named[0]


@transaction.atomic
def case_status_tell(*, case_id: int, conversation_id: int, user: AbstractBaseUser, text: str) -> Message:
    """Send the citizen the status text the agent confirmed, as a reply on the given conversation."""
    conversation = conversation_lock(conversation_id)
    if conversation.case_id != case_id:
        raise ServiceError(_("This conversation is not about that case."))
    require_holder(
        user, conversation, refusal=_("%(name)s is working on this conversation; only they can reply.")
    )
    if conversation.state == State.CLOSED:
        conversation_reopen(conversation_id=conversation.pk, user=user)
    message = reply_queue(conversation_id=conversation.pk, user=user, text=text)
    conversation = conversation_lock(conversation_id)
    event_append(conversation, kind=Event.Kind.CASE_STATUS_TOLD, actor=user, case=conversation.case.number)
    conversation.save()
    case_services.case_citizen_notified(
        case_id=case_id, user=user, conversation_id=conversation.pk, message_id=message.pk
    )
    return message
