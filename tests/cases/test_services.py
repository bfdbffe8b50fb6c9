import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNumberCounter, ManualContact
from cases.services import (
    CaseError,
    case_backoffice_retry,
    case_contact_log,
    case_status_change,
    registration_notice,
    status_notice,
)
from cases.workflow import TRANSITIONS, Status, can_transition
from tests.cases.factories import register
from tests.conftest import require


def test_register_gives_the_next_number_of_the_year(agent):
    first = register(agent)
    second = register(agent, category="afval", description="Volle container")

    year = timezone.localdate().year
    assert first.number == f"ZAAK-{year}-0000001"
    assert second.number == f"ZAAK-{year}-0000002"
    assert first.status == Status.REGISTERED
    assert first.sync_state == Case.SyncState.LOCAL
    assert list(first.events.values_list("kind", "actor", "to_status")) == [
        (CaseEvent.Kind.REGISTERED, agent.pk, "registered")
    ]


def test_numbering_starts_again_each_year(agent):
    with time_machine.travel(dt.datetime(2026, 12, 31, 22, 0, tzinfo=dt.UTC)):  # 23:00 in Amsterdam
        last_of_year = register(agent)
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)):  # 00:30 on 1 January
        first_of_next = register(agent)
    assert last_of_year.number == "ZAAK-2026-0000001"
    assert first_of_next.number == "ZAAK-2027-0000001"


def test_a_refused_registration_uses_no_number(agent):
    register(agent)
    with pytest.raises(CaseError):
        register(agent, description="   ")
    with pytest.raises(CaseError):
        register(agent, category="nonsense")
    with pytest.raises(CaseError):
        register(agent, latitude=52.09)
    assert Case.objects.count() == 1
    assert register(agent).sequence == 2


def test_hostile_text_is_stored_as_typed_without_null_bytes(agent):
    case = register(agent, description="<script>alert(1)</script>\x00 kapot", location="Oudegracht\x00 1")
    case.refresh_from_db()
    assert case.description == "<script>alert(1)</script> kapot"
    assert case.location == "Oudegracht 1"


def test_coordinates_are_kept(agent):
    case = register(agent, latitude=52.0907374, longitude=5.1214201)
    case.refresh_from_db()
    assert (str(case.latitude), str(case.longitude)) == ("52.090737", "5.121420")
    with pytest.raises(CaseError):
        register(agent, latitude=95, longitude=5)


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_give_distinct_numbers_without_gaps(teams, make_user):
    require(
        connection.vendor == "postgresql", "row locking of the number counter needs PostgreSQL (DATABASE_URL)"
    )
    agents = [make_user("agent") for _ in range(12)]
    barrier = threading.Barrier(len(agents))
    numbers: list[str] = []
    errors: list[Exception] = []

    def work(user):
        barrier.wait()
        try:
            numbers.append(register(user).number)
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(user,)) for user in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    year = timezone.localdate().year
    assert errors == []
    assert sorted(numbers) == [f"ZAAK-{year}-{n:07d}" for n in range(1, 13)]
    assert sorted(Case.objects.values_list("sequence", flat=True)) == list(range(1, 13))
    assert CaseNumberCounter.objects.get(year=year).last == 12


def test_status_transitions_table_as_a_whole():
    for old in Status.values:
        for new in Status.values:
            assert can_transition(old, new) == (new in TRANSITIONS[old]), (old, new)
    assert not can_transition(Status.RESOLVED, Status.REJECTED)
    assert can_transition(Status.RESOLVED, Status.IN_PROGRESS)


def test_status_change_follows_the_table_and_leaves_an_event(agent):
    case = register(agent)
    case_status_change(case_id=case.pk, user=agent, status=Status.RESOLVED, note="Lamp vervangen")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    event = case.events.last()
    assert (event.kind, event.from_status, event.to_status, event.data) == (
        CaseEvent.Kind.STATUS_CHANGED,
        "registered",
        "resolved",
        {"note": "Lamp vervangen", "source": "manual"},
    )


def test_a_status_change_outside_the_table_is_refused_and_changes_nothing(agent):
    case = register(agent)
    case_status_change(case_id=case.pk, user=agent, status=Status.REJECTED)
    events = CaseEvent.objects.count()
    with pytest.raises(CaseError, match="kan niet van “Afgewezen” naar “Opgelost”"):
        case_status_change(case_id=case.pk, user=agent, status=Status.RESOLVED)
    with pytest.raises(CaseError):
        case_status_change(case_id=case.pk, user=agent, status="bogus")
    case.refresh_from_db()
    assert case.status == Status.REJECTED
    assert CaseEvent.objects.count() == events


def test_manual_contact_is_logged_with_channel_text_and_time(agent):
    case = register(agent)
    when = timezone.now() - dt.timedelta(hours=2)
    contact = case_contact_log(
        case_id=case.pk, user=agent, channel="phone", text="Belde: lamp nog steeds stuk", happened_at=when
    )
    assert (contact.channel, contact.text, contact.happened_at, contact.recorded_by) == (
        "phone",
        "Belde: lamp nog steeds stuk",
        when,
        agent,
    )
    assert case.events.last().kind == CaseEvent.Kind.CONTACT_LOGGED


@pytest.mark.parametrize(
    ("channel", "text", "offset"),
    [("fax", "x", 0), ("phone", "  ", 0), ("email", "mail", 60)],
)
def test_bad_manual_contacts_are_refused(agent, channel, text, offset):
    case = register(agent)
    events = CaseEvent.objects.count()
    with pytest.raises(CaseError):
        case_contact_log(
            case_id=case.pk,
            user=agent,
            channel=channel,
            text=text,
            happened_at=timezone.now() + dt.timedelta(minutes=offset),
        )
    assert ManualContact.objects.count() == 0
    assert CaseEvent.objects.count() == events


def test_notices_are_dutch_and_name_the_number(agent):
    case = register(agent)
    assert registration_notice(case) == (
        f"Bedankt voor uw melding. We hebben deze geregistreerd onder zaaknummer {case.number}. "
        "Wilt u dit nummer noemen als u hierover opnieuw contact met ons opneemt?"
    )
    assert status_notice(case) == f"Uw melding {case.number} is geregistreerd."


def test_retry_is_refused_for_a_local_case(agent):
    case = register(agent)
    with pytest.raises(CaseError):
        case_backoffice_retry(case_id=case.pk, user=agent)
    assert case.events.count() == 1
