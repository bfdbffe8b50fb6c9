"""Cases in the JSON API: register or link from a conversation, read a case, log a contact, change status.

Same permissions as the screens. The router is added to the inbox's NinjaAPI in webcare/urls.py.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema, Status

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case

from .api import ConversationRef, Error, _workable, api
from .permissions import can_use_inbox, can_view_case, can_work
from .selectors.cases import case_conversations
from .services.case_links import conversation_case_link, conversation_case_register

router = Router(tags=["cases"])


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


class CaseRegisterIn(Schema):
    number: str | None = None
    category: str = ""
    description: str = ""
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class ContactIn(Schema):
    channel: str
    text: str
    happened_at: dt.datetime | None = None


class StatusIn(Schema):
    status: str
    note: str = ""


def _case(request, number: str) -> Case:
    if not can_use_inbox(request.user):
        raise PermissionDenied("You have no role in the webcare inbox.")
    case = case_selectors.case_by_number(number)
    if case is None or not can_view_case(request.user, case):
        raise Http404(f"No case with number {number[:60]}.")
    return case


def _detail(request, case: Case) -> Case:
    case = Case.objects.select_related("registered_by").get(pk=case.pk)
    case.visible_conversations = case_conversations(user=request.user, case=case)
    return case


@router.post(
    "/conversations/{conversation_id}/case",
    response={200: CaseDetailOut, 201: CaseDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Register a case from a conversation, or link it to an existing case by number",
)
def conversation_case(request, conversation_id: int, payload: CaseRegisterIn):
    conversation = _workable(request, conversation_id)
    if payload.number:
        case = conversation_case_link(
            conversation_id=conversation.pk, user=request.user, number=payload.number
        )
        return Status(200, _detail(request, case))
    case = conversation_case_register(
        conversation_id=conversation.pk,
        user=request.user,
        category=payload.category,
        description=payload.description,
        location=payload.location,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(201, _detail(request, case))


@router.get("/cases/{number}", response={200: CaseDetailOut, 403: Error, 404: Error})
def get_case(request, number: str):
    return _detail(request, _case(request, number))


@router.post("/cases/{number}/contacts", response={201: ManualContactOut, 403: Error, 404: Error, 422: Error})
def log_contact(request, number: str, payload: ContactIn):
    case = _case(request, number)
    if not can_work(request.user):
        raise PermissionDenied("Your role may read cases but not change them.")
    contact = case_services.case_contact_log(
        case_id=case.pk,
        user=request.user,
        channel=payload.channel,
        text=payload.text,
        happened_at=payload.happened_at,
    )
    return Status(201, contact)


@router.post("/cases/{number}/status", response={200: CaseDetailOut, 403: Error, 404: Error, 422: Error})
def change_status(request, number: str, payload: StatusIn):
    case = _case(request, number)
    if not can_work(request.user):
        raise PermissionDenied("Your role may read cases but not change them.")
    case = case_services.case_status_change(
        case_id=case.pk, user=request.user, status=payload.status, note=payload.note
    )
    return _detail(request, case)


@api.exception_handler(case_services.CaseError)
def _case_refused(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=422)
