"""What every inbox screen starts with: the inbox role check and finding a conversation this user may see."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from ..permissions import can_use_inbox, can_work_on
from ..selectors.conversation import conversation_get


def require_inbox(user) -> None:
    if not can_use_inbox(user):
        raise PermissionDenied(_("You have no role in the webcare inbox."))


def conversation_or_404(request, pk: int):
    require_inbox(request.user)
    conversation = conversation_get(user=request.user, conversation_id=pk)
    if conversation is None:
        raise Http404(_("No such conversation, or not one you may see."))
    return conversation


def workable_conversation_or_403(request, pk: int):
    """The conversation, when this user's role may also work on it."""
    conversation = conversation_or_404(request, pk)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied
    return conversation
