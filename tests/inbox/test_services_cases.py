import pytest
from django.contrib.auth.models import User

from cases.models import Case, CaseEvent
from cases.workflow import Status
from inbox.models import Account, Conversation, Event, Message
from inbox.services.base import ServiceError
from inbox.services.case_links import case_status_tell, conversation_case_link, conversation_case_register
from inbox.services.claims import conversation_claim
from inbox.services.lifecycle import conversation_close
from tests.cases.factories import register
from tests.conftest import incoming


def _register(conversation, user, **overrides):
    values = {"category": "verlichting", "description": "Lantaarnpaal kapot", "location": "Biltstraat"}
    values.update(overrides)
    return conversation_case_register(conversation_id=conversation.pk, user=user, **values)


def test_register_from_a_conversation_links_it_and_copies_the_contact(conversation, agent):
    case = _register(conversation, agent)

    conversation.refresh_from_db()
    assert conversation.case == case
    assert (case.contact_name, case.contact_platform, case.contact_handle) == (
        "Burger Een",
        "sandbox",
        "burger1",
    )
    assert case.registered_by == agent
    event = conversation.events.last()
    assert (event.kind, event.actor, event.data) == (Event.Kind.CASE_REGISTERED, agent, {"case": case.number})
    assert case.events.get().data == {
        "conversation": conversation.pk,
        "channel": "sandbox",
        "account": "GemeenteTest",
    }


def test_register_twice_is_refused_and_changes_nothing(conversation, agent):
    first = _register(conversation, agent)
    events = Event.objects.count()
    with pytest.raises(ServiceError, match=first.number):
        _register(conversation, agent)
    assert Case.objects.count() == 1
    assert Event.objects.count() == events


def test_register_on_someone_elses_conversation_is_refused(conversation, agent, other_agent):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)
    with pytest.raises(ServiceError):
        _register(conversation, agent)
    assert Case.objects.count() == 0
    conversation.refresh_from_db()
    assert conversation.case is None


def test_an_incoming_message_naming_the_number_links_its_conversation(deliver, conversation, agent, teams):
    case = _register(conversation, agent)
    other_account = Account.objects.create(platform="facebook", handle="gemeente-fb", team=teams["kcc"])
    year, seq = case.year, case.sequence
    deliver(
        incoming(
            platform_id="fb-1",
            author_id="fb-person",
            author_handle="",
            author_name="Marieke",
            text=f"Hoe staat het met zaaknummer {year} – {seq:07d}? De lamp is nog steeds stuk.",
        ),
        to=other_account,
    )

    linked = Conversation.objects.get(thread_key="fb-1")
    assert linked.case == case
    assert linked.account == other_account
    event = linked.events.get(kind=Event.Kind.CASE_LINKED)
    assert event.data == {"case": case.number, "via": "message", "message": "fb-1"}
    case_event = case.events.get(kind=CaseEvent.Kind.CONVERSATION_LINKED)
    assert case_event.data == {
        "conversation": linked.pk,
        "channel": "facebook",
        "account": "gemeente-fb",
        "via": "message",
    }
    assert set(case.conversations.all()) == {conversation, linked}


def test_a_message_naming_an_unknown_number_links_nothing(deliver, conversation):
    deliver(incoming(platform_id="x-9", text="Mijn zaak ZAAK-2026-0099999 is niet opgelost"))
    linked = Conversation.objects.get(thread_key="x-9")
    assert linked.case is None
    assert not linked.events.filter(kind=Event.Kind.CASE_LINKED).exists()
    assert CaseEvent.objects.count() == 0


def test_a_linked_conversation_keeps_its_case(deliver, conversation, agent):
    first = _register(conversation, agent)
    second = register(agent)
    deliver(incoming(platform_id="later", thread_key="first", text=f"Ook {second.number} graag"))
    conversation.refresh_from_db()
    assert conversation.case == first
    assert not second.events.filter(kind=CaseEvent.Kind.CONVERSATION_LINKED).exists()


def test_outbound_posts_never_link(deliver, agent):
    case = register(agent)
    deliver(incoming(platform_id="own", outbound=True, text=f"Uw zaak {case.number}"))
    assert not Conversation.objects.filter(case=case).exists()


def test_link_by_hand_with_any_spelling(conversation, agent):
    case = register(agent)
    linked = conversation_case_link(
        conversation_id=conversation.pk, user=agent, number=f"zaak {case.year} {case.sequence:07d}"
    )
    assert linked == case
    conversation.refresh_from_db()
    assert conversation.case == case
    assert conversation.events.last().data == {"case": case.number, "via": "agent", "message": ""}


def test_link_to_an_unknown_number_is_refused(conversation, agent):
    events = Event.objects.count()
    with pytest.raises(ServiceError, match="Geen zaak met nummer ZAAK-2026-7654321"):
        conversation_case_link(conversation_id=conversation.pk, user=agent, number="ZAAK-2026-7654321")
    assert Event.objects.count() == events


def test_status_told_to_the_citizen_as_a_reply_after_confirmation(conversation, agent):
    case = _register(conversation, agent)
    conversation_close(conversation_id=conversation.pk, user=agent)

    message = case_status_tell(
        case_id=case.pk, conversation_id=conversation.pk, user=agent, text="Uw melding is opgelost."
    )

    assert (message.text, message.send_status, message.direction) == (
        "Uw melding is opgelost.",
        Message.SendStatus.QUEUED,
        Message.Direction.OUTBOUND,
    )
    assert conversation.events.filter(kind=Event.Kind.CASE_STATUS_TOLD).count() == 1
    notified = case.events.get(kind=CaseEvent.Kind.CITIZEN_NOTIFIED)
    assert notified.data == {"conversation": conversation.pk, "message": message.pk}
    assert notified.to_status == Status.REGISTERED


def test_status_told_on_an_unrelated_conversation_is_refused(conversation, agent, deliver):
    case = register(agent)
    with pytest.raises(ServiceError):
        case_status_tell(case_id=case.pk, conversation_id=conversation.pk, user=agent, text="x")
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 0
    assert User.objects.count() == 1
