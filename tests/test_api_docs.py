"""The API's docs page works offline: Swagger UI comes from the project's own static files."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_api_docs_load_swagger_from_our_static_files_not_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()

    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in scripts and "/static/ninja/swagger-ui.css" in scripts
    assert not [url for url in scripts if url.startswith(("http:", "https:", "//"))]
    for url in scripts:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url


def test_the_favicon_is_ours(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
