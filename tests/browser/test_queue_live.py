"""The queue's live refresh in a real browser: rows update in place (focus and scroll stay), new rows
are marked and announced, the tab title counts what is to do, and the views and saved views work."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Conversation
from tests.browser.conftest import ARTIFACTS, login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_TIMEOUT = 15_000  # ms: a few rounds of the queue's 4-second refresh


def test_a_refresh_keeps_focus_and_scroll_marks_and_announces_new_rows(page, live_server, agent, deliver):
    start = timezone.now() - dt.timedelta(minutes=30)
    deliver(
        *[
            incoming(
                platform_id=f"r{n}",
                author_id=f"p{n}",
                text=f"Vraag {n} over de afvalinzameling",
                created_at=start + dt.timedelta(seconds=n),
            )
            for n in range(30)
        ]
    )
    page.set_viewport_size({"width": 1280, "height": 700})
    login(page, live_server, agent.username)
    rows = page.locator("#queue-live tr[data-conversation]")
    expect(rows).to_have_count(30)
    assert page.title().startswith("(30) ")

    # The agent has scrolled down and has the 20th row's link in focus.
    target = rows.nth(19).get_by_role("link")
    target.focus()
    page.evaluate("window.scrollTo(0, 600)")
    page.evaluate("window.__marker = 1")
    before = page.evaluate("window.scrollY")

    deliver(incoming(platform_id="late", author_id="px", text="Nieuw: de container op de Biltstraat is vol"))
    new = Conversation.objects.get(thread_key="late")
    new_row = page.locator(f'#queue-live tr[data-conversation="{new.pk}"]')
    expect(new_row).to_have_class("is-new", timeout=LIVE_TIMEOUT)
    expect(page.locator("#queue-announce")).to_have_text("1 nieuw gesprek")
    expect(rows).to_have_count(31)
    expect(page.locator("#queue-live .counts")).to_contain_text("31 gesprekken te doen")
    assert page.title().startswith("(31) ")

    assert page.evaluate("window.__marker") == 1, "the page was loaded again"
    expect(target).to_be_focused()
    assert page.evaluate("window.scrollY") == before
    page.screenshot(path=str(ARTIFACTS / "queue-live-new-row-1280.png"))


def test_views_answered_closed_today_and_a_saved_view(page, live_server, agent, deliver):
    deliver(incoming(platform_id="vraag", author_id="q1", text="Wanneer wordt het oud papier opgehaald?"))
    deliver(incoming(platform_id="antwoord", thread_key="vraag", in_reply_to="vraag", outbound=True))
    deliver(
        incoming(platform_id="todo", author_id="q2", text="Lantaarnpaal kapot op de Amsterdamsestraatweg")
    )
    login(page, live_server, agent.username)

    page.get_by_role("link", name="Beantwoord (wacht op burger)").click()
    rows = page.locator("#queue-live tr[data-conversation]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("oud papier")
    expect(page.locator("#queue-live .counts")).to_have_text("1 beantwoord, wacht op de burger")

    page.get_by_text("Mijn weergaven").click()
    page.get_by_label("Deze weergave bewaren als").fill("Wacht op burger")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Weergave Wacht op burger bewaard.")).to_be_visible()

    page.get_by_role("link", name="Alles", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lantaarnpaal")
    page.get_by_role("link", name="Wacht op burger", exact=True).click()
    expect(rows.first).to_contain_text("oud papier")
    expect(page.get_by_role("link", name="Wacht op burger", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    for width in (390, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        page.screenshot(path=str(ARTIFACTS / f"queue-views-{width}.png"), full_page=True)
