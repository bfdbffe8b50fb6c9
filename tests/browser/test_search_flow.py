"""Searching from the top bar, on a laptop and on a phone: the hits marked, hostile text shown as
text, "Meer resultaten" adding the next page in place, and nothing scrolling sideways."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLL = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def lamps(deliver):
    now = timezone.now()
    deliver(
        incoming(
            platform_id="evil",
            author_id="c-evil",
            author_name="<img src=x onerror=alert(1)>Gemeentelijkebelastingenbezwaarschriftafhandelaar",
            author_handle="h" * 40,
            text="<b>Let op</b> de lantaarnpaal bij de Adelaarstraat 23 is kapot " + "en het is donker " * 20,
            created_at=now,
        ),
        *[
            incoming(
                platform_id=f"lamp-{n}",
                author_id=f"c-{n}",
                author_name=f"Burger {n}",
                text=f"Lantaarnpaal nummer {n} in de Biltstraat brandt niet.",
                created_at=now - dt.timedelta(minutes=n + 1),
            )
            for n in range(24)
        ],
    )


@pytest.mark.parametrize("width", [1440, 390])
def test_search_from_the_top_bar_marks_the_hits(page, live_server, agent, lamps, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, agent.username)
    if width < 600:  # on a phone the top bar folds away behind "Menu"
        page.get_by_role("button", name="Menu").click()
    box = page.get_by_role("searchbox", name="Gesprekken en zaken zoeken")
    box.fill("lantaarnpaal")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=lantaarnpaal$"))

    hits = page.get_by_test_id("search-hits").locator("li.search-hit")
    expect(hits).to_have_count(20)
    first = hits.first
    expect(first.locator("mark").first).to_have_text(re.compile("lantaarnpaal", re.IGNORECASE))
    # The citizen's markup is text: no image, no bold, and the alert never ran.
    expect(first).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator("main img")).to_have_count(0)
    expect(first.locator("b")).to_have_count(0)
    assert page.evaluate(SCROLL) <= 0
    page.screenshot(path=str(ARTIFACTS / f"search-{width}.png"), full_page=True)

    page.get_by_role("link", name="Meer resultaten").click()
    expect(hits).to_have_count(25)
    # Focus goes to the first hit that came in, so a keyboard user reads on from there.
    expect(hits.nth(20).get_by_role("link")).to_be_focused()
    expect(page.get_by_role("link", name="Meer resultaten")).to_have_count(0)
    assert page.evaluate(SCROLL) <= 0

    first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/conversations/\d+/$"))
