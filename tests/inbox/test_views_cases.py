import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, ManualContact
from cases.workflow import Status
from inbox.models import Conversation, Event, Message, Role
from inbox.services.case_links import conversation_case_register
from inbox.services.claims import conversation_claim
from tests.cases.factories import register
from tests.conftest import incoming

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def lamp_conversation(deliver):
    deliver(
        incoming(
            platform_id="lamp",
            text="De lantaarnpaal voor Adelaarstraat 23 is al een week kapot, het is pikkedonker.",
        )
    )
    return Conversation.objects.get(thread_key="lamp")


def test_conversation_page_offers_to_register_a_report(agent_client, lamp_conversation):
    body = agent_client.get(reverse("inbox:conversation", args=[lamp_conversation.pk])).content.decode()
    assert "Melding registreren" in body
    assert "Geen zaak gekoppeld aan dit gesprek." in body
    assert 'id="case-register"' in body


def test_register_form_is_prefilled_from_the_text(agent_client, lamp_conversation):
    response = agent_client.get(reverse("cases:register", args=[lamp_conversation.pk]), **HTMX)
    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial == {
        "category": "verlichting",
        "description": "De lantaarnpaal voor Adelaarstraat 23 is al een week kapot, het is pikkedonker.",
        "location": "Adelaarstraat 23",
    }
    assert response.context["missing"] == []
    assert "<html" not in response.content.decode()


def test_register_form_says_what_is_missing(agent_client, conversation):
    response = agent_client.get(reverse("cases:register", args=[conversation.pk]), **HTMX)
    body = response.content.decode()
    assert [f.name for f in response.context["missing"]] == ["location"]
    assert "Nog nodig: locatie" in body


def test_register_puts_the_number_in_the_reply_box(agent_client, lamp_conversation):
    response = agent_client.post(
        reverse("cases:register", args=[lamp_conversation.pk]),
        {
            "category": "verlichting",
            "description": "Lamp kapot",
            "location": "Adelaarstraat 23",
            "reply": "Hallo,",
        },
        **HTMX,
    )
    case = Case.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Zaak {case.number} geregistreerd." in body
    textarea = re.search(r'<textarea id="id_text"[^>]*hx-swap-oob="true"[^>]*>(.*?)</textarea>', body, re.S)
    assert textarea.group(1) == (
        "Hallo,\n\nBedankt voor uw melding. We hebben deze geregistreerd onder zaaknummer "
        f"{case.number}. Wilt u dit nummer noemen als u hierover opnieuw contact met ons opneemt?"
    )
    lamp_conversation.refresh_from_db()
    assert lamp_conversation.case == case
    assert case.location == "Adelaarstraat 23"


def test_register_without_javascript_redirects_with_the_number(agent_client, lamp_conversation):
    response = agent_client.post(
        reverse("cases:register", args=[lamp_conversation.pk]),
        {"category": "verlichting", "description": "Lamp kapot", "location": ""},
        follow=True,
    )
    case = Case.objects.get()
    assert response.redirect_chain == [(reverse("inbox:conversation", args=[lamp_conversation.pk]), 302)]
    assert f"zaaknummer {case.number}" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"category": "", "description": "Lamp kapot"},
        {"category": "verlichting", "description": ""},
        {"category": "verlichting", "description": "x", "latitude": "52.1"},
        {"category": "nonsense", "description": "x"},
    ],
)
def test_invalid_registration_shows_the_form_again_and_saves_nothing(agent_client, lamp_conversation, data):
    events = Event.objects.count()
    response = agent_client.post(reverse("cases:register", args=[lamp_conversation.pk]), data, **HTMX)
    assert response.status_code == 422
    assert Case.objects.count() == 0
    assert Event.objects.count() == events


def test_someone_without_a_working_role_cannot_register(client, make_user, lamp_conversation):
    client.force_login(make_user(Role.MANAGER))
    response = client.post(
        reverse("cases:register", args=[lamp_conversation.pk]), {"category": "afval", "description": "x"}
    )
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_wijkbureau_cannot_register_on_another_teams_conversation(client, make_user, lamp_conversation):
    client.force_login(make_user(Role.WIJKBUREAU, team="oost"))
    response = client.post(
        reverse("cases:register", args=[lamp_conversation.pk]), {"category": "afval", "description": "x"}
    )
    assert response.status_code == 404
    assert Case.objects.count() == 0


def test_registered_case_shows_beside_the_thread(agent_client, agent, lamp_conversation):
    case = conversation_case_register(
        conversation_id=lamp_conversation.pk, user=agent, category="verlichting", description="Lamp"
    )
    body = agent_client.get(reverse("inbox:conversation", args=[lamp_conversation.pk])).content.decode()
    assert f'data-testid="case-number">{case.number}</a>' in body
    assert "Geregistreerd" in body


def test_link_an_existing_case_by_number(agent_client, agent, lamp_conversation):
    case = register(agent)
    response = agent_client.post(
        reverse("cases:link", args=[lamp_conversation.pk]),
        {"number": f"zaak {case.year}/{case.sequence:07d}"},
    )
    assert response.status_code == 302
    lamp_conversation.refresh_from_db()
    assert lamp_conversation.case == case


def test_link_an_unknown_number_shows_why(agent_client, lamp_conversation):
    response = agent_client.post(
        reverse("cases:link", args=[lamp_conversation.pk]), {"number": "ZAAK-2026-0000404"}, **HTMX
    )
    assert response.status_code == 422
    assert "Geen zaak met nummer ZAAK-2026-0000404." in response.content.decode()
    lamp_conversation.refresh_from_db()
    assert lamp_conversation.case is None


def test_case_page_shows_conversations_contacts_and_timeline(agent_client, agent, lamp_conversation):
    case = conversation_case_register(
        conversation_id=lamp_conversation.pk, user=agent, category="verlichting", description="<b>Lamp</b>"
    )
    response = agent_client.get(reverse("cases:detail", args=[case.number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 data-testid="case-title">{case.number}</h1>' in body
    assert "&lt;b&gt;Lamp&lt;/b&gt;" in body
    assert reverse("inbox:conversation", args=[lamp_conversation.pk]) in body
    assert "Zaak geregistreerd" in body
    assert f"Uw melding {case.number} is geregistreerd." in body  # the status text, ready to confirm


def test_case_page_accepts_any_spelling_and_redirects_to_the_canonical_one(agent_client, agent):
    case = register(agent)
    response = agent_client.get(reverse("cases:detail", args=[case.number.lower()]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert agent_client.get(reverse("cases:detail", args=["ZAAK-2026-0000404"])).status_code == 404


def test_search_box_finds_a_case_by_number(agent_client, agent):
    case = register(agent)
    response = agent_client.get(reverse("cases:search"), {"q": f" {case.year}-{case.sequence:07d} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])


def test_search_box_says_when_nothing_is_found(agent_client, db):
    response = agent_client.get(reverse("cases:search"), {"q": "ZAAK-2026-0000404"})
    assert response.status_code == 404
    assert "Geen zaak met nummer ZAAK-2026-0000404." in response.content.decode()
    response = agent_client.get(reverse("cases:search"), {"q": "<script>"})
    assert "&lt;script&gt;" in response.content.decode()


def test_search_box_is_in_the_top_bar(agent_client, agent):
    # It searches conversations too (tests/inbox/test_search.py); an exact case number opens the case.
    body = agent_client.get(reverse("inbox:queue")).content.decode()
    assert f'action="{reverse("inbox:search")}"' in body
    case = register(agent)
    response = agent_client.get(reverse("inbox:search"), {"q": f" {case.year}-{case.sequence:07d} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])


def test_status_change_then_tell_the_citizen(agent_client, agent, lamp_conversation):
    case = conversation_case_register(
        conversation_id=lamp_conversation.pk, user=agent, category="verlichting", description="Lamp"
    )
    response = agent_client.post(
        reverse("cases:status", args=[case.number]),
        {"status": "resolved", "note": "Lamp vervangen"},
        follow=True,
    )
    body = response.content.decode()
    assert "Status gewijzigd." in body
    assert f"Uw melding {case.number} is opgelost. Bedankt voor het melden." in body
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 0  # nothing sent yet

    agent_client.post(
        reverse("cases:tell", args=[case.number]),
        {"conversation": lamp_conversation.pk, "text": f"Uw melding {case.number} is opgelost."},
    )
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert (reply.conversation, reply.text) == (lamp_conversation, f"Uw melding {case.number} is opgelost.")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.events.filter(kind=CaseEvent.Kind.CITIZEN_NOTIFIED).count() == 1


def test_tell_on_someone_elses_conversation_is_refused(client, agent, other_agent, lamp_conversation):
    case = conversation_case_register(
        conversation_id=lamp_conversation.pk, user=agent, category="verlichting", description="Lamp"
    )
    conversation_claim(conversation_id=lamp_conversation.pk, user=agent)
    client.force_login(other_agent)
    client.post(
        reverse("cases:tell", args=[case.number]), {"conversation": lamp_conversation.pk, "text": "x"}
    )
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 0


def test_log_a_phone_call_on_the_case(agent_client, agent):
    case = register(agent)
    when = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = agent_client.post(
        reverse("cases:contact", args=[case.number]),
        {"channel": "phone", "text": "Mevrouw belde: lamp nog stuk", "happened_at": when},
        follow=True,
    )
    contact = ManualContact.objects.get()
    assert (contact.channel, contact.text, contact.recorded_by) == (
        "phone",
        "Mevrouw belde: lamp nog stuk",
        agent,
    )
    assert timezone.localtime(contact.happened_at).strftime("%Y-%m-%dT%H:%M") == when
    assert "Contact vastgelegd." in response.content.decode()


def test_a_manager_may_read_a_case_but_not_change_it(client, make_user, agent):
    case = register(agent)
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200
    assert client.post(reverse("cases:status", args=[case.number]), {"status": "resolved"}).status_code == 403
    assert (
        client.post(
            reverse("cases:contact", args=[case.number]), {"channel": "phone", "text": "x"}
        ).status_code
        == 403
    )
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    assert ManualContact.objects.count() == 0
