"""One conversation: its page (live via htmx), claim, release, hand over, take over, close (and go to the
next), reopen, reply, retry and hiding a comment."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from ..forms import ReplyForm
from ..models import Message
from ..permissions import can_work_on, holder_allows, take_over_allows
from ..platforms import PlatformRefused, comment_moderation, reply_rules
from ..selectors.conversation import (
    contact_history,
    conversation_thread,
    conversation_timeline,
    escalation_notes,
    handover_candidates,
    holder_is_away,
)
from ..services.base import OutdatedThread, PersonalDataInPublicReply, ServiceError
from ..services.claims import (
    conversation_assign,
    conversation_claim,
    conversation_release,
    conversation_take_next,
    conversation_take_over,
)
from ..services.lifecycle import conversation_close, conversation_reopen
from ..services.moderation import comment_hidden_record
from ..services.notifications import notifications_mark_read
from ..services.outbox import reply_queue, reply_retry
from ..workflow import State
from .common import conversation_or_404, workable_conversation_or_403
from .klantcontacten import klantcontact_context
from .rendered import rows_html


def history_html(history: list) -> list:
    """The contact's earlier conversations as list items, each rendered from what it shows (and
    cached under exactly that: `rendered.rows_html`)."""
    shown = [
        {
            "pk": other.pk,
            "first_line": other.first_line,
            "last_message_at": other.last_message_at,
            "state_label": other.get_state_display(),
            "case_number": other.case.number if other.case else "",
            "account": other.account.handle,
        }
        for other in history
    ]
    return rows_html("history-item", "inbox/_history_item.html", shown)


def _conversation_context(request, conversation, **extra):
    rules = reply_rules(conversation.account.platform)
    timeline = conversation_timeline(conversation)
    can_work = can_work_on(request.user, conversation)
    may_act = holder_allows(request.user, conversation)
    held_by_other = conversation.assignee_id not in (None, request.user.pk)
    return {
        "conversation": conversation,
        "thread": conversation_thread(conversation),
        "timeline": timeline,
        "escalation": escalation_notes(conversation, timeline),
        "history": history_html(contact_history(user=request.user, conversation=conversation)),
        "can_work": can_work,
        # The holder rule's answer: whether this user may act on the conversation as it is held now.
        "may_act": may_act,
        "can_take_over": can_work
        and held_by_other
        and take_over_allows(request.user, conversation, holder_away=holder_is_away(conversation)),
        "colleagues": handover_candidates(conversation=conversation, exclude=[conversation.assignee])
        if can_work and may_act and conversation.state != State.CLOSED
        else [],
        "version": f"{conversation.updated_at.timestamp():.6f}",
        "reply_max_length": rules.max_length,
        "reply_count_rules": json.dumps(rules.client_rules) if rules.client_rules else "",
        "reply_refusal": rules.refusal_for(conversation),
        "private_reply_target": rules.private_reply_target(conversation),
        "hideable_kinds": getattr(comment_moderation(conversation.account.platform), "kinds", ()),
        **klantcontact_context(conversation),
        **extra,
    }


@login_required
def conversation(request, pk: int):
    conversation = conversation_or_404(request, pk)
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
        conversation = conversation_or_404(request, pk)
        return render(request, "inbox/conversation.html#live", _conversation_context(request, conversation))
    if error:
        messages.error(request, error)
    return redirect("inbox:conversation", pk=pk)


def _action(service):
    @login_required
    @require_POST
    def view(request, pk: int):
        conversation = workable_conversation_or_403(request, pk)
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
take_over = _action(conversation_take_over)


@login_required
@require_POST
def assign(request, pk: int):
    """Hand the conversation to the colleague chosen in the form."""
    conversation = workable_conversation_or_403(request, pk)
    try:
        assignee_id = int(request.POST.get("assignee", ""))
    except ValueError:
        return _after_action(request, pk, error=_("Choose a colleague."))
    try:
        conversation_assign(conversation_id=conversation.pk, user=request.user, assignee_id=assignee_id)
    except ServiceError as exc:
        return _after_action(request, pk, error=str(exc))
    return _after_action(request, pk)


@login_required
@require_POST
def close_next(request, pk: int):
    """Close this conversation and open the next one to do, claimed (as "take next" does)."""
    conversation = workable_conversation_or_403(request, pk)
    try:
        conversation_close(conversation_id=conversation.pk, user=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("inbox:conversation", pk=pk)
    following = conversation_take_next(user=request.user)  # never an escalated one
    if following is None:
        messages.success(request, _("Conversation closed. Nothing left in the queue for you."))
        return redirect("inbox:queue")
    messages.success(request, _("Conversation closed. This is the next one; you are working on it."))
    return redirect("inbox:conversation", pk=following.pk)


@login_required
@require_POST
def reply(request, pk: int):
    conversation = workable_conversation_or_403(request, pk)
    form = ReplyForm(request.POST)
    error, personal_data = "", None
    if form.is_valid():
        try:
            reply_queue(
                conversation_id=conversation.pk,
                user=request.user,
                text=form.cleaned_data["text"],
                private=form.cleaned_data["private"],
                last_seen_message_id=form.cleaned_data["last_seen"],
                confirmed_newer=form.cleaned_data["confirm_newer"],
                confirmed_personal_data=form.cleaned_data["confirm_personal_data"],
            )
        except OutdatedThread as exc:
            error, status = str(exc), 409
        except PersonalDataInPublicReply as exc:
            # Nothing queued: the writer sees what was found and chooses (privately, edit, confirm).
            # 422, not 409: a 409 is the stale-thread refusal, which static/js/reply_guard.js answers.
            error, status, personal_data = str(exc), 422, exc
        except ServiceError as exc:
            error, status = str(exc), 422
    else:
        error, status = _("Write a reply first."), 422
    if not error:
        return _after_action(request, pk)
    outdated = status == 409
    if request.htmx:
        template = "inbox/_reply_personal_data.html" if personal_data else "inbox/_flash.html"
        context = {"error": error, "outdated": outdated, "personal_data": personal_data}
        response = render(request, template, context, status=status)
        return reswap(retarget(response, "#reply-errors"), "innerHTML")
    context = _conversation_context(
        request, conversation, form=form, reply_error=error, outdated=outdated, personal_data=personal_data
    )
    return render(request, "inbox/conversation.html", context, status=status)


@login_required
@require_POST
def retry_reply(request, pk: int, message_id: int):
    conversation = workable_conversation_or_403(request, pk)
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
    conversation = workable_conversation_or_403(request, pk)
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
