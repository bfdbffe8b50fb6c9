import hashlib
import hmac
import json

import pytest

from channels.facebook import webhook
from channels.models import WebhookDelivery
from inbox.models import Conversation, Message
from tests.conftest import SHARED, require

from .conftest import APP_SECRET, PAGE_ID, VERIFY_TOKEN

PAYLOADS = SHARED / "platform-payloads"


def documented(name: str) -> dict:
    """A documented Graph API example from ../shared (skipped, saying so, where a clone has none)."""
    path = PAYLOADS / name
    require(
        path.exists(),
        f"the documented Graph payload {name} is missing at {path} (../shared/platform-payloads)",
    )
    return json.loads(path.read_text())


URL = "/webhooks/facebook/"


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, payload, *, signature=None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {} if signature == "" else {"HTTP_X_HUB_SIGNATURE_256": signature or sign(body)}
    return client.post(URL, data=body, content_type="application/json", **headers)


def messages_payload(mid="mid.1457764197618:41d102a3e1ae206a38", text="hello, world!"):
    payload = documented("fb_webhook_messages.json")
    entry = payload["entry"][0]
    entry["id"] = PAGE_ID
    entry["messaging"][0]["recipient"]["id"] = PAGE_ID
    entry["messaging"][0]["sender"]["id"] = "psid-7"
    entry["messaging"][0]["message"].update(mid=mid, text=text)
    return payload


def comment_payload(comment_id="1_c9", parent_id=f"{PAGE_ID}_1", message="Waarom is de weg dicht?"):
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1543608843,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "from": {"id": "user-anna", "name": "Anna de Vries"},
                            "item": "comment",
                            "verb": "add",
                            "post_id": f"{PAGE_ID}_1",
                            "comment_id": comment_id,
                            "parent_id": parent_id,
                            "created_time": 1543608842,
                            "message": message,
                        },
                    }
                ],
            }
        ],
    }


@pytest.fixture(autouse=True)
def _graph(graph):
    """Every Graph call (a Messenger sender's name) goes to the fake."""
    return graph


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from webcare.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_verification_echoes_the_challenge(client, fb_account):
    response = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"


def test_verification_with_a_wrong_token_is_refused(client, fb_account):
    response = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert response.status_code == 403


def test_a_signed_messenger_delivery_becomes_a_message(
    client, fb_account, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, messages_payload())

    assert response.status_code == 200
    message = Message.objects.get()
    assert message.platform_id == "mid.1457764197618:41d102a3e1ae206a38"
    assert message.text == "hello, world!"
    assert message.conversation.thread_key == "messenger:psid-7"
    assert message.conversation.is_private is True
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "processed"
    assert delivery.created_messages == 1
    fb_account.refresh_from_db()
    assert fb_account.poll_status == "never"  # a webhook does not touch the poll state


def test_a_comment_and_its_reply_join_one_thread(
    client, fb_account, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, comment_payload())
        post(client, comment_payload(comment_id="1_c10", parent_id="1_c9", message="Ik vraag het ook"))

    conversation = Conversation.objects.get()
    assert conversation.thread_key == "comment:1_c9"
    assert [(m.kind, m.in_reply_to_platform_id) for m in conversation.messages.all()] == [
        ("comment", f"{PAGE_ID}_1"),
        ("comment_reply", "1_c9"),
    ]


def test_the_same_delivery_twice_is_stored_and_processed_once(
    client, fb_account, django_capture_on_commit_callbacks
):
    payload = messages_payload()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert post(client, payload).status_code == 200
        assert post(client, payload).status_code == 200

    assert WebhookDelivery.objects.count() == 1
    assert len(callbacks) == 1
    delivery = WebhookDelivery.objects.get()
    assert webhook.process_delivery(delivery.pk) == "ok: 1 new"
    assert webhook.process_delivery(delivery.pk) == "not pending"
    assert Message.objects.count() == 1


def test_a_retry_with_a_new_body_creates_no_second_message(
    client, fb_account, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, messages_payload())
        changed = messages_payload()
        changed["entry"][0]["time"] += 1  # a redelivery with another envelope time
        post(client, changed)

    assert WebhookDelivery.objects.count() == 2
    assert Message.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", "wrong-secret"])
def test_a_missing_or_wrong_signature_is_refused_and_logged(client, fb_account, caplog, signature):
    body = json.dumps(messages_payload()).encode()
    if signature == "wrong-secret":
        signature = sign(body, "another-secret")

    response = post(client, None, raw=body, signature=signature)

    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0
    assert Message.objects.count() == 0
    assert "signature" in caplog.text


def test_a_delivery_for_an_unknown_page_is_acknowledged_without_work(client, fb_account, caplog):
    payload = documented("fb_webhook_feed.json")  # entry id "0": a dashboard test

    response = post(client, payload)

    assert response.status_code == 200
    assert WebhookDelivery.objects.count() == 0
    assert Message.objects.count() == 0
    assert "unknown page" in caplog.text


def test_a_malformed_change_is_skipped_and_the_rest_ingested(
    client, fb_account, eager, django_capture_on_commit_callbacks
):
    payload = comment_payload()
    payload["entry"][0]["changes"].insert(0, {"field": "feed", "value": "not an object"})
    payload["entry"][0]["changes"].insert(0, {"field": "feed", "value": {"item": "comment", "verb": "add"}})
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload).status_code == 200

    assert list(Message.objects.values_list("text", flat=True)) == ["Waarom is de weg dicht?"]


def test_a_body_that_is_not_json_is_refused(client, fb_account):
    response = post(client, None, raw=b"\x00not json")
    assert response.status_code == 400
    assert WebhookDelivery.objects.count() == 0


def test_polling_catches_up_on_a_missed_delivery_and_repeats_nothing(
    client, graph, fb_account, eager, django_capture_on_commit_callbacks
):
    from channels import polling

    from .conftest import CITIZEN, ago

    post_item = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=2), post_id=f"{PAGE_ID}_1")
    graph.add_comment(
        post_item["id"], "Waarom is de weg dicht?", author=CITIZEN, comment_id="1_c9", created=ago(hours=1)
    )
    graph.add_comment(post_item["id"], "Gemist door de webhook", author=CITIZEN, created=ago(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, comment_payload())

    assert polling.poll_account(fb_account.pk) == "ok: 1 new"

    assert Message.objects.count() == 2
    assert Conversation.objects.count() == 2


def test_a_messenger_senders_name_is_asked_once(
    client, graph, fb_account, eager, django_capture_on_commit_callbacks
):
    graph.add_message(PAGE_ID, "psid-7", "Eerder bericht", name="Ruud Bakker")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, messages_payload())
        post(client, messages_payload(mid="m_2", text="Nog iets"))

    assert Conversation.objects.get().contact.name == "Ruud Bakker"
    assert list(Message.objects.values_list("author_name", flat=True)) == ["Ruud Bakker", "Ruud Bakker"]
    assert [c.path for c in graph.calls("GET")] == ["/v23.0/psid-7"]


def test_a_visitor_post_arrives_and_the_pages_own_post_does_not(
    client, fb_account, eager, django_capture_on_commit_callbacks
):
    payload = documented("fb_webhook_feed.json")
    payload["entry"][0]["id"] = PAGE_ID
    own = json.loads(json.dumps(payload))
    own["entry"][0]["changes"][0]["value"]["from"] = {"id": PAGE_ID, "name": "Gemeente Test"}
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload)
        post(client, own)

    conversation = Conversation.objects.get()
    assert conversation.thread_key == "post:44444444_444444444"
    assert conversation.contact.name == "Test Page"
    assert list(Message.objects.values_list("text", flat=True)) == ["Example post content."]
