"""The manager's figures against hand-computed ones on a small fixed data set."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from inbox.deadlines import AMSTERDAM
from inbox.models import Conversation, Event, Role
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_mark_sent, reply_queue, reply_start_sending
from reports.models import DailySnapshot, PeakAlert
from reports.selectors import Scope, day_figures
from reports.services import peak_alert_check, snapshot_freeze
from tests.conftest import incoming

# Not urgent for the triage suggester, so every conversation is due at the end of the working day.
EMPTY_BUCKETS = {"<15m": 0, "15-30m": 0, "30-60m": 0, "1-2u": 0, "2-4u": 0, "4-8u": 0, ">8u": 0}
ORDINARY = "Wanneer wordt het oud papier weer opgehaald in onze straat?"


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)




def answer(conversation, user, moment):
    with time_machine.travel(moment, tick=False):
        message = reply_queue(conversation_id=conversation.pk, user=user, text="Dank u, wij pakken het op.")
        reply_start_sending(message_id=message.pk)
        reply_mark_sent(message_id=message.pk, platform_id=f"out-{message.pk}")


@pytest.fixture
def friday_and_monday(deliver, agent, teams):
    """Friday 4 Dec 2026: a, b, c arrive. a answered Friday 16:45; b escalated and answered Monday 09:00;
    c forwarded to Oost and never answered. d arrives Monday 10:00 and is answered 10:20."""
    for key, moment in [("a", "2026-12-04 16:30"), ("b", "2026-12-04 16:30"), ("c", "2026-12-04 18:00")]:
        with time_machine.travel(at(moment), tick=False):
            deliver(incoming(platform_id=key, created_at=at(moment), text=ORDINARY))
    a, b, c = (Conversation.objects.get(thread_key=k) for k in "abc")
    answer(a, agent, at("2026-12-04 16:45"))
    with time_machine.travel(at("2026-12-04 16:50"), tick=False):
        Event.objects.create(conversation=b, actor=agent, kind="escalated")
        Event.objects.create(conversation=c, actor=agent, kind="forwarded")
        Conversation.objects.filter(pk=c.pk).update(team=teams["oost"])
    answer(b, agent, at("2026-12-07 09:00"))
    with time_machine.travel(at("2026-12-07 10:00"), tick=False):
        deliver(incoming(platform_id="d", created_at=at("2026-12-07 10:00"), text=ORDINARY))
    answer(Conversation.objects.get(thread_key="d"), agent, at("2026-12-07 10:20"))
    with time_machine.travel(at("2026-12-07 11:00"), tick=False):
        conversation_close(conversation_id=a.pk, user=agent)
    return a, b, c


def test_friday_figures(friday_and_monday):
    with time_machine.travel(at("2026-12-08 12:00"), tick=False):
        figures = day_figures(dt.date(2026, 12, 4))

    assert figures["intake"] == {
        "messages": 3,
        "conversations": 3,
        "by_channel": {"sandbox": 3},
        "by_account": {"GemeenteTest": 3},
    }
    assert (figures["answered"], figures["replies_sent"], figures["closed"]) == (1, 1, 0)
    end = figures["open_at_end"]
    assert end["by_state"] == {"answered": 1, "new": 2}
    assert (end["backlog"], end["overdue"]) == (2, 1)  # b was due at 17:00; c arrived after 17:00, due Monday
    assert end["backlog_by_team"] == {"kcc": 1, "wijkbureau-oost": 1}
    assert end["by_category"] == {"afval": 3}  # triage's suggestion for the waste question
    assert figures["open_at_start"]["total"] == 0
    assert figures["first_response_working_minutes"] == {
        "count": 1,
        "median": 15.0,
        "p90": 15.0,
        "distribution": {**EMPTY_BUCKETS, "15-30m": 1},
    }
    assert figures["direct"] == {"answered": 1, "direct": 1, "handed_on": 0, "direct_pct": 100.0}


def test_monday_response_times_count_working_hours_only(friday_and_monday):
    with time_machine.travel(at("2026-12-08 12:00"), tick=False):
        figures = day_figures(dt.date(2026, 12, 7))

    # b: Friday 16:30 → Monday 09:00 is 30 + 30 working minutes; d: 20 minutes.
    assert figures["first_response_working_minutes"] == {
        "count": 2,
        "median": 40.0,
        "p90": 60.0,
        "distribution": {**EMPTY_BUCKETS, "15-30m": 1, "1-2u": 1},
    }
    assert figures["direct"] == {"answered": 2, "direct": 1, "handed_on": 1, "direct_pct": 50.0}
    assert figures["open_at_start"]["backlog"] == 2
    assert figures["open_at_end"]["backlog"] == 1  # c, at the wijkbureau
    assert figures["closed"] == 1


def test_team_scope(friday_and_monday):
    with time_machine.travel(at("2026-12-08 12:00"), tick=False):
        figures = day_figures(dt.date(2026, 12, 4), Scope(team="wijkbureau-oost"))
    assert (figures["intake"]["messages"], figures["open_at_end"]["backlog"]) == (1, 1)


def test_a_frozen_day_does_not_move_when_conversations_change(friday_and_monday, agent):
    a, b, c = friday_and_monday
    with time_machine.travel(at("2026-12-08 12:00"), tick=False):
        snapshot_freeze(day=dt.date(2026, 12, 4))
        before = day_figures(dt.date(2026, 12, 4))
        Conversation.objects.filter(pk=c.pk).update(team_id=a.team_id)  # moved back later
        after = day_figures(dt.date(2026, 12, 4))
        live = day_figures(dt.date(2026, 12, 4), use_snapshot=False)

    assert after == before
    assert live["open_at_end"]["backlog_by_team"] == {"kcc": 2}
    assert DailySnapshot.objects.filter(date=dt.date(2026, 12, 4), scope="all").exists()


def test_today_cannot_be_frozen(db):
    from django.utils import timezone

    with pytest.raises(ValueError):
        snapshot_freeze(day=timezone.localdate())


def test_peak_alert_once_with_mail_to_managers(deliver, make_user, settings):
    settings.REPORTS_PEAK_MIN_INTAKE = 20
    manager = make_user(Role.MANAGER)
    manager.email = "manager@example.org"
    manager.save()
    now = at("2026-12-07 10:30")
    # Normal: 2 messages in that hour on Mondays; today 25.
    for week in range(1, 9):
        moment = now - dt.timedelta(weeks=week, minutes=10)
        deliver(*[incoming(platform_id=f"w{week}-{n}", created_at=moment) for n in range(2)])
    deliver(*[incoming(platform_id=f"peak-{n}", created_at=now - dt.timedelta(minutes=n)) for n in range(25)])

    with time_machine.travel(now, tick=False):
        alert = peak_alert_check()
        again = peak_alert_check()

    assert (alert.intake, alert.baseline) == (25, 2.0)
    assert again is None
    assert PeakAlert.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    assert alert.notified == [manager.username]


def test_no_peak_on_an_ordinary_hour(deliver):
    now = at("2026-12-07 10:30")
    deliver(*[incoming(platform_id=f"n{n}", created_at=now - dt.timedelta(minutes=n)) for n in range(5)])
    with time_machine.travel(now, tick=False):
        assert peak_alert_check() is None
    assert PeakAlert.objects.count() == 0
    assert mail.outbox == []


def test_everyone_sees_the_peak_banner(client, agent, db):
    with time_machine.travel(at("2026-12-07 10:30"), tick=False):
        PeakAlert.objects.create(
            hour_start=at("2026-12-07 10:00"), began_at=at("2026-12-07 10:05"), intake=80, baseline=6
        )
        client.force_login(agent)
        body = client.get(reverse("inbox:queue")).content.decode()
    assert "Piek sinds 10:05: 80 berichten in het uur tot 10:30, normaal ongeveer 6." in body


def test_backfill_freezes_missing_days_newest_first_up_to_a_limit(deliver):
    from django.utils import timezone

    from reports.services import snapshots_backfill

    today = timezone.localdate()
    with time_machine.travel(timezone.now() - dt.timedelta(days=5), tick=False):
        deliver(incoming(platform_id="old", text=ORDINARY))

    assert snapshots_backfill(limit=2) > 0
    frozen = sorted(set(DailySnapshot.objects.filter(scope="all").values_list("date", flat=True)))
    assert frozen == [today - dt.timedelta(days=2), today - dt.timedelta(days=1)]
    snapshots_backfill(limit=10)
    frozen = set(DailySnapshot.objects.filter(scope="all").values_list("date", flat=True))
    assert frozen == {today - dt.timedelta(days=n) for n in range(1, 6)}  # back to the first conversation
    assert snapshots_backfill(limit=10) == 0
