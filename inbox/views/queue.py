"""The shared queue: the live list with its views (and the ones a person saved), "take next", and the
home page that leads there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import QueueFilterForm, SavedViewForm
from ..models import Role, SavedQueueView
from ..permissions import can_work, roles
from ..selectors.queue import (
    COUNT_LIMIT,
    DONE_FILTERS,
    QUEUE_PAGE_SIZE,
    InvalidCursor,
    queue_counts,
    queue_page,
    queue_version,
    team_choices,
)
from ..services.base import ServiceError
from ..services.claims import conversation_take_next
from ..services.preferences import queue_view_delete, queue_view_save
from .common import require_inbox
from .queue_rows import ROW_VALUES, queue_rows_html

# A live refresh re-renders as many rows as the page shows after "load more", up to this many.
MAX_SHOWN = 500


def _shown(request) -> int:
    try:
        shown = int(request.GET.get("shown", QUEUE_PAGE_SIZE))
    except ValueError:
        return QUEUE_PAGE_SIZE
    return min(max(shown, QUEUE_PAGE_SIZE), MAX_SHOWN)


@login_required
def queue(request):
    """The queue page; with htmx, `v` asks for the live part if it changed (204 if not), and `after`
    for the rows after a cursor ("load more"). Without JavaScript `after` is the next page."""
    require_inbox(request.user)
    filter_name, team_slug = QueueFilterForm(request.GET).cleaned()
    after = request.GET.get("after", "")
    live = bool(request.htmx) and "v" in request.GET
    more = bool(request.htmx) and bool(after) and not live
    version = "" if more else queue_version(user=request.user, filter_name=filter_name, team_slug=team_slug)
    if live and request.GET["v"] == version:
        return HttpResponse(status=204)  # unchanged: htmx keeps what it shows
    try:
        page = queue_page(
            user=request.user,
            filter_name=filter_name,
            team_slug=team_slug,
            after=after,
            size=_shown(request) if live else QUEUE_PAGE_SIZE,
            values=ROW_VALUES,
        )
    except InvalidCursor:
        return HttpResponseBadRequest(_("This link to a part of the queue is not valid any more."))
    teams = team_choices()
    context = {
        "rows": page.rows,
        "row_html": queue_rows_html(page.rows, done_view=filter_name in DONE_FILTERS, teams=teams),
        "next": page.next,
        "filter_name": filter_name,
        "team_slug": team_slug,
        "done_view": filter_name in DONE_FILTERS,
    }
    if more:
        return render(request, "inbox/queue.html#queue-rows", context)
    context |= {
        "counts": queue_counts(user=request.user, filter_name=filter_name, team_slug=team_slug),
        "count_limit": COUNT_LIMIT,
        "teams": teams,
        "saved_views": [] if live else list(SavedQueueView.objects.filter(user=request.user)),
        "version": version,
        "after": after,
    }
    template = "inbox/queue.html#queue-live" if live else "inbox/queue.html"
    return render(request, template, context)


def _queue_url(filter_name: str, team_slug: str) -> str:
    query = f"?filter={filter_name}" + (f"&team={team_slug}" if filter_name == "team" and team_slug else "")
    return reverse("inbox:queue") + query


@login_required
@require_POST
def saved_view_add(request):
    """Save the view in the form (a filter, a team) under the name given, for this person."""
    require_inbox(request.user)
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        if "name" in form.errors:
            messages.error(request, _("Give the view a name of at most 60 characters."))
        else:
            messages.error(request, _("This view cannot be saved; choose one of the views above."))
        return redirect("inbox:queue")
    filter_name, team_slug = form.cleaned()
    try:
        saved = queue_view_save(
            user=request.user, name=form.cleaned_data["name"], filter_name=filter_name, team_slug=team_slug
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(_queue_url(filter_name, team_slug))
    messages.success(request, _("View %(name)s saved.") % {"name": saved.name})
    return redirect(_queue_url(filter_name, team_slug))


@login_required
@require_POST
def saved_view_remove(request, pk: int):
    require_inbox(request.user)
    queue_view_delete(user=request.user, view_id=pk)
    messages.success(request, _("The view is removed."))
    return redirect("inbox:queue")


@login_required
@require_POST
def take_next(request):
    if not can_work(request.user):
        raise PermissionDenied
    conversation = conversation_take_next(user=request.user)
    if conversation is None:
        messages.info(request, _("Nothing left in the queue for you."))
        return redirect("inbox:queue")
    return redirect("inbox:conversation", pk=conversation.pk)


def home(request):
    """Where a login lands: the queue for whoever works it, the dashboard for a manager who does not."""
    if Role.MANAGER in roles(request.user) and not can_work(request.user):
        return redirect("reports:dashboard")
    return redirect(reverse("inbox:queue"))
