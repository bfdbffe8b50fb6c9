"""Handing a conversation to a colleague, taking over from one who is away, and the table that says who
may take over (permissions.TAKE_OVER_RULE), tested as a whole."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from inbox.models import Conversation, DutyShift, Event, Notification, Role, TypingMarker
from inbox.permissions import TAKE_OVER_RULE, HolderPresence, take_over_allows
from inbox.selectors.conversation import holder_is_away
from inbox.services.base import AlreadyClaimed, NotAllowed, ServiceError
from inbox.services.claims import conversation_assign, conversation_claim, conversation_take_over
from inbox.services.teamwork import conversation_escalate
from inbox.workflow import State

P, A, E = HolderPresence.PRESENT, HolderPresence.AWAY, HolderPresence.AWAY_ESCALATED
# The whole table: a colleague only steps in for someone who is away, an escalation only among
# advisers, an admin at any time, a manager never.
EXPECTED = {
    Role.AGENT: {P: False, A: True, E: False},
    Role.ADVISER: {P: False, A: True, E: True},
    Role.WIJKBUREAU: {P: False, A: True, E: False},
    Role.ADMIN: {P: True, A: True, E: True},
    Role.MANAGER: {P: False, A: False, E: False},
}


def test_the_take_over_table_is_complete_and_as_decided():
    assert set(TAKE_OVER_RULE) == set(Role)
    assert TAKE_OVER_RULE == EXPECTED
    for row in TAKE_OVER_RULE.values():
        assert set(row) == set(HolderPresence)


@pytest.fixture
def people(make_user):
    return {
        "agent": make_user(Role.AGENT, username="anouk"),
        "holder": make_user(Role.AGENT, username="bram"),
        "adviser": make_user(Role.ADVISER, team="comms", username="daan"),
        "wijk": make_user(Role.WIJKBUREAU, team="kcc", username="fatima"),  # in the KCC team: sees it
        "admin": make_user(Role.ADMIN, username="ruud"),
        "manager": make_user(Role.MANAGER, username="ellen"),
    }


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("presence", [p.value for p in HolderPresence])
def test_take_over_allows_follows_the_table_for_every_cell(role, presence, people, conversation, make_user):
    holder = people["adviser"] if presence == E else people["holder"]
    Conversation.objects.filter(pk=conversation.pk).update(
        assignee=holder, state=State.ESCALATED if presence == E else State.OPEN
    )
    conversation.refresh_from_db()
    actor = make_user(role, username=f"actor-{role}")  # never the holder; in the KCC team

    assert take_over_allows(actor, conversation, holder_away=presence != P) is EXPECTED[role][presence]


def test_holder_hands_the_conversation_to_a_colleague_who_is_told(conversation, people):
    conversation_claim(conversation_id=conversation.pk, user=people["holder"])

    conversation_assign(
        conversation_id=conversation.pk, user=people["holder"], assignee_id=people["agent"].pk
    )

    conversation.refresh_from_db()
    assert conversation.assignee == people["agent"]
    event = conversation.events.last()
    assert (event.kind, event.actor, event.data["to"], event.data["previous"]) == (
        "assigned",
        people["holder"],
        "anouk",
        "bram",
    )
    assert list(Notification.objects.filter(user=people["agent"]).values_list("text", flat=True)) == [
        "Bram heeft een gesprek met Burger Een aan u overgedragen."
    ]


def test_assigning_a_new_conversation_opens_it(conversation, people):
    conversation_assign(
        conversation_id=conversation.pk, user=people["agent"], assignee_id=people["holder"].pk
    )

    conversation.refresh_from_db()
    event = conversation.events.last()
    assert (conversation.state, conversation.assignee, event.from_state, event.to_state) == (
        "open",
        people["holder"],
        "new",
        "open",
    )


def test_only_the_holder_hands_over_and_a_refusal_changes_nothing(conversation, people):
    conversation_claim(conversation_id=conversation.pk, user=people["holder"])
    events, notifications = Event.objects.count(), Notification.objects.count()

    with pytest.raises(AlreadyClaimed, match="Bram werkt aan dit gesprek; alleen die kan het overdragen."):
        conversation_assign(
            conversation_id=conversation.pk, user=people["agent"], assignee_id=people["agent"].pk
        )
    with pytest.raises(ServiceError, match="Kies een collega die aan dit gesprek mag werken."):
        conversation_assign(
            conversation_id=conversation.pk, user=people["holder"], assignee_id=people["manager"].pk
        )

    conversation.refresh_from_db()
    assert conversation.assignee == people["holder"]
    assert (Event.objects.count(), Notification.objects.count()) == (events, notifications)


def test_wijkbureau_staff_of_another_team_cannot_be_handed_it(conversation, people, make_user):
    west = make_user(Role.WIJKBUREAU, team="west", username="gijs")
    with pytest.raises(ServiceError):
        conversation_assign(conversation_id=conversation.pk, user=people["agent"], assignee_id=west.pk)
    assert conversation.events.filter(kind="assigned").count() == 0


def test_a_colleague_who_is_at_it_cannot_be_taken_over_from(conversation, people):
    conversation_claim(conversation_id=conversation.pk, user=people["holder"])
    events = Event.objects.count()

    with pytest.raises(AlreadyClaimed, match="Bram werkt nog aan dit gesprek; vraag of die het overdraagt."):
        conversation_take_over(conversation_id=conversation.pk, user=people["agent"])

    conversation.refresh_from_db()
    assert conversation.assignee == people["holder"]
    assert Event.objects.count() == events


def test_a_colleague_away_for_half_an_hour_is_taken_over_from_on_the_timeline(conversation, people):
    conversation_claim(conversation_id=conversation.pk, user=people["holder"])

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        conversation.refresh_from_db()
        assert holder_is_away(conversation)
        conversation_take_over(conversation_id=conversation.pk, user=people["agent"])

    conversation.refresh_from_db()
    assert conversation.assignee == people["agent"]
    event = conversation.events.last()
    assert (event.kind, event.actor, event.data) == (
        "taken_over",
        people["agent"],
        {"previous": "bram", "previous_name": "Bram", "away": True},
    )
    assert (
        Notification.objects.get(user=people["holder"]).text
        == "Anouk heeft een gesprek overgenomen waaraan u werkte."
    )


def test_typing_keeps_the_holder_present_and_a_switched_off_account_is_away(conversation, people):
    conversation_claim(conversation_id=conversation.pk, user=people["holder"])
    later = timezone.now() + dt.timedelta(hours=2)
    TypingMarker.objects.create(
        conversation=conversation, user=people["holder"], until=later + dt.timedelta(seconds=5)
    )
    conversation.refresh_from_db()
    assert not holder_is_away(conversation, now=later)

    people["holder"].is_active = False
    people["holder"].save()
    conversation.refresh_from_db()
    assert holder_is_away(conversation)


def test_an_admin_steps_in_at_any_time_a_manager_never(conversation, people):
    conversation_claim(conversation_id=conversation.pk, user=people["holder"])
    with pytest.raises(NotAllowed):
        conversation_take_over(conversation_id=conversation.pk, user=people["manager"])

    conversation_take_over(conversation_id=conversation.pk, user=people["admin"])

    conversation.refresh_from_db()
    assert conversation.assignee == people["admin"]
    assert conversation.events.last().data["away"] is False


def test_an_escalation_is_taken_over_only_by_an_adviser(conversation, people, make_user):
    conversation_claim(conversation_id=conversation.pk, user=people["agent"])
    now = timezone.now()
    DutyShift.objects.create(
        adviser=people["adviser"], starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )
    conversation_escalate(conversation_id=conversation.pk, user=people["agent"], question="Mag dit?")
    other_adviser = make_user(Role.ADVISER, team="comms", username="eva")

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=45)):
        with pytest.raises(AlreadyClaimed):
            conversation_take_over(conversation_id=conversation.pk, user=people["holder"])
        conversation_take_over(conversation_id=conversation.pk, user=other_adviser)

    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.state) == (other_adviser, "escalated")


def test_taking_over_what_nobody_holds_is_refused(conversation, people):
    with pytest.raises(ServiceError, match="pak het gewoon op"):
        conversation_take_over(conversation_id=conversation.pk, user=people["agent"])
    assert conversation.events.filter(kind="taken_over").count() == 0
