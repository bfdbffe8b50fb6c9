"""The X channel in a real browser: the live counter counts as X does, a reply reaches the fake X
API in reply to the right tweet, a monitoring hit is promoted, and admins see the accounts."""

import re

import pytest
from playwright.sync_api import expect

from channels import polling
from channels.x.counting import RULES, x_length
from inbox.models import Account, Conversation, MonitoringHit, Role
from tests.browser.conftest import login
from tests.channels.x import conftest as x_fixtures
from tests.channels.x.test_counting import CASES

# The X fixtures (a fake X API server per test, an account pointed at it), shared with tests/channels/x.
fake_x, x_account, citizens = x_fixtures.fake_x, x_fixtures.x_account, x_fixtures.citizens
USER_ID = x_fixtures.USER_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000


def test_the_browser_counts_every_case_as_the_server_does(page, live_server, make_user):
    make_user(Role.AGENT, username="anouk")
    login(page, live_server, "anouk")

    counted = page.evaluate(
        "([cases, rules]) => cases.map(([text]) => window.webcareCount(text, rules))", [CASES, RULES]
    )

    assert counted == [length for _, length in CASES]
    assert counted == [x_length(text) for text, _ in CASES]


def test_an_agent_answers_a_mention_from_the_browser(
    page, live_server, make_user, x_account, fake_x, citizens, eager_celery
):
    make_user(Role.AGENT, username="anouk")
    tweet = fake_x.mention(
        "@GemeenteTest Er ligt glas op het fietspad bij de Weerdsingel 🚲", author_id=citizens["anna"]["id"]
    )
    assert polling.poll_account(x_account.pk) == "ok: 1 new"
    conversation = Conversation.objects.get()

    login(page, live_server, "anouk")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    counter = page.locator('[data-counter-for="id_text"]')
    expect(counter).to_have_text("280")
    reply = "Dank u, we ruimen het vandaag op. Zie https://www.utrecht.nl/afval-en-grondstoffen/ 👍"
    page.locator("#id_text").fill(reply)
    expect(counter).to_have_text(str(280 - x_length(reply)))
    assert 280 - x_length(reply) != 280 - len(reply)  # the X count, not the plain one

    page.get_by_role("button", name="Antwoord versturen").click()
    outbound = page.locator(".thread .msg.out")
    expect(outbound.get_by_test_id("send-status")).to_have_text("Verzonden", timeout=LIVE_TIMEOUT)

    posts = fake_x.requests_to("/2/tweets", method="POST")
    assert [r.body for r in posts] == [{"text": reply, "reply": {"in_reply_to_tweet_id": tweet["id"]}}]


def test_a_too_long_reply_is_refused_before_queueing(
    page, live_server, make_user, x_account, fake_x, citizens
):
    make_user(Role.AGENT, username="anouk")
    fake_x.mention("@GemeenteTest vraag", author_id=citizens["anna"]["id"])
    polling.poll_account(x_account.pk)
    conversation = Conversation.objects.get()

    login(page, live_server, "anouk")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    page.locator("#id_text").fill("日本" * 71)
    expect(page.locator('[data-counter-for="id_text"]')).to_have_text("-4")
    page.get_by_role("button", name="Antwoord versturen").click()

    expect(page.locator("#reply-errors")).to_contain_text("284")
    assert fake_x.requests_to("/2/tweets", method="POST") == []


def test_an_agent_promotes_a_monitoring_hit(page, live_server, make_user, x_account, fake_x, citizens):
    make_user(Role.AGENT, username="anouk")
    Account.objects.filter(pk=x_account.pk).update(config={"user_id": USER_ID, "monitor": ["#gladheid030"]})
    fake_x.search_hit(
        "#gladheid030",
        "Fietspad langs de Vecht is één ijsbaan #gladheid030",
        author_id=citizens["piet"]["id"],
    )
    fake_x.search_hit("#gladheid030", "Zo mooi, die sneeuw #gladheid030", author_id=citizens["anna"]["id"])
    polling.poll_account(x_account.pk)

    login(page, live_server, "anouk")
    page.get_by_role("link", name="Monitoring").click()
    hits = page.locator("ol.hits > li")
    expect(hits).to_have_count(2)
    hits.filter(has_text="sneeuw").get_by_role("button", name="Negeren").click()
    expect(hits.filter(has_text="sneeuw")).to_contain_text("Genegeerd")
    hits.filter(has_text="ijsbaan").get_by_role("button", name="Naar de wachtrij").click()

    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))
    expect(page.locator(".thread .msg.in .text")).to_have_text(
        "Fietspad langs de Vecht is één ijsbaan #gladheid030"
    )
    expect(page.locator(".timeline")).to_contain_text("Uit monitoring naar de wachtrij")
    states = dict(MonitoringHit.objects.values_list("text", "state"))
    assert states == {
        "Fietspad langs de Vecht is één ijsbaan #gladheid030": "promoted",
        "Zo mooi, die sneeuw #gladheid030": "dismissed",
    }
    assert fake_x.requests_to("/2/tweets", method="POST") == []


def test_an_admin_sees_an_account_that_needs_reconnecting(page, live_server, make_user, x_account, fake_x):
    make_user(Role.ADMIN, username="beheer")
    fake_x.fail(
        "/2/users/",
        401,
        {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank", "status": 401},
    )
    polling.poll_account(x_account.pk)

    login(page, live_server, "beheer")
    page.get_by_role("link", name="Accounts").click()

    row = page.locator(f'tr[data-account="{x_account.pk}"]')
    expect(row.get_by_test_id("poll-status")).to_have_text("Opnieuw koppelen nodig")
    expect(row).to_contain_text("X API 401: Unauthorized")
