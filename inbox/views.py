"""The agents' screens: the shared queue and a conversation. Permission checks live here (4xx)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from .forms import QueueFilterForm, ReplyForm
from .models import Message
from .permissions import can_use_inbox, can_work, can_work_on, visible_conversations
from .platforms import PlatformRefused, comment_moderation, reply_rules
from .selectors.conversation import (
    contact_history,
    conversation_get,
    conversation_thread,
    conversation_timeline,
)
from .selectors.queue import queue_conversations, queue_counts, queue_version, team_choices
from .services.base import ServiceError
from .services.claims import conversation_claim, conversation_release, conversation_take_next
from .services.lifecycle import conversation_close, conversation_reopen
from .services.moderation import comment_hidden_record
from .services.notifications import notifications_mark_read
from .services.outbox import reply_queue, reply_retry
from .workflow import State


def _require_inbox(user) -> None:
    if not can_use_inbox(user):
        raise PermissionDenied(_("You have no role in the webcare inbox."))


@login_required
def queue(request):
    _require_inbox(request.user)
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


def _conversation_or_404(request, pk: int):
    _require_inbox(request.user)
    conversation = conversation_get(user=request.user, conversation_id=pk)
    if conversation is None:
        raise Http404(_("No such conversation, or not one you may see."))
    return conversation


def _conversation_context(request, conversation, **extra):
    rules = reply_rules(conversation.account.platform)
    return {
        "conversation": conversation,
        "thread": conversation_thread(conversation),
        "timeline": conversation_timeline(conversation),
        "history": contact_history(user=request.user, conversation=conversation),
        "can_work": can_work_on(request.user, conversation),
        "version": f"{conversation.updated_at.timestamp():.6f}",
        "reply_max_length": rules.max_length,
        "reply_count_rules": json.dumps(rules.client_rules) if rules.client_rules else "",
        "reply_refusal": rules.refusal_for(conversation),
        "private_reply_target": rules.private_reply_target(conversation),
        "hideable_kinds": getattr(comment_moderation(conversation.account.platform), "kinds", ()),
        **extra,
    }


@login_required
def conversation(request, pk: int):
    conversation = _conversation_or_404(request, pk)
    if request.htmx and "v" in request.GET:
        if request.GET["v"] == f"{conversation.updated_at.timestamp():.6f}":
            return HttpResponse(status=204)
        return render(request, "inbox/conversation.html#live", _conversation_context(request, conversation))
    notifications_mark_read(user=request.user, conversation_id=conversation.pk)
    context = _conversation_context(request, conversation, form=ReplyForm())
    return render(request, "inbox/conversation.html", context)


def _after_action(request, pk: int, error: str = ""):
    """htmx gets the refreshed live part (or the error in the flash area); plain posts a redirect."""
    if request.htmx:
        if error:
            response = render(request, "inbox/_flash.html", {"error": error}, status=409)
            return reswap(retarget(response, "#flash"), "innerHTML")
        conversation = _conversation_or_404(request, pk)
        return render(request, "inbox/conversation.html#live", _conversation_context(request, conversation))
    if error:
        messages.error(request, error)
    return redirect("inbox:conversation", pk=pk)


def _action(service):
    @login_required
    @require_POST
    def view(request, pk: int):
        conversation = _conversation_or_404(request, pk)
        if not can_work_on(request.user, conversation):
            raise PermissionDenied
        try:
            service(conversation_id=conversation.pk, user=request.user)
        except ServiceError as exc:
            return _after_action(request, pk, error=str(exc))
        return _after_action(request, pk)

    view.__name__ = service.__name__
    return view


claim = _action(conversation_claim)
release = _action(conversation_release)
close = _action(conversation_close)
reopen = _action(conversation_reopen)


@login_required
@require_POST
def reply(request, pk: int):
    conversation = _conversation_or_404(request, pk)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            reply_queue(
                conversation_id=conversation.pk,
                user=request.user,
                text=form.cleaned_data["text"],
                private=form.cleaned_data["private"],
                last_seen_message_id=form.cleaned_data["last_seen"],
            )
        except ServiceError as exc:
            error = str(exc)
    else:
        error = _("Write a reply first.")
    if not error:
        return _after_action(request, pk)
    if request.htmx:
        response = render(request, "inbox/_flash.html", {"error": error}, status=422)
        return reswap(retarget(response, "#reply-errors"), "innerHTML")
    context = _conversation_context(request, conversation, form=form, reply_error=error)
    return render(request, "inbox/conversation.html", context, status=422)


@login_required
@require_POST
def retry_reply(request, pk: int, message_id: int):
    conversation = _conversation_or_404(request, pk)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied
    if not Message.objects.filter(pk=message_id, conversation=conversation).exists():
        raise Http404
    try:
        reply_retry(message_id=message_id, user=request.user)
    except ServiceError as exc:
        return _after_action(request, pk, error=str(exc))
    return _after_action(request, pk)


@login_required
@require_POST
def hide_comment(request, pk: int, message_id: int):
    """Hide (hidden=1) or show again (hidden=0) a citizen's public comment on the platform."""
    conversation = _conversation_or_404(request, pk)
    if not can_work_on(request.user, conversation):
        raise PermissionDenied
    message = Message.objects.filter(
        pk=message_id, conversation=conversation, direction=Message.Direction.INBOUND
    ).first()
    moderation = comment_moderation(conversation.account.platform)
    if message is None or moderation is None or message.kind not in moderation.kinds:
        raise Http404(_("No comment here that can be hidden."))
    hidden = request.POST.get("hidden") == "1"
    try:
        # The platform call comes first and outside any transaction; the timeline records the outcome.
        moderation.set_hidden(conversation.account, message.platform_id, hidden)
    except PlatformRefused as exc:
        return _after_action(request, pk, error=str(exc))
    comment_hidden_record(message_id=message.pk, user=request.user, hidden=hidden)
    return _after_action(request, pk)


def home(request):
    return redirect(reverse("inbox:queue"))
