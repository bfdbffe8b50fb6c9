"""JSON API under /api/v1/ (schema at /api/v1/openapi.json): the same permissions as the screens."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken
from .permissions import can_use_inbox, can_work_on
from .selectors.conversation import conversation_get, conversation_thread, conversation_timeline
from .selectors.queue import QUEUE_FILTERS, queue_queryset
from .services.base import AlreadyClaimed, OutdatedThread, ServiceError
from .services.claims import conversation_claim, conversation_release
from .services.lifecycle import conversation_close
from .services.outbox import reply_queue
from .services.teamwork import conversation_escalate, conversation_forward, escalation_hand_back, note_add
from .tokens import hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if api_token is None or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


api = NinjaAPI(
    title="Webcare inbox API",
    version="1",
    description="The shared webcare queue: conversations, claims, replies. Session or bearer-token auth.",
    auth=[SessionAuth(), TokenAuth()],
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Log in or send a valid bearer token."}, status=401)


@api.exception_handler(AlreadyClaimed)
@api.exception_handler(OutdatedThread)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ServiceError)
def _refused(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=422)


class Error(Schema):
    detail: str


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


class ConversationOut(ConversationRef):
    team: str
    assignee: str | None
    priority: int
    due_at: dt.datetime | None
    first_response_at: dt.datetime | None
    preview: str = ""

    @staticmethod
    def resolve_team(obj):
        return obj.team.slug

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee.get_username() if obj.assignee else None

    @staticmethod
    def resolve_preview(obj):
        return getattr(obj, "preview", "") or ""


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


def _visible(request, conversation_id: int):
    if not can_use_inbox(request.user):
        raise PermissionDenied("You have no role in the webcare inbox.")
    conversation = conversation_get(user=request.user, conversation_id=conversation_id)
    if conversation is None:
        raise Http404("No such conversation, or not one you may see.")
    return conversation


def _workable(request, conversation_id: int):
    conversation = _visible(request, conversation_id)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied("Your role may read this conversation but not work on it.")
    return conversation


@api.get("/conversations", response=list[ConversationOut], summary="The queue, with its filters")
@paginate(PageNumberPagination, page_size=50)
def list_conversations(request, filter: str = "all", team: str = ""):
    if not can_use_inbox(request.user):
        raise PermissionDenied("You have no role in the webcare inbox.")
    if filter not in QUEUE_FILTERS:
        raise HttpError(422, f"filter must be one of {', '.join(QUEUE_FILTERS)}")
    return queue_queryset(user=request.user, filter_name=filter, team_slug=team)


@api.get("/conversations/{conversation_id}", response={200: ConversationDetailOut, 403: Error, 404: Error})
def get_conversation(request, conversation_id: int):
    return _visible(request, conversation_id)


@api.post(
    "/conversations/{conversation_id}/claim",
    response={200: ConversationDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def claim_conversation(request, conversation_id: int):
    conversation = _workable(request, conversation_id)
    conversation_claim(conversation_id=conversation.pk, user=request.user)
    return _visible(request, conversation_id)


@api.post(
    "/conversations/{conversation_id}/release",
    response={200: ConversationDetailOut, 403: Error, 404: Error, 422: Error},
)
def release_conversation(request, conversation_id: int):
    conversation = _workable(request, conversation_id)
    conversation_release(conversation_id=conversation.pk, user=request.user)
    return _visible(request, conversation_id)


@api.post(
    "/conversations/{conversation_id}/reply",
    response={201: MessageOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def reply_to_conversation(request, conversation_id: int, payload: ReplyIn):
    conversation = _workable(request, conversation_id)
    message = reply_queue(
        conversation_id=conversation.pk,
        user=request.user,
        text=payload.text,
        last_seen_message_id=payload.last_seen_message_id,
    )
    return Status(201, message)


@api.post(
    "/conversations/{conversation_id}/close",
    response={200: ConversationDetailOut, 403: Error, 404: Error, 422: Error},
)
def close_conversation(request, conversation_id: int):
    conversation = _workable(request, conversation_id)
    conversation_close(conversation_id=conversation.pk, user=request.user)
    return _visible(request, conversation_id)


# --- Notes, escalation, forwarding ----------------------------------------------------


class NoteIn(Schema):
    text: str


class EscalateIn(Schema):
    question: str


class ForwardIn(Schema):
    team: str  # the wijkbureau's slug
    note: str


class AdviceIn(Schema):
    advice: str


@api.post(
    "/conversations/{conversation_id}/notes",
    response={201: EventOut, 403: Error, 404: Error, 422: Error},
    summary="Add an internal note (never sent to the citizen)",
)
def add_note(request, conversation_id: int, payload: NoteIn):
    conversation = _workable(request, conversation_id)
    return Status(201, note_add(conversation_id=conversation.pk, user=request.user, text=payload.text))


@api.post(
    "/conversations/{conversation_id}/escalate",
    response={200: ConversationDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Escalate to the adviser on duty (or the comms team when nobody is on duty)",
)
def escalate_conversation(request, conversation_id: int, payload: EscalateIn):
    conversation = _workable(request, conversation_id)
    conversation_escalate(conversation_id=conversation.pk, user=request.user, question=payload.question)
    return _visible(request, conversation_id)


@api.post(
    "/conversations/{conversation_id}/hand-back",
    response={200: ConversationDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Adviser: hand an escalation back to the agent with advice",
)
def hand_back_conversation(request, conversation_id: int, payload: AdviceIn):
    from .permissions import can_hand_back

    conversation = _visible(request, conversation_id)
    if not can_hand_back(request.user, conversation):
        raise PermissionDenied("Only a communications adviser can hand an escalation back.")
    escalation_hand_back(conversation_id=conversation.pk, user=request.user, advice=payload.advice)
    return _visible(request, conversation_id)


@api.post(
    "/conversations/{conversation_id}/forward",
    response={200: EventOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Forward to a wijkbureau's queue with a note",
)
def forward_conversation(request, conversation_id: int, payload: ForwardIn):
    from .models import Team

    conversation = _workable(request, conversation_id)
    team = Team.objects.filter(slug=payload.team).first()
    return conversation_forward(
        conversation_id=conversation.pk, user=request.user, team_id=team.pk if team else 0, note=payload.note
    )
