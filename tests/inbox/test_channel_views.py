"""The accounts page (admins) and the monitoring view (promote, dismiss)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox import poll_lock
from inbox.models import Account, Conversation, MonitoringHit, Role
from inbox.services.monitoring import monitoring_hits_record
from tests.conftest import incoming

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def x_account(teams):
    return Account.objects.create(
        platform="x",
        handle="GemeenteUtrecht",
        team=teams["kcc"],
        credentials={"bearer_token": "TOPSECRET-BEARER"},
        config={"user_id": "1500000000000000001"},
    )


@pytest.fixture
def hit(x_account):
    item = incoming(platform_id="1700000000000000001", text="Fietspad is een ijsbaan <b>#gladheid030</b>")
    monitoring_hits_record(account_id=x_account.pk, query="#gladheid030", items=[item])
    return MonitoringHit.objects.get()


def test_accounts_page_shows_each_accounts_state_to_admins(client, make_user, x_account, account):
    Account.objects.filter(pk=x_account.pk).update(
        poll_status="needs_reconnect",
        poll_error="X API 401: Unauthorized",
        poll_warning="2026-11-29 10:00: 812 mentions arrived since the previous poll; X only returns the latest 800",
        last_polled_at=timezone.now() - dt.timedelta(minutes=3),
    )
    client.force_login(make_user(Role.ADMIN))

    page = client.get(reverse("inbox:accounts")).content.decode()

    assert "Opnieuw koppelen nodig" in page
    assert "X API 401: Unauthorized" in page
    assert "X only returns the latest 800" in page
    assert "Koppel het account opnieuw met add_account." in page
    assert "GemeenteUtrecht" in page and "GemeenteTest" in page
    assert "TOPSECRET" not in page
    assert page.index("GemeenteUtrecht") < page.index("GemeenteTest")  # trouble first
    assert 'href="/channel-accounts/"' in page


def test_accounts_page_shows_a_poll_in_progress_and_a_stalled_account(client, make_user, x_account, account):
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Account.objects.filter(pk=x_account.pk).update(
        poll_status="ok", poll_interval_seconds=60, last_polled_at=long_ago, next_poll_at=long_ago
    )
    client.force_login(make_user(Role.ADMIN))
    lock = poll_lock.poll_lock_take(account_id=account.pk)
    try:
        page = client.get(reverse("inbox:accounts")).content.decode()
    finally:
        poll_lock.poll_lock_release(lock)

    stalled = page[page.index(f'data-account="{x_account.pk}"') :].split("</tr>")[0]
    assert 'class="status-stalled"' in page
    assert ">Vastgelopen</span>" in stalled and ">OK<" not in stalled
    assert "Niet opgehaald, terwijl dat elke 60 s moet" in stalled
    polling = page[page.index(f'data-account="{account.pk}"') :].split("</tr>")[0]
    assert "bezig met ophalen sinds" in polling
    assert f'datetime="{timezone.localtime(lock.started_at).isoformat()}"' in polling
    assert "Vastgelopen" not in polling
    assert page.index("GemeenteUtrecht") < page.index("GemeenteTest")  # the stalled one first
    after = client.get(reverse("inbox:accounts")).content.decode()
    assert "bezig met ophalen sinds" not in after


def test_accounts_page_is_for_admins_only(client, agent, x_account):
    client.force_login(agent)

    assert client.get(reverse("inbox:accounts")).status_code == 403
    assert 'href="/channel-accounts/"' not in client.get(reverse("inbox:queue")).content.decode()


def test_accounts_page_query_count_does_not_grow(client, make_user, teams):
    client.force_login(make_user(Role.ADMIN))
    Account.objects.create(platform="x", handle="a1", team=teams["kcc"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:accounts"))
    for n in range(5):
        Account.objects.create(platform="x", handle=f"b{n}", team=teams["oost"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("inbox:accounts"))
    assert len(many) == len(few)


def test_monitoring_lists_new_hits_escaped_and_outside_the_queue(client, agent, hit):
    client.force_login(agent)

    page = client.get(reverse("inbox:monitoring")).content.decode()

    assert "Fietspad is een ijsbaan &lt;b&gt;#gladheid030&lt;/b&gt;" in page
    assert "Naar de wachtrij" in page and "Negeren" in page
    assert "Er wordt nooit automatisch geantwoord." in page
    assert "ijsbaan" not in client.get(reverse("inbox:queue")).content.decode()


def test_promote_puts_the_hit_in_the_queue_and_opens_it(client, agent, hit):
    client.force_login(agent)

    response = client.post(reverse("inbox:monitoring_promote", args=[hit.pk]))

    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("inbox:conversation", args=[conversation.pk])
    page = client.get(response["Location"]).content.decode()
    assert "In de wachtrij gezet. Er is niets verstuurd." in page
    assert "Uit monitoring naar de wachtrij" in page
    assert "ijsbaan" in client.get(reverse("inbox:queue")).content.decode()


def test_promote_with_htmx_redirects_the_browser(client, agent, hit):
    client.force_login(agent)

    response = client.post(reverse("inbox:monitoring_promote", args=[hit.pk]), **HTMX)

    assert response["HX-Redirect"] == reverse("inbox:conversation", args=[Conversation.objects.get().pk])


def test_dismiss_with_htmx_returns_the_decided_hit(client, agent, hit):
    client.force_login(agent)

    response = client.post(reverse("inbox:monitoring_dismiss", args=[hit.pk]), **HTMX)

    assert response.status_code == 200
    assert "Genegeerd" in response.content.decode()
    hit.refresh_from_db()
    assert hit.state == "dismissed"
    assert not Conversation.objects.exists()


def test_a_manager_may_look_but_not_promote(client, make_user, hit):
    client.force_login(make_user(Role.MANAGER))

    assert client.get(reverse("inbox:monitoring")).status_code == 200
    assert client.post(reverse("inbox:monitoring_promote", args=[hit.pk])).status_code == 403
    hit.refresh_from_db()
    assert hit.state == "new"
    assert not Conversation.objects.exists()


def test_wijkbureau_staff_do_not_see_other_teams_hits(client, make_user, hit):
    client.force_login(make_user(Role.WIJKBUREAU, team="oost"))

    assert "ijsbaan" not in client.get(reverse("inbox:monitoring")).content.decode()
    assert client.post(reverse("inbox:monitoring_dismiss", args=[hit.pk])).status_code == 404
    hit.refresh_from_db()
    assert hit.state == "new"


def test_promoting_twice_shows_why_not(client, agent, other_agent, hit):
    client.force_login(agent)
    client.post(reverse("inbox:monitoring_promote", args=[hit.pk]))
    client.force_login(other_agent)

    response = client.post(reverse("inbox:monitoring_promote", args=[hit.pk]), follow=True)

    assert "Over dit bericht is al besloten (Naar de wachtrij)." in response.content.decode()
    assert Conversation.objects.count() == 1


def test_x_reply_box_carries_the_x_counting_rules(client, agent, x_account, deliver):
    deliver(incoming(platform_id="1700000000000000009"), to=x_account)
    client.force_login(agent)

    page = client.get(reverse("inbox:conversation", args=[Conversation.objects.get().pk])).content.decode()

    assert 'data-max-length="280"' in page
    assert "data-count-rules=" in page and "&quot;url&quot;: 23" in page
