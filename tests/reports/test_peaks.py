"""The peak alert only with a baseline, and its banner dismissed per person."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from inbox.deadlines import AMSTERDAM
from inbox.models import Role
from reports.models import PeakAlert, PeakDismissal
from reports.services import peak_alert_check
from tests.conftest import PASSWORD, incoming

NOW = dt.datetime(2026, 12, 7, 10, 30, tzinfo=AMSTERDAM)  # a Monday


@pytest.fixture
def manager(make_user):
    user = make_user(Role.MANAGER, username="manager")
    user.email = "manager@example.org"
    user.save()
    return user


def burst(deliver, *, until=NOW, n=27, prefix="peak"):
    """`n` messages from different citizens in the ten minutes up to `until`."""
    deliver(
        *(
            incoming(
                platform_id=f"{prefix}-{k}",
                author_id=f"{prefix}{k}",
                created_at=until - dt.timedelta(minutes=k % 10),
            )
            for k in range(n)
        )
    )


def history(deliver, weeks: int):
    """Two messages in this hour on each of the previous `weeks` Mondays, and our first message an
    hour before the oldest of those windows: exactly `weeks` weeks to compare with."""
    oldest = NOW - dt.timedelta(weeks=weeks)
    deliver(incoming(platform_id="first", author_id="first", created_at=oldest - dt.timedelta(hours=2)))
    deliver(
        *(
            incoming(
                platform_id=f"w{week}-{n}",
                author_id=f"w{week}",
                created_at=NOW - dt.timedelta(weeks=week, minutes=10),
            )
            for week in range(1, weeks + 1)
            for n in range(2)
        )
    )


def client_for(user):
    """Another browser or device: its own session, logged in with the password."""
    other = Client()
    assert other.login(username=user.username, password=PASSWORD)
    return other


def test_a_fresh_install_with_a_burst_raises_nothing_and_says_there_is_no_comparison(
    client, deliver, manager, agent
):
    with time_machine.travel(NOW, tick=False):
        burst(deliver)
        assert peak_alert_check() is None
        client.force_login(manager)
        dashboard = client.get(reverse("reports:dashboard")).content.decode()
        client.force_login(agent)
        queue = client.get(reverse("inbox:queue")).content.decode()

    assert PeakAlert.objects.count() == 0
    assert mail.outbox == []
    assert "nog geen vergelijking: minder dan vier eerdere weken van deze weekdag" in dashboard
    # The peak watch counts the hour and compares with nothing (the chart's caption said why).
    assert "Afgelopen uur: 27 berichten (alle kanalen)</small>" in dashboard
    assert 'data-testid="peak-banner"' not in dashboard
    assert 'data-testid="peak-banner"' not in queue


@pytest.mark.parametrize("weeks,raised", [(3, False), (4, True)])
def test_four_earlier_weeks_are_needed(deliver, manager, weeks, raised):
    history(deliver, weeks)
    burst(deliver)
    with time_machine.travel(NOW, tick=False):
        alert = peak_alert_check()
    assert (alert is not None) == raised
    assert len(mail.outbox) == int(raised)


def test_eight_weeks_of_history_and_a_burst_raise_one_banner_and_one_mail(client, deliver, manager, agent):
    history(deliver, 8)
    burst(deliver)
    with time_machine.travel(NOW, tick=False):
        alert = peak_alert_check()
        client.force_login(manager)
        dashboard = client.get(reverse("reports:dashboard")).content.decode()
        client.force_login(agent)
        queue = client.get(reverse("inbox:queue")).content.decode()

    assert (alert.intake, alert.baseline) == (27, 2.0)
    assert alert.began_at == NOW - dt.timedelta(minutes=9)  # the burst's first message, 10:21
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    assert "sinds 10:21" in mail.outbox[0].body
    banner = "Piek sinds 10:21: 27 berichten in het uur tot 10:30, normaal ongeveer 2."
    assert banner in queue
    assert banner in dashboard
    assert "Afgelopen uur: 27 berichten (alle kanalen) · normaal ongeveer 2</small>" in dashboard
    assert "nog geen vergelijking" not in dashboard

    # The peak goes on into the next hour: that hour's alert keeps its start and mails nobody again.
    later = NOW + dt.timedelta(minutes=35)
    burst(deliver, until=later, n=25, prefix="more")
    with time_machine.travel(later, tick=False):
        again = peak_alert_check()
        queue = client.get(reverse("inbox:queue")).content.decode()
    assert (again.hour_start, again.began_at, again.intake) == (
        dt.datetime(2026, 12, 7, 11, 0, tzinfo=AMSTERDAM),
        alert.began_at,
        52,
    )
    assert again.notified == ["manager"]
    assert len(mail.outbox) == 1
    assert "Piek sinds 10:21: 52 berichten in het uur tot 11:05" in queue


def test_a_dismissed_banner_is_gone_for_that_person_only_on_every_device(client, make_user, agent, db):
    colleague = make_user(Role.AGENT, username="collega")
    with time_machine.travel(NOW, tick=False):
        alert = PeakAlert.objects.create(
            hour_start=NOW.replace(minute=0), began_at=NOW - dt.timedelta(minutes=9), intake=27, baseline=2
        )
        client.force_login(agent)
        response = client.post(reverse("reports:peak_dismiss", args=[alert.pk]), {"next": "/queue/"})
        assert (response.status_code, response["Location"]) == (302, "/queue/")
        mine = client.get(reverse("inbox:queue")).content.decode()
        phone = client_for(agent)
        on_my_phone = phone.get(reverse("inbox:queue")).content.decode()
        theirs = client_for(colleague).get(reverse("inbox:queue")).content.decode()
        # Twice (a second tab): still one dismissal; by htmx: the banner is swapped out.
        htmx = client.post(reverse("reports:peak_dismiss", args=[alert.pk]), HTTP_HX_REQUEST="true")
    assert 'data-testid="peak-banner"' not in mine
    assert 'data-testid="peak-banner"' not in on_my_phone
    assert 'data-testid="peak-banner"' in theirs
    assert (htmx.status_code, htmx.content) == (200, b"")
    assert list(PeakDismissal.objects.values_list("user__username", "began_at")) == [
        ("agent", alert.began_at)
    ]

    # The same peak's next hour stays dismissed for them.
    later = NOW + dt.timedelta(minutes=35)
    with time_machine.travel(later, tick=False):
        PeakAlert.objects.create(
            hour_start=later.replace(minute=0), began_at=alert.began_at, intake=52, baseline=2
        )
        assert 'data-testid="peak-banner"' not in client.get(reverse("inbox:queue")).content.decode()


def test_dismissing_an_unknown_peak_is_a_404_and_changes_nothing(client, agent):
    client.force_login(agent)
    response = client.post(reverse("reports:peak_dismiss", args=[999]), {"next": "/queue/"})
    assert response.status_code == 404
    assert PeakDismissal.objects.count() == 0


def test_dismiss_never_redirects_off_site(client, agent, db):
    alert = PeakAlert.objects.create(hour_start=NOW, began_at=NOW, intake=27, baseline=2)
    client.force_login(agent)
    response = client.post(
        reverse("reports:peak_dismiss", args=[alert.pk]), {"next": "https://evil.example/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
