"""What every conversation endpoint starts with: the inbox role check and a conversation this user may
see (404 otherwise) or work on (403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ..permissions import can_use_inbox, can_work_on
from ..selectors.conversation import conversation_get


def require_inbox(request) -> None:
    if not can_use_inbox(request.user):
        raise PermissionDenied("You have no role in the webcare inbox.")


def visible_conversation(request, conversation_id: int):
    require_inbox(request)
    conversation = conversation_get(user=request.user, conversation_id=conversation_id)
    if conversation is None:
        raise Http404("No such conversation, or not one you may see.")
    return conversation


def workable_conversation(request, conversation_id: int):
    conversation = visible_conversation(request, conversation_id)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied("Your role may read this conversation but not work on it.")
    return conversation
