"""Reads that join a conversation to Open Klant: how the citizen is known there, their earlier
contacts ("Eerder contact"), and the conversation's own klantcontact."""

from klantcontacten import selectors as klantcontact_selectors
from klantcontacten.models import Klantcontact
from klantcontacten.services import enabled

from ..models import Conversation


def citizen_address(conversation: Conversation) -> str:
    """How Open Klant knows the citizen on this channel: "@handle", or "<platform>:<id>" without one."""
    contact = conversation.contact
    if contact.handle:
        return f"@{contact.handle}"
    return f"{conversation.account.platform}:{contact.platform_user_id}"


def conversation_earlier_contacts(conversation: Conversation) -> klantcontact_selectors.EarlierContacts:
    return klantcontact_selectors.earlier_contacts(
        address=citizen_address(conversation), conversation_id=conversation.pk
    )


def conversation_klantcontact(conversation: Conversation) -> Klantcontact | None:
    return klantcontact_selectors.klantcontact_for(conversation.pk)


def klantcontacten_enabled() -> bool:
    return enabled()
