"""The conversation page and Open Klant: the klantcontact's state with a retry the agent can press,
"Eerder contact" loaded after the page, a quiet note when Open Klant is down; the case page's
statuses in the back office."""

import pytest
from django.urls import reverse

from cases.models import StatusPush
from inbox.models import Role
from inbox.services.case_links import conversation_case_register
from inbox.services.lifecycle import conversation_close
from klantcontacten.models import Klantcontact
from klantcontacten.tasks import klantcontact_push
from tests.conftest import cache_away

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _page(client, conversation) -> str:
    return client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()


def test_before_closing_the_page_says_it_will_be_registered(openklant, agent_client, answered):
    body = _page(agent_client, answered)

    assert "Klantcontact in Open Klant" in body
    assert "Wordt als klantcontact geregistreerd zodra het beantwoord en gesloten is." in body
    assert reverse("inbox:earlier_contacts", args=[answered.pk]) in body  # loaded after the page


def test_the_state_is_shown_and_polled_while_on_its_way(openklant, agent_client, answered, agent):
    conversation_close(conversation_id=answered.pk, user=agent)
    klantcontact = Klantcontact.objects.get()

    body = _page(agent_client, answered)
    assert "Wacht op Open Klant" in body
    assert f"referentienummer {klantcontact.referentienummer}" in body
    assert 'hx-trigger="every 5s"' in body

    klantcontact_push.apply(args=(klantcontact.pk,))
    panel = agent_client.get(reverse("inbox:klantcontact_panel", args=[answered.pk]), **HTMX).content.decode()
    assert "Geregistreerd in Open Klant" in panel
    assert "every 5s" not in panel  # done: no more polling


def test_a_refusal_is_shown_to_the_agent_who_can_send_it_again(
    openklant, agent_client, answered, agent, settings
):
    settings.KLANTINTERACTIES_API_TOKEN = "wrong"
    conversation_close(conversation_id=answered.pk, user=agent)
    klantcontact = Klantcontact.objects.get()
    klantcontact_push.apply(args=(klantcontact.pk,))

    body = _page(agent_client, answered)
    assert "Geweigerd door Open Klant" in body
    assert "HTTP 401 Ongeldige token." in body
    assert "Opnieuw versturen" in body

    settings.KLANTINTERACTIES_API_TOKEN = openklant.token
    response = agent_client.post(reverse("inbox:klantcontact_retry", args=[answered.pk]), **HTMX)
    assert response.status_code == 200
    assert "Wacht op Open Klant" in response.content.decode()
    klantcontact.refresh_from_db()
    assert klantcontact.state == "pending"
    assert klantcontact.events.filter(kind="retried", actor=agent).count() == 1
    assert klantcontact_push.apply(args=(klantcontact.pk,)).get() == "created"


def test_sending_again_what_was_not_refused_is_a_409_with_the_reason(
    openklant, agent_client, answered, agent
):
    conversation_close(conversation_id=answered.pk, user=agent)

    response = agent_client.post(reverse("inbox:klantcontact_retry", args=[answered.pk]), **HTMX)

    assert response.status_code == 409
    assert "Alleen een klantcontact dat Open Klant weigerde" in response.content.decode()
    assert Klantcontact.objects.get().events.count() == 1


def test_a_manager_cannot_send_it_again(openklant, client, make_user, answered, agent):
    conversation_close(conversation_id=answered.pk, user=agent)
    client.force_login(make_user(Role.MANAGER))

    assert client.post(reverse("inbox:klantcontact_retry", args=[answered.pk])).status_code == 403


def test_earlier_contact_lists_what_colleagues_registered_in_kiss(openklant, agent_client, answered):
    openklant.store.kiss_contact(
        handle="@burger1", kanaal="Telefoon", onderwerp="Grofvuil niet opgehaald", days_ago=3
    )

    body = agent_client.get(reverse("inbox:earlier_contacts", args=[answered.pk]), **HTMX).content.decode()

    assert "Eerder contact" in body
    assert "Telefoon" in body and "Grofvuil niet opgehaald" in body
    assert "<html" not in body  # just the panel
    full = agent_client.get(reverse("inbox:earlier_contacts", args=[answered.pk])).content.decode()
    assert "<html" in full and "Grofvuil niet opgehaald" in full


def test_earlier_contact_escapes_what_open_klant_says(openklant, agent_client, answered):
    openklant.store.kiss_contact(
        handle="@burger1",
        kanaal="<b>Telefoon</b>",
        onderwerp="<script>x()</script>",
        days_ago=1,
    )

    body = agent_client.get(reverse("inbox:earlier_contacts", args=[answered.pk]), **HTMX).content.decode()

    assert "<script>x()" not in body and "&lt;script&gt;x()" in body


def test_earlier_contact_is_a_quiet_note_when_open_klant_is_down(openklant, agent_client, answered):
    openklant.stop()

    response = agent_client.get(reverse("inbox:earlier_contacts", args=[answered.pk]), **HTMX)

    assert response.status_code == 200
    assert "Open Klant is nu niet bereikbaar" in response.content.decode()


def test_earlier_contact_is_read_from_open_klant_when_the_cache_is_away(
    openklant, agent_client, answered, settings
):
    openklant.store.kiss_contact(handle="@burger1", kanaal="Telefoon", onderwerp="Grofvuil", days_ago=3)
    cache_away(settings)

    response = agent_client.get(reverse("inbox:earlier_contacts", args=[answered.pk]), **HTMX)

    assert response.status_code == 200
    assert "Grofvuil" in response.content.decode()


def test_without_open_klant_the_page_has_no_open_klant_panels(settings, agent_client, answered):
    settings.KLANTINTERACTIES_API_URL = ""

    body = _page(agent_client, answered)

    assert "Klantcontact in Open Klant" not in body
    assert reverse("inbox:earlier_contacts", args=[answered.pk]) not in body


def test_the_case_page_shows_the_statuses_in_the_back_office_with_a_retry(
    settings, agent_client, answered, agent
):
    settings.CASES_BACKEND = "zgw"
    case = conversation_case_register(
        conversation_id=answered.pk, user=agent, category="groen", description="Boom"
    )
    push = case.status_pushes.get()
    StatusPush.objects.filter(pk=push.pk).update(
        state="failed", error="POST /statussen: HTTP 400 statustype onbekend"
    )

    body = agent_client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Status in de backoffice" in body
    assert "Geweigerd door de backoffice" in body and "statustype onbekend" in body

    response = agent_client.post(reverse("cases:status_retry", args=[case.number, push.pk]))
    assert response.status_code == 302
    push.refresh_from_db()
    assert (push.state, push.error) == ("pending", "")
    assert case.events.filter(kind="status_push_retried", actor=agent).exists()
