"""Cases in the agents' screens: register from a conversation, link, the case page, search.

These views live in the inbox because a case page shows conversations; cases/ does not know the inbox.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from cases import numbers, status_push
from cases import selectors as case_selectors
from cases import services as case_services
from cases.forms import (
    CaseLinkForm,
    CaseRegisterForm,
    CaseSearchForm,
    ManualContactForm,
    StatusForm,
    TellForm,
)
from cases.models import Case
from cases.suggest import suggest_category, suggest_location
from cases.workflow import Status, allowed_next

from ..permissions import can_view_case, can_work, can_work_on
from ..placeholders import reply_with_case_number
from ..platforms import reply_rules
from ..selectors.cases import case_conversations, conversation_prefill_text
from ..selectors.media import case_attachments, conversation_photos
from ..services.base import ServiceError
from ..services.case_links import case_status_tell, conversation_case_link, conversation_case_register
from .common import require_inbox, workable_conversation_or_403


def _prefill(conversation, photos) -> dict:
    """Triage's suggestions when the conversation has them, else guesses from the citizen's text; the
    position where a photo was taken, when one has it."""
    text = conversation_prefill_text(conversation)
    # Triage's category (an agent's decision over the suggestion), read through the reverse relation:
    # the inbox never imports triage.
    triage = getattr(getattr(conversation, "triage", None), "current", None) or {}
    hint_category = triage.get("category") or ""
    hint_location = getattr(conversation, "location", "") or ""
    initial = {
        "category": suggest_category(text, hint=str(hint_category)),
        "description": text,
        "location": suggest_location(text, hint=str(hint_location)),
    }
    placed = next((p for p in photos if p.latitude is not None and p.longitude is not None), None)
    if placed is not None:
        initial.update(latitude=placed.latitude, longitude=placed.longitude)
    return initial


def _register_context(conversation, form, photos, chosen=None) -> dict:
    missing = [form[name] for name in ("category", "description", "location") if not form[name].value()]
    return {
        "conversation": conversation,
        "form": form,
        "missing": missing,
        "missing_names": [field.name for field in missing],
        "photos": photos,
        "chosen_photos": {p.pk for p in photos} if chosen is None else set(chosen),
        "photo_position": next((p for p in photos if p.latitude is not None), None),
    }


def _chosen_photos(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("photos") if v.isdigit()][:50]


@login_required
def case_register(request, pk: int):
    """GET: the prefilled form (a fragment for htmx, a page without). POST: register the case."""
    conversation = workable_conversation_or_403(request, pk)
    photos = conversation_photos(conversation)
    if request.method != "POST":
        form = CaseRegisterForm(initial=_prefill(conversation, photos))
        template = "cases/_register_form.html" if request.htmx else "cases/register.html"
        return render(request, template, _register_context(conversation, form, photos))
    form = CaseRegisterForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            case = conversation_case_register(
                conversation_id=conversation.pk,
                user=request.user,
                attachment_ids=_chosen_photos(request),
                **form.cleaned_data,
            )
        except ServiceError as exc:
            error = str(exc)
        else:
            notice = case_services.registration_notice(case)
            if not request.htmx:
                messages.success(request, notice)
                return redirect("inbox:conversation", pk=conversation.pk)
            # What the agent had in the reply box, and where the cursor was.
            typed = request.POST.get("reply", "")
            cursor = request.POST.get("reply_cursor", "")
            context = {
                "case": case,
                "conversation": conversation,
                "reply_text": reply_with_case_number(
                    typed, number=case.number, notice=notice, cursor=int(cursor) if cursor.isdigit() else None
                ),
                "reply_max_length": reply_rules(conversation.account.platform).max_length,
            }
            return render(request, "cases/_registered.html", context)
    context = {**_register_context(conversation, form, photos, _chosen_photos(request)), "error": error}
    template = "cases/_register_form.html" if request.htmx else "cases/register.html"
    return render(request, template, context, status=422)


@login_required
@require_POST
def case_link(request, pk: int):
    conversation = workable_conversation_or_403(request, pk)
    form = CaseLinkForm(request.POST)
    error = _("Type a case number.")
    if form.is_valid():
        try:
            conversation_case_link(
                conversation_id=conversation.pk, user=request.user, number=form.cleaned_data["number"]
            )
            error = ""
        except ServiceError as exc:
            error = str(exc)
    if error and request.htmx:
        response = render(request, "inbox/_flash.html", {"error": error}, status=422)
        return reswap(retarget(response, "#flash"), "innerHTML")
    if error:
        messages.error(request, error)
    return redirect("inbox:conversation", pk=conversation.pk)


def _case_or_404(request, number: str) -> Case:
    require_inbox(request.user)
    case = case_selectors.case_by_number(number)
    if case is None or not can_view_case(request.user, case):
        raise Http404(_("No case with number %(number)s.") % {"number": number[:60]})
    return case


def _case_context(request, case: Case, **extra) -> dict:
    conversations = case_conversations(user=request.user, case=case)
    contacts = case_selectors.case_contacts(case)
    tell_to = conversations[0] if conversations else None
    last_manual = contacts[-1] if contacts else None
    manual_is_later = bool(
        last_manual and (tell_to is None or last_manual.happened_at > tell_to.last_message_at)
    )
    return {
        "case": case,
        "conversations": conversations,
        "photos": case_attachments(user=request.user, case=case),
        "contacts": contacts,
        "timeline": case_selectors.case_timeline(case),
        "status_pushes": case_selectors.case_status_pushes(case),
        "can_work": can_work(request.user),
        "status_choices": [(value, Status(value).label) for value in allowed_next(case.status)],
        "contact_form": ManualContactForm(auto_id="contact_%s"),
        "tell_to": tell_to,
        "tell_can": bool(tell_to and can_work_on(request.user, tell_to)),
        "manual_is_later": manual_is_later,
        "tell_form": TellForm(
            auto_id="tell_%s",
            initial={"conversation": tell_to.pk if tell_to else 0, "text": case_services.status_notice(case)},
        ),
        **extra,
    }


@login_required
def case_detail(request, number: str):
    case = _case_or_404(request, number)
    if number != case.number:
        return redirect("cases:detail", number=case.number)
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _case_action_done(request, case: Case, error: str = "", success: str = ""):
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def case_status(request, number: str):
    case = _case_or_404(request, number)
    if not can_work(request.user):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _case_action_done(request, case, error=_("Choose a new status."))
    try:
        case = case_services.case_status_change(
            case_id=case.pk,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except case_services.CaseError as exc:
        return _case_action_done(request, case, error=str(exc))
    return _case_action_done(
        request,
        case,
        success=_("Status changed. Check the text below and send it to the citizen if you wish."),
    )


@login_required
@require_POST
def case_contact(request, number: str):
    case = _case_or_404(request, number)
    if not can_work(request.user):
        raise PermissionDenied
    form = ManualContactForm(request.POST)
    if not form.is_valid():
        return _case_action_done(request, case, error=_("Fill in the channel and what was said."))
    try:
        case_services.case_contact_log(case_id=case.pk, user=request.user, **form.cleaned_data)
    except case_services.CaseError as exc:
        return _case_action_done(request, case, error=str(exc))
    return _case_action_done(request, case, success=_("Contact logged."))


@login_required
@require_POST
def case_tell(request, number: str):
    case = _case_or_404(request, number)
    if not can_work(request.user):
        raise PermissionDenied
    form = TellForm(request.POST)
    if not form.is_valid():
        return _case_action_done(request, case, error=_("Write the message first."))
    conversation = workable_conversation_or_403(request, form.cleaned_data["conversation"])
    try:
        case_status_tell(
            case_id=case.pk,
            conversation_id=conversation.pk,
            user=request.user,
            text=form.cleaned_data["text"],
        )
    except ServiceError as exc:
        return _case_action_done(request, case, error=str(exc))
    return _case_action_done(request, case, success=_("The message to the citizen is queued for sending."))


@login_required
@require_POST
def case_retry(request, number: str):
    case = _case_or_404(request, number)
    if not can_work(request.user):
        raise PermissionDenied
    try:
        case_services.case_backoffice_retry(case_id=case.pk, user=request.user)
    except case_services.CaseError as exc:
        return _case_action_done(request, case, error=str(exc))
    return _case_action_done(request, case, success=_("Back-office registration queued again."))


@login_required
@require_POST
def case_status_push_retry(request, number: str, push_id: int):
    case = _case_or_404(request, number)
    if not can_work(request.user):
        raise PermissionDenied
    if not case.status_pushes.filter(pk=push_id).exists():
        raise Http404
    try:
        status_push.status_push_retry(push_id=push_id, user=request.user)
    except status_push.StatusPushError as exc:
        return _case_action_done(request, case, error=str(exc))
    return _case_action_done(request, case, success=_("The status is sent to the back office again."))


@login_required
def case_search(request):
    require_inbox(request.user)
    form = CaseSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    case = case_selectors.case_by_number(query) if query else None
    if case is not None:
        return redirect("cases:detail", number=case.number)
    context = {
        "query": query,
        "parsed": numbers.parse_number(query) if query else None,
        "recent": case_selectors.recent_cases(20),
    }
    return render(request, "cases/search.html", context, status=404 if query else 200)
