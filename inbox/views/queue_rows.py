"""The queue's rows as HTML: each rendered from the values it shows and nothing else, and kept in the
cache under exactly those values.

The queue page and its live refresh render up to 500 rows, and Django's templates take most of a
page's time (ADR 0014); in a busy queue almost every row is the same as the last time someone
looked. A row is rendered only from `shown_values` (the template sees nothing else) and cached
under exactly those values (`rendered.rows_html`): its age as shown and whether it is overdue are
among them, so time moves a row on by itself.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import LATE_FETCH, Conversation, Platform
from ..selectors.queue import accounts_by_id
from ..workflow import State
from .rendered import rows_html

ROW_TEMPLATE = "inbox/_queue_row.html"


# What a row shows, read as values (no model instances): the name a row reads it by → its column.
# Accounts and teams are a handful of rows, looked up by id rather than joined into every row: with
# psycopg2 every statement is planned anew, and each join costs planning time on every page.
ROW_VALUES = {
    "pk": "id",
    "state": "state",
    "priority": "priority",
    "overdue": "overdue",
    "due_at": "due_at",
    "closed_at": "closed_at",
    "updated_at": "updated_at",
    "started_at": "started_at",
    "created_at": "created_at",
    "last_message_at": "last_message_at",
    "preview": "preview",
    "message_count": "message_count",
    "is_private": "is_private",
    "personal_data_exposed": "personal_data_exposed",
    "account_id": "account_id",
    "contact_name": "contact__name",
    "contact_handle": "contact__handle",
    "team_id": "team_id",
    "assignee": f"assignee__{get_user_model().USERNAME_FIELD}",
    "assignee_first_name": "assignee__first_name",
    "assignee_last_name": "assignee__last_name",
    "triage": "triage__id",
    "triage_suggested": "triage__suggested",
    "triage_decided": "triage__decided",
}
# Triage's row model: it decides what its badges show (inbox does not import triage).
_TRIAGE = Conversation._meta.get_field("triage").related_model


def shown_values(row: dict, *, done_view: bool, now, labels: "_Labels") -> dict:
    """Everything a queue row shows, from a row read as `ROW_VALUES`."""
    platform, account = labels.accounts.get(row["account_id"], ("", ""))
    late = row["created_at"] - row["started_at"]
    full_name = f"{row['assignee_first_name']} {row['assignee_last_name']}".strip()  # as get_full_name
    badges = None
    if row["triage"] is not None:
        badges = _TRIAGE.badges_of(row["triage_suggested"], row["triage_decided"])
    return {
        "pk": row["pk"],
        "urgent": row["priority"] > 0,
        "overdue": bool(row["overdue"]) and not done_view,
        # A done view shows when it was done; the queue when it is due.
        "moment": (row["closed_at"] or row["updated_at"]) if done_view else row["due_at"],
        "contact_name": row["contact_name"],
        "contact_handle": row["contact_handle"],
        "last_message_at": row["last_message_at"],
        "age": _age(row["last_message_at"], now),
        "fetched_late_by": late if late >= LATE_FETCH else None,
        "created_at": row["created_at"],
        "preview": row["preview"],
        "message_count": row["message_count"],
        "is_private": row["is_private"],
        "badges": badges,
        "personal_data_exposed": row["personal_data_exposed"],
        "platform": platform,
        "platform_label": labels.platforms.get(platform, platform),
        "account": account,
        "team": labels.teams.get(row["team_id"], ""),
        "state_label": labels.states.get(row["state"], row["state"]),
        "assignee": (full_name or row["assignee"]) if row["assignee"] else "",
    }


def _age(moment, now) -> str:
    """How long ago, as the row says it ("zojuist" within the first minute, not "0 minuten")."""
    ago = now - moment
    if ago < dt.timedelta(minutes=1):
        return _("just now")
    if ago < _CALENDAR_FREE:
        return _age_in_minutes(ago // dt.timedelta(minutes=1), get_language())
    return _("%(age)s ago") % {"age": timesince(moment, now)}


# Under four weeks `timesince` says weeks, days, hours and minutes, which depend on the minutes alone
# (beyond, months follow the calendar). Saying it took a third of a row's time: once per minute count.
_CALENDAR_FREE = dt.timedelta(days=27)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@lru_cache(maxsize=4096)
def _age_in_minutes(minutes: int, language: str) -> str:
    return _("%(age)s ago") % {"age": timesince(_EPOCH, _EPOCH + dt.timedelta(minutes=minutes))}


@dataclass(frozen=True)
class _Labels:
    accounts: dict  # id → (platform, handle)
    teams: dict  # id → name
    states: dict
    platforms: dict


def queue_rows_html(rows: list[dict], *, done_view: bool, teams: list) -> list[SafeString]:
    """The rows' HTML (rows read as `ROW_VALUES`; `teams` every team) in their order: from the cache
    where a row shows what it showed before, rendered (and cached) where not."""
    now = timezone.now()
    labels = _Labels(
        accounts=accounts_by_id() if rows else {},
        teams={team.pk: team.name for team in teams},
        states=dict(State.choices),
        platforms=dict(Platform.choices),
    )
    shown = [shown_values(row, done_view=done_view, now=now, labels=labels) for row in rows]
    return rows_html("queue-row", ROW_TEMPLATE, shown, setting=(done_view,))
