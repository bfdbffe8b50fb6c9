"""The manager's dashboard and the CSV export."""

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cases.models import Category
from inbox import deadlines
from inbox.models import Conversation, Message, Platform, Team
from inbox.workflow import State

from . import charts, selectors
from .forms import DashboardFilterForm, ExportForm
from .models import PeakAlert
from .permissions import can_view_reports
from .services import peak_alert_dismiss


def _require_reports(user):
    if not can_view_reports(user):
        raise PermissionDenied(_("The dashboard is for managers."))


@login_required
def dashboard(request):
    _require_reports(request.user)
    form = DashboardFilterForm(request.GET or None, initial={"date": timezone.localdate()})
    day, scope = form.day_and_scope()
    numbers = _dashboard_numbers(day, scope)
    figures, trend = numbers["figures"], numbers["trend"]
    distribution = figures["first_response_working_minutes"]["distribution"]
    typical = numbers["typical_per_hour"]
    team_names = dict(Team.objects.values_list("slug", "name"))
    hours = [f"{h:02d}:00" for h in range(24)]
    trend_labels = [f"{int(point['date'][8:10])}/{int(point['date'][5:7])}" for point in trend]
    context = {
        "form": form,
        "day": day,
        "figures": figures,
        "export_form": ExportForm(initial={"start": day - dt.timedelta(days=30), "end": day}),
        "intake_chart": charts.bars(
            numbers["per_hour"],
            hours,
            title=_("Intake per hour, against a typical day") if typical else _("Intake per hour"),
            compare=typical,
            unit=_messages,
            x_unit=_("hour"),
        ),
        "has_typical_day": typical is not None,
        "peak_now": numbers["peak_now"],
        # Snapshots frozen before the clock figures existed lack them.
        "clock": figures.get("first_response_clock_minutes") or {},
        "backlog_chart": charts.line(
            [point["backlog"] for point in trend],
            trend_labels,
            title=_("Backlog at the end of each day"),
            unit=_conversations,
            x_unit=_("day"),
        ),
        "intake_trend_chart": charts.bars(
            [point["intake"] for point in trend],
            trend_labels,
            title=_("Intake per day"),
            unit=_messages,
            x_unit=_("day"),
        ),
        "response_chart": charts.bars(
            list(distribution.values()),
            list(distribution.keys()),
            title=_("First response, in working time"),
            unit=_conversations,
            x_unit=_("working minutes"),
        ),
        "trend": trend,
        "channel_rows": [
            (dict(Platform.choices).get(platform, platform), n)
            for platform, n in figures["intake"]["by_channel"].items()
        ],
        # One table each: open per state, per team, per category (not one table mixing them).
        "open_tables": [
            (
                _("Open per state"),
                _("State"),
                _compare(
                    figures, "by_state", lambda state: State(state).label if state in State.values else state
                ),
                "open-by-state",
            ),
            (
                _("Open per team"),
                _("Team"),
                _compare(figures, "by_team", lambda slug: team_names.get(slug, slug)),
                "open-by-team",
            ),
            (
                _("Open per category"),
                _("Category"),
                _compare(
                    figures,
                    "by_category",
                    lambda code: (
                        Category(code).label if code in Category.values else code or _("no category")
                    ),
                ),
                "open-by-category",
            ),
        ],
    }
    return render(request, "reports/dashboard.html", context)


def _messages(n: int) -> str:
    return ngettext("%(n)d message", "%(n)d messages", n) % {"n": n}


def _conversations(n: int) -> str:
    return ngettext("%(n)d conversation", "%(n)d conversations", n) % {"n": n}


def _dashboard_numbers(day, scope) -> dict:
    """Everything the dashboard counts, cached while nothing changes (and at most a minute, as time
    alone moves overdue markers and ages): managers reload often, a busy day costs seconds to count."""
    key = f"reports:dashboard:{day}:{scope.key}:{selectors.data_version()}:{timezone.now():%Y%m%d%H%M}"

    def count() -> dict:
        figures = selectors.day_figures(day, scope)
        first = selectors.history_start()
        now = timezone.now()
        return {
            "figures": figures,
            "trend": selectors.trend(day, scope, figures_of_day=figures),
            "per_hour": selectors.intake_per_hour(day, scope),
            # None while there are fewer than four earlier weeks to compare with.
            "typical_per_hour": selectors.typical_intake_per_hour(day, scope, first=first),
            # The peak watch (all channels), on today's page only.
            "peak_now": {
                "intake": selectors.last_hour_intake(now),
                "baseline": selectors.normal_hour_intake(now, first=first),
            }
            if day == timezone.localdate()
            else None,
        }

    return cache.get_or_set(key, count, timeout=60)


def _cell(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # A spreadsheet would run text starting with = + - @ as a formula: citizens' handles are untrusted.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _compare(figures: dict, key: str, label) -> list[tuple]:
    """Rows of (label, at start of day, at end of day) for one breakdown of the open conversations."""
    start, end = figures["open_at_start"].get(key, {}), figures["open_at_end"].get(key, {})
    return [(label(name), start.get(name, 0), end.get(name, 0)) for name in sorted(set(start) | set(end))]


class _Echo:
    def write(self, value):
        return value


# Headers in the user's language; states, channels, categories and urgency as the screens name them.
EXPORT_COLUMNS = [
    gettext_lazy("conversation"),
    gettext_lazy("channel"),
    gettext_lazy("account"),
    gettext_lazy("team"),
    gettext_lazy("state"),
    gettext_lazy("urgent"),
    gettext_lazy("category"),
    gettext_lazy("wijk"),
    gettext_lazy("case number"),
    gettext_lazy("agent"),
    gettext_lazy("started"),
    gettext_lazy("fetched"),
    gettext_lazy("first response"),
    gettext_lazy("first response (working minutes)"),
    gettext_lazy("closed at"),
    gettext_lazy("due"),
    gettext_lazy("handle"),
]
EXPORT_FIELDS = [
    "pk",
    "account__platform",
    "account__handle",
    "team__name",
    "state",
    "priority",
    "triage__suggested",
    "triage__decided",
    "case__number",
    "agent",
    "agent_username",
    "started_at",
    "created_at",
    "first_response_at",
    "closed_at",
    "due_at",
    "contact__handle",
]


def _export_row(row) -> list:
    (pk, platform, handle, team, state, priority, suggested, decided, case, agent, username,
     started, fetched, first_response, closed, due, contact) = row  # fmt: skip
    triage = {**(suggested or {}), **(decided or {})}  # the agents' decisions over the suggestions
    category = triage.get("category") or ""
    minutes = (
        round(deadlines.working_seconds_between(started, first_response) / 60)
        if started and first_response
        else ""
    )
    return [
        pk,
        dict(Platform.choices).get(platform, platform),
        handle,
        team,
        State(state).label,
        _("yes") if priority > 0 else _("no"),
        Category(category).label if category in Category.values else category,
        triage.get("wijk") or "",
        case or "",
        (agent or "").strip() or username or "",
        started,
        fetched,
        first_response,
        minutes,
        closed,
        due,
        contact,
    ]


@login_required
def export_csv(request):
    _require_reports(request.user)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(" ".join(errors) for errors in form.errors.values()))
    start, _end = selectors.day_bounds(form.cleaned_data["start"])
    _start, end = selectors.day_bounds(form.cleaned_data["end"])
    # The agent is whoever sent the first reply from the inbox (a closed conversation has no holder).
    first_reply = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.OUTBOUND, sent_by__isnull=False
    ).order_by("created_at", "pk")
    rows = (
        Conversation.objects.filter(started_at__gte=start, started_at__lt=end)
        .annotate(
            agent=Subquery(
                first_reply.annotate(
                    name=Concat("sent_by__first_name", Value(" "), "sent_by__last_name")
                ).values("name")[:1]
            ),
            agent_username=Subquery(first_reply.values("sent_by__username")[:1]),
        )
        .order_by("pk")
        .values_list(*EXPORT_FIELDS)
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([str(column) for column in EXPORT_COLUMNS])
        # iterator() streams from the database in chunks: a year never sits in memory.
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow([_cell(value) for value in _export_row(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"webcare-{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def peak_dismiss(request, pk: int):
    """Hide the peak banner for this person (every device); htmx swaps the banner out."""
    alert = get_object_or_404(PeakAlert, pk=pk)
    peak_alert_dismiss(alert_id=alert.pk, user=request.user)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return redirect(back)
