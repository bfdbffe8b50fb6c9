"""Each webhook entry is checked against its own page's app secret; unknown pages are acknowledged."""

import json

import pytest

from channels.facebook import webhook
from channels.models import WebhookDelivery
from inbox.models import Account, Message

from .conftest import PAGE_ID
from .test_webhook import URL, comment_payload, sign

OTHER_PAGE = "2000"
OTHER_SECRET = "another-apps-secret"


@pytest.fixture
def other_account(teams):
    return Account.objects.create(
        platform="facebook",
        handle=OTHER_PAGE,
        display_name="Wijk Oost",
        team=teams["kcc"],
        credentials={"page_token": "t2", "app_secret": OTHER_SECRET, "verify_token": "v2"},
    )


def two_page_body() -> bytes:
    ours = comment_payload(comment_id="1_ours", message="Voor pagina 1000")
    theirs = comment_payload(comment_id="2_theirs", parent_id=f"{OTHER_PAGE}_1", message="Voor pagina 2000")
    entry = theirs["entry"][0]
    entry["id"] = OTHER_PAGE
    entry["changes"][0]["value"]["post_id"] = f"{OTHER_PAGE}_1"
    ours["entry"].append(entry)
    return json.dumps(ours).encode()


def _post(client, body: bytes, secret: str):
    return client.post(
        URL, data=body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body, secret)
    )


@pytest.mark.parametrize(
    "secret,ingested",
    [
        ("app-secret-for-tests", {PAGE_ID: ["Voor pagina 1000"]}),
        (OTHER_SECRET, {OTHER_PAGE: ["Voor pagina 2000"]}),
    ],
)
def test_only_the_entries_of_the_page_whose_secret_signed_it_are_ingested(
    client, fb_account, other_account, graph, django_capture_on_commit_callbacks, caplog, secret, ingested
):
    body = two_page_body()

    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, body, secret)
    delivery = WebhookDelivery.objects.get()
    assert webhook.process_delivery(delivery.pk) == "ok: 1 new"

    assert response.status_code == 200
    assert delivery.pages == list(ingested)
    texts = {}
    for message in Message.objects.select_related("account"):
        texts.setdefault(message.account.handle, []).append(message.text)
    assert texts == ingested
    assert "signature does not match their own app secret" in caplog.text
    assert "not signed with its own secret; ignored" in caplog.text


def test_a_delivery_signed_by_no_page_it_names_is_refused(client, fb_account, other_account):
    response = _post(client, two_page_body(), "nobody's secret")

    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0
    assert Message.objects.count() == 0


def test_entries_for_unknown_pages_are_acknowledged_and_logged_and_the_known_page_ingested(
    client, fb_account, graph, django_capture_on_commit_callbacks, caplog
):
    body = two_page_body()  # page 2000 is not connected here

    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, body, "app-secret-for-tests")
    delivery = WebhookDelivery.objects.get()
    webhook.process_delivery(delivery.pk)

    assert response.status_code == 200
    assert "unknown page(s) ['2000'] acknowledged" in caplog.text
    assert list(Message.objects.values_list("text", flat=True)) == ["Voor pagina 1000"]


def test_a_delivery_only_for_unknown_pages_is_acknowledged_and_not_stored(client, db, caplog):
    body = json.dumps(comment_payload()).encode()

    response = _post(client, body, "whatever")

    assert response.status_code == 200
    assert WebhookDelivery.objects.count() == 0
    assert "unknown page(s) ['1000'] acknowledged" in caplog.text
