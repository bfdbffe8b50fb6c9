import pytest

from cases.models import Case, CaseEvent, ManualContact
from inbox.models import Role
from inbox.services.api_tokens import api_token_create
from tests.cases.factories import register


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')}"}


def test_openapi_lists_the_case_endpoints(client, db):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/conversations/{conversation_id}/case",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/contacts",
        "/api/v1/cases/{number}/status",
    } <= paths


def test_register_a_case_from_a_conversation(client, agent, conversation):
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/case",
        {
            "category": "groen",
            "description": "Boom op fietspad",
            "location": "Zandweg",
            "latitude": "52.08",
            "longitude": "5.03",
        },
        content_type="application/json",
        **bearer(agent),
    )
    case = Case.objects.get()
    body = response.json()
    assert response.status_code == 201
    assert body["number"] == case.number
    assert (body["category"], body["location"], body["latitude"], body["longitude"]) == (
        "groen",
        "Zandweg",
        "52.080000",
        "5.030000",
    )
    assert [c["id"] for c in body["conversations"]] == [conversation.pk]
    assert [e["kind"] for e in body["timeline"]] == ["registered"]
    assert body["status_notice"] == f"Uw melding {case.number} is geregistreerd."
    assert (body["sync_state"], body["registered_by"]) == ("local", "agent")


def test_link_a_conversation_by_number(client, agent, conversation):
    case = register(agent)
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/case",
        {"number": f"zaaknummer {case.year}-{case.sequence:07d}"},
        content_type="application/json",
        **bearer(agent),
    )
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["conversations"]] == [conversation.pk]


def test_register_with_bad_input_is_a_422_and_nothing_changes(client, agent, conversation):
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/case",
        {"category": "nonsense", "description": "x"},
        content_type="application/json",
        **bearer(agent),
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "Choose a category."}
    assert Case.objects.count() == 0
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/case",
        {"number": "ZAAK-2026-0000404"},
        content_type="application/json",
        **bearer(agent),
    )
    assert response.status_code == 422


def test_get_a_case_in_any_spelling_with_contacts_and_timeline(client, agent, conversation):
    case = register(agent)
    response = client.get(f"/api/v1/cases/zaak {case.year} {case.sequence:07d}", **bearer(agent))
    assert response.status_code == 200
    assert response.json()["number"] == case.number
    assert client.get("/api/v1/cases/ZAAK-2026-0000404", **bearer(agent)).status_code == 404


def test_log_a_manual_contact(client, agent):
    case = register(agent)
    response = client.post(
        f"/api/v1/cases/{case.number}/contacts",
        {"channel": "counter", "text": "Meneer kwam langs aan de balie"},
        content_type="application/json",
        **bearer(agent),
    )
    assert response.status_code == 201
    assert (response.json()["channel"], response.json()["text"]) == (
        "counter",
        "Meneer kwam langs aan de balie",
    )
    detail = client.get(f"/api/v1/cases/{case.number}", **bearer(agent)).json()
    assert [c["channel"] for c in detail["contacts"]] == ["counter"]
    assert detail["timeline"][-1]["kind"] == "contact_logged"


@pytest.mark.parametrize(
    "payload", [{"channel": "fax", "text": "x"}, {"channel": "phone", "text": ""}, {"channel": "phone"}]
)
def test_bad_manual_contact_is_refused(client, agent, payload):
    case = register(agent)
    response = client.post(
        f"/api/v1/cases/{case.number}/contacts", payload, content_type="application/json", **bearer(agent)
    )
    assert response.status_code == 422
    assert ManualContact.objects.count() == 0


def test_change_status(client, agent):
    case = register(agent)
    response = client.post(
        f"/api/v1/cases/{case.number}/status",
        {"status": "in_progress", "note": "Ploeg ingepland"},
        content_type="application/json",
        **bearer(agent),
    )
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "in_progress"
    assert body["status_notice"] == f"Uw melding {case.number} is in behandeling."
    assert body["timeline"][-1]["data"] == {"note": "Ploeg ingepland", "source": "manual"}


def test_change_status_outside_the_table_is_a_422(client, agent):
    case = register(agent)
    response = client.post(
        f"/api/v1/cases/{case.number}/status",
        {"status": "bogus"},
        content_type="application/json",
        **bearer(agent),
    )
    assert response.status_code == 422
    assert case.events.count() == 1


def test_manager_may_read_but_not_change(client, make_user, agent):
    manager = make_user(Role.MANAGER)
    case = register(agent)
    headers = bearer(manager)
    assert client.get(f"/api/v1/cases/{case.number}", **headers).status_code == 200
    response = client.post(
        f"/api/v1/cases/{case.number}/status",
        {"status": "resolved"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert CaseEvent.objects.count() == 1


def test_no_role_is_refused(client, db, agent):
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody", password="x")
    case = register(agent)
    assert client.get(f"/api/v1/cases/{case.number}", **bearer(nobody)).status_code == 403
