"""The shared queue: the live list with its filters, "take next", and the home page that leads there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import QueueFilterForm
from ..permissions import can_work, visible_conversations
from ..selectors.queue import queue_conversations, queue_counts, queue_version, team_choices
from ..services.claims import conversation_take_next
from ..workflow import State
from .common import require_inbox


@login_required
def queue(request):
    require_inbox(request.user)
    filter_name, team_slug = QueueFilterForm(request.GET).cleaned()
    version = queue_version(user=request.user, filter_name=filter_name, team_slug=team_slug)
    if request.htmx and request.GET.get("v") == version:
        return HttpResponse(status=204)  # unchanged: htmx keeps what it shows
    context = {
        "conversations": queue_conversations(user=request.user, filter_name=filter_name, team_slug=team_slug),
        "counts": queue_counts(user=request.user),
        "filter_name": filter_name,
        "team_slug": team_slug,
        "teams": team_choices(),
        "version": version,
    }
    template = "inbox/queue.html#queue-live" if request.htmx and "v" in request.GET else "inbox/queue.html"
    return render(request, template, context)


@login_required
@require_POST
def take_next(request):
    if not can_work(request.user):
        raise PermissionDenied
    conversation = conversation_take_next(
        user=request.user, candidates=visible_conversations(request.user).exclude(state=State.ESCALATED)
    )
    if conversation is None:
        messages.info(request, _("Nothing left in the queue for you."))
        return redirect("inbox:queue")
    return redirect("inbox:conversation", pk=conversation.pk)


def home(request):
    return redirect(reverse("inbox:queue"))
