"""API schemas shared by more than one router or command: the error body, a conversation in brief, and a
case as the API and `case_lookup --json` show it."""

import datetime as dt
from decimal import Decimal

from ninja import Schema

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case


class Error(Schema):
    detail: str


# Every operation may answer these besides its own success codes (inbox/api/errors.py makes them).
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class ConversationRef(Schema):
    """A conversation in brief: what a case or a list shows of it."""

    id: int
    state: str
    account: str
    platform: str
    contact_name: str
    contact_handle: str
    last_message_at: dt.datetime

    @staticmethod
    def resolve_account(obj):
        return obj.account.handle

    @staticmethod
    def resolve_platform(obj):
        return obj.account.platform

    @staticmethod
    def resolve_contact_name(obj):
        return obj.contact.name

    @staticmethod
    def resolve_contact_handle(obj):
        return obj.contact.handle


class ManualContactOut(Schema):
    id: int
    channel: str
    text: str
    happened_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.get_username() if obj.recorded_by else None


class CaseEventOut(Schema):
    kind: str
    actor: str | None
    from_status: str
    to_status: str
    data: dict
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.get_username() if obj.actor else None


class CaseOut(Schema):
    number: str
    status: str
    category: str
    description: str
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    contact_name: str
    contact_platform: str
    contact_handle: str
    registered_by: str | None
    created_at: dt.datetime
    backend: str
    backend_reference: str
    sync_state: str
    sync_error: str
    status_notice: str

    @staticmethod
    def resolve_registered_by(obj):
        return obj.registered_by.get_username() if obj.registered_by else None

    @staticmethod
    def resolve_status_notice(obj):
        return case_services.status_notice(obj)


class CaseDetailOut(CaseOut):
    conversations: list[ConversationRef]
    contacts: list[ManualContactOut]
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_conversations(obj):
        return obj.visible_conversations

    @staticmethod
    def resolve_contacts(obj):
        return case_selectors.case_contacts(obj)

    @staticmethod
    def resolve_timeline(obj):
        return case_selectors.case_timeline(obj)


def case_detail(case: Case, conversations) -> dict:
    """The case as the API and `case_lookup --json` show it."""
    case.visible_conversations = conversations
    return CaseDetailOut.from_orm(case).model_dump(mode="json")
