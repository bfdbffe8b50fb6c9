"""Working together: notes, escalation to the adviser on duty, forwarding to a wijkbureau, typing
markers, the duty roster, escalations, notifications, the top bar and calamity clusters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ..permissions import can_hand_back, can_see_escalations, can_work, can_work_on
from ..selectors import teamwork as teamwork_selectors
from ..selectors.conversation import conversation_get
from ..services.base import ServiceError
from ..services.bulk import IdenticalReplies, cluster_answer
from ..services.notifications import notifications_mark_read
from ..services.teamwork import conversation_escalate, conversation_forward, escalation_hand_back, note_add
from ..typing import typing_mark, typing_others
from .common import conversation_or_404, require_inbox, workable_conversation_or_403


def _back(request, pk: int):
    """To the conversation if this user may still see it (a forward can take it out of sight)."""
    if conversation_get(user=request.user, conversation_id=pk) is not None:
        return redirect("inbox:conversation", pk=pk)
    return redirect("inbox:queue")


@login_required
@require_POST
def note(request, pk: int):
    conversation = workable_conversation_or_403(request, pk)
    try:
        note_add(conversation_id=conversation.pk, user=request.user, text=request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Internal note added. The citizen does not see it."))
    return _back(request, pk)


@login_required
@require_POST
def escalate(request, pk: int):
    conversation = workable_conversation_or_403(request, pk)
    try:
        event = conversation_escalate(
            conversation_id=conversation.pk, user=request.user, question=request.POST.get("question", "")
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _back(request, pk)
    conversation.refresh_from_db()
    if event.data["adviser"]:
        messages.success(
            request,
            _("Escalated to %(name)s, the adviser on duty.")
            % {"name": conversation.assignee.get_full_name() or conversation.assignee.get_username()},
        )
    else:
        messages.warning(
            request,
            _("Nobody is on duty right now: the conversation went to the team %(team)s.")
            % {"team": conversation.team.name},
        )
    return _back(request, pk)


@login_required
@require_POST
def hand_back(request, pk: int):
    conversation = conversation_or_404(request, pk)
    if not can_hand_back(request.user, conversation):
        raise PermissionDenied
    try:
        escalation_hand_back(
            conversation_id=conversation.pk, user=request.user, advice=request.POST.get("advice", "")
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handed back to the agent with your advice."))
    return _back(request, pk)


@login_required
@require_POST
def forward(request, pk: int):
    conversation = workable_conversation_or_403(request, pk)
    try:
        team_id = int(request.POST.get("team", ""))
    except ValueError:
        team_id = 0
    try:
        conversation_forward(
            conversation_id=conversation.pk,
            user=request.user,
            team_id=team_id,
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        conversation.refresh_from_db()
        messages.success(request, _("Forwarded to %(team)s.") % {"team": conversation.team.name})
    return _back(request, pk)


@login_required
def typing(request, pk: int):
    """POST: I am typing (a ping every few seconds). GET: who else is typing, for the live page."""
    conversation = conversation_or_404(request, pk)
    if request.method == "POST":
        if not can_work_on(request.user, conversation):
            raise PermissionDenied
        typing_mark(conversation_id=conversation.pk, user=request.user)
        return HttpResponse(status=204)
    names = typing_others(conversation_id=conversation.pk, user=request.user)
    return render(request, "inbox/_typing.html", {"conversation": conversation, "typing_names": names})


@login_required
@require_GET
def roster(request):
    require_inbox(request.user)
    return render(
        request,
        "inbox/roster.html",
        {"on_duty": teamwork_selectors.adviser_on_duty(), "shifts": teamwork_selectors.roster(days=14)},
    )


@login_required
@require_GET
def escalations(request):
    if not can_see_escalations(request.user):
        raise PermissionDenied(_("Only communications advisers see the escalations."))
    mine_only = request.GET.get("filter") == "mine"
    return render(
        request,
        "inbox/escalations.html",
        {
            "conversations": teamwork_selectors.escalations(user=request.user, mine_only=mine_only),
            "mine_only": mine_only,
            "on_duty": teamwork_selectors.adviser_on_duty(),
        },
    )


@login_required
def notifications(request):
    require_inbox(request.user)
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("teamwork:notifications")
    return render(
        request,
        "inbox/notifications.html",
        {"notifications": teamwork_selectors.notifications(user=request.user)},
    )


@login_required
@require_GET
def topbar(request):
    """The live bit of the top bar: unread notifications and who is on duty."""
    require_inbox(request.user)
    return render(
        request,
        "inbox/_topbar_live.html",
        {
            "unread": teamwork_selectors.unread_notification_count(user=request.user),
            "on_duty": teamwork_selectors.adviser_on_duty(),
        },
    )


@login_required
@require_GET
def clusters(request):
    require_inbox(request.user)
    return render(
        request,
        "inbox/_clusters_list.html",
        {
            "clusters": teamwork_selectors.conversation_clusters(user=request.user)
            if can_work(request.user)
            else []
        },
    )


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        for part in str(value).split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return ids[:500]


def _own_texts(post, members) -> dict[int, str]:
    """The texts the agent wrote for single conversations of the cluster (empty: the common one)."""
    return {
        c.pk: post.get(f"text_{c.pk}", "").strip() for c in members if post.get(f"text_{c.pk}", "").strip()
    }


def _cluster_page(request, members, *, text="", own=None, chosen=None, status=200):
    own = own or {}
    for member in members:
        member.own_text = own.get(member.pk, "")
        member.chosen = chosen is None or member.pk in chosen
    return render(request, "inbox/cluster.html", {"members": members, "text": text}, status=status)


@login_required
def cluster(request):
    """One cluster: its conversations side by side, one answer for all (or a text of its own per
    conversation), and close them together."""
    require_inbox(request.user)
    if not can_work(request.user):
        raise PermissionDenied
    if request.method != "POST":
        ids = _ids(request.GET.getlist("ids"))
        return _cluster_page(
            request, teamwork_selectors.cluster_members(user=request.user, conversation_ids=ids)
        )
    chosen = teamwork_selectors.cluster_members(
        user=request.user, conversation_ids=_ids(request.POST.getlist("ids"))
    )
    chosen = [c for c in chosen if can_work_on(request.user, c)]
    text = request.POST.get("text", "").strip()
    own = _own_texts(request.POST, chosen)

    def again(error: str, own_texts: dict[int, str]):
        messages.error(request, error)
        members = teamwork_selectors.cluster_members(
            user=request.user, conversation_ids=_ids(request.POST.getlist("all"))
        )
        return _cluster_page(
            request, members, text=text, own=own_texts, chosen={c.pk for c in chosen}, status=422
        )

    if not chosen or any(not (own.get(c.pk) or text) for c in chosen):
        return again(_("Choose at least one conversation and write the answer."), own)
    try:
        results = cluster_answer(
            conversation_ids=[c.pk for c in chosen],
            user=request.user,
            text=text,
            texts=own,
            close="close" in request.POST,
        )
    except IdenticalReplies as exc:
        # Their own text fields come back filled with the common answer, ready to be varied.
        return again(str(exc), {**{pk: text for pk in exc.conversation_ids}, **own})
    done = sum(1 for _pk, error in results if not error)
    messages.success(
        request,
        ngettext("Answered %(n)d conversation.", "Answered %(n)d conversations.", done) % {"n": done},
    )
    for conversation_id, error in results:
        if error:
            messages.error(request, f"#{conversation_id}: {error}")
    return redirect("inbox:queue")
