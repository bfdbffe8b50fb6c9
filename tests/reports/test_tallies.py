"""The hourly tallies agree with counting the rows again, after a realistic week moved them.

Thursday 3 to Monday 7 December 2026, two accounts: answered and closed twice on one day, a citizen
writing again after the close (reopened), an urgent gas smell forwarded to a wijkbureau, Friday
afternoon's mentions fetched on Monday with their Friday times, an earlier message of a thread
fetched after a later one (the start moves back), answers made outside the inbox and read back,
and a reply whose read-back copy arrived before it was marked sent.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.deadlines import AMSTERDAM
from inbox.models import Account, Conversation
from inbox.services.claims import conversation_claim
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_mark_sent, reply_queue, reply_start_sending
from inbox.services.teamwork import conversation_forward
from reports.models import ConversationTally, HourTally
from reports.selectors import Scope, day_figures, intake_per_hour
from reports.services.tallies import tallies_recount
from tests.conftest import incoming

ORDINARY = "Wanneer wordt het oud papier weer opgehaald in onze straat?"
URGENT = "Ik ruik een sterke gaslucht bij de speeltuin"
DAYS = [dt.date(2026, 12, d) for d in (3, 4, 5, 6, 7)]


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


def reply(conversation, user, moment, *, read_back: bool = False, deliver=None):
    with time_machine.travel(moment, tick=False):
        message = reply_queue(conversation_id=conversation.pk, user=user, text="Dank u, wij pakken het op.")
        reply_start_sending(message_id=message.pk)
        platform_id = f"out-{message.pk}"
        if read_back:
            # A poll reads our post back (the platform's time, a minute later) before we hear it was posted.
            deliver(
                incoming(
                    platform_id=platform_id,
                    thread_key=conversation.thread_key,
                    author_id="GemeenteTest",
                    outbound=True,
                    created_at=moment + dt.timedelta(minutes=1),
                )
            )
        reply_mark_sent(message_id=message.pk, platform_id=platform_id)


@pytest.fixture
def second(teams):
    return Account.objects.create(platform="x", handle="StadswerkenTest", team=teams["kcc"])


@pytest.fixture
def week(deliver, agent, teams, second):
    def arrive(moment, *, to=None, **item):
        with time_machine.travel(at(moment), tick=False):
            deliver(incoming(created_at=at(moment), **item), to=to)
        return Conversation.objects.filter(thread_key=item.get("thread_key", item["platform_id"])).first()

    def close(conversation, moment):
        with time_machine.travel(at(moment), tick=False):
            conversation_close(conversation_id=conversation.pk, user=agent)

    # Thursday: answered, closed, the citizen writes again (reopened), closed again the same day.
    thursday = arrive("2026-12-03 10:00", platform_id="thu", author_id="thu", text=ORDINARY)
    reply(thursday, agent, at("2026-12-03 10:30"))
    close(thursday, "2026-12-03 11:00")
    arrive("2026-12-03 14:00", platform_id="thu-2", thread_key="thu", author_id="thu", text="Nog een vraag.")
    close(thursday, "2026-12-03 15:00")
    # Thursday on the second account: urgent, forwarded to a wijkbureau, answered there on Friday.
    gas = arrive("2026-12-03 16:00", platform_id="gas", author_id="gas", text=URGENT, to=second)
    with time_machine.travel(at("2026-12-03 16:05"), tick=False):
        conversation_claim(conversation_id=gas.pk, user=agent)
        conversation_forward(conversation_id=gas.pk, user=agent, team_id=teams["oost"].pk, note="Gaslucht")
    # A third account that never receives anything: no tallies, and its scope is all zeros.
    Account.objects.create(platform="sandbox", handle="OostTest", team=teams["oost"])
    reply(gas, agent, at("2026-12-04 09:00"))
    # Friday noon: a thread's second message arrives first, is answered at 13:00.
    later = arrive("2026-12-04 12:00", platform_id="fri-b", thread_key="fri", author_id="fri", text=ORDINARY)
    reply(later, agent, at("2026-12-04 13:00"))
    # Monday 08:00: the weekend's backlog with Friday's times, and the thread's first message (09:00
    # on Friday), and an answer given outside the inbox on Friday evening, read back now.
    with time_machine.travel(at("2026-12-07 08:00"), tick=False):
        deliver(
            *(
                incoming(
                    platform_id=f"late-{i}",
                    author_id=f"late{i}",
                    created_at=at("2026-12-04 16:00") + dt.timedelta(minutes=20 * i),
                    text=ORDINARY,
                )
                for i in range(5)
            ),
            incoming(
                platform_id="fri-a", thread_key="fri", author_id="fri", created_at=at("2026-12-04 09:00")
            ),
            incoming(
                platform_id="outside",
                thread_key="late-0",
                author_id="GemeenteTest",
                outbound=True,
                created_at=at("2026-12-04 18:00"),
            ),
        )
    # Monday: two late ones answered, one with its read-back copy first; one closed.
    reply(Conversation.objects.get(thread_key="late-1"), agent, at("2026-12-07 09:30"))
    reply(
        Conversation.objects.get(thread_key="late-2"),
        agent,
        at("2026-12-07 09:40"),
        read_back=True,
        deliver=deliver,
    )
    close(Conversation.objects.get(thread_key="late-1"), "2026-12-07 10:00")


def scopes(teams):
    return [
        Scope(),
        Scope(account="GemeenteTest"),
        Scope(account="StadswerkenTest"),
        Scope(account="OostTest"),
    ] + [Scope(team=team.slug) for team in teams.values()]


def test_the_tallies_give_every_day_and_scope_what_counting_the_rows_gives(week, teams):
    with time_machine.travel(at("2026-12-07 12:00"), tick=False):
        for day in DAYS:
            for scope in scopes(teams):
                tallied = day_figures(day, scope, use_snapshot=False)
                assert tallied == day_figures(day, scope, use_snapshot=False, use_tallies=False), (day, scope)
                assert intake_per_hour(day, scope) == intake_per_hour(day, scope, use_tallies=False)


def test_what_the_week_counts(week, teams):
    with time_machine.travel(at("2026-12-07 12:00"), tick=False):
        thursday, friday, monday = (day_figures(DAYS[i], use_snapshot=False) for i in (0, 1, 4))

    assert thursday["intake"] == {
        "messages": 3,
        "conversations": 2,
        "by_channel": {"sandbox": 2, "x": 1},
        "by_account": {"GemeenteTest": 2, "StadswerkenTest": 1},
    }
    assert (thursday["answered"], thursday["replies_sent"], thursday["closed"]) == (1, 1, 1)  # closed twice
    # Friday: the thread started at 09:00 (its first message, fetched on Monday), five late mentions,
    # the gas smell answered at 09:00 and the thread at 13:00, one answer outside the inbox at 18:00.
    assert (friday["intake"]["messages"], friday["intake"]["conversations"]) == (7, 6)
    assert (friday["answered"], friday["replies_sent"]) == (3, 3)
    assert friday["first_response_clock_minutes"]["count"] == 3
    assert friday["direct"]["handed_on"] == 1  # the gas smell, forwarded before it was answered
    # Monday counts the answers and the close, and none of Friday's intake.
    assert monday["intake"]["messages"] == 0
    assert (monday["answered"], monday["replies_sent"], monday["closed"]) == (2, 2, 1)
    per_hour = intake_per_hour(DAYS[1], Scope())
    assert (per_hour[9], per_hour[12], per_hour[16], per_hour[17]) == (1, 1, 3, 2)


def test_the_thread_whose_start_moved_back_counts_its_answer_from_the_new_start(week):
    tally = ConversationTally.objects.get(conversation__thread_key="fri")
    assert tally.started_at == at("2026-12-04 09:00")
    assert tally.clock_minutes == 240.0  # 09:00 to the answer at 13:00, not 12:00 to 13:00


def test_counting_again_gives_the_same_tallies(week):
    def hours():
        return {
            (row.hour, row.account_id): (row.inbound, row.replies_sent, row.started, row.answered, row.closed)
            for row in HourTally.objects.all()
            if any((row.inbound, row.replies_sent, row.started, row.answered, row.closed))
        }

    def conversations():
        return set(
            ConversationTally.objects.values_list(
                "conversation_id",
                "account_id",
                "started_at",
                "answered_at",
                "working_minutes",
                "clock_minutes",
            )
        )

    kept_hours, kept_conversations = hours(), conversations()
    tallies_recount()

    assert hours() == kept_hours
    assert conversations() == kept_conversations
    assert all(n >= 0 for row in kept_hours.values() for n in row)


def test_a_tallied_day_reads_no_messages_or_events_for_its_volumes(week):
    with (
        time_machine.travel(at("2026-12-07 12:00"), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        day_figures(DAYS[1], Scope(), use_snapshot=False)
        intake_per_hour(DAYS[1], Scope())

    tables = " ".join(query["sql"] for query in queries)
    assert '"inbox_message"' not in tables
    # Events only for the state at a moment (the backlog) and the day's escalations and forwards.
    assert sum('"inbox_event"' in query["sql"] for query in queries) == 3
