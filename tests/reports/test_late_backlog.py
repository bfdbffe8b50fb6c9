"""A backlog fetched three days late counts on the days the citizens wrote.

Friday 4 December 2026: 126 mentions, one every four minutes from 09:00 (the last six at or after
17:00, so due on Monday). The poller was down all weekend; Monday at 08:00 it fetches them all
with their Friday platform times. Friday had been frozen on Saturday night without them.
"""

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from inbox.deadlines import AMSTERDAM
from inbox.models import Conversation, Role
from inbox.services.api_tokens import api_token_create
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_mark_sent, reply_queue, reply_start_sending
from reports.models import DailySnapshot
from reports.selectors import day_figures
from reports.services import snapshots_backfill
from tests.conftest import incoming

ORDINARY = "Wanneer wordt het oud papier weer opgehaald in onze straat?"
THURSDAY, FRIDAY, SATURDAY, SUNDAY, MONDAY = (dt.date(2026, 12, d) for d in (3, 4, 5, 6, 7))
EMPTY_BUCKETS = {"<15m": 0, "15-30m": 0, "30-60m": 0, "1-2u": 0, "2-4u": 0, "4-8u": 0, ">8u": 0}


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


def friday_mention(i: int) -> dt.datetime:
    return at("2026-12-04 09:00") + dt.timedelta(minutes=4 * i)


def answer(conversation_id, user, moment):
    with time_machine.travel(moment, tick=False):
        message = reply_queue(conversation_id=conversation_id, user=user, text="Dank u, wij pakken het op.")
        reply_start_sending(message_id=message.pk)
        reply_mark_sent(message_id=message.pk, platform_id=f"out-{message.pk}")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, username="manager")


@pytest.fixture
def late_backlog(deliver, agent):
    # Thursday: one question, answered and closed the same morning; every night freezes yesterday.
    with time_machine.travel(at("2026-12-03 10:00"), tick=False):
        deliver(
            incoming(platform_id="thu", author_id="thu", created_at=at("2026-12-03 10:00"), text=ORDINARY)
        )
    thursday = Conversation.objects.get(thread_key="thu")
    answer(thursday.pk, agent, at("2026-12-03 10:30"))
    with time_machine.travel(at("2026-12-03 11:00"), tick=False):
        conversation_close(conversation_id=thursday.pk, user=agent)
    for night in ("2026-12-05 00:10", "2026-12-06 00:10", "2026-12-07 00:10"):
        with time_machine.travel(at(night), tick=False):
            snapshots_backfill()
    frozen_before = set(DailySnapshot.objects.filter(scope="all").values_list("date", flat=True))

    # Monday 08:00: the weekend's backlog arrives, with its Friday platform times.
    with time_machine.travel(at("2026-12-07 08:00"), tick=False):
        result = deliver(
            *(
                incoming(
                    platform_id=f"fri-{i}", author_id=f"c{i}", created_at=friday_mention(i), text=ORDINARY
                )
                for i in range(126)
            )
        )
    assert result.conversations_opened == 126
    # The first ten (09:00–09:36 on Friday) are answered at 09:30 on Monday.
    for i in range(10):
        answer(Conversation.objects.get(thread_key=f"fri-{i}").pk, agent, at("2026-12-07 09:30"))
    return frozen_before


def test_the_late_backlog_counts_on_friday_not_monday_and_thaws_the_frozen_days(late_backlog):
    assert late_backlog == {THURSDAY, FRIDAY, SATURDAY, SUNDAY}
    # Friday to Sunday held those conversations open: their snapshots went with the late fetch.
    assert set(DailySnapshot.objects.filter(scope="all").values_list("date", flat=True)) == {THURSDAY}
    conversation = Conversation.objects.get(thread_key="fri-0")
    assert conversation.started_at == friday_mention(0)
    assert conversation.created_at == at("2026-12-07 08:00")  # the fetch, kept
    assert conversation.due_at == at("2026-12-04 17:00")
    assert Conversation.objects.get(thread_key="fri-120").due_at == at("2026-12-07 17:00")  # 17:00 Friday

    with time_machine.travel(at("2026-12-07 12:00"), tick=False):
        friday = day_figures(FRIDAY)
        saturday = day_figures(SATURDAY)
        monday = day_figures(MONDAY)

    assert friday["intake"]["messages"] == 126
    assert friday["intake"]["conversations"] == 126
    assert (friday["answered"], friday["replies_sent"], friday["closed"]) == (0, 0, 0)
    assert friday["open_at_start"]["total"] == 0
    end = friday["open_at_end"]
    assert (end["total"], end["backlog"], end["by_state"]) == (126, 126, {"new": 126})
    assert end["overdue"] == 120  # the six from 17:00 on are due on Monday
    assert end["age_buckets"] == {"<1u": 0, "1-4u": 0, "4-8u": 20, "8-24u": 106, ">24u": 0}
    assert friday["first_response_working_minutes"] == {
        "count": 0,
        "median": None,
        "p90": None,
        "distribution": EMPTY_BUCKETS,
    }

    # Monday is not inflated, and its response times count from Friday.
    assert monday["intake"] == {"messages": 0, "conversations": 0, "by_channel": {}, "by_account": {}}
    assert (monday["answered"], monday["replies_sent"]) == (10, 10)
    assert (monday["open_at_start"]["backlog"], monday["open_at_start"]["overdue"]) == (126, 120)
    end = monday["open_at_end"]
    assert (end["backlog"], end["by_state"], end["overdue"]) == (116, {"answered": 10, "new": 116}, 110)
    # Mention i (Friday 09:00 + 4i) answered Monday 09:30: 480 - 4i working minutes on Friday and
    # 60 on Monday morning; 3 days 30 minutes - 4i on the clock.
    assert monday["first_response_working_minutes"] == {
        "count": 10,
        "median": 522.0,
        "p90": 536.0,
        "distribution": {**EMPTY_BUCKETS, ">8u": 10},
    }
    assert monday["first_response_clock_minutes"] == {"count": 10, "median": 4332.0, "p90": 4346.0}
    # Nobody answered over the weekend: the backlog stood all Saturday.
    assert (saturday["open_at_start"]["backlog"], saturday["open_at_end"]["backlog"]) == (126, 126)


def test_dashboard_command_and_api_agree_and_pages_show_the_late_fetch(late_backlog, client, manager, agent):
    token = api_token_create(user=manager, name="m")
    with time_machine.travel(at("2026-12-07 12:00"), tick=False):
        # Logged in at the time read (a session older than the working day would have ended).
        client.force_login(manager)
        expected = day_figures(FRIDAY)
        page = client.get(reverse("reports:dashboard"), {"date": "2026-12-04"})
        api = client.get("/api/v1/backlog", {"date": "2026-12-04"}, HTTP_AUTHORIZATION=f"Bearer {token}")
        out = StringIO()
        call_command("backlog", "--json", "--date", "2026-12-04", stdout=out)
        client.force_login(agent)
        queue = client.get(reverse("inbox:queue")).content.decode()
        conversation = Conversation.objects.get(thread_key="fri-50")
        thread = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()

    assert page.status_code == 200
    assert page.context["figures"] == expected
    body = page.content.decode()
    assert '<span class="n" data-testid="intake">126</span>' in body
    assert '<span class="n" data-testid="backlog">126</span>' in body
    assert "126 nieuwe gesprekken" in body
    assert api.json() == expected
    assert json.loads(out.getvalue()) == expected
    # The fetch time is kept and said where it differs much from the platform time.
    assert "opgehaald 3 dagen later" in queue
    assert "opgehaald 3 dagen later" in thread
    assert "geplaatst 4 dec 12:20, later opgehaald" in thread  # beside "Gesprek gestart" on Monday


def test_today_thaws_nothing_and_the_refrozen_friday_keeps_the_late_figures(late_backlog, deliver):
    before = list(DailySnapshot.objects.order_by("pk").values_list("pk", "date", "scope"))
    with time_machine.travel(at("2026-12-07 13:00"), tick=False):
        deliver(incoming(platform_id="mon", author_id="mon", created_at=at("2026-12-07 12:59")))
        live = day_figures(FRIDAY, use_snapshot=False)
    assert list(DailySnapshot.objects.order_by("pk").values_list("pk", "date", "scope")) == before

    with time_machine.travel(at("2026-12-08 00:10"), tick=False):
        snapshots_backfill()
        frozen = DailySnapshot.objects.get(date=FRIDAY, scope="all").figures
        assert day_figures(FRIDAY) == frozen

    assert frozen == live
    assert set(DailySnapshot.objects.filter(scope="all").values_list("date", flat=True)) == {
        THURSDAY,
        FRIDAY,
        SATURDAY,
        SUNDAY,
        MONDAY,
    }
