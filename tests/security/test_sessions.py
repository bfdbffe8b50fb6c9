"""Sessions end after WEBCARE_SESSION_IDLE_MINUTES without activity, and after a working day at
most; the page's own polls and live refreshes are not activity. Time moves with time-machine."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from audit.models import AuditEntry
from inbox.models import Role

from .conftest import password_step

HTMX = {"HTTP_HX_REQUEST": "true"}
START = dt.datetime(2026, 12, 2, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def logged_in(client, make_user):
    make_user(Role.AGENT, username="anouk")
    with time_machine.travel(START, tick=False) as traveller:
        assert password_step(client, "anouk").status_code == 302
        yield client, traveller


def test_settings_are_a_working_day_at_most_and_thirty_idle_minutes():
    assert django_settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert django_settings.WEBCARE_SESSION_IDLE_MINUTES == 30
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_thirty_one_idle_minutes_end_the_session(logged_in, conversation):
    client, traveller = logged_in
    assert client.get("/queue/").status_code == 200

    traveller.shift(dt.timedelta(minutes=31))
    response = client.get("/queue/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/queue/")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="logout", actor="anouk", detail={"reason": "idle"}).count() == 1


def test_the_live_refresh_and_polls_do_not_keep_a_session_alive(logged_in, conversation):
    client, traveller = logged_in
    page = client.get("/queue/")
    assert page.status_code == 200
    for _ in range(5):  # 25 minutes of a page left open, refreshing itself
        traveller.shift(dt.timedelta(minutes=5))
        assert client.get("/queue/", {"v": "stale"}, **HTMX).status_code == 200
        assert (
            client.get(reverse("teamwork:topbar"), HTTP_X_WEBCARE_BACKGROUND="1", **HTMX).status_code == 200
        )

    traveller.shift(dt.timedelta(minutes=6))
    refresh = client.get("/queue/", {"v": "stale"}, **HTMX)

    # htmx moves the whole window to the login page instead of swapping it into the fragment.
    assert (refresh.status_code, refresh["HX-Redirect"]) == (204, "/accounts/login/?next=/")
    assert "_auth_user_id" not in client.session


def test_clicking_around_keeps_it_alive(logged_in, conversation):
    client, traveller = logged_in
    for _ in range(4):  # 100 minutes with a click every 25
        traveller.shift(dt.timedelta(minutes=25))
        assert client.get("/queue/").status_code == 200
        assert client.get("/queue/", HTTP_HX_REQUEST="true").status_code == 200  # a click htmx made


def test_a_session_ends_after_a_working_day_however_active(logged_in, conversation, settings):
    client, traveller = logged_in
    for _ in range(int(settings.SESSION_COOKIE_AGE / 1200)):
        traveller.shift(dt.timedelta(minutes=20))
        assert client.get("/queue/").status_code == 200

    traveller.shift(dt.timedelta(minutes=20))
    response = client.get("/queue/")

    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="logout", detail={"reason": "max_age"}).count() == 1


def test_an_api_call_on_an_idle_session_is_a_401(logged_in):
    client, traveller = logged_in
    traveller.shift(dt.timedelta(minutes=31))

    response = client.get("/api/v1/conversations")

    assert response.status_code == 401
