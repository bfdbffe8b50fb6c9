"""The conversation page's workspace: the escalation panel by the reply box, earlier conversations with
first line, date, state and case in constant queries, the claim notice, hand over, take over, close and
next; and one's own shortcut settings."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.services import case_register
from inbox.models import Conversation, DutyShift, Role, ShortcutPreference
from inbox.services.claims import conversation_claim
from inbox.services.outbox import reply_queue
from inbox.services.teamwork import conversation_escalate, escalation_hand_back
from tests.conftest import incoming

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def page(client, conversation) -> str:
    return client.get(f"/conversations/{conversation.pk}/").content.decode()


def test_sending_in_an_unclaimed_conversation_says_it_will_claim_it(agent_client, agent, conversation):
    html = page(agent_client, conversation)
    assert (
        '<p class="claim-notice" id="claim-notice" data-testid="claim-notice">Nog niemand werkt hieraan: met versturen pakt u dit gesprek op.</p>'
        in html
    )
    assert 'aria-describedby="claim-notice"' in html

    conversation_claim(conversation_id=conversation.pk, user=agent)
    assert 'data-testid="claim-notice" hidden' in page(agent_client, conversation)
    # The live refresh updates the notice too (out of band), so it never says something stale.
    live = agent_client.get(f"/conversations/{conversation.pk}/?v=0", **HTMX).content.decode()
    assert 'id="claim-notice" data-testid="claim-notice" hx-swap-oob="true" hidden' in live


def test_the_question_and_then_the_advice_sit_above_the_reply_box(client, agent, make_user, conversation):
    adviser = make_user(Role.ADVISER, team="comms", username="daan")
    now = timezone.now()
    DutyShift.objects.create(
        adviser=adviser, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )
    conversation_claim(conversation_id=conversation.pk, user=agent)
    conversation_escalate(conversation_id=conversation.pk, user=agent, question="Mogen wij dit zeggen?")

    client.force_login(adviser)
    html = page(client, conversation)
    panel = html.index('data-testid="escalation-panel"')
    assert panel < html.index('id="reply-form"')
    assert "Geëscaleerd: vraag aan de adviseur" in html
    assert "Agent vroeg het aan Daan" in html and "Mogen wij dit zeggen?" in html

    escalation_hand_back(conversation_id=conversation.pk, user=adviser, advice="Verwijs naar de raadsbrief.")
    client.force_login(agent)
    html = page(client, conversation)
    assert html.index('data-testid="advice-text"') < html.index('id="reply-form"')
    assert "Advies van de adviseur" in html and "Verwijs naar de raadsbrief." in html

    reply_queue(conversation_id=conversation.pk, user=agent, text="Zie de raadsbrief.")
    assert 'data-testid="escalation-panel"' not in page(client, conversation)


def test_earlier_conversations_show_first_line_date_state_and_case_in_constant_queries(
    agent_client, agent, deliver
):
    def earlier(n):
        deliver(incoming(platform_id=f"old-{n}", text=f"Eerste regel {n}\nen meer"))
        old = Conversation.objects.get(thread_key=f"old-{n}")
        Conversation.objects.filter(pk=old.pk).update(state="closed")
        return old

    first = earlier(0)
    case = case_register(user=agent, category="afval", description="Vol")
    Conversation.objects.filter(pk=first.pk).update(case=case)
    deliver(incoming(platform_id="now", text="Weer een vraag"))
    current = Conversation.objects.get(thread_key="now")

    with CaptureQueriesContext(connection) as few:
        html = page(agent_client, current)
    assert html.count('data-testid="history-item"') == 1
    assert 'class="first-line" dir="auto">Eerste regel 0</a>' in html  # its first line only
    assert case.number in html and "Afgesloten" in html
    for n in range(1, 12):
        earlier(n)
    with CaptureQueriesContext(connection) as many:
        html = page(agent_client, current)
    assert html.count('data-testid="history-item"') == 12
    assert len(many) == len(few)


def test_an_earlier_conversation_is_rendered_again_only_when_what_it_shows_changes(
    agent_client, agent, deliver
):
    for n in range(3):
        deliver(incoming(platform_id=f"old-{n}", text=f"Eerste regel {n}"))
    deliver(incoming(platform_id="now", text="Weer een vraag"))
    current = Conversation.objects.get(thread_key="now")

    def items_rendered():
        response = agent_client.get(f"/conversations/{current.pk}/")
        names = [t.name for t in response.templates]
        return names.count("inbox/_history_item.html"), response.content.decode()

    assert items_rendered()[0] == 3
    assert items_rendered()[0] == 0
    # Changed without the services (the conversation's version stays): shown all the same.
    Conversation.objects.filter(thread_key="old-1").update(state="closed")
    rendered, html = items_rendered()
    assert rendered == 1
    assert html.count('data-testid="history-item"') == 3 and html.count("Afgesloten") == 1


def test_hand_over_and_take_over_from_the_page(client, agent, other_agent, conversation):
    conversation_claim(conversation_id=conversation.pk, user=agent)
    client.force_login(agent)
    html = page(client, conversation)
    assert 'id="handover-tool"' in html and f'<option value="{other_agent.pk}">Collega</option>' in html

    response = client.post(f"/conversations/{conversation.pk}/assign/", {"assignee": other_agent.pk}, **HTMX)
    assert response.status_code == 200
    assert "Collega werkt hieraan." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.assignee == other_agent

    # The colleague is at it: no take-over button for the agent, and a refusal if they try anyway.
    assert 'data-testid="take-over"' not in page(client, conversation)
    refused = client.post(f"/conversations/{conversation.pk}/take-over/", **HTMX)
    assert refused.status_code == 409
    assert "Collega werkt nog aan dit gesprek" in refused.content.decode()


def test_take_over_button_appears_once_the_holder_is_away(client, agent, other_agent, conversation, settings):
    settings.INBOX_CLAIM_AWAY_MINUTES = 0
    conversation_claim(conversation_id=conversation.pk, user=other_agent)
    client.force_login(agent)
    assert "Overnemen van Collega" in page(client, conversation)

    client.post(f"/conversations/{conversation.pk}/take-over/")

    conversation.refresh_from_db()
    assert conversation.assignee == agent


def test_close_and_next_closes_and_opens_the_next_one_claimed(agent_client, agent, deliver):
    deliver(incoming(platform_id="a", author_id="p1"), incoming(platform_id="b", author_id="p2"))
    first, second = Conversation.objects.order_by("pk")
    conversation_claim(conversation_id=first.pk, user=agent)

    response = agent_client.post(f"/conversations/{first.pk}/close-next/")

    assert response.status_code == 302 and response["Location"] == f"/conversations/{second.pk}/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.assignee, second.state) == ("closed", agent, "open")
    follow = agent_client.get(response["Location"]).content.decode()
    assert "Gesprek afgesloten. Dit is het volgende; u werkt eraan." in follow

    response = agent_client.post(f"/conversations/{second.pk}/close-next/")
    assert response["Location"] == "/queue/"


def test_shortcuts_can_be_turned_off_and_remapped(agent_client, agent, conversation):
    html = agent_client.get("/settings/").content.decode()
    assert '<label for="id_key_close">Gesprek afsluiten</label>' in html
    keys = {
        "key_next": "n",
        "key_previous": "p",
        "key_claim": "c",
        "key_reply": "r",
        "key_escalate": "e",
        "key_close": "x",
        "key_help": "?",
    }

    refused = agent_client.post("/settings/", {**keys, "key_previous": "n", "enabled": "on"})
    assert refused.status_code == 422
    assert "Deze toets is al in gebruik" in refused.content.decode()
    assert not ShortcutPreference.objects.exists()

    assert agent_client.post("/settings/", {**keys, "enabled": "on"}).status_code == 302
    assert ShortcutPreference.objects.get(user=agent).keys == {"next": "n", "previous": "p"}
    html = page(agent_client, conversation)
    assert 'data-enabled="1"' in html and 'data-keys="next=n&amp;previous=p&amp;claim=c&amp;' in html

    agent_client.post("/settings/", keys)  # the box unticked: off
    html = page(agent_client, conversation)
    assert 'data-enabled="0"' in html and "Sneltoetsen staan uit." in html
    assert 'id="shortcut-help"' not in html


def test_the_case_form_starts_from_triages_category(agent_client, conversation):
    from triage.models import ConversationTriage

    ConversationTriage.objects.update_or_create(
        conversation=conversation,
        defaults={"suggested": {"category": "verlichting"}, "decided": {"category": "groen"}},
    )
    form = agent_client.get(f"/conversations/{conversation.pk}/case/register/").content.decode()
    assert '<option value="groen" selected>' in form
