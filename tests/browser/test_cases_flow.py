"""Register a report from a conversation in a real browser; a later message on another channel links to it."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from inbox.models import Account, Conversation, Message, Role
from tests.browser.conftest import login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000


def test_register_from_a_conversation_and_link_a_later_message_on_another_channel(
    page, live_server, make_user, account, teams, deliver, eager_celery
):
    make_user(Role.AGENT, username="anouk")
    deliver(
        incoming(
            platform_id="lamp-1",
            author_name="Marieke",
            text="De lantaarnpaal voor Adelaarstraat 23 is al een week kapot, het is 's avonds pikkedonker.",
        )
    )
    conversation = Conversation.objects.get(thread_key="lamp-1")

    login(page, live_server, "anouk")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    page.get_by_role("button", name="Oppakken", exact=True).click()
    expect(page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")
    page.locator("#id_text").fill("Goedemiddag Marieke,")

    page.get_by_test_id("register-case").click()
    form = page.locator("form.case-register")
    expect(form.locator("#id_category")).to_have_value("verlichting")
    expect(form.locator("#id_location")).to_have_value("Adelaarstraat 23")
    expect(form.locator("#id_description")).to_have_value(re.compile("lantaarnpaal voor Adelaarstraat 23"))
    form.get_by_role("button", name="Registreren en nummer in het antwoord zetten").click()

    expect(page.get_by_test_id("case-registered")).to_be_visible()
    case = Case.objects.get()
    reply_box = page.locator("#id_text")
    expect(reply_box).to_have_value(
        f"Goedemiddag Marieke,\n\nBedankt voor uw melding. We hebben deze geregistreerd onder zaaknummer "
        f"{case.number}. Wilt u dit nummer noemen als u hierover opnieuw contact met ons opneemt?"
    )
    expect(page.get_by_test_id("case-panel").get_by_test_id("case-number")).to_have_text(case.number)
    counter = page.locator('[data-counter-for="id_text"]')
    expect(counter).to_have_text(str(1000 - len(reply_box.input_value())))

    page.get_by_role("button", name="Antwoord versturen").click()
    outbound = page.locator(".thread .msg.out")
    expect(outbound.get_by_test_id("send-status")).to_have_text("Verzonden", timeout=LIVE_TIMEOUT)
    assert case.number in Message.objects.get(direction=Message.Direction.OUTBOUND).text

    # Weeks later the same person writes on Facebook, spelling the number their own way.
    facebook = Account.objects.create(platform="sandbox", handle="GemeenteFacebook", team=teams["kcc"])
    spelled = f"zaaknummer {case.year} – {case.sequence:07d}"
    deliver(
        incoming(
            platform_id="fb-1",
            author_id="fb-9",
            author_name="M. de Vries",
            text=f"Hoe staat het met {spelled}?",
        ),
        to=facebook,
    )
    later = Conversation.objects.get(thread_key="fb-1")
    assert later.case_id == case.pk

    page.goto(f"{live_server.url}/conversations/{later.pk}/")
    expect(page.get_by_test_id("case-panel").get_by_test_id("case-number")).to_have_text(case.number)

    # The search box in the top bar finds the case however the number is typed.
    page.get_by_role("searchbox", name="Gesprekken en zaken zoeken").fill(spelled)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/cases/{case.number}/$"))
    conversations = page.get_by_test_id("case-conversations")
    expect(conversations.locator("li")).to_have_count(2)
    expect(conversations).to_contain_text("GemeenteFacebook")
    expect(conversations).to_contain_text("GemeenteTest")
