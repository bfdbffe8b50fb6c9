import threading

import pytest
from django.db import connection

from inbox.models import Conversation, Event
from inbox.services.base import AlreadyClaimed, ServiceError
from inbox.services.claims import conversation_claim, conversation_release, conversation_take_next
from inbox.services.lifecycle import conversation_close, conversation_reopen
from tests.conftest import incoming, require


def test_claim_assigns_and_moves_new_to_open(conversation, agent):
    conversation_claim(conversation_id=conversation.pk, user=agent)

    conversation.refresh_from_db()
    assert conversation.assignee == agent
    assert conversation.state == "open"
    event = conversation.events.last()
    assert (event.kind, event.actor, event.from_state, event.to_state) == ("claimed", agent, "new", "open")


def test_claim_held_by_someone_else_is_refused_and_changes_nothing(conversation, agent, other_agent):
    conversation_claim(conversation_id=conversation.pk, user=agent)
    events = Event.objects.count()

    with pytest.raises(AlreadyClaimed, match="Agent"):
        conversation_claim(conversation_id=conversation.pk, user=other_agent)

    conversation.refresh_from_db()
    assert conversation.assignee == agent
    assert Event.objects.count() == events


def test_release_only_by_holder(conversation, agent, other_agent):
    conversation_claim(conversation_id=conversation.pk, user=agent)
    with pytest.raises(ServiceError):
        conversation_release(conversation_id=conversation.pk, user=other_agent)

    conversation_release(conversation_id=conversation.pk, user=agent)

    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert conversation.events.last().kind == "released"


def test_close_and_reopen_are_on_the_timeline(conversation, agent):
    conversation_close(conversation_id=conversation.pk, user=agent)
    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee) == ("closed", None)
    assert conversation.closed_at is not None

    conversation_reopen(conversation_id=conversation.pk, user=agent)

    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee, conversation.closed_at) == ("open", agent, None)
    assert list(conversation.events.values_list("kind", flat=True)) == ["created", "closed", "reopened"]


def test_take_next_gives_the_most_urgent_then_soonest_due(deliver, agent):
    deliver(
        incoming(platform_id="normal", text="Wanneer wordt het grofvuil opgehaald?"),
        incoming(platform_id="urgent"),
    )
    urgent = Conversation.objects.get(thread_key="urgent")
    Conversation.objects.filter(pk=urgent.pk).update(priority=1)
    assert Conversation.objects.get(thread_key="normal").priority == 0

    taken = conversation_take_next(user=agent)

    assert taken.pk == urgent.pk
    assert taken.assignee == agent


def test_take_next_returns_none_when_nothing_is_left(agent):
    assert conversation_take_next(user=agent) is None


def test_take_next_for_wijkbureau_staff_hands_out_only_their_teams_conversations(deliver, teams, make_user):
    for key, team in (("oost-1", "oost"), ("west-1", "west"), ("oost-2", "oost")):
        deliver(incoming(platform_id=key, thread_key=key))
        Conversation.objects.filter(thread_key=key).update(team=teams[team])
    oost, west, nowhere = (
        make_user("wijkbureau", "oost"),
        make_user("wijkbureau", "west"),
        make_user("wijkbureau"),
    )
    nowhere.teams.clear()
    Conversation.objects.filter(thread_key="oost-1").update(priority=1)

    assert conversation_take_next(user=west).thread_key == "west-1"
    assert conversation_take_next(user=oost).thread_key == "oost-1"
    assert conversation_take_next(user=oost).thread_key == "oost-2"
    assert conversation_take_next(user=oost) is None  # West's is not theirs to take
    assert conversation_take_next(user=nowhere) is None
    assert set(Conversation.objects.values_list("thread_key", "assignee")) == {
        ("oost-1", oost.pk),
        ("oost-2", oost.pk),
        ("west-1", west.pk),
    }


@pytest.mark.django_db(transaction=True)
def test_take_next_under_concurrency_never_gives_one_conversation_to_two(teams, make_user, deliver):
    require(connection.vendor == "postgresql", "row locking with SKIP LOCKED needs PostgreSQL (DATABASE_URL)")
    deliver(*[incoming(platform_id=f"c{i}") for i in range(6)])
    agents = [make_user("agent") for _ in range(6)]
    barrier = threading.Barrier(len(agents))
    taken: dict[int, int | None] = {}

    def work(user):
        from django.db import connections

        barrier.wait()
        try:
            conversation = conversation_take_next(user=user)
            taken[user.pk] = conversation.pk if conversation else None
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(user,)) for user in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(v for v in taken.values() if v) == sorted(Conversation.objects.values_list("pk", flat=True))
    assert len(set(taken.values())) == 6
    assert Conversation.objects.filter(assignee__isnull=True).count() == 0


def test_close_by_someone_else_than_the_holder_is_refused(conversation, agent, other_agent):
    conversation_claim(conversation_id=conversation.pk, user=agent)
    events = Event.objects.count()

    with pytest.raises(AlreadyClaimed, match="afsluiten|close"):
        conversation_close(conversation_id=conversation.pk, user=other_agent)

    conversation.refresh_from_db()
    assert conversation.state == "open"
    assert Event.objects.count() == events
