"""AVG requests for functional admins: find a citizen, download their data, erase it. Audited."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inbox.models import Contact, Conversation, Role
from inbox.permissions import roles

from .services.erase import contact_erase
from .services.export import contact_export
from .services.lookup import contacts_search


class EraseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (the request's reference)"), max_length=500)
    confirm = forms.BooleanField(label=gettext_lazy("I understand that this cannot be undone"))


def _admin_only(request):
    if Role.ADMIN not in roles(request.user):
        raise PermissionDenied


@login_required
def requests(request):
    _admin_only(request)
    query = request.GET.get("q", "")
    return render(request, "privacy/requests.html", {"q": query, "contacts": contacts_search(query)})


@login_required
def contact(request, pk: int):
    _admin_only(request)
    person = get_object_or_404(Contact, pk=pk)
    conversations = (
        Conversation.objects.filter(contact=person).select_related("account", "case").order_by("pk")
    )
    context = {"person": person, "conversations": conversations, "form": EraseForm()}
    return render(request, "privacy/contact.html", context)


@login_required
def export(request, pk: int):
    _admin_only(request)
    person = get_object_or_404(Contact, pk=pk)
    data = contact_export(contact=person, actor=request.user, request=request, via="web")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="inzage-contact-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase(request, pk: int):
    _admin_only(request)
    person = get_object_or_404(Contact, pk=pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        conversations = Conversation.objects.filter(contact=person).select_related("account", "case")
        context = {"person": person, "conversations": conversations, "form": form}
        return render(request, "privacy/contact.html", context, status=422)
    summary = contact_erase(
        contact=person, reason=form.cleaned_data["reason"], actor=request.user, request=request, via="web"
    )
    messages.success(
        request,
        _("The personal data of contact #%(pk)s has been erased (%(n)d conversations).")
        % {"pk": person.pk, "n": summary["conversations"]},
    )
    return redirect("privacy:contact", pk=person.pk)
