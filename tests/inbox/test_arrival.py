"""The arrival hook: a hook without a batch form is still called once per new conversation, its
decision applied by ingest; a batch form gets the page's new conversations at once. A hook decides
before the conversation is saved (it is inserted once, as decided); rows it hands back are saved
with it."""

from inbox import arrival
from inbox.arrival import ArrivalDecision
from inbox.models import Conversation
from tests.conftest import incoming


def test_a_per_conversation_hook_decides_each_new_conversation(monkeypatch, deliver, teams):
    seen = []

    def hook(conversation, text):
        seen.append((conversation.thread_key, conversation.pk, text))
        return ArrivalDecision(urgent="boom" in text, team=teams["west"], event_data={"hook": "ja"})

    monkeypatch.setattr(arrival, "_hooks", [hook])
    monkeypatch.setattr(arrival, "_many", {})

    deliver(incoming(platform_id="a", text="Een boom op straat"), incoming(platform_id="b", text="Een vraag"))

    a, b = Conversation.objects.get(thread_key="a"), Conversation.objects.get(thread_key="b")
    assert seen == [("a", None, "Een boom op straat"), ("b", None, "Een vraag")]
    assert (a.priority, a.team, b.priority) == (1, teams["west"], 0)
    assert a.events.get(kind="created").data == {"account": "GemeenteTest", "hook": "ja"}


def test_a_batch_form_gets_the_whole_page_once(monkeypatch, deliver):
    calls = []

    def hook(conversation, text):
        raise AssertionError("the batch form is used")

    def many(arrivals):
        calls.append([text for _, text in arrivals])
        return [ArrivalDecision() for _ in arrivals]

    monkeypatch.setattr(arrival, "_hooks", [hook])
    monkeypatch.setattr(arrival, "_many", {hook: many})

    deliver(*[incoming(platform_id=f"m{n}", text=f"tekst {n}") for n in range(3)])

    assert calls == [["tekst 0", "tekst 1", "tekst 2"]]


def test_rows_a_hook_hands_back_are_saved_with_the_new_conversation(monkeypatch, deliver):
    from triage.models import ConversationTriage

    def hook(conversation, text):
        return ArrivalDecision(rows=(ConversationTriage(conversation=conversation, text=text, to="x"),))

    monkeypatch.setattr(arrival, "_hooks", [hook])
    monkeypatch.setattr(arrival, "_many", {})

    deliver(incoming(platform_id="r1", text="Een bankje is kapot"))

    conversation = Conversation.objects.get(thread_key="r1")
    assert ConversationTriage.objects.get().conversation == conversation
    assert (conversation.message_count, conversation.preview) == (1, "Een bankje is kapot")
