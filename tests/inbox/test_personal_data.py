"""The personal-data guard: what it finds, public replies refused until confirmed, public posts flagged."""

import pytest
from django.urls import reverse

from inbox.models import Conversation, Event, Message
from inbox.personal_data import personal_data_find, personal_data_kinds
from inbox.services.base import PersonalDataInPublicReply
from inbox.services.moderation import comment_hidden_record
from inbox.services.outbox import reply_queue
from tests.conftest import incoming

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    "text,found",
    [
        ("Mijn BSN is 123456782, graag snel", [("bsn", "123456782")]),
        ("bsn 123.456.782", [("bsn", "123.456.782")]),
        ("Het nummer 123456789 is geen BSN (11-proef)", []),
        ("Bel me op 06-12345678", [("phone", "06-12345678")]),
        ("Bel 030 123 4567 of +31 6 1234 5678", [("phone", "030 123 4567"), ("phone", "+31 6 1234 5678")]),
        ("Mail jan.jansen@example.nl", [("email", "jan.jansen@example.nl")]),
        ("IBAN NL91 ABNA 0417 1643 00 graag", [("iban", "NL91 ABNA 0417 1643 00")]),
        ("NL91ABNA0417164301 klopt niet", []),
        ("Ik woon op Oudegracht 12, 3511 AB Utrecht", [("address", "3511 AB")]),
        ("postcode 3511AB 12", [("address", "3511AB 12")]),
        ("Postcode 3511 AB zonder huisnummer", []),
        ("kenteken 12-ABC-3 en AB-12-CD", [("plate", "12-ABC-3"), ("plate", "AB-12-CD")]),
        ("In 2024 en 2025, op 12-03-24 om 17:00, zaak ZAAK-2026-0000123, bel 14 030", []),
        ("bedrag 123456782,50 euro", []),
    ],
)
def test_what_the_guard_finds(text, found):
    assert [(f.kind, f.text) for f in personal_data_find(text)] == found


def test_the_municipality_s_own_details_can_be_ignored(settings):
    settings.WEBCARE_PERSONAL_DATA_IGNORE = ["030 286 00 00"]

    assert personal_data_kinds("Bel ons op 030 286 00 00 of mail naar jan@example.nl") == ["email"]


def _claimed(conversation, agent):
    Conversation.objects.filter(pk=conversation.pk).update(assignee=agent, state="open")


def test_a_public_reply_with_a_bsn_is_refused_and_nothing_is_queued(conversation, agent):
    _claimed(conversation, agent)
    events = Event.objects.count()

    with pytest.raises(PersonalDataInPublicReply) as refused:
        reply_queue(conversation_id=conversation.pk, user=agent, text="Uw BSN 123456782 is bekend.")

    assert [f.kind for f in refused.value.findings] == ["bsn"]
    assert refused.value.private_possible is False  # a sandbox mention has no private reply
    assert "burgerservicenummer (BSN)" in str(refused.value)
    assert Message.objects.filter(direction="out").count() == 0
    assert Event.objects.count() == events


def test_a_confirmed_public_reply_is_queued(conversation, agent):
    _claimed(conversation, agent)

    message = reply_queue(
        conversation_id=conversation.pk, user=agent, text="Bel ons: 06-12345678", confirmed_personal_data=True
    )

    assert message.send_status == "queued"


def test_a_reply_in_a_private_conversation_is_not_refused(deliver, agent):
    deliver(incoming(platform_id="dm-1", kind="dm", is_private=True))
    conversation = Conversation.objects.get(thread_key="dm-1")

    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Uw BSN 123456782 is bekend.")

    assert message.text == "Uw BSN 123456782 is bekend."


def test_the_reply_form_shows_the_warning_and_queues_after_confirmation(client, conversation, agent):
    _claimed(conversation, agent)
    client.force_login(agent)
    url = reverse("inbox:reply", args=[conversation.pk])

    warned = client.post(url, {"text": "Mail ons op kcc@example.nl of bel 06-12345678"}, **HTMX)
    body = warned.content.decode()
    assert warned.status_code == 422
    assert "Persoonsgegevens in een openbaar antwoord" in body
    assert "e-mailadres" in body and "telefoonnummer" in body
    assert 'name="confirm_personal_data"' in body
    assert "Stuur als privébericht" not in body  # not possible on this channel
    assert Message.objects.filter(direction="out").count() == 0

    sent = client.post(
        url, {"text": "Mail ons op kcc@example.nl of bel 06-12345678", "confirm_personal_data": "1"}, **HTMX
    )
    assert sent.status_code == 200
    assert Message.objects.filter(direction="out").count() == 1


def test_the_api_refuses_with_422_until_confirmed(client, conversation, agent):
    from inbox.services.api_tokens import api_token_create

    _claimed(conversation, agent)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=agent, name='t')}"}
    url = f"/api/v1/conversations/{conversation.pk}/reply"

    refused = client.post(url, {"text": "BSN 123456782"}, content_type="application/json", **headers)
    allowed = client.post(
        url,
        {"text": "BSN 123456782", "confirm_personal_data": True},
        content_type="application/json",
        **headers,
    )

    assert refused.status_code == 422
    assert "personal data" in refused.json()["detail"]
    assert allowed.status_code == 201


def test_a_public_post_exposing_personal_data_is_flagged_in_the_queue(client, deliver, agent):
    deliver(incoming(platform_id="p-1", text="Mijn telefoon is 06-12345678, bel me terug"))
    conversation = Conversation.objects.get(thread_key="p-1")
    message = conversation.messages.get()

    assert conversation.personal_data_exposed is True
    assert message.personal_data == ["phone"]
    assert conversation.events.filter(kind="personal_data_exposed", data__kinds=["phone"]).count() == 1
    client.force_login(agent)
    queue = client.get(reverse("inbox:queue")).content.decode()
    assert "persoonsgegevens in openbaar bericht" in queue
    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert 'data-testid="pd-exposed"' in page
    assert "verwijderen" in page  # the advice for a platform that cannot hide it


def test_a_private_message_with_personal_data_is_not_flagged(deliver):
    deliver(incoming(platform_id="dm-2", kind="dm", is_private=True, text="Mijn BSN is 123456782"))
    conversation = Conversation.objects.get(thread_key="dm-2")

    assert conversation.personal_data_exposed is False
    assert conversation.messages.get().personal_data == []


def test_hiding_the_post_clears_the_flag(deliver, agent):
    deliver(incoming(platform_id="p-2", text="Mijn BSN is 123456782"))
    conversation = Conversation.objects.get(thread_key="p-2")

    comment_hidden_record(message_id=conversation.messages.get().pk, user=agent, hidden=True)

    conversation.refresh_from_db()
    assert conversation.personal_data_exposed is False
