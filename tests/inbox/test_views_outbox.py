"""The conversation page while a reply's send outcome is unknown: the badge says it is being
checked, there is no retry button, and a retry posted anyway is refused with nothing changed."""

import pytest
from django.test import override_settings
from django.urls import reverse

from inbox.models import Event, Message
from inbox.services.outbox import replies_stale_sending_unknown, reply_queue, reply_start_sending


@pytest.fixture
def unknown_reply(conversation, agent):
    message = reply_queue(conversation_id=conversation.pk, user=agent, text="Wij pakken het op.")
    reply_start_sending(message_id=message.pk)
    with override_settings(INBOX_SENDING_STALE_SECONDS=-1):
        replies_stale_sending_unknown()
    message.refresh_from_db()
    assert message.send_status == "unknown"
    return message


def test_an_unknown_reply_shows_it_is_being_checked_and_offers_no_retry(
    client, agent, conversation, unknown_reply
):
    client.force_login(agent)

    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()

    assert "Onbekend, wordt nagekeken" in page
    assert 'data-testid="send-unknown"' in page
    assert "Het is niet bekend of het platform dit antwoord geplaatst heeft" in page
    assert reverse("inbox:retry_reply", args=[conversation.pk, unknown_reply.pk]) not in page
    # The timeline says so too.
    assert "Onbekend of het antwoord geplaatst is; wordt nagekeken op het platform" in page


def test_a_retry_of_an_unknown_reply_is_refused_and_nothing_changes(
    client, agent, conversation, unknown_reply
):
    client.force_login(agent)
    events = Event.objects.count()

    response = client.post(
        reverse("inbox:retry_reply", args=[conversation.pk, unknown_reply.pk]), HTTP_HX_REQUEST="true"
    )

    assert "misschien al geplaatst" in response.content.decode()
    assert Message.objects.get(pk=unknown_reply.pk).send_status == "unknown"
    assert Event.objects.count() == events
