"""The queue's views beyond what is to do: answered (waiting for the citizen) and closed today, with
counts that follow the view, and the views a person saves under a name of their own."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import Conversation, Role, SavedQueueView
from inbox.services.claims import conversation_claim
from inbox.services.lifecycle import conversation_close
from tests.conftest import incoming

ROW = re.compile(r'data-conversation="(\d+)"')
HTMX = {"HTTP_HX_REQUEST": "true"}


def rows(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def mixed(deliver, agent):
    """Three to do (one claimed by the agent), one answered outside the inbox, one closed today and
    one closed yesterday."""
    deliver(*[incoming(platform_id=f"todo{n}", author_id=f"p{n}") for n in range(3)])
    deliver(incoming(platform_id="asked", author_id="q1"))
    deliver(incoming(platform_id="our-answer", thread_key="asked", in_reply_to="asked", outbound=True))
    deliver(
        incoming(platform_id="done-today", author_id="q2"),
        incoming(platform_id="done-before", author_id="q3"),
    )
    by_key = {c.thread_key: c for c in Conversation.objects.all()}
    conversation_claim(conversation_id=by_key["todo0"].pk, user=agent)
    for key in ("done-today", "done-before"):
        conversation_claim(conversation_id=by_key[key].pk, user=agent)
        conversation_close(conversation_id=by_key[key].pk, user=agent)
    Conversation.objects.filter(pk=by_key["done-before"].pk).update(
        closed_at=timezone.now() - dt.timedelta(days=1)
    )
    return by_key


def test_answered_shows_what_waits_for_the_citizen_and_nothing_to_do(agent_client, mixed):
    page = agent_client.get(reverse("inbox:queue"), {"filter": "answered"})

    assert rows(page) == [mixed["asked"].pk]
    body = page.content.decode()
    assert "1 beantwoord, wacht op de burger" in body
    assert "Laatste wijziging" in body


def test_closed_today_leaves_out_what_was_closed_before_today(agent_client, mixed):
    page = agent_client.get(reverse("inbox:queue"), {"filter": "closed_today"})

    assert rows(page) == [mixed["done-today"].pk]
    assert "1 vandaag afgesloten" in page.content.decode()


def test_the_to_do_views_hold_neither_answered_nor_closed(agent_client, mixed):
    every = rows(agent_client.get(reverse("inbox:queue"), {"filter": "all"}))

    assert sorted(every) == sorted(mixed[f"todo{n}"].pk for n in range(3))


def test_counts_follow_the_view(agent_client, mixed):
    mine = agent_client.get(reverse("inbox:queue"), {"filter": "mine"}).content.decode()
    unassigned = agent_client.get(reverse("inbox:queue"), {"filter": "unassigned"}).content.decode()

    assert "1 gesprek te doen" in mine
    assert "2 gesprekken te doen" in unassigned


def test_a_done_view_pages_newest_first_by_its_own_cursor(agent_client, deliver, agent):
    deliver(*[incoming(platform_id=f"c{n}", author_id=f"p{n}") for n in range(55)])
    for conversation in Conversation.objects.order_by("pk"):
        conversation_claim(conversation_id=conversation.pk, user=agent)
        conversation_close(conversation_id=conversation.pk, user=agent)
    expected = list(Conversation.objects.order_by("-closed_at", "-pk").values_list("pk", flat=True))

    first = agent_client.get(reverse("inbox:queue"), {"filter": "closed_today"})
    assert rows(first) == expected[:50]
    assert "Meer dan 50 vandaag afgesloten" in first.content.decode()
    more_url = (
        re.search(r'hx-get="([^"]*after=[^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    )
    assert rows(agent_client.get(more_url, **HTMX)) == expected[50:]


def test_a_to_do_cursor_in_a_done_view_is_refused_clearly(agent_client, mixed):
    response = agent_client.get(reverse("inbox:queue"), {"filter": "answered", "after": "bm90LWEtY3Vyc29y"})

    assert response.status_code == 400


def test_a_wijkbureau_user_sees_only_their_teams_answered(client, make_user, deliver, teams):
    west = make_user(Role.WIJKBUREAU, team="west")
    deliver(incoming(platform_id="kcc-q", author_id="k1"))
    deliver(incoming(platform_id="kcc-a", thread_key="kcc-q", in_reply_to="kcc-q", outbound=True))
    client.force_login(west)

    assert rows(client.get(reverse("inbox:queue"), {"filter": "answered"})) == []


def test_the_api_lists_the_new_views_too(agent_client, mixed):
    items = agent_client.get("/api/v1/conversations", {"filter": "closed_today"}).json()["items"]

    assert [item["id"] for item in items] == [mixed["done-today"].pk]


# --- Saved views --------------------------------------------------------------------------------


def test_an_agent_saves_a_team_view_and_finds_it_in_the_bar(agent_client, agent, teams):
    response = agent_client.post(
        reverse("inbox:saved_view_add"), {"name": "  Oost  ", "filter": "team", "team": "wijkbureau-oost"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/queue/?filter=team&team=wijkbureau-oost"
    saved = SavedQueueView.objects.get(user=agent)
    assert (saved.name, saved.filter_name, saved.team_slug) == ("Oost", "team", "wijkbureau-oost")
    page = agent_client.get(response["Location"]).content.decode()
    assert re.search(r'class="saved-view"\s+aria-current="true">Oost</a>', page)


def test_a_name_used_twice_is_refused_and_nothing_changes(agent_client, agent):
    agent_client.post(reverse("inbox:saved_view_add"), {"name": "Van mij", "filter": "mine"})
    again = agent_client.post(
        reverse("inbox:saved_view_add"), {"name": "Van mij", "filter": "all"}, follow=True
    )

    assert "U hebt al een weergave met de naam Van mij." in again.content.decode()
    assert list(SavedQueueView.objects.values_list("filter_name", flat=True)) == ["mine"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "nul\x00byte"])
def test_a_bad_name_gets_a_clear_message_not_an_error(agent_client, name):
    response = agent_client.post(
        reverse("inbox:saved_view_add"), {"name": name, "filter": "all"}, follow=True
    )

    assert response.status_code == 200
    assert "Geef de weergave een naam" in response.content.decode()
    assert not SavedQueueView.objects.exists()


def test_an_unknown_view_is_not_saved_and_says_why(agent_client, agent):
    page = agent_client.post(
        reverse("inbox:saved_view_add"), {"name": "Raar", "filter": "<script>"}, follow=True
    )

    assert not SavedQueueView.objects.exists()  # the form refuses an unknown filter
    assert "Deze weergave kan niet bewaard worden" in page.content.decode()


def test_someone_elses_saved_view_is_not_removed_and_not_shown(client, agent, other_agent):
    theirs = SavedQueueView.objects.create(user=other_agent, name="Van hen", filter_name="mine")
    client.force_login(agent)

    assert "Van hen" not in client.get(reverse("inbox:queue")).content.decode()
    client.post(reverse("inbox:saved_view_remove", args=[theirs.pk]))
    assert SavedQueueView.objects.filter(pk=theirs.pk).exists()


def test_one_removes_their_own_view(agent_client, agent):
    mine = SavedQueueView.objects.create(user=agent, name="Weg", filter_name="answered")

    agent_client.post(reverse("inbox:saved_view_remove", args=[mine.pk]))

    assert not SavedQueueView.objects.exists()


def test_at_most_ten_views(agent_client, agent):
    for n in range(10):
        SavedQueueView.objects.create(user=agent, name=f"v{n}", filter_name="all")

    page = agent_client.post(reverse("inbox:saved_view_add"), {"name": "elf", "filter": "all"}, follow=True)

    assert "U hebt 10 weergaven bewaard; verwijder er eerst een." in page.content.decode()
    assert SavedQueueView.objects.count() == 10
