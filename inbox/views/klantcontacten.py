"""A conversation and Open Klant: its klantcontact's state (with a retry), and "Eerder contact",
the citizen's other klantcontacten, loaded after the page so Open Klant never holds it up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from klantcontacten import selectors as klantcontact_selectors
from klantcontacten.services import KlantcontactError, klantcontact_retry
from klantcontacten.workflow import SyncState

from ..permissions import can_work_on
from ..selectors.klantcontacten import (
    conversation_earlier_contacts,
    conversation_klantcontact,
    klantcontacten_enabled,
)
from .common import conversation_or_404, workable_conversation_or_403

IN_FLIGHT = (SyncState.PENDING, SyncState.PUSHING, SyncState.UNKNOWN)


def klantcontact_context(conversation) -> dict:
    """What the conversation page's Open Klant panels need (the page itself includes them)."""
    klantcontact = conversation_klantcontact(conversation) if klantcontacten_enabled() else None
    return {
        "klantcontacten_on": klantcontacten_enabled(),
        "klantcontact": klantcontact,
        "klantcontact_in_flight": klantcontact is not None and klantcontact.state in IN_FLIGHT,
        "klantcontact_events": klantcontact_selectors.klantcontact_timeline(klantcontact)[-5:]
        if klantcontact
        else [],
    }


def _panel(request, conversation, error: str = "", status: int = 200):
    context = {
        "conversation": conversation,
        "can_work": can_work_on(request.user, conversation),
        "klantcontact_error": error,
        **klantcontact_context(conversation),
    }
    return render(request, "klantcontacten/_panel.html", context, status=status)


@login_required
def klantcontact_panel(request, pk: int):
    """The panel alone: htmx asks for it every few seconds while the klantcontact is on its way."""
    return _panel(request, conversation_or_404(request, pk))


@login_required
@require_POST
def klantcontact_send_again(request, pk: int):
    conversation = workable_conversation_or_403(request, pk)
    klantcontact = conversation_klantcontact(conversation)
    if klantcontact is None:
        raise Http404
    try:
        klantcontact_retry(klantcontact_id=klantcontact.pk, user=request.user)
    except KlantcontactError as exc:
        if request.htmx:
            return _panel(request, conversation, error=str(exc), status=409)
        messages.error(request, str(exc))
    if request.htmx:
        return _panel(request, conversation)
    return redirect("inbox:conversation", pk=pk)


@login_required
def earlier_contacts(request, pk: int):
    conversation = conversation_or_404(request, pk)
    context = {"conversation": conversation, "earlier": conversation_earlier_contacts(conversation)}
    if request.htmx:
        return render(request, "klantcontacten/earlier_contacts.html#panel", context)
    return render(request, "klantcontacten/earlier_contacts.html", context)
