"""The API over real HTTP against a live server, as a script meets it: CSRF enforced for cookie
sessions, bearer tokens checked first, and no input that answers 500."""

import pytest
import requests

from inbox.models import Conversation, Message
from inbox.services.api_tokens import api_token_create
from tests.conftest import PASSWORD, incoming

POSTS = [
    ("claim", None),
    ("release", None),
    ("reply", {"text": "Wij pakken het op."}),
    ("close", None),
    ("notes", {"text": "Interne notitie"}),
    ("escalate", {"question": "Mag dit?"}),
    ("hand-back", {"advice": "Zo antwoorden"}),
    ("forward", {"team": "wijkbureau-oost", "note": "Voor jullie"}),
]


@pytest.fixture
def api(live_server, transactional_db, deliver, agent):
    deliver(incoming(platform_id="http-1", thread_key="http-1"))
    conversation = Conversation.objects.get(thread_key="http-1")
    token = api_token_create(user=agent, name="script")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return live_server.url + "/api/v1", session, conversation


def test_a_bearer_token_claims_replies_and_closes_over_http_without_csrf(api, agent):
    base, script, conversation = api
    url = f"{base}/conversations/{conversation.pk}"

    claimed = script.post(f"{url}/claim", timeout=10)
    replied = script.post(f"{url}/reply", json={"text": "Dank u, wij gaan ernaar kijken."}, timeout=10)
    closed = script.post(f"{url}/close", timeout=10)

    assert [claimed.status_code, replied.status_code, closed.status_code] == [200, 201, 200]
    assert replied.json()["send_status"] == "queued"
    assert closed.json()["state"] == "closed"
    conversation.refresh_from_db()
    assert conversation.state == "closed"
    assert list(conversation.events.values_list("kind", "actor__username")) == [
        ("created", None),
        ("claimed", "agent"),
        ("reply_queued", "agent"),
        ("closed", "agent"),
    ]


def test_a_cookie_session_needs_the_csrf_token_and_then_works(api, live_server, agent):
    base, _script, conversation = api
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    browser.post(
        f"{live_server.url}/accounts/login/",
        data={
            "login_view-current_step": "auth",
            "auth-username": "agent",
            "auth-password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        timeout=10,
    )
    url = f"{base}/conversations/{conversation.pk}/claim"

    forged = browser.post(url, timeout=10)
    assert (forged.status_code, forged.json()) == (403, {"detail": "CSRF check Failed"})
    conversation.refresh_from_db()
    assert conversation.assignee is None

    allowed = browser.post(
        url, headers={"X-CSRFToken": browser.cookies["csrftoken"], "Referer": live_server.url}, timeout=10
    )
    assert allowed.status_code == 200
    conversation.refresh_from_db()
    assert conversation.assignee == agent

    unreadable = browser.post(
        f"{base}/conversations/{conversation.pk}/reply",
        data=b"--x\r\n\r\nrubbish",
        headers={"Content-Type": "multipart/form-data", "X-CSRFToken": browser.cookies["csrftoken"]},
        timeout=10,
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["detail"].startswith("The request body cannot be read")


def test_no_credentials_is_a_401_with_the_error_shape(api):
    base, _script, conversation = api
    response = requests.post(f"{base}/conversations/{conversation.pk}/claim", timeout=10)
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Log in or send a valid bearer token."},
    )
    wrong = requests.post(
        f"{base}/conversations/{conversation.pk}/claim",
        headers={"Authorization": "Bearer wc_nope"},
        timeout=10,
    )
    assert wrong.status_code == 401


BAD_BODIES = [
    ("multipart without a boundary", {"Content-Type": "multipart/form-data"}, b"--x\r\n\r\nrubbish"),
    ("garbage json", {"Content-Type": "application/json"}, b"{not json"),
    ("json of the wrong shape", {"Content-Type": "application/json"}, b'["a", 1]'),
    (
        "wrong types",
        {"Content-Type": "application/json"},
        b'{"text": 12, "question": [], "team": {}, "note": null}',
    ),
    ("form encoded", {"Content-Type": "application/x-www-form-urlencoded"}, b"text=hallo"),
    ("text plain", {"Content-Type": "text/plain"}, "héllo \x00".encode()),
]


@pytest.mark.parametrize("what,headers,body", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_on_every_post_endpoint_are_clear_4xx_never_500(api, what, headers, body):
    """Endpoints that take a body refuse a bad one with 400/422 and a one-sentence detail; those that
    take none ignore it. None answers 500."""
    base, script, conversation = api
    for action, payload in POSTS:
        response = script.post(
            f"{base}/conversations/{conversation.pk}/{action}", data=body, headers=headers, timeout=10
        )
        if payload is None:
            assert response.status_code < 500, (action, response.status_code, response.text[:300])
            continue
        assert response.status_code in (400, 422), (action, response.status_code, response.text[:300])
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail, (action, response.text[:300])
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


def test_null_bytes_in_a_reply_are_stored_as_u_fffd_not_a_crash(api):
    base, script, conversation = api
    response = script.post(
        f"{base}/conversations/{conversation.pk}/reply",
        data=b'{"text": "a\\u0000b"}',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert (response.status_code, response.json()["text"]) == (201, "a\ufffdb")


def test_reopening_an_open_conversation_is_a_409_in_dutch_on_the_page(client, agent, conversation):
    client.force_login(agent)
    headers = {"HTTP_HX_REQUEST": "true"}
    client.post(f"/conversations/{conversation.pk}/claim/", **headers)
    events = conversation.events.count()

    response = client.post(f"/conversations/{conversation.pk}/reopen/", **headers)

    assert response.status_code == 409
    assert (
        "dat kan niet meer" in response.content.decode() or "niet meer mogelijk" in response.content.decode()
    )
    assert conversation.events.count() == events
