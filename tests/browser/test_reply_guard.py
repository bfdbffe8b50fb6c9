"""The stale-reply guard in Chromium: while one agent types, a citizen writes again (posted to the
fake X server from a second browser context, then polled in); the new message shows up
highlighted, sending needs one explicit confirmation, and the reply is posted once."""

import re

import pytest
from playwright.sync_api import expect

from channels import polling
from inbox.models import Conversation, Message, Role
from tests.browser.conftest import login
from tests.channels.x import conftest as x_fixtures

fake_x, x_account, citizens = x_fixtures.fake_x, x_fixtures.x_account, x_fixtures.citizens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000


def test_a_message_arriving_while_typing_is_highlighted_and_needs_a_confirmation(
    new_page, live_server, make_user, x_account, fake_x, citizens, eager_celery
):
    make_user(Role.AGENT, username="anouk")
    first = fake_x.mention(
        "@GemeenteTest De lantaarnpaal bij de Oudegracht 12 is kapot", author_id=citizens["anna"]["id"]
    )
    assert polling.poll_account(x_account.pk) == "ok: 1 new"
    conversation = Conversation.objects.get()

    agent, citizen = new_page(), new_page()
    login(agent, live_server, "anouk")
    agent.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    agent.locator("#id_text").press_sequentially("Dank u, wij sturen een monteur")

    # The citizen writes again, through the fake X server (another browser context), and it is polled in.
    posted = citizen.request.post(
        f"{fake_x.url}/_fake/mentions",
        data={
            "text": "@GemeenteTest Het is trouwens de tweede paal, bij nummer 14!",
            "author_id": citizens["anna"]["id"],
            "conversation_id": first["id"],
            "in_reply_to_user_id": x_fixtures.USER_ID,
            "referenced_tweets": [{"type": "replied_to", "id": first["id"]}],
        },
    )
    assert posted.status == 201
    assert polling.poll_account(x_account.pk) == "ok: 1 new"

    fresh = agent.locator(".thread .msg.in.new-since-typing")
    expect(fresh).to_have_count(1, timeout=LIVE_TIMEOUT)
    expect(fresh).to_contain_text("Nieuw bericht sinds u begon te typen")
    expect(fresh).to_contain_text("de tweede paal")
    expect(agent.get_by_test_id("confirm-newer")).to_be_visible()

    # Sending without the confirmation is refused, the text kept.
    agent.get_by_role("button", name="Antwoord versturen").click()
    expect(agent.locator("#reply-errors").get_by_role("alert")).to_contain_text("De inwoner schreef opnieuw")
    expect(agent.locator("#id_text")).to_have_value("Dank u, wij sturen een monteur")
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert fake_x.posted_tweets == []

    agent.locator("#id_text").press_sequentially(" voor beide palen.")
    agent.get_by_test_id("confirm-newer").check()
    agent.get_by_role("button", name="Antwoord versturen").click()
    expect(agent.locator(".thread .msg.out")).to_have_count(1, timeout=LIVE_TIMEOUT)
    expect(agent.locator(".new-since-typing")).to_have_count(0)
    assert [t["text"] for t in fake_x.posted_tweets] == ["Dank u, wij sturen een monteur voor beide palen."]
    assert re.fullmatch(r"\d+", Message.objects.get(direction=Message.Direction.OUTBOUND).platform_id)
