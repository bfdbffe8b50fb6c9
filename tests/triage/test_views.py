import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.models import Role
from triage.models import CannedAnswer, ConversationTriage, TriageDecision

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def decide_url(conversation, field):
    return reverse("triage:decide", args=[conversation.pk, field])


def test_conversation_page_shows_the_suggestions_in_dutch(agent_client, conversation):
    body = agent_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert 'id="triage-panel"' in body
    assert '<span class="triage-value" data-testid="triage-type">Melding</span>' in body
    assert '<span class="triage-value" data-testid="triage-urgent">Ja</span>' in body
    assert body.count(">Klopt</button>") == 5
    assert (
        '<small class="triage-words" data-testid="words-urgent">vanwege “omgevallen”, “boom op”, '
        "“fietspad”, “boom”, “ligt”</small>" in body
    )
    assert '<small class="triage-words" data-testid="words-category">vanwege “boom”' in body
    assert 'data-testid="words-escalate"' not in body
    assert (
        '<small class="triage-confidence muted" data-testid="confidence-category">100% zeker</small>' in body
    )
    assert "Sneltoetsen" in body
    assert "Standaardantwoorden" in body


def test_an_uncertain_guess_shows_onzeker_without_a_confirm_button(agent_client, conversation):
    triage = conversation.triage
    triage.reasons = {**triage.reasons, "uncertain": ["category"]}
    triage.save()
    body = agent_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert '<span class="triage-value" data-testid="triage-category">Onzeker</span>' in body
    assert 'data-testid="confirm-category"' not in body
    assert '<option value="" disabled selected>Kies…</option>' in body
    assert body.count(">Klopt</button>") == 4


def test_a_rerouting_shows_on_the_timeline(agent_client, agent, conversation, teams):
    from triage.models import RoutingRule
    from triage.services import triage_decide

    RoutingRule.objects.create(name="Wijk Oost", wijk="Oost", team=teams["oost"])
    triage_decide(conversation_id=conversation.pk, user=agent, field="wijk", value="Oost")
    body = agent_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert "Verplaatst volgens de routeringsregels" in body
    assert "naar Wijkbureau Oost (regel ‘Wijk Oost’) · Wijk: Geen / onbekend → Oost</small>" in body


def test_confirm_by_htmx_returns_the_panel(agent_client, conversation):
    response = agent_client.post(decide_url(conversation, "type"), {"value": "melding"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<section class="card triage" id="triage-panel">')
    assert body.count(">Klopt</button>") == 4
    assert ConversationTriage.objects.get().decided == {"type": "melding"}


def test_correct_without_javascript_redirects_back(agent_client, conversation):
    response = agent_client.post(decide_url(conversation, "urgent"), {"value": "False"})
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:conversation", args=[conversation.pk])
    conversation.refresh_from_db()
    assert conversation.priority == 0


def test_a_refused_value_shows_an_error_and_changes_nothing(agent_client, conversation):
    response = agent_client.post(decide_url(conversation, "type"), {"value": "<script>"}, **HTMX)
    assert response.status_code == 422
    assert "Dat is geen van de keuzes." in response.content.decode()
    assert TriageDecision.objects.count() == 0


def test_unknown_field_is_404(agent_client, conversation):
    assert agent_client.post(decide_url(conversation, "colour"), {"value": "x"}).status_code == 404


def test_manager_may_read_but_not_decide(client, make_user, conversation):
    client.force_login(make_user(Role.MANAGER))
    assert client.post(decide_url(conversation, "type"), {"value": "vraag"}).status_code == 403
    body = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert 'data-testid="triage-type"' in body
    assert 'data-testid="confirm-type"' not in body
    assert TriageDecision.objects.count() == 0


def test_other_wijkbureau_gets_404(client, make_user, conversation):
    client.force_login(make_user(Role.WIJKBUREAU, team="west"))
    assert client.post(decide_url(conversation, "type"), {"value": "vraag"}).status_code == 404
    assert client.get(reverse("triage:canned", args=[conversation.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, conversation):
    response = client.post(decide_url(conversation, "type"), {"value": "vraag"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_canned_search_fills_in_the_placeholders(agent_client, conversation, agent):
    CannedAnswer.objects.create(
        title="Melding ontvangen",
        keywords="melding",
        text="Beste {naam}, dank voor uw melding ({zaaknummer}). Groet, {voornaam_medewerker}",
    )
    CannedAnswer.objects.create(title="Paspoort", text="Maak een afspraak.")
    CannedAnswer.objects.create(title="Oud", text="melding", enabled=False)
    body = agent_client.get(
        reverse("triage:canned", args=[conversation.pk]), {"q": "MELDING"}
    ).content.decode()
    assert body.count('class="canned-pick"') == 1
    assert 'data-canned-text="Beste Burger Een, dank voor uw melding ({zaaknummer}). Groet, Agent"' in body
    empty = agent_client.get(reverse("triage:canned", args=[conversation.pk]), {"q": "zzz"}).content.decode()
    assert "Geen standaardantwoord gevonden." in empty


def test_canned_answers_are_escaped(agent_client, deliver, conversation):
    CannedAnswer.objects.create(title="<b>x</b>", text='Beste {naam} "<script>"')
    body = agent_client.get(reverse("triage:canned", args=[conversation.pk])).content.decode()
    assert "<script>" not in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_queue_marks_urgent_and_escalation_suggestions(agent_client, deliver):
    from tests.conftest import incoming

    deliver(
        incoming(platform_id="press", text="Ik ben verslaggever, kan de wethouder reageren op de bomenkap?"),
        incoming(platform_id="tree"),
    )
    body = agent_client.get(reverse("inbox:queue")).content.decode()
    assert body.count('<span class="badge urgent">Urgent</span>') == 1
    assert body.count(">Escaleren?</span>") == 1
    # The urgent one is on top.
    from inbox.models import Conversation

    tree, press = (Conversation.objects.get(thread_key=key).pk for key in ("tree", "press"))
    assert body.index(f'data-conversation="{tree}"') < body.index(f'data-conversation="{press}"')


def test_queue_query_count_does_not_grow_with_triage(agent_client, deliver):
    from tests.conftest import incoming

    deliver(*[incoming(platform_id=f"a{i}", author_id=f"p{i}") for i in range(3)])
    with CaptureQueriesContext(connection) as few:
        agent_client.get(reverse("inbox:queue"))
    deliver(*[incoming(platform_id=f"b{i}", author_id=f"q{i}") for i in range(20)])
    with CaptureQueriesContext(connection) as many:
        agent_client.get(reverse("inbox:queue"))
    assert len(many) == len(few)


def test_timeline_says_what_was_corrected_in_dutch(agent_client, conversation):
    agent_client.post(decide_url(conversation, "urgent"), {"value": "False"})
    agent_client.post(decide_url(conversation, "type"), {"value": "melding"})
    body = agent_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert "naar KCC · voorgesteld als urgent" in body
    assert "Triage gecorrigeerd · Agent" in body
    assert "Urgent: Ja → Nee" in body
    assert "Soort: Melding</small>" in body
