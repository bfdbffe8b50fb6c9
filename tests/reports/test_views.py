import csv
import io
import json
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from inbox.models import Conversation, Role
from inbox.services.api_tokens import api_token_create
from tests.conftest import cache_away, incoming


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, username="manager")


def test_dashboard_for_managers_refused_for_agents(client, manager, agent, conversation):
    client.force_login(agent)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dagelijkse werkvoorraad" in body
    assert body.count("<svg") == 4


def test_the_dashboard_counts_without_the_cache_when_redis_is_away(client, manager, conversation, settings):
    cache_away(settings)
    client.force_login(manager)

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert '<span class="n" data-testid="intake">1</span>' in response.content.decode()


def test_a_redis_that_never_answers_costs_seconds_not_the_dashboard(client, manager, conversation, settings):
    # Accepts connections (the kernel's backlog does) and never reads or answers a command.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        cache_away(settings, location=f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        client.force_login(manager)

        response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert '<span class="n" data-testid="intake">1</span>' in response.content.decode()


def test_dashboard_api_and_command_agree(client, manager, conversation):
    token = api_token_create(user=manager, name="m")
    api = client.get("/api/v1/backlog", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    out = StringIO()
    call_command("backlog", "--json", stdout=out)
    command = json.loads(out.getvalue())

    assert api == command
    assert api["intake"]["messages"] == 1
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert '<span class="n" data-testid="intake">1</span>' in page


def test_backlog_api_is_for_managers(client, agent, db):
    token = api_token_create(user=agent, name="a")
    assert client.get("/api/v1/backlog", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403


def test_backlog_api_rejects_unknown_team(client, manager, db):
    token = api_token_create(user=manager, name="m")
    response = client.get("/api/v1/backlog", {"team": "nope"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422


def test_csv_export_streams_rows_and_defuses_formulas(client, manager, deliver):
    deliver(incoming(platform_id="one", author_handle='=HYPERLINK("http://x")', author_id="evil"))
    deliver(incoming(platform_id="two"))
    client.force_login(manager)
    from django.utils import timezone

    today = timezone.localdate().isoformat()

    response = client.get(reverse("reports:export_csv"), {"start": today, "end": today})

    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "gesprek",
        "kanaal",
        "account",
        "team",
        "status",
        "urgent",
        "categorie",
        "wijk",
        "zaaknummer",
        "medewerker",
        "gestart",
        "opgehaald",
        "eerste reactie",
        "eerste reactie (werkminuten)",
        "afgesloten op",
        "uiterlijk",
        "gebruikersnaam",
    ]
    assert len(rows) == 3
    second = Conversation.objects.get(thread_key="two")
    assert rows[2][1:6] == ["Sandbox", "GemeenteTest", "KCC", "Nieuw", "ja" if second.priority else "nee"]
    assert rows[1][-1] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    "params", [{}, {"start": "2026-13-01", "end": "2026-12-01"}, {"start": "2026-12-05", "end": "2026-12-01"}]
)
def test_csv_export_bad_dates_are_a_clear_400(client, manager, params):
    client.force_login(manager)
    response = client.get(reverse("reports:export_csv"), params)
    assert response.status_code == 400


def test_csv_export_refused_for_agents(client, agent):
    client.force_login(agent)
    assert (
        client.get(reverse("reports:export_csv"), {"start": "2026-12-01", "end": "2026-12-01"}).status_code
        == 403
    )


def test_csv_export_has_category_wijk_case_agent_and_working_minutes(client, manager, agent, deliver):
    import datetime as dt

    from django.utils import timezone, translation

    from cases.models import Category
    from cases.services import case_register
    from inbox.models import Message
    from triage.models import ConversationTriage

    monday_9 = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
    deliver(incoming(platform_id="full", text="Lamp kapot", created_at=monday_9))
    conversation = Conversation.objects.get(thread_key="full")
    ConversationTriage.objects.update_or_create(
        conversation=conversation,
        defaults={"suggested": {"category": "verlichting", "wijk": "Oost"}, "decided": {}},
    )
    case = case_register(user=agent, category="verlichting", description="Lamp kapot")
    Conversation.objects.filter(pk=conversation.pk).update(
        case=case, first_response_at=monday_9 + dt.timedelta(minutes=45)
    )
    Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction="out",
        text="Dank u",
        sent_by=agent,
        created_at=monday_9 + dt.timedelta(minutes=45),
        send_status="sent",
    )
    client.force_login(manager)

    response = client.get(reverse("reports:export_csv"), {"start": "2026-11-30", "end": "2026-11-30"})

    header, row = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    values = dict(zip(header, row, strict=True))
    with translation.override("nl"):
        lighting = str(Category.VERLICHTING.label)
    assert (values["categorie"], values["wijk"], values["zaaknummer"], values["medewerker"]) == (
        lighting,
        "Oost",
        case.number,
        "Agent",
    )
    assert values["eerste reactie (werkminuten)"] == "45"


def test_dashboard_reads_well_separate_tables_units_and_channel_names(client, manager, deliver):
    deliver(incoming(platform_id="d1"))
    client.force_login(manager)

    html = client.get(reverse("reports:dashboard")).content.decode()

    for table in ("open-by-state", "open-by-team", "open-by-category"):
        assert f'data-testid="{table}"' in html
    assert '<th scope="col">Status</th>' in html and '<th scope="col">Team</th>' in html
    assert 'class="label unit start">1 bericht</text>' in html  # the scale's top, with its unit
    assert 'class="label unit end">uur</text>' in html and ">werkminuten</text>" in html
    assert "<th>Sandbox</th>" in html and "<th>sandbox</th>" not in html
