"""The workspace with the keyboard and on a phone: the skip link, focus after claim, close and hand
over, the phone menu, shortcuts turned off and remapped, the close shortcut, the photo viewer, and
the language select that waits for its button."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import expect

from inbox.models import Attachment, Conversation, Message
from inbox.services.teamwork import note_add
from tests.browser.conftest import login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conversation_url(live_server, deliver):
    deliver(incoming(platform_id="w1", text="Er ligt een omgevallen boom op het fietspad."))
    conversation = Conversation.objects.get(thread_key="w1")
    return f"{live_server.url}/conversations/{conversation.pk}/"


def test_skip_link_then_focus_follows_claim_and_close(page, live_server, agent, conversation_url):
    login(page, live_server, agent.username)
    page.goto(conversation_url)

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Naar de inhoud")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    page.get_by_role("button", name="Oppakken", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")
    expect(page.get_by_test_id("state-box")).to_be_focused()  # not the body: the outcome, read out

    page.get_by_role("button", name="Afsluiten", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("state")).to_have_text("Afgesloten")
    expect(page.get_by_test_id("state-box")).to_be_focused()
    expect(page.locator(".state-box.focus-flash")).to_have_count(1)  # and it shows


def test_hand_over_to_a_colleague(page, live_server, agent, other_agent, conversation_url):
    login(page, live_server, agent.username)
    page.goto(conversation_url)
    page.get_by_role("button", name="Oppakken", exact=True).click()
    expect(page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")
    page.get_by_text("Overdragen aan een collega").click()
    # A colleague's note changes the conversation: the live refresh waits while the form is unfolded.
    note_add(conversation_id=Conversation.objects.get().pk, user=other_agent, text="Ik ken deze melder.")
    page.wait_for_timeout(4_000)
    expect(page.get_by_label("Collega", exact=True)).to_be_visible()
    page.get_by_label("Collega", exact=True).select_option(label="Collega")
    page.get_by_role("button", name="Overdragen", exact=True).click()

    expect(page.get_by_test_id("assignee")).to_have_text("Collega werkt hieraan.")
    expect(page.get_by_test_id("state-box")).to_be_focused()
    expect(page.get_by_test_id("internal-note")).to_contain_text("Ik ken deze melder.")
    assert Conversation.objects.get().assignee == other_agent


def test_the_phone_menu_opens_and_closes(new_page, live_server, agent):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, live_server, agent.username)
    toggle = page.get_by_role("button", name="Menu")
    queue_link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wachtrij")

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(queue_link).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(queue_link).to_be_visible()
    queue_link.focus()
    page.keyboard.press("Escape")
    expect(queue_link).to_be_hidden()
    expect(toggle).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_shortcuts_remapped_and_turned_off(page, live_server, agent, deliver):
    deliver(incoming(platform_id="s1", author_id="p1"), incoming(platform_id="s2", author_id="p2"))
    login(page, live_server, agent.username)
    page.goto(live_server.url + "/settings/")
    page.get_by_label("Volgend gesprek (in een gesprek: volgend bericht)").fill("n")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#flash")).to_have_text("Uw instellingen zijn opgeslagen.")

    page.goto(live_server.url + "/queue/")
    page.keyboard.press("j")
    expect(page.locator("tr.kb-current")).to_have_count(0)
    page.keyboard.press("n")
    expect(page.locator("tr.kb-current")).to_have_count(1)

    page.goto(live_server.url + "/settings/")
    page.get_by_label("Sneltoetsen van één toets gebruiken").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    page.goto(live_server.url + "/queue/")
    page.keyboard.press("n")
    page.keyboard.press("?")
    expect(page.locator("tr.kb-current")).to_have_count(0)
    expect(page.locator("#shortcut-help")).to_have_count(0)
    expect(page.get_by_text("Sneltoetsen staan uit.")).to_be_visible()


def test_the_close_shortcut_closes(page, live_server, agent, conversation_url):
    login(page, live_server, agent.username)
    page.goto(conversation_url)
    page.keyboard.press("c")
    expect(page.get_by_test_id("assignee")).to_have_text("U werkt hieraan.")
    page.keyboard.press("x")
    expect(page.get_by_test_id("state")).to_have_text("Afgesloten")


def test_the_photo_viewer_with_the_keyboard(page, live_server, agent, conversation_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 60)).save(image, "JPEG")
    Attachment.objects.create(
        message=Message.objects.get(platform_id="w1"),
        kind="image",
        platform_url="https://pbs.twimg.com/media/w.jpg",
        alt="Omgevallen boom",
        status="stored",
        file=default_storage.save("attachments/w.jpg", ContentFile(image.getvalue())),
        thumbnail=default_storage.save("attachments/w-t.jpg", ContentFile(image.getvalue())),
        content_type="image/jpeg",
    )
    login(page, live_server, agent.username)
    page.goto(conversation_url)
    thumbnail = page.get_by_role("link", name="Omgevallen boom")
    expect(thumbnail.locator("img")).to_have_attribute("alt", "Omgevallen boom")
    thumbnail.focus()
    page.keyboard.press("Enter")

    viewer = page.locator("#media-viewer")
    expect(viewer).to_have_attribute("open", "")
    expect(viewer.get_by_role("img", name="Omgevallen boom")).to_be_visible()
    expect(viewer.locator("figcaption")).to_have_text("Omgevallen boom")
    expect(page.locator("#media-viewer-close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(viewer).not_to_have_attribute("open", "")
    expect(thumbnail).to_be_focused()
    # Nothing came from the platform: the page only loads from this server.
    assert not [url for url in page.evaluate("performance.getEntries().map(e => e.name)") if "twimg" in url]


def test_the_language_select_waits_for_its_button(page, live_server, agent):
    login(page, live_server, agent.username)
    page.get_by_label("Taal").select_option("en")
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/queue/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtrij")
    page.get_by_role("button", name="Wissel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
