"""Notes, escalation to the adviser on duty, handing back, forwarding to a wijkbureau."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from inbox.models import DutyShift, Event, Message, Notification, Role
from inbox.selectors.teamwork import adviser_on_duty
from inbox.services.base import AlreadyClaimed, OutdatedThread, ServiceError
from inbox.services.bulk import cluster_answer
from inbox.services.claims import conversation_claim
from inbox.services.outbox import reply_queue
from inbox.services.teamwork import (
    conversation_escalate,
    conversation_forward,
    escalation_hand_back,
    note_add,
)
from inbox.workflow import State


@pytest.fixture
def adviser(make_user):
    user = make_user(Role.ADVISER, team="comms", username="daan")
    user.email = "daan@example.org"
    user.save()
    return user


def on_duty(user, *, hours_ago=1, hours_ahead=8):
    now = timezone.now()
    return DutyShift.objects.create(
        adviser=user,
        starts_at=now - dt.timedelta(hours=hours_ago),
        ends_at=now + dt.timedelta(hours=hours_ahead),
    )


def test_adviser_on_duty_follows_the_roster(adviser, make_user):
    later = make_user(Role.ADVISER, team="comms", username="eva")
    now = timezone.now()
    DutyShift.objects.create(adviser=adviser, starts_at=now - dt.timedelta(hours=2), ends_at=now)
    DutyShift.objects.create(
        adviser=later, starts_at=now + dt.timedelta(minutes=1), ends_at=now + dt.timedelta(hours=3)
    )
    assert adviser_on_duty(now) is None  # the first shift ended exactly now, the next has not begun
    assert adviser_on_duty(now - dt.timedelta(minutes=1)) == adviser
    assert adviser_on_duty(now + dt.timedelta(minutes=2)) == later


def test_note_is_on_the_timeline_and_never_a_message(conversation, agent):
    event = note_add(conversation_id=conversation.pk, user=agent, text="  Bel eerst wijkbeheer.  ")

    assert (event.kind, event.actor, event.data) == (
        Event.Kind.NOTE,
        agent,
        {"note": "Bel eerst wijkbeheer."},
    )
    assert conversation.messages.count() == 1  # only the citizen's
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 0


def test_empty_note_is_refused_and_nothing_changes(conversation, agent):
    with pytest.raises(ServiceError, match="De notitie is leeg."):
        note_add(conversation_id=conversation.pk, user=agent, text=" \n\t ")
    assert not conversation.events.filter(kind=Event.Kind.NOTE).exists()


def test_escalate_assigns_the_adviser_on_duty_and_notifies_them(
    conversation, agent, adviser, teams, django_capture_on_commit_callbacks
):
    on_duty(adviser)
    conversation_claim(conversation_id=conversation.pk, user=agent)

    with django_capture_on_commit_callbacks(execute=True):
        event = conversation_escalate(
            conversation_id=conversation.pk,
            user=agent,
            question="Mogen we iets zeggen over het raadsbesluit?",
        )

    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee, conversation.team) == (
        State.ESCALATED,
        adviser,
        teams["comms"],
    )
    assert (event.kind, event.from_state, event.to_state, event.actor) == (
        Event.Kind.ESCALATED,
        State.OPEN,
        State.ESCALATED,
        agent,
    )
    assert event.data == {
        "question": "Mogen we iets zeggen over het raadsbesluit?",
        "adviser": "daan",
        "adviser_name": "Daan",
        "from_team": "kcc",
        "team": "communicatie",
    }
    notification = Notification.objects.get()
    assert (notification.user, notification.conversation, notification.read_at) == (
        adviser,
        conversation,
        None,
    )
    assert "Mogen we iets zeggen over het raadsbesluit?" in notification.text
    assert [m.to for m in mail.outbox] == [["daan@example.org"]]
    assert f"/conversations/{conversation.pk}/" in mail.outbox[0].body


def test_escalate_without_adviser_on_duty_goes_to_the_comms_team(
    conversation, agent, make_user, teams, django_capture_on_commit_callbacks
):
    first = make_user(Role.ADVISER, team="comms", username="eva")
    second = make_user(Role.ADVISER, team="comms", username="femke")

    with django_capture_on_commit_callbacks(execute=True):
        event = conversation_escalate(
            conversation_id=conversation.pk, user=agent, question="Pers belt."
        )

    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee, conversation.team) == (
        State.ESCALATED,
        None,
        teams["comms"],
    )
    assert event.data["adviser"] == ""
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        first.username,
        second.username,
    }
    assert set(Notification.objects.values_list("text", flat=True)) == {
        "Niemand heeft dienst; Agent heeft een gesprek met Burger Een naar het team geëscaleerd: Pers belt."
    }
    assert len(mail.outbox) == 0  # the test users have no e-mail address


def test_escalating_twice_or_someone_elses_conversation_is_refused(conversation, agent, other_agent, adviser):
    on_duty(adviser)
    conversation_claim(conversation_id=conversation.pk, user=other_agent)
    with pytest.raises(AlreadyClaimed):
        conversation_escalate(conversation_id=conversation.pk, user=agent, question="?")
    conversation_escalate(conversation_id=conversation.pk, user=other_agent, question="Vraag")
    with pytest.raises(ServiceError, match="ligt al bij de adviseur"):
        conversation_escalate(conversation_id=conversation.pk, user=adviser, question="Nog eens")
    assert conversation.events.filter(kind=Event.Kind.ESCALATED).count() == 1


def test_adviser_answers_the_citizen_directly(conversation, agent, adviser):
    on_duty(adviser)
    conversation_escalate(conversation_id=conversation.pk, user=agent, question="Wat zeggen we?")

    with pytest.raises(AlreadyClaimed):
        reply_queue(conversation_id=conversation.pk, user=agent, text="Ik antwoord toch zelf")
    message = reply_queue(
        conversation_id=conversation.pk, user=adviser, text="Wij komen erop terug."
    )

    conversation.refresh_from_db()
    assert (conversation.state, message.sent_by) == (State.ANSWERED, adviser)
    assert conversation.events.last().from_state == State.ESCALATED


def test_adviser_hands_back_with_advice_to_the_agent_who_escalated(
    conversation, agent, adviser, teams, django_capture_on_commit_callbacks
):
    on_duty(adviser)
    conversation_escalate(conversation_id=conversation.pk, user=agent, question="Wat zeggen we?")

    with django_capture_on_commit_callbacks(execute=True):
        event = escalation_hand_back(
            conversation_id=conversation.pk, user=adviser, advice="Verwijs naar de raadsbrief van 3 maart."
        )

    conversation.refresh_from_db()
    assert (conversation.state, conversation.assignee, conversation.team) == (State.OPEN, agent, teams["kcc"])
    assert (event.kind, event.from_state, event.to_state) == (
        Event.Kind.HANDED_BACK,
        State.ESCALATED,
        State.OPEN,
    )
    assert event.data["note"] == "Verwijs naar de raadsbrief van 3 maart."
    assert Notification.objects.filter(user=agent).count() == 1
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 0  # advice stays internal


def test_hand_back_of_a_conversation_not_escalated_is_refused(conversation, adviser):
    with pytest.raises(ServiceError, match="ligt niet bij de adviseur"):
        escalation_hand_back(conversation_id=conversation.pk, user=adviser, advice="Advies")
    assert not conversation.events.filter(kind=Event.Kind.HANDED_BACK).exists()


def test_forward_moves_the_conversation_to_the_wijkbureau_queue(conversation, agent, teams, make_user):
    oost = make_user(Role.WIJKBUREAU, team="oost", username="fatima")
    make_user(Role.WIJKBUREAU, team="west", username="joost")
    conversation_claim(conversation_id=conversation.pk, user=agent)

    event = conversation_forward(
        conversation_id=conversation.pk,
        user=agent,
        team_id=teams["oost"].pk,
        note="Boom in het park, graag oppakken.",
    )

    conversation.refresh_from_db()
    assert (conversation.team, conversation.assignee, conversation.state) == (teams["oost"], None, State.OPEN)
    assert event.data == {
        "note": "Boom in het park, graag oppakken.",
        "from_team": "kcc",
        "team": "wijkbureau-oost",
        "team_name": "Wijkbureau Oost",
    }
    assert list(Notification.objects.values_list("user", flat=True)) == [oost.pk]


@pytest.mark.parametrize("team_key", ["kcc", "comms"])
def test_forward_only_to_a_wijkbureau(conversation, agent, teams, team_key):
    with pytest.raises(ServiceError, match="Kies een wijkbureau."):
        conversation_forward(
            conversation_id=conversation.pk, user=agent, team_id=teams[team_key].pk, note="Notitie"
        )
    assert not conversation.events.filter(kind=Event.Kind.FORWARDED).exists()


def test_reply_against_an_outdated_thread_is_refused(conversation, agent, deliver):
    from tests.conftest import incoming

    seen = conversation.messages.get()
    deliver(incoming(platform_id="again", thread_key="first", in_reply_to="first", text="Nog iets!"))
    with pytest.raises(OutdatedThread, match="De inwoner schreef opnieuw"):
        reply_queue(
            conversation_id=conversation.pk, user=agent, text="Antwoord", last_seen_message_id=seen.pk
        )
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()

    newest = conversation.messages.order_by("-pk").first()
    message = reply_queue(
        conversation_id=conversation.pk, user=agent, text="Antwoord", last_seen_message_id=newest.pk
    )
    assert message.send_status == Message.SendStatus.QUEUED


def test_cluster_answer_replies_to_each_thread_and_closes_each(deliver, agent, other_agent):
    from inbox.models import Conversation
    from tests.conftest import incoming

    deliver(
        *(
            incoming(platform_id=f"boom-{n}", author_id=f"c{n}", text="Boom omgevallen op de Biltstraat")
            for n in range(3)
        )
    )
    ids = list(Conversation.objects.order_by("pk").values_list("pk", flat=True))
    conversation_claim(conversation_id=ids[2], user=other_agent)

    results = cluster_answer(
        conversation_ids=ids, user=agent, text="We zijn ermee bezig.", close=True
    )

    assert [error == "" for _pk, error in results] == [True, True, False]
    replies = Message.objects.filter(direction=Message.Direction.OUTBOUND).order_by("conversation_id")
    assert [(m.conversation_id, m.in_reply_to_platform_id) for m in replies] == [
        (ids[0], "boom-0"),
        (ids[1], "boom-1"),
    ]
    states = dict(Conversation.objects.values_list("pk", "state"))
    assert states == {ids[0]: State.CLOSED, ids[1]: State.CLOSED, ids[2]: State.OPEN}
    for pk in ids[:2]:
        kinds = list(Event.objects.filter(conversation_id=pk).values_list("kind", flat=True))
        assert kinds == ["created", "claimed", "reply_queued", "closed"]


def test_opening_the_conversation_marks_its_notifications_read(client, conversation, agent, adviser):
    on_duty(adviser)
    conversation_escalate(conversation_id=conversation.pk, user=agent, question="Vraag")
    client.force_login(adviser)
    assert client.get("/topbar/").context["unread"] == 1

    assert client.get(f"/conversations/{conversation.pk}/").status_code == 200

    assert client.get("/topbar/").context["unread"] == 0
    assert Notification.objects.get().read_at is not None
