"""The API's docs page draws in a browser without the internet: Swagger UI from our static files,
under the app's own Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_draws_offline(page, live_server):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)

    page.goto(live_server.url + "/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Webcare inbox API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert [url for url in outside if not url.startswith("data:")] == []
