import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.models import Conversation, Message, Role
from inbox.services.claims import conversation_claim
from tests.conftest import PASSWORD, incoming

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("inbox:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_root_leads_to_the_queue(client, db):
    assert client.get("/")["Location"] == reverse("inbox:queue")


def test_a_login_lands_agents_on_the_queue_and_managers_on_the_dashboard(client, agent, make_user):
    make_user(Role.MANAGER, username="manager")
    make_user(Role.MANAGER, username="working-manager").groups.add(Group.objects.get(name=Role.AGENT))
    landed = {}
    for username in ("agent", "manager", "working-manager"):
        client.logout()
        response = client.post(
            "/accounts/login/",
            {"login_view-current_step": "auth", "auth-username": username, "auth-password": PASSWORD},
            follow=True,
        )
        landed[username] = response.request["PATH_INFO"]

    assert landed == {"agent": "/queue/", "manager": "/dashboard/", "working-manager": "/queue/"}


def test_login_page_is_dutch_and_logs_in(client, agent):
    page = client.get("/accounts/login/")
    assert "Inloggen" in page.content.decode()

    # The two-step login (django-two-factor-auth): a user without a second factor is in after step one.
    response = client.post(
        "/accounts/login/",
        {"login_view-current_step": "auth", "auth-username": "agent", "auth-password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"  # where a login lands, by role
    assert client.get("/")["Location"] == reverse("inbox:queue")


def test_queue_shows_open_conversations_in_dutch(agent_client, conversation):
    response = agent_client.get(reverse("inbox:queue"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Wachtrij" in body
    assert "omgevallen boom" in body
    assert reverse("inbox:conversation", args=[conversation.pk]) in body


def test_unchanged_queue_refresh_is_an_empty_204(agent_client, conversation):
    page = agent_client.get(reverse("inbox:queue"))
    version = re.search(r'data-version="([^"]+)"', page.content.decode()).group(1)

    with CaptureQueriesContext(connection) as queries:
        response = agent_client.get(reverse("inbox:queue"), {"v": version}, **HTMX)

    assert response.status_code == 204
    assert response.content == b""
    assert len(queries) <= 6  # session, user, groups, version: no rendering


def test_changed_queue_refresh_renders_only_the_live_part(agent_client, conversation, deliver):
    page = agent_client.get(reverse("inbox:queue"))
    version = re.search(r'data-version="([^"]+)"', page.content.decode()).group(1)
    deliver(incoming(platform_id="new-one", text="Lantaarnpaal kapot"))

    response = agent_client.get(reverse("inbox:queue"), {"v": version}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="queue-live"')
    assert "Lantaarnpaal kapot" in body
    assert "<html" not in body


def test_a_wijkbureau_refresh_changes_with_its_own_teams_conversations_only(
    client, make_user, deliver, teams
):
    deliver(
        incoming(platform_id="oost-1", thread_key="oost"), incoming(platform_id="kcc-1", thread_key="kcc")
    )
    Conversation.objects.filter(thread_key="oost").update(team=teams["oost"])
    client.force_login(make_user(Role.WIJKBUREAU, team="oost", username="wijk"))

    def refresh(version: str) -> int:
        return client.get(reverse("inbox:queue"), {"v": version}, **HTMX).status_code

    with time_machine.travel(timezone.now().replace(second=1), tick=True):  # within one minute
        page = client.get(reverse("inbox:queue")).content.decode()
        version = re.search(r'data-version="([^"]+)"', page).group(1)
        deliver(incoming(platform_id="kcc-2", thread_key="kcc", text="Nog iets"))
        elsewhere = refresh(version)
        deliver(incoming(platform_id="oost-2", thread_key="oost", text="En hier"))
        here = refresh(version)

    assert (elsewhere, here) == (204, 200)


def test_a_wijkbureau_member_of_no_team_has_an_empty_queue_that_refreshes(client, make_user, conversation):
    person = make_user(Role.WIJKBUREAU, team="oost", username="nieuw")
    person.teams.clear()
    client.force_login(person)

    page = client.get(reverse("inbox:queue")).content.decode()
    version = re.search(r'data-version="([^"]+)"', page).group(1)

    assert "data-conversation=" not in page
    assert client.get(reverse("inbox:queue"), {"v": version}, **HTMX).status_code == 204


def test_queue_query_count_does_not_grow_with_rows(agent_client, deliver):
    deliver(*[incoming(platform_id=f"a{i}", author_id=f"p{i}") for i in range(3)])
    with CaptureQueriesContext(connection) as few:
        agent_client.get(reverse("inbox:queue"))
    deliver(*[incoming(platform_id=f"b{i}", author_id=f"q{i}") for i in range(30)])
    with CaptureQueriesContext(connection) as many:
        response = agent_client.get(reverse("inbox:queue"))

    assert response.content.decode().count("data-conversation=") == 33
    assert len(many) == len(few)


def test_queue_filters(client, make_user, deliver, agent):
    deliver(incoming(platform_id="mine"), incoming(platform_id="free"))
    conversation_claim(conversation_id=Conversation.objects.get(thread_key="mine").pk, user=agent)
    client.force_login(agent)

    mine = client.get(reverse("inbox:queue"), {"filter": "mine"}).content.decode()
    free = client.get(reverse("inbox:queue"), {"filter": "unassigned"}).content.decode()

    assert mine.count("data-conversation=") == 1 and "met Agent" in mine
    assert free.count("data-conversation=") == 1 and "met Agent" not in free


def test_wijkbureau_sees_only_its_team(client, make_user, teams, deliver):
    deliver(incoming(platform_id="kcc-item", text="Voor de KCC"))
    deliver(incoming(platform_id="oost-item", text="Voor Oost"))
    oost = Conversation.objects.get(thread_key="oost-item")
    Conversation.objects.filter(pk=oost.pk).update(team=teams["oost"])
    kcc_item = Conversation.objects.get(thread_key="kcc-item")
    client.force_login(make_user(Role.WIJKBUREAU, team="oost"))

    body = client.get(reverse("inbox:queue")).content.decode()

    assert "Voor Oost" in body and "Voor de KCC" not in body
    assert client.get(reverse("inbox:conversation", args=[kcc_item.pk])).status_code == 404
    assert client.post(reverse("inbox:claim", args=[kcc_item.pk])).status_code == 404


def test_manager_reads_but_cannot_work(client, make_user, conversation):
    client.force_login(make_user(Role.MANAGER))

    page = client.get(reverse("inbox:conversation", args=[conversation.pk]))
    assert page.status_code == 200
    assert 'id="reply-form"' not in page.content.decode()
    assert client.post(reverse("inbox:claim", args=[conversation.pk])).status_code == 403
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_user_without_role_is_refused(client, db, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    assert client.get(reverse("inbox:queue")).status_code == 403


def test_claim_with_htmx_returns_the_updated_live_part(agent_client, conversation):
    response = agent_client.post(reverse("inbox:claim", args=[conversation.pk]), **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="conv-live"' in body
    assert "U werkt hieraan." in body
    assert 'hx-swap-oob="true"' in body  # the timeline beside it is refreshed too


def test_claim_taken_by_another_shows_who_in_the_flash_area(client, other_agent, agent, conversation):
    conversation_claim(conversation_id=conversation.pk, user=other_agent)
    client.force_login(agent)

    response = client.post(reverse("inbox:claim", args=[conversation.pk]), **HTMX)

    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#flash", "innerHTML")
    assert "Collega" in response.content.decode()


def test_reply_without_js_redirects_and_shows_queued(agent_client, conversation, monkeypatch):
    response = agent_client.post(
        reverse("inbox:reply", args=[conversation.pk]), {"text": "Wij gaan ernaar kijken."}
    )

    assert response.status_code == 302
    page = agent_client.get(response["Location"]).content.decode()
    assert "Wij gaan ernaar kijken." in page
    assert "In de wachtrij" in page


def test_invalid_reply_keeps_the_text_and_says_why(agent_client, conversation):
    too_long = "x" * 1001
    response = agent_client.post(reverse("inbox:reply", args=[conversation.pk]), {"text": too_long})

    assert response.status_code == 422
    assert too_long in response.content.decode()
    assert "1001" in response.content.decode()
    assert Message.objects.filter(direction="out").count() == 0


def test_unchanged_conversation_refresh_is_204(agent_client, conversation):
    conversation.refresh_from_db()
    version = f"{conversation.updated_at.timestamp():.6f}"

    response = agent_client.get(reverse("inbox:conversation", args=[conversation.pk]), {"v": version}, **HTMX)

    assert response.status_code == 204


HOSTILE_NAME = "<b>Mark</b><script>alert('naam')</script>"
HOSTILE_TEXT = "<img src=x onerror=alert(1)> \x00 مرحبا 🌷 " + "lang " * 20_000


def test_hostile_names_and_texts_are_shown_escaped(agent_client, deliver):
    deliver(
        incoming(platform_id="evil", author_name=HOSTILE_NAME, author_handle="<i>h</i>", text=HOSTILE_TEXT)
    )
    conversation = Conversation.objects.get(thread_key="evil")

    for url in (reverse("inbox:queue"), reverse("inbox:conversation", args=[conversation.pk])):
        body = agent_client.get(url).content.decode()
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;alert" in body or "&lt;b&gt;Mark" in body
        assert "\x00" not in body
    page = agent_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert "Toon alles" in page  # 100 kB is folded, not dumped
