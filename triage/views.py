"""The triage panel (confirm or correct a suggestion in one click) and the canned-answer search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inbox.permissions import can_use_inbox, can_work_on
from inbox.selectors.conversation import conversation_get
from inbox.services.base import ServiceError

from . import selectors, services
from .models import FIELDS


def _conversation_or_404(request, pk: int):
    if not can_use_inbox(request.user):
        raise PermissionDenied(_("You have no role in the webcare inbox."))
    conversation = conversation_get(user=request.user, conversation_id=pk)
    if conversation is None:
        raise Http404(_("No such conversation, or not one you may see."))
    return conversation


@login_required
@require_POST
def decide(request, pk: int, field: str):
    conversation = _conversation_or_404(request, pk)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied
    if field not in FIELDS or "value" not in request.POST:
        raise Http404
    error = ""
    try:
        services.triage_decide(
            conversation_id=conversation.pk, user=request.user, field=field, value=request.POST["value"]
        )
    except ServiceError as exc:
        error = str(exc)
    if request.htmx:
        conversation.refresh_from_db()
        return render(
            request,
            "triage/_panel.html",
            selectors.panel_context(conversation, request.user, error),
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("inbox:conversation", pk=pk)


@login_required
@require_GET
def canned(request, pk: int):
    conversation = _conversation_or_404(request, pk)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied
    query = request.GET.get("q", "")[:100]
    answers = [
        (answer, selectors.canned_render(answer, conversation=conversation, user=request.user))
        for answer in selectors.canned_search(query)
    ]
    return render(request, "triage/_canned_results.html", {"answers": answers, "query": query})
