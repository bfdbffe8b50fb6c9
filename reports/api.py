"""GET /api/v1/backlog: the same figures as the dashboard and `backlog --json`."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from inbox.api.schemas import ERRORS
from inbox.models import Account, Team

from .permissions import can_view_reports
from .selectors import Scope, day_figures

router = Router(tags=["reports"])


@router.get("/backlog", summary="A day's backlog figures (managers)", response={200: dict, **ERRORS})
def backlog(request, date: dt.date | None = None, team: str = "", account: str = "") -> dict:
    if not can_view_reports(request.user):
        raise PermissionDenied("The backlog figures are for managers.")
    if team and not Team.objects.filter(slug=team).exists():
        raise HttpError(422, f"No team {team!r}.")
    if account and not Account.objects.filter(handle=account).exists():
        raise HttpError(422, f"No account {account!r}.")
    return day_figures(date or timezone.localdate(), Scope(team=team, account=account))
