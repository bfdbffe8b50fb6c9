"""Dutch 403, 404 and 500 pages in the app's layout; the CSRF failure page too."""

from django.test import RequestFactory
from django.views.defaults import server_error

from inbox.models import Role


def test_404_is_dutch_in_the_layout(client, make_user):
    client.force_login(make_user(Role.AGENT))

    response = client.get("/nergens/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "Niet gevonden" in body and 'class="topbar"' in body and 'data-testid="error-404"' in body


def test_403_is_dutch_in_the_layout(client, make_user):
    client.force_login(make_user(Role.AGENT))

    response = client.get("/dashboard/")

    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_500_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    body = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in body and 'class="topbar"' in body


def test_a_csrf_failure_is_dutch(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"auth-username": "x"})

    assert response.status_code == 403
    assert "Formulier verlopen" in response.content.decode()
