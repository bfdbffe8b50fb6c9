"""A Facebook page in a real browser: comments and Messenger arrive, an agent answers both."""

import json

import pytest
from playwright.sync_api import expect

from channels import polling
from inbox.models import Conversation, Role
from tests.browser.conftest import login
from tests.channels.facebook.conftest import CITIZEN, OTHER, PAGE_ID, ago, fb_account, graph  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_answers_a_comment_thread_and_messenger_and_sees_the_window(
    page,
    live_server,
    make_user,
    graph,  # noqa: F811
    fb_account,  # noqa: F811
    eager_celery,  # noqa: F811
):
    make_user(Role.AGENT, username="anouk")
    post = graph.add_post(PAGE_ID, "Werkzaamheden", created=ago(hours=3))
    first = graph.add_comment(post["id"], "Hoe lang duurt dat?", author=CITIZEN, created=ago(hours=2))
    graph.add_comment(
        post["id"], "Mijn nummer is 06-12345678", author=OTHER, parent_id=first["id"], created=ago(hours=1)
    )
    graph.add_message(
        PAGE_ID, "psid-1", "Wanneer komt het grofvuil?", name="Ruud Bakker", created=ago(hours=1)
    )
    graph.add_message(PAGE_ID, "psid-2", "Container niet geleegd", name="Lotte Smit", created=ago(hours=30))
    assert polling.poll_account(fb_account.pk) == "ok: 4 new"
    comments = Conversation.objects.get(thread_key=f"comment:{first['id']}")
    messenger = Conversation.objects.get(thread_key="messenger:psid-1")

    login(page, live_server, "anouk")
    expect(page.locator("#queue-live tr[data-conversation]")).to_have_count(3)

    # The comment thread: answer under the top-level comment, hide the reply with a phone number.
    page.goto(f"{live_server.url}/conversations/{comments.pk}/")
    page.locator("#id_text").fill("Ongeveer twee weken.")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("li.msg.out [data-testid=send-status]")).to_have_text("Verzonden")
    assert graph.calls("POST")[-1].path == f"/v23.0/{first['id']}/comments"
    page.locator("li.msg", has_text="06-12345678").get_by_role("button", name="Reactie verbergen").click()
    expect(page.locator("[data-testid=hidden-badge]")).to_have_text("Verborgen op het platform")
    assert graph.calls("POST")[-1].body["is_hidden"] == "true"

    # Messenger within the window.
    page.goto(f"{live_server.url}/conversations/{messenger.pk}/")
    page.locator("#id_text").fill("Donderdag.")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("li.msg.out [data-testid=send-status]")).to_have_text("Verzonden")
    assert json.loads(graph.calls("POST")[-1].body["recipient"]) == {"id": "psid-1"}

    # Messenger outside the window: no reply box, the reason and the alternatives instead.
    closed = Conversation.objects.get(thread_key="messenger:psid-2")
    page.goto(f"{live_server.url}/conversations/{closed.pk}/")
    expect(page.locator("#reply-form")).to_have_count(0)
    expect(page.locator("#reply-refused")).to_contain_text("binnen 24 uur")
    expect(page.locator("#reply-refused")).to_contain_text("privéantwoord op een reactie")
