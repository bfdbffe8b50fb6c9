"""An agent's day in a real browser: the queue updates by itself, claiming, replying, hostile input."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from channels import polling
from inbox.models import Conversation, Message, Role
from tests.browser.conftest import login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000  # ms: a few polling rounds of the live regions (4 s queue, 3 s conversation)
LIVE_POLL = re.compile(r"/conversations/\d+/\?v=")  # the conversation page's own refresh


def test_agent_sees_new_message_claims_and_replies(
    page, live_server, make_user, account, deliver, eager_celery
):
    make_user(Role.AGENT, username="anouk")
    # The sandbox's first three items for this handle: two citizens, one of whom writes again.
    assert polling.poll_account(account.pk) == "ok: 3 new"
    sandbox_conversations = list(Conversation.objects.order_by("pk"))
    assert [c.messages.count() for c in sandbox_conversations] == [1, 2]

    login(page, live_server, "anouk")
    rows = page.locator("#queue-live tr[data-conversation]")
    expect(rows).to_have_count(2)
    for conversation in sandbox_conversations:
        latest = conversation.messages.order_by("-created_at", "-pk").first()
        preview = page.locator(f'tr[data-conversation="{conversation.pk}"] td.preview')
        expect(preview.get_by_role("link")).to_have_text(latest.text)
    expect(
        page.locator(f'tr[data-conversation="{sandbox_conversations[1].pk}"] td.preview small')
    ).to_have_text("(2)")
    expect(page.locator("#queue-live .counts")).to_have_text("2 gesprekken te doen")

    # A message arrives while the queue is open: htmx brings it in without a page load.
    page.evaluate("window.__marker = 1")
    deliver(
        incoming(platform_id="live-1", text="Lantaarnpaal op de Biltstraat is kapot", author_name="Marieke")
    )
    new = Conversation.objects.get(thread_key="live-1")
    row = page.locator(f'#queue-live tr[data-conversation="{new.pk}"]')
    expect(row.get_by_text("Lantaarnpaal op de Biltstraat is kapot")).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(row.locator("td.from")).to_contain_text("Marieke")
    expect(rows).to_have_count(3)
    expect(page.locator("#queue-live .counts")).to_have_text("3 gesprekken te doen")
    assert page.evaluate("window.__marker") == 1, "the queue page was reloaded instead of updated in place"

    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/conversations/{new.pk}/$"))
    expect(page.locator(".thread .msg.in .text")).to_have_text("Lantaarnpaal op de Biltstraat is kapot")
    assignee = page.get_by_test_id("assignee")
    expect(assignee).to_have_text("Nog niemand werkt hieraan.")

    page.get_by_role("button", name="Oppakken", exact=True).click()
    expect(assignee).to_have_text("U werkt hieraan.")
    expect(page.get_by_test_id("state")).to_have_text("In behandeling")

    reply = "Dank voor uw melding, Marieke. We sturen vandaag nog iemand langs om de lamp te maken."
    counter = page.locator('[data-counter-for="id_text"]')
    expect(counter).to_have_text("1000")
    page.locator("#id_text").fill(reply)
    expect(counter).to_have_text(str(1000 - len(reply)))

    page.get_by_role("button", name="Antwoord versturen").click()
    outbound = page.locator(".thread .msg.out")
    expect(outbound).to_have_count(1)
    expect(outbound.locator(".text")).to_have_text(reply)
    expect(outbound.get_by_test_id("send-status")).to_have_text("Verzonden", timeout=LIVE_TIMEOUT)
    expect(page.locator("#id_text")).to_have_value("")  # emptied for the next reply

    sent = Message.objects.get(conversation=new, direction=Message.Direction.OUTBOUND)
    assert (sent.text, sent.send_status, sent.sent_by.username) == (reply, Message.SendStatus.SENT, "anouk")
    assert sent.platform_id.startswith("GemeenteTest-out-")
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 1


def test_hostile_message_is_shown_as_text(page, live_server, agent, deliver):
    name = "<b>Mark</b><script>window.__pwned=1</script>"
    text = '<img src=x onerror="window.__pwned=2"> hallo'
    deliver(incoming(platform_id="hostile-1", author_id="evil-1", author_name=name, text=text))
    conversation = Conversation.objects.get(thread_key="hostile-1")

    login(page, live_server, agent.username)
    row = page.locator(f'#queue-live tr[data-conversation="{conversation.pk}"]')
    expect(row.locator("td.preview a")).to_have_text(text)
    assert page.evaluate("window.__pwned === undefined")

    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/conversations/{conversation.pk}/$"))
    message = page.locator(".thread .msg.in")
    expect(message.locator(".text")).to_have_text(text)
    expect(message.get_by_text("<img src=x", exact=False)).to_be_visible()
    expect(message.locator(".meta bdi")).to_have_text(name)
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".thread img")).to_have_count(0)
    expect(page.locator("main script")).to_have_count(0)
    assert page.evaluate("window.__pwned === undefined")


def test_second_agent_sees_who_has_it(new_page, live_server, make_user, deliver):
    make_user(Role.AGENT, username="anouk")
    make_user(Role.AGENT, username="bram")
    deliver(incoming(platform_id="shared-1", text="Mijn paspoort is kwijt, wat moet ik doen?"))
    conversation = Conversation.objects.get(thread_key="shared-1")
    url = f"{live_server.url}/conversations/{conversation.pk}/"

    page_a, page_b = new_page(), new_page()
    login(page_a, live_server, "anouk")
    login(page_b, live_server, "bram")

    # Bram has the conversation open before Anouk takes it; his page does not refresh for now.
    page_b.goto(url)
    page_b.route(LIVE_POLL, lambda route: route.abort())
    claim_b = page_b.get_by_role("button", name="Oppakken", exact=True)
    expect(claim_b).to_be_visible()
    expect(page_b.get_by_test_id("assignee")).to_have_text("Nog niemand werkt hieraan.")

    page_a.goto(url)
    page_a.get_by_role("button", name="Oppakken", exact=True).click()
    expect(page_a.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")

    # Bram's stale button is refused, with the reason.
    claim_b.click()
    expect(page_b.get_by_role("alert")).to_have_text("Anouk werkt al aan dit gesprek.")
    conversation.refresh_from_db()
    assert conversation.assignee.username == "anouk"

    # Once his page polls again it shows who has it and stops offering to claim it, without a reload.
    page_b.evaluate("window.__marker = 1")
    page_b.unroute(LIVE_POLL)
    expect(page_b.get_by_test_id("assignee")).to_have_text("Anouk werkt hieraan.", timeout=LIVE_TIMEOUT)
    expect(claim_b).to_have_count(0)
    assert page_b.evaluate("window.__marker") == 1

    # The reply form he opened earlier is still there, but the server refuses his reply.
    page_b.locator("#id_text").fill("Ik help u graag verder.")
    page_b.get_by_role("button", name="Antwoord versturen").click()
    expect(page_b.locator("#reply-form").get_by_role("alert")).to_have_text(
        "Anouk werkt aan dit gesprek; alleen die kan antwoorden."
    )
    expect(page_b.locator(".thread .msg.out")).to_have_count(0)

    # A fresh load says who has it, offers neither claim nor reply, and the queue shows whose it is.
    page_b.reload()
    expect(page_b.get_by_test_id("assignee")).to_have_text("Anouk werkt hieraan.")
    expect(page_b.get_by_role("button", name="Oppakken", exact=True)).to_have_count(0)
    expect(page_b.locator("#reply-form")).to_have_count(0)
    expect(page_b.locator("#reply-blocked")).to_have_text(
        "Anouk werkt aan dit gesprek; alleen die kan antwoorden."
    )
    page_b.goto(live_server.url + "/queue/")
    status = page_b.locator(f'tr[data-conversation="{conversation.pk}"] td').last
    expect(status).to_have_text("In behandeling met Anouk", use_inner_text=True)

    conversation.refresh_from_db()
    assert conversation.assignee.username == "anouk"
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


# --- The reply box after a send and after refusals ---------------------------------------------------


def test_counter_starts_over_after_a_reply(page, live_server, agent, conversation, eager_celery):
    login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    page.locator("#id_text").fill("Wij kijken ernaar.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_test_id("send-status")).to_have_text("Verzonden")
    expect(page.locator("#id_text")).to_have_value("")
    expect(page.locator('[data-counter-for="id_text"]')).to_have_text("1000", timeout=2_000)


def test_each_reply_error_replaces_the_last(page, live_server, agent, conversation, eager_celery):
    login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    errors = page.locator("#reply-form").get_by_role("alert")
    send = page.get_by_role("button", name="Antwoord versturen")

    page.locator("#id_text").fill("x" * 1001)
    send.click()
    expect(errors).to_have_text("Het antwoord is 1001 tekens; dit kanaal staat er 1000 toe.")
    page.locator("#id_text").fill("x" * 1002)
    send.click()
    expect(errors).to_have_text("Het antwoord is 1002 tekens; dit kanaal staat er 1000 toe.", timeout=2_000)
    page.locator("#id_text").fill("Wij kijken ernaar.")
    send.click()
    expect(page.get_by_test_id("send-status")).to_have_text("Verzonden")
    expect(errors).to_have_count(0, timeout=2_000)


def test_load_more_then_a_live_refresh_keeps_every_row_shown(page, live_server, agent, deliver):
    start = timezone.now() - dt.timedelta(hours=2)
    deliver(
        *[
            incoming(platform_id=f"m{n}", author_id=f"p{n}", created_at=start + dt.timedelta(seconds=n))
            for n in range(60)
        ]
    )
    login(page, live_server, agent.username)
    rows = page.locator("#queue-live tr[data-conversation]")
    expect(rows).to_have_count(50)
    expect(page.locator("#queue-live .counts")).to_contain_text("Meer dan 50 gesprekken te doen")

    page.get_by_role("link", name="Meer laden").click()
    expect(rows).to_have_count(60)
    expect(page.get_by_role("link", name="Meer laden")).to_have_count(0)

    # An older message fetched late goes to the top: the refresh brings it in and keeps the rows loaded
    # after the first page (as many as were shown; the last one moves on to "load more").
    deliver(
        incoming(
            platform_id="m-late",
            author_id="p-late",
            text="Nog eentje: een omgevallen boom op de Biltstraat",
            created_at=start - dt.timedelta(minutes=5),
        )
    )
    expect(rows.first).to_contain_text(
        "Nog eentje: een omgevallen boom op de Biltstraat", timeout=LIVE_TIMEOUT
    )
    expect(rows).to_have_count(60)
    expect(page.get_by_role("link", name="Meer laden")).to_have_count(1)
