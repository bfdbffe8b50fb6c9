"""The queue and its conversations in the API: list, read, claim, release, reply, close, notes, escalation,
hand-back and forwarding. The same permissions as the screens."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from ..models import Team
from ..permissions import can_hand_back
from ..selectors.conversation import conversation_thread, conversation_timeline
from ..selectors.queue import QUEUE_FILTERS, QUEUE_PAGE_SIZE, InvalidCursor, queue_page
from ..services.claims import conversation_claim, conversation_release
from ..services.lifecycle import conversation_close
from ..services.outbox import reply_queue
from ..services.teamwork import conversation_escalate, conversation_forward, escalation_hand_back, note_add
from .access import require_inbox, visible_conversation, workable_conversation
from .schemas import ERRORS, ConversationRef

router = Router()
# The API's own renderer (NinjaAPI's default), for the list that renders its rows itself.
RENDERER = JSONRenderer()
RENDERER_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


# A queue row. No docstring: it would become the schema's description in the OpenAPI document.
# The list reads exactly these fields as values (`LIST_VALUES`), so there are no resolvers here; a
# conversation read whole gets them from its related rows (`ConversationDetailOut`).
class ConversationOut(Schema):
    # ConversationRef's fields, in its order.
    id: int
    state: str
    account: str
    platform: str
    contact_name: str
    contact_handle: str
    last_message_at: dt.datetime
    team: str
    assignee: str | None
    priority: int
    due_at: dt.datetime | None
    first_response_at: dt.datetime | None
    preview: str = ""
    message_count: int
    last_activity_at: dt.datetime | None


# Each field of a queue row → the column, or the related one, the list reads it from.
LIST_VALUES = {
    "id": "id",
    "state": "state",
    "account": "account__handle",
    "platform": "account__platform",
    "contact_name": "contact__name",
    "contact_handle": "contact__handle",
    "last_message_at": "last_message_at",
    "team": "team__slug",
    "assignee": f"assignee__{get_user_model().USERNAME_FIELD}",
    "priority": "priority",
    "due_at": "due_at",
    "first_response_at": "first_response_at",
    "preview": "preview",
    "message_count": "message_count",
    "last_activity_at": "last_activity_at",
}


class ConversationPageOut(Schema):
    items: list[ConversationOut]
    next: str | None = Field(
        None, description="Pass as `cursor` for the rows after these; null on the last page."
    )


class MessageOut(Schema):
    id: int
    direction: str
    platform_id: str | None
    text: str
    author_name: str
    created_at: dt.datetime
    send_status: str
    send_error: str


class EventOut(Schema):
    kind: str
    actor: str | None
    from_state: str
    to_state: str
    data: dict
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.get_username() if obj.actor else None


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]
    timeline: list[EventOut]

    resolve_account = staticmethod(ConversationRef.resolve_account)
    resolve_platform = staticmethod(ConversationRef.resolve_platform)
    resolve_contact_name = staticmethod(ConversationRef.resolve_contact_name)
    resolve_contact_handle = staticmethod(ConversationRef.resolve_contact_handle)

    @staticmethod
    def resolve_team(obj):
        return obj.team.slug

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee.get_username() if obj.assignee else None

    @staticmethod
    def resolve_messages(obj):
        return conversation_thread(obj)

    @staticmethod
    def resolve_timeline(obj):
        return conversation_timeline(obj)


class ReplyIn(Schema):
    text: str
    # The id of the newest message the writer saw: refused (409) if the citizen wrote since.
    last_seen_message_id: int | None = None
    # A public reply naming personal data (BSN, phone, ...) is refused (422) unless this is true.
    confirm_personal_data: bool = False


class NoteIn(Schema):
    text: str


class EscalateIn(Schema):
    question: str


class ForwardIn(Schema):
    team: str  # the wijkbureau's slug
    note: str


class AdviceIn(Schema):
    advice: str


# Operation ids are the API's public names (clients generate code from them): set here, not derived
# from this module's path.


@router.get(
    "/conversations",
    response={200: ConversationPageOut, **ERRORS},
    summary="The queue, with its filters, 50 at a time",
    description=(
        "The first 50 conversations of the queue in its order and `next`, the cursor of the rows after "
        "them: pass it as `cursor` to load more. There is no total: counting the whole queue is what a "
        "busy day cannot afford. `page` (page numbers, as before) still works, more slowly for deep pages."
    ),
    operation_id="inbox_api_list_conversations",
)
def list_conversations(
    request,
    filter: str = "all",
    team: str = "",
    cursor: str = Query("", description="`next` of the previous page; the queue's start without it"),
    page: int = Query(1, ge=1, le=10_000, description="Deprecated: a page number (ignored with a cursor)"),
):
    require_inbox(request)
    if filter not in QUEUE_FILTERS:
        raise HttpError(422, f"filter must be one of {', '.join(QUEUE_FILTERS)}")
    try:
        found = queue_page(
            user=request.user,
            filter_name=filter,
            team_slug=team,
            after=cursor,
            offset=0 if cursor else (page - 1) * QUEUE_PAGE_SIZE,
            values=LIST_VALUES,
        )
    except InvalidCursor as exc:
        raise HttpError(422, str(exc)) from exc
    # The rows are read as exactly the schema's fields, with its types (LIST_VALUES), so they are
    # rendered as they are: running 50 rows through the schema's validation first would cost as much
    # as the rest of the call. (tests/inbox/test_api_paging.py holds the two outputs equal.)
    page = {"items": found.rows, "next": found.next or None}
    return HttpResponse(RENDERER.render(request, page, response_status=200), content_type=RENDERER_TYPE)


@router.get(
    "/conversations/{conversation_id}",
    response={200: ConversationDetailOut, **ERRORS},
    operation_id="inbox_api_get_conversation",
)
def get_conversation(request, conversation_id: int):
    return visible_conversation(request, conversation_id)


@router.post(
    "/conversations/{conversation_id}/claim",
    response={200: ConversationDetailOut, **ERRORS},
    operation_id="inbox_api_claim_conversation",
)
def claim_conversation(request, conversation_id: int):
    conversation = workable_conversation(request, conversation_id)
    conversation_claim(conversation_id=conversation.pk, user=request.user)
    return visible_conversation(request, conversation_id)


@router.post(
    "/conversations/{conversation_id}/release",
    response={200: ConversationDetailOut, **ERRORS},
    operation_id="inbox_api_release_conversation",
)
def release_conversation(request, conversation_id: int):
    conversation = workable_conversation(request, conversation_id)
    conversation_release(conversation_id=conversation.pk, user=request.user)
    return visible_conversation(request, conversation_id)


@router.post(
    "/conversations/{conversation_id}/reply",
    response={201: MessageOut, **ERRORS},
    operation_id="inbox_api_reply_to_conversation",
)
def reply_to_conversation(request, conversation_id: int, payload: ReplyIn):
    conversation = workable_conversation(request, conversation_id)
    message = reply_queue(
        conversation_id=conversation.pk,
        user=request.user,
        text=payload.text,
        last_seen_message_id=payload.last_seen_message_id,
        confirmed_personal_data=payload.confirm_personal_data,
    )
    return Status(201, message)


@router.post(
    "/conversations/{conversation_id}/close",
    response={200: ConversationDetailOut, **ERRORS},
    operation_id="inbox_api_close_conversation",
)
def close_conversation(request, conversation_id: int):
    conversation = workable_conversation(request, conversation_id)
    conversation_close(conversation_id=conversation.pk, user=request.user)
    return visible_conversation(request, conversation_id)


@router.post(
    "/conversations/{conversation_id}/notes",
    response={201: EventOut, **ERRORS},
    summary="Add an internal note (never sent to the citizen)",
    operation_id="inbox_api_add_note",
)
def add_note(request, conversation_id: int, payload: NoteIn):
    conversation = workable_conversation(request, conversation_id)
    return Status(201, note_add(conversation_id=conversation.pk, user=request.user, text=payload.text))


@router.post(
    "/conversations/{conversation_id}/escalate",
    response={200: ConversationDetailOut, **ERRORS},
    summary="Escalate to the adviser on duty (or the comms team when nobody is on duty)",
    operation_id="inbox_api_escalate_conversation",
)
def escalate_conversation(request, conversation_id: int, payload: EscalateIn):
    conversation = workable_conversation(request, conversation_id)
    conversation_escalate(conversation_id=conversation.pk, user=request.user, question=payload.question)
    return visible_conversation(request, conversation_id)


@router.post(
    "/conversations/{conversation_id}/hand-back",
    response={200: ConversationDetailOut, **ERRORS},
    summary="Adviser: hand an escalation back to the agent with advice",
    operation_id="inbox_api_hand_back_conversation",
)
def hand_back_conversation(request, conversation_id: int, payload: AdviceIn):
    conversation = visible_conversation(request, conversation_id)
    if not can_hand_back(request.user, conversation):
        raise PermissionDenied("Only a communications adviser can hand an escalation back.")
    escalation_hand_back(conversation_id=conversation.pk, user=request.user, advice=payload.advice)
    return visible_conversation(request, conversation_id)


@router.post(
    "/conversations/{conversation_id}/forward",
    response={200: EventOut, **ERRORS},
    summary="Forward to a wijkbureau's queue with a note",
    operation_id="inbox_api_forward_conversation",
)
def forward_conversation(request, conversation_id: int, payload: ForwardIn):
    conversation = workable_conversation(request, conversation_id)
    team = Team.objects.filter(slug=payload.team).first()
    return conversation_forward(
        conversation_id=conversation.pk, user=request.user, team_id=team.pk if team else 0, note=payload.note
    )
