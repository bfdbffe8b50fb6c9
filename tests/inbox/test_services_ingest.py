import datetime as dt

import pytest
from django.utils import timezone

from inbox.models import Account, Contact, Conversation, Event, Message
from inbox.services.ingest import messages_ingest
from inbox.services.lifecycle import conversation_close
from tests.conftest import incoming


def test_new_item_opens_a_conversation_with_due_time_and_event(deliver, account):
    result = deliver(incoming(platform_id="t1", thread_key="t1"), cursor="after-t1")

    assert (result.created, result.duplicates, result.conversations_opened) == (1, 0, 1)
    conversation = Conversation.objects.get()
    assert conversation.state == "new"
    assert conversation.team == account.team
    assert conversation.due_at is not None
    assert list(conversation.events.values_list("kind", "to_state")) == [("created", "new")]
    account.refresh_from_db()
    assert account.cursor == "after-t1"
    assert account.poll_status == Account.PollStatus.OK


def test_repolling_the_same_items_creates_nothing(deliver):
    items = [incoming(platform_id="a"), incoming(platform_id="b")]
    deliver(*items)
    events_before = Event.objects.count()

    result = deliver(*items, incoming(platform_id="a"))

    assert (result.created, result.duplicates) == (0, 3)
    assert Message.objects.count() == 2
    assert Event.objects.count() == events_before


def test_cursor_and_messages_commit_together(account, deliver):
    """A crash half-way through ingest leaves neither messages nor a moved cursor."""
    deliver(cursor="before")
    # The second item cannot be stored (its media is no JSON), so ingest fails half-way, for real.
    broken = incoming(media=[{"photo": {"not", "json"}}])
    with pytest.raises(TypeError):
        messages_ingest(account_id=account.pk, items=[incoming(), broken], cursor="after")

    account.refresh_from_db()
    assert account.cursor == "before"
    assert Message.objects.count() == 0
    assert Conversation.objects.count() == 0


def test_reply_joins_the_conversation_it_replies_to(deliver):
    deliver(incoming(platform_id="root", thread_key="root"))
    deliver(incoming(platform_id="child", thread_key="other-key", in_reply_to="root"))

    conversation = Conversation.objects.get()
    assert list(conversation.messages.values_list("platform_id", flat=True)) == ["root", "child"]


def test_same_thread_key_joins_and_parents_come_first_within_a_batch(deliver):
    now = timezone.now()
    later = incoming(platform_id="2", thread_key="dm-9", created_at=now, is_private=True)
    earlier = incoming(
        platform_id="1", thread_key="dm-9", created_at=now - dt.timedelta(minutes=5), is_private=True
    )

    deliver(later, earlier)

    conversation = Conversation.objects.get()
    assert conversation.is_private
    assert list(conversation.messages.values_list("platform_id", flat=True)) == ["1", "2"]


def test_message_on_recently_closed_conversation_reopens_it(deliver, conversation, agent):
    conversation_close(conversation_id=conversation.pk, user=agent)

    deliver(incoming(platform_id="again", thread_key="first"))

    conversation.refresh_from_db()
    assert conversation.state == "open"
    assert conversation.closed_at is None
    assert conversation.events.last().kind == "reopened"
    assert Conversation.objects.count() == 1


def test_message_long_after_closing_starts_a_new_conversation(deliver, conversation, agent, settings):
    conversation_close(conversation_id=conversation.pk, user=agent)
    Conversation.objects.filter(pk=conversation.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=settings.INBOX_REOPEN_WINDOW_DAYS + 1)
    )

    deliver(incoming(platform_id="much-later", thread_key="first"))

    assert Conversation.objects.count() == 2
    conversation.refresh_from_db()
    assert conversation.state == "closed"
    newest = Conversation.objects.latest("pk")
    assert newest.state == "new"
    assert newest.contact == conversation.contact


def test_citizen_writing_after_our_answer_puts_it_back_to_work(deliver, conversation, agent):
    deliver(incoming(platform_id="ours", thread_key="first", outbound=True, author_handle="GemeenteTest"))
    conversation.refresh_from_db()
    assert conversation.state == "answered"
    assert conversation.first_response_at is not None

    deliver(incoming(platform_id="thanks", thread_key="first"))

    conversation.refresh_from_db()
    assert conversation.state == "open"
    assert conversation.events.last().kind == "citizen_wrote"


def test_own_posts_never_open_a_conversation(deliver):
    result = deliver(incoming(platform_id="announcement", outbound=True))

    assert (result.created, result.skipped) == (0, 1)
    assert Conversation.objects.count() == 0


def test_returning_citizen_is_one_contact_with_updated_name(deliver):
    deliver(incoming(author_id="77", author_name="Old Name"))
    deliver(incoming(author_id="77", author_name="New Name"))

    contact = Contact.objects.get()
    assert contact.name == "New Name"
    assert contact.conversations.count() == 2


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "nul\x00byte",
        "x" * 100_000,
        "🌷🚲🔥" * 50,
        "مرحبا، الشارع مظلم",
        "lone \ud800 surrogate",
    ],
)
def test_hostile_text_is_stored_and_raw_kept(deliver, text):
    deliver(incoming(platform_id="h", text=text, author_name=text[:300], raw={"text": text}))

    message = Message.objects.get(platform_id="h")
    expected = text.replace("\x00", "\ufffd").replace("\ud800", "\ufffd")
    assert message.text == expected
    import json

    assert json.loads(message.raw)["text"] == text
