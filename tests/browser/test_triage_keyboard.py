"""Triage, canned answers and the keyboard in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from inbox.models import Conversation, Role
from tests.browser.conftest import htmx_settled, login
from tests.conftest import incoming
from triage.models import CannedAnswer, ConversationTriage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_moves_opens_claims_replies_and_escalates(page, live_server, make_user, deliver):
    make_user(Role.AGENT, username="anouk")
    deliver(
        incoming(platform_id="calm", text="Wanneer wordt het grofvuil bij ons opgehaald?", author_id="a"),
        incoming(platform_id="tree", text="Boom omgewaaid op de Maliebaan, ligt dwars over het fietspad!"),
        incoming(platform_id="calm2", text="Hoe vraag ik een parkeervergunning aan?", author_id="b"),
    )
    tree = Conversation.objects.get(thread_key="tree")
    calm = Conversation.objects.get(thread_key="calm")
    login(page, live_server, "anouk")
    rows = page.locator("#queue-live tr[data-conversation]")
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("data-conversation", str(tree.pk))  # urgent on top
    expect(rows.first.locator(".badge.urgent")).to_have_text("Urgent")

    page.keyboard.press("?")
    help_dialog = page.locator("#shortcut-help")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_role("heading")).to_have_text("Sneltoetsen")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bkb-current\b"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")  # stays on the last row
    expect(rows.nth(2)).to_have_class(re.compile(r"\bkb-current\b"))
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bkb-current\b"))
    expect(page.locator(".kb-current")).to_have_count(1)
    second = rows.nth(1).get_attribute("data-conversation")

    page.keyboard.press("c")  # claim from the queue opens the conversation
    expect(page).to_have_url(re.compile(rf"/conversations/{second}/$"))
    expect(page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")
    assert Conversation.objects.get(pk=second).assignee.username == "anouk"

    page.goto(f"{live_server.url}/queue/")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/conversations/{tree.pk}/$"))
    page.keyboard.press("c")
    expect(page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")

    page.keyboard.press("r")
    expect(page.locator("#id_text")).to_be_focused()
    page.keyboard.type("jk")  # typing in the reply box is text, not shortcuts
    expect(page.locator("#id_text")).to_have_value("jk")

    # e opens the escalation form (the element marked data-shortcut="escalate").
    page.evaluate("document.activeElement.blur()")
    escalate = page.locator('details:has(> summary[data-shortcut="escalate"])')
    expect(escalate).not_to_have_attribute("open", "")
    page.keyboard.press("e")
    expect(escalate).to_have_attribute("open", "")
    assert calm.pk != tree.pk


def test_agent_confirms_and_corrects_suggestions_and_uses_a_canned_answer(
    page, live_server, make_user, deliver
):
    make_user(Role.AGENT, username="anouk")
    CannedAnswer.objects.create(
        title="Melding ontvangen",
        keywords="melding",
        text="Beste {naam}, dank voor uw melding. Groet, {voornaam_medewerker}",
    )
    deliver(
        incoming(
            platform_id="tree", author_name="Marieke", text="Boom omgewaaid op de Maliebaan, ligt dwars!"
        )
    )
    conversation = Conversation.objects.get()
    login(page, live_server, "anouk")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")

    panel = page.locator("#triage-panel")
    expect(panel.get_by_test_id("triage-type")).to_have_text("Melding")
    expect(panel.get_by_test_id("triage-wijk")).to_have_text("Oost")
    panel.get_by_test_id("confirm-type").click()
    expect(panel.locator('[data-field="type"] .triage-state')).to_have_text("✓")
    expect(panel.get_by_test_id("confirm-type")).to_have_count(0)
    htmx_settled(page)  # htmx wires the swapped-in selects up only once the swap has settled

    expect(page.locator(".state-box .badge.urgent")).to_have_text("Urgent")
    panel.get_by_test_id("correct-urgent").select_option("False")
    expect(panel.get_by_test_id("triage-urgent")).to_have_text("Nee")
    expect(page.locator(".state-box .badge.urgent")).to_have_count(0, timeout=15_000)  # the live refresh
    assert ConversationTriage.objects.get().decided == {"type": "melding", "urgent": False}
    expect(page.locator(".timeline")).to_contain_text("Triage gecorrigeerd")

    box = page.locator("#id_text")
    box.click()
    box.type("/melding")
    pick = page.locator("#canned-results .canned-pick")
    expect(pick).to_have_count(1)
    pick.click()
    expect(box).to_have_value("Beste Marieke, dank voor uw melding. Groet, Anouk")
