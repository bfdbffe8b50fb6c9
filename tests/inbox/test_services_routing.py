from inbox.models import Event
from inbox.services.routing import conversation_reroute


def test_reroute_moves_the_conversation_with_one_event(conversation, agent, teams):
    events = conversation.events.count()
    event = conversation_reroute(
        conversation_id=conversation.pk,
        user=agent,
        team_id=teams["oost"].pk,
        rule="Wijk Oost",
        because={"field": "wijk"},
    )
    conversation.refresh_from_db()
    assert conversation.team == teams["oost"]
    assert conversation.events.count() == events + 1
    assert (event.kind, event.actor, event.data) == (
        Event.Kind.REROUTED,
        agent,
        {
            "from_team": "kcc",
            "team": "wijkbureau-oost",
            "team_name": "Wijkbureau Oost",
            "rule": "Wijk Oost",
            "field": "wijk",
        },
    )


def test_reroute_to_the_same_team_changes_nothing(conversation, agent, teams):
    events = conversation.events.count()
    assert conversation_reroute(conversation_id=conversation.pk, user=agent, team_id=teams["kcc"].pk) is None
    conversation.refresh_from_db()
    assert (conversation.team, conversation.events.count()) == (teams["kcc"], events)


def test_reroute_leaves_an_escalated_conversation_with_the_adviser(conversation, agent, teams):
    from inbox.services.teamwork import conversation_escalate

    conversation_escalate(conversation_id=conversation.pk, user=agent, question="Graag advies")
    events = conversation.events.count()
    assert conversation_reroute(conversation_id=conversation.pk, user=agent, team_id=teams["oost"].pk) is None
    conversation.refresh_from_db()
    assert (conversation.team, conversation.events.count()) == (teams["comms"], events)
