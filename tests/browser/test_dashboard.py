import re

import pytest
from playwright.sync_api import expect

from inbox.models import Role
from tests.browser.conftest import ARTIFACTS, login
from tests.conftest import incoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_the_dashboard_with_charts_agent_is_refused(new_page, live_server, make_user, deliver):
    make_user(Role.MANAGER, username="ellen")
    make_user(Role.AGENT, username="anouk")
    deliver(*[incoming(platform_id=f"m{n}", text=f"Melding {n}") for n in range(5)])

    manager_page = new_page()
    login(manager_page, live_server, "ellen")
    expect(manager_page).to_have_url(re.compile(r"/dashboard/$"))  # a manager lands on it
    expect(manager_page.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(manager_page.get_by_role("heading", level=1)).to_contain_text("Dagelijkse werkvoorraad")
    expect(manager_page.get_by_test_id("intake")).to_have_text("5")
    expect(manager_page.locator("svg.chart")).to_have_count(4)
    expect(manager_page.locator("svg.chart rect.bar").first).to_be_attached()
    ARTIFACTS.mkdir(exist_ok=True)
    manager_page.screenshot(path=str(ARTIFACTS / "dashboard-manager.png"), full_page=True)

    agent_page = new_page()
    login(agent_page, live_server, "anouk")
    expect(agent_page.get_by_role("link", name="Dashboard")).to_have_count(0)
    response = agent_page.goto(live_server.url + "/dashboard/")
    assert response.status == 403
