"""The channel screens: accounts and their poll state (admins), and monitoring hits (agents)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from ..models import MonitoringHit, Role
from ..permissions import can_work, roles
from ..selectors.channels import accounts_overview, monitoring_counts, monitoring_hits, visible_hits
from ..services.base import ServiceError
from ..services.monitoring import monitoring_hit_dismiss, monitoring_hit_promote
from .common import require_inbox


@login_required
def accounts(request):
    if Role.ADMIN not in roles(request.user):
        raise PermissionDenied(_("Only functional admins see the accounts."))
    return render(request, "inbox/accounts.html", {"accounts": accounts_overview()})


@login_required
def monitoring(request):
    require_inbox(request.user)
    state = request.GET.get("state", MonitoringHit.State.NEW)
    if state not in MonitoringHit.State.values:
        state = MonitoringHit.State.NEW
    context = {
        "hits": monitoring_hits(user=request.user, state=state),
        "counts": monitoring_counts(user=request.user),
        "state": state,
        "states": MonitoringHit.State.choices,
    }
    return render(request, "inbox/monitoring.html", context)


def _decide(service):
    @login_required
    @require_POST
    def view(request, pk: int):
        if not can_work(request.user):
            raise PermissionDenied
        if not visible_hits(request.user).filter(pk=pk).exists():
            raise Http404
        try:
            result = service(hit_id=pk, user=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("inbox:monitoring")
        if service is monitoring_hit_promote:
            messages.success(request, _("Moved to the queue. Nothing has been sent."))
            target = redirect("inbox:conversation", pk=result.pk)
            return HttpResponseClientRedirect(target.url) if request.htmx else target
        hit = MonitoringHit.objects.select_related("account", "decided_by").get(pk=pk)
        if request.htmx:
            return render(request, "inbox/_monitoring_hit.html", {"hit": hit, "user_can_work": True})
        return redirect("inbox:monitoring")

    view.__name__ = service.__name__
    return view


promote = _decide(monitoring_hit_promote)
dismiss = _decide(monitoring_hit_dismiss)
