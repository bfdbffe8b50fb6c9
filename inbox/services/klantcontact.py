"""An answered conversation as a klantcontact: the inbox tells klantcontacten/ what happened when it
closes one (klantcontacten/ does not know the inbox, and registers it in Open Klant after commit).

A step of conversation_close, inside its transaction with the conversation locked: it writes the
klantcontact's own rows and timeline, not the conversation's.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation

from cases.models import Category
from klantcontacten import services as klantcontact_services
from klantcontacten.records import Agent, CaseLink, ContactRecord

from ..models import Conversation, Message
from ..selectors.klantcontacten import citizen_address
from ..workflow import SendStatus

FIRST_WORDS = 12


def _category(conversation: Conversation) -> str:
    """The case's category, else the one triage suggested or an agent decided (read through the
    conversation's reverse relation: the inbox never imports triage)."""
    if conversation.case_id is not None:
        value = conversation.case.category
    else:
        triage = getattr(conversation, "triage", None)
        value = triage.current.get("category") if triage is not None else None
    if value not in Category.values or value == Category.OVERIG:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return str(Category(value).label)


def _case(conversation: Conversation) -> CaseLink | None:
    case = conversation.case
    if case is None:
        return None
    zaak_uuid = ""
    if case.backend == "zgw" and case.backend_reference:
        zaak_uuid = case.backend_reference.rstrip("/").rsplit("/", 1)[-1]
    return CaseLink(number=case.number, in_zaken_api=case.backend != "local", zaak_uuid=zaak_uuid)


def contact_record(conversation: Conversation) -> ContactRecord | None:
    """What to register for the conversation; None when we never answered it (nothing to record)."""
    messages = list(
        conversation.messages.filter(hidden=False)
        .exclude(send_status=SendStatus.FAILED)
        .select_related("sent_by")
        .order_by("created_at", "pk")
    )
    inbound = [m for m in messages if m.direction == Message.Direction.INBOUND]
    answers = [m for m in messages if m.direction == Message.Direction.OUTBOUND]
    if not answers or not messages:
        return None
    agents = {m.sent_by.pk: m.sent_by for m in answers if m.sent_by is not None}
    first_words = " ".join(inbound[0].text.split()[:FIRST_WORDS]) if inbound else ""
    return ContactRecord(
        channel=conversation.account.platform,
        subject=_category(conversation) or first_words,
        citizen_texts=tuple(m.text for m in inbound),
        answers=tuple(m.text for m in answers),
        started_at=messages[0].created_at,
        private=conversation.is_private,
        citizen_name=conversation.contact.name,
        citizen_address=citizen_address(conversation),
        case=_case(conversation),
        agents=tuple(
            Agent(username=user.get_username(), name=user.get_full_name(), email=user.email)
            for user in agents.values()
        ),
    )


def conversation_klantcontact_record(*, conversation: Conversation, user: AbstractBaseUser | None) -> None:
    """conversation_close's step: hand an answered conversation to klantcontacten/ (when configured)."""
    if not klantcontact_services.enabled():
        return
    record = contact_record(conversation)
    if record is not None:
        klantcontact_services.klantcontact_record(conversation_id=conversation.pk, record=record, actor=user)
