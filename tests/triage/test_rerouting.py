"""A corrected category or wijk re-routes the conversation by the routing rules, unless a person put it
where it is."""

import pytest

from inbox.models import Conversation, Event
from inbox.services.teamwork import conversation_forward
from tests.conftest import incoming
from triage.models import RoutingRule, TriageDecision
from triage.services import triage_decide

LAMP = "Lantaarnpaal kapot bij ons in de straat"


@pytest.fixture
def rules(teams):
    RoutingRule.objects.create(position=10, name="Wijk Oost", wijk="Oost", team=teams["oost"])
    RoutingRule.objects.create(position=20, name="Afval naar West", category="afval", team=teams["west"])


@pytest.fixture
def lamp(deliver, rules):
    item = incoming(text=LAMP)
    deliver(item)
    return Conversation.objects.get(thread_key=item.thread_key)


def test_correcting_the_wijk_moves_the_conversation_by_the_rules(lamp, agent, teams):
    assert (lamp.team, lamp.triage.suggested["wijk"]) == (teams["kcc"], None)
    triage_decide(conversation_id=lamp.pk, user=agent, field="wijk", value="Oost")
    lamp.refresh_from_db()
    assert lamp.team == teams["oost"]
    corrected, rerouted = lamp.events.order_by("pk")[1:]
    assert (corrected.kind, rerouted.kind, rerouted.actor) == ("triage_corrected", "rerouted", agent)
    assert rerouted.data == {
        "from_team": "kcc",
        "team": "wijkbureau-oost",
        "team_name": "Wijkbureau Oost",
        "rule": "Wijk Oost",
        "field": "wijk",
        "old": None,
        "new": "Oost",
    }


def test_correcting_the_category_moves_it_and_back_without_a_rule_goes_to_the_kcc(lamp, agent, teams):
    triage_decide(conversation_id=lamp.pk, user=agent, field="category", value="afval")
    lamp.refresh_from_db()
    assert lamp.team == teams["west"]
    triage_decide(conversation_id=lamp.pk, user=agent, field="category", value="verlichting")
    lamp.refresh_from_db()
    assert lamp.team == teams["kcc"]
    moves = [
        (e.data["from_team"], e.data["team"], e.data["rule"]) for e in lamp.events.filter(kind="rerouted")
    ]
    assert moves == [("kcc", "wijkbureau-west", "Afval naar West"), ("wijkbureau-west", "kcc", "")]


def test_confirming_or_a_correction_that_keeps_the_team_moves_nothing(lamp, agent, teams):
    triage_decide(
        conversation_id=lamp.pk, user=agent, field="category", value=lamp.triage.suggested["category"]
    )
    triage_decide(conversation_id=lamp.pk, user=agent, field="wijk", value="West")
    triage_decide(conversation_id=lamp.pk, user=agent, field="urgent", value=True)
    lamp.refresh_from_db()
    assert lamp.team == teams["kcc"]
    assert not lamp.events.filter(kind="rerouted").exists()


def test_a_conversation_forwarded_by_hand_stays_where_it_was_put(lamp, agent, teams):
    conversation_forward(conversation_id=lamp.pk, user=agent, team_id=teams["west"].pk, note="Voor jullie")
    triage_decide(conversation_id=lamp.pk, user=agent, field="wijk", value="Oost")
    lamp.refresh_from_db()
    assert lamp.team == teams["west"]
    assert not lamp.events.filter(kind="rerouted").exists()
    assert TriageDecision.objects.get().value == "Oost"  # the correction itself is kept


def test_a_closed_conversation_is_not_moved(lamp, agent, teams):
    from inbox.services.lifecycle import conversation_close

    conversation_close(conversation_id=lamp.pk, user=agent)
    triage_decide(conversation_id=lamp.pk, user=agent, field="wijk", value="Oost")
    lamp.refresh_from_db()
    assert lamp.team == teams["kcc"]
    assert lamp.events.filter(kind=Event.Kind.REROUTED).count() == 0


def test_who_holds_it_keeps_it_when_it_moves(lamp, agent, teams):
    from inbox.services.claims import conversation_claim

    conversation_claim(conversation_id=lamp.pk, user=agent)
    triage_decide(conversation_id=lamp.pk, user=agent, field="wijk", value="Oost")
    lamp.refresh_from_db()
    assert (lamp.team, lamp.assignee) == (teams["oost"], agent)
