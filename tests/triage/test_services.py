import datetime as dt

import pytest
from django.utils import timezone

from inbox.deadlines import due_at
from inbox.models import Conversation, Event
from inbox.services.base import ServiceError
from tests.conftest import incoming
from triage.models import ConversationTriage, RoutingRule, TriageDecision
from triage.services import triage_decide

TREE = "@Stadswerken030 Boom omgewaaid op de Maliebaan, ligt dwars over het fietspad!"
PASSPORT = "Hoe laat is het Stadskantoor open op zaterdag voor een paspoort?"


def arrive(deliver, text, **overrides):
    item = incoming(text=text, **overrides)
    deliver(item)
    return Conversation.objects.get(thread_key=item.thread_key)


def test_arrival_stores_suggestions_and_puts_them_on_the_first_event(deliver, teams):
    conversation = arrive(deliver, TREE)
    triage = conversation.triage
    assert triage.suggested == {
        "type": "melding",
        "category": "groen",
        "urgent": True,
        "escalate": False,
        "wijk": "Oost",
    }
    assert (triage.decided, triage.text, triage.to) == ({}, TREE, "GemeenteTest")
    created = conversation.events.get()
    assert created.kind == "created"
    assert created.data == {
        "account": "GemeenteTest",
        "triage": triage.suggested,
        "routed_to": "KCC",
        "routing_rule": "",
    }


def test_urgent_suggestion_sets_priority_and_the_short_deadline(deliver, settings):
    settings.INBOX_URGENT_MINUTES = 30
    sent = timezone.now() - dt.timedelta(minutes=5)
    conversation = arrive(deliver, TREE, created_at=sent)
    assert conversation.priority == 1
    assert conversation.due_at == sent + dt.timedelta(minutes=30)
    calm = arrive(deliver, PASSPORT, created_at=sent)
    assert (calm.priority, calm.due_at) == (0, due_at(sent))


def test_routing_rules_first_match_wins(deliver, teams, account):
    RoutingRule.objects.create(position=20, name="Oost", wijk="Oost", team=teams["oost"])
    RoutingRule.objects.create(position=10, name="Bomen", keyword="kappen, boom", team=teams["west"])
    RoutingRule.objects.create(position=5, name="Uit", enabled=False, team=teams["comms"])
    conversation = arrive(deliver, TREE)
    assert conversation.team == teams["west"]
    assert conversation.events.get().data["routing_rule"] == "Bomen"
    assert arrive(deliver, "Lantaarnpaal kapot op de Maliebaan").team == teams["oost"]
    assert arrive(deliver, PASSPORT).team == teams["kcc"]


def test_every_condition_of_a_rule_must_hold(deliver, teams, account):
    RoutingRule.objects.create(name="Oost afval", wijk="Oost", category="afval", team=teams["oost"])
    RoutingRule.objects.create(name="Ander account", account=None, keyword="paspoort", team=teams["comms"])
    assert arrive(deliver, "Lantaarnpaal kapot op de Maliebaan").team == teams["kcc"]
    assert arrive(deliver, "Container vol op de Maliebaan, zakken ernaast").team == teams["oost"]
    assert arrive(deliver, PASSPORT).team == teams["comms"]


def test_without_a_rule_a_wijkbureau_account_goes_to_the_kcc(deliver, teams, account):
    account.team = teams["oost"]
    account.save()
    assert arrive(deliver, PASSPORT).team == teams["kcc"]


def test_confirming_records_a_decision_and_an_event(conversation, agent):
    suggested = conversation.triage.suggested["type"]
    assert suggested == "melding"
    triage_decide(conversation_id=conversation.pk, user=agent, field="type", value="melding")
    triage = ConversationTriage.objects.get(conversation=conversation)
    assert triage.decided == {"type": "melding"}
    decision = TriageDecision.objects.get()
    assert (decision.field, decision.value, decision.corrected, decision.actor) == (
        "type",
        "melding",
        False,
        agent,
    )
    event = conversation.events.last()
    assert (event.kind, event.actor, event.data) == (
        "triage_confirmed",
        agent,
        {"field": "type", "old": "melding", "new": "melding"},
    )


def test_correcting_urgent_drops_the_priority_and_restores_the_deadline(conversation, agent):
    assert conversation.priority == 1
    triage_decide(conversation_id=conversation.pk, user=agent, field="urgent", value="False")
    conversation.refresh_from_db()
    assert (conversation.priority, conversation.due_at) == (0, due_at(conversation.last_message_at))
    event = conversation.events.last()
    assert (event.kind, event.data) == ("triage_corrected", {"field": "urgent", "old": True, "new": False})
    assert TriageDecision.objects.get().corrected is True


def test_correcting_wijk_to_unknown_stores_none(conversation, agent):
    triage_decide(conversation_id=conversation.pk, user=agent, field="wijk", value="")
    assert ConversationTriage.objects.get(conversation=conversation).decided == {"wijk": None}


@pytest.mark.parametrize(
    "field,value",
    [("colour", "red"), ("type", "nonsense"), ("urgent", "maybe"), ("wijk", "Amsterdam"), ("category", None)],
)
def test_bad_decisions_are_refused_and_change_nothing(conversation, agent, field, value):
    events = conversation.events.count()
    with pytest.raises(ServiceError):
        triage_decide(conversation_id=conversation.pk, user=agent, field=field, value=value)
    assert conversation.events.count() == events
    assert TriageDecision.objects.count() == 0
    assert ConversationTriage.objects.get(conversation=conversation).decided == {}


def test_a_broken_model_still_lets_messages_in(deliver, monkeypatch, teams):
    import triage.learning as learning

    def broken():
        raise ValueError("model file damaged")

    monkeypatch.setattr(learning, "current_suggester", broken)
    conversation = arrive(deliver, TREE)
    assert conversation.triage.suggested == {
        "type": "",
        "category": "",
        "urgent": False,
        "escalate": False,
        "wijk": None,
    }
    assert (conversation.priority, conversation.team) == (0, teams["kcc"])
    assert Event.objects.filter(conversation=conversation).count() == 1


def test_arrival_stores_why_and_how_sure(deliver):
    conversation = arrive(deliver, TREE)
    reasons = conversation.triage.reasons
    assert reasons["urgent_words"]
    assert reasons["category_words"]
    assert reasons["wijk_words"] == ["maliebaan"]
    assert set(reasons["confidence"]) == {"type", "category", "urgent", "escalate"}


def test_an_uncertain_category_is_not_routed_on(deliver, teams, monkeypatch):
    import triage.learning as learning

    RoutingRule.objects.create(name="Afval", category="afval", team=teams["west"])
    shipped = learning.current_suggester()

    class Unsure:
        def suggest(self, text, to=None):
            suggestion = shipped.suggest(text, to=to)
            return type(suggestion)(
                **{**suggestion.__dict__, "reasons": {**suggestion.reasons, "uncertain": ["category"]}}
            )

    monkeypatch.setattr(learning, "current_suggester", Unsure)
    conversation = arrive(deliver, "Container vol op de Maliebaan, zakken ernaast")
    assert conversation.triage.suggested["category"] == "afval"
    assert conversation.team == teams["kcc"]
