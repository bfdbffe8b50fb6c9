"""The queue page at scale: 50 rows and "load more" (the rows after a cursor, with htmx just those
rows), counts that stop at 50, and a live refresh that keeps the rows loaded so far."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import QUEUE_ORDER, Conversation
from tests.conftest import incoming

HTMX = {"HTTP_HX_REQUEST": "true"}
ROW = re.compile(r'data-conversation="(\d+)"')


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def queue_of_70(deliver):
    start = timezone.now() - dt.timedelta(hours=2)
    deliver(
        *[
            incoming(platform_id=f"r{n}", author_id=f"p{n}", created_at=start + dt.timedelta(seconds=n))
            for n in range(70)
        ]
    )
    return list(Conversation.objects.order_by(*QUEUE_ORDER).values_list("pk", flat=True))


def rows(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


def test_the_page_shows_50_rows_and_loads_the_rest_after_them(agent_client, queue_of_70):
    page = agent_client.get(reverse("inbox:queue"))
    body = page.content.decode()
    assert rows(page) == queue_of_70[:50]
    assert "Meer laden" in body
    assert "Meer dan 50 gesprekken te doen" in body
    more_url = re.search(r'hx-get="([^"]*after=[^"]+)"', body).group(1).replace("&amp;", "&")

    more = agent_client.get(more_url, **HTMX)

    assert more.status_code == 200
    assert rows(more) == queue_of_70[50:]
    assert "<html" not in more.content.decode() and 'id="queue-live"' not in more.content.decode()
    assert "Meer laden" not in more.content.decode()  # nothing after these


def test_without_javascript_after_is_the_next_page(agent_client, queue_of_70):
    first = agent_client.get(reverse("inbox:queue")).content.decode()
    href = re.search(r'<a class="button" href="([^"]+)"', first).group(1).replace("&amp;", "&")

    second = agent_client.get(reverse("inbox:queue") + href)

    assert rows(second) == queue_of_70[50:]
    assert "Terug naar het begin van de wachtrij" in second.content.decode()


def test_a_live_refresh_keeps_as_many_rows_as_are_shown(agent_client, queue_of_70, deliver):
    deliver(incoming(platform_id="late", author_id="late"))

    refreshed = agent_client.get(reverse("inbox:queue"), {"v": "old", "shown": 65}, **HTMX)

    assert refreshed.content.decode().lstrip().startswith('<div id="queue-live"')
    assert len(rows(refreshed)) == 65


def test_counts_are_exact_up_to_50(agent_client, deliver):
    deliver(*[incoming(platform_id=f"s{n}", author_id=f"s{n}") for n in range(3)])

    body = agent_client.get(reverse("inbox:queue")).content.decode()

    assert "3 gesprekken te doen" in body and "Meer dan" not in body and "Meer laden" not in body


def test_a_cursor_the_queue_did_not_hand_out_is_a_400(agent_client, queue_of_70):
    assert agent_client.get(reverse("inbox:queue"), {"after": "bogus"}).status_code == 400
    assert agent_client.get(reverse("inbox:queue"), {"after": "bogus"}, **HTMX).status_code == 400
