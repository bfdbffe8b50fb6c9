"""Cases in the API: register or link from a conversation, read a case, log a contact, change status.

The same permissions as the screens.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema, Status

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Case

from ..permissions import can_view_case, can_work
from ..selectors.cases import case_conversations
from ..services.case_links import conversation_case_link, conversation_case_register
from .access import require_inbox, workable_conversation
from .schemas import ERRORS, CaseDetailOut, ManualContactOut

router = Router(tags=["cases"])


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
    require_inbox(request)
    case = case_selectors.case_by_number(number)
    if case is None or not can_view_case(request.user, case):
        raise Http404(f"No case with number {number[:60]}.")
    return case


def _detail(request, case: Case) -> Case:
    case = Case.objects.select_related("registered_by").get(pk=case.pk)
    case.visible_conversations = case_conversations(user=request.user, case=case)
    return case


# Operation ids are the API's public names: set here, not derived from this module's path.


@router.post(
    "/conversations/{conversation_id}/case",
    response={200: CaseDetailOut, 201: CaseDetailOut, **ERRORS},
    summary="Register a case from a conversation, or link it to an existing case by number",
    operation_id="inbox_api_cases_conversation_case",
)
def conversation_case(request, conversation_id: int, payload: CaseRegisterIn):
    conversation = workable_conversation(request, conversation_id)
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


@router.get(
    "/cases/{number}",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="inbox_api_cases_get_case",
)
def get_case(request, number: str):
    return _detail(request, _case(request, number))


@router.post(
    "/cases/{number}/contacts",
    response={201: ManualContactOut, **ERRORS},
    operation_id="inbox_api_cases_log_contact",
)
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


@router.post(
    "/cases/{number}/status",
    response={200: CaseDetailOut, **ERRORS},
    operation_id="inbox_api_cases_change_status",
)
def change_status(request, number: str, payload: StatusIn):
    case = _case(request, number)
    if not can_work(request.user):
        raise PermissionDenied("Your role may read cases but not change them.")
    case = case_services.case_status_change(
        case_id=case.pk, user=request.user, status=payload.status, note=payload.note
    )
    return _detail(request, case)
