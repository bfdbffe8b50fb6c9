"""A case's status changes set as statussen of its zaak, against the spec-validating fake Zaken API:
in order, once the zaak exists, each once, refusals visible with a retry."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, StatusPush
from cases.services import case_status_change
from cases.status_push import StatusPushError, status_push_retry, status_pushes_pending
from cases.tasks import case_backoffice_register, case_status_push, pull_backoffice_status
from tests.cases.factories import register

from .conftest import STATUSTYPEN


@pytest.fixture
def statustypen(zgw, settings):
    settings.ZGW_STATUSTYPEN = dict(STATUSTYPEN)
    return zgw


def _registered(agent):
    case = register(agent, contact_name="Marieke de Vries", contact_platform="x", contact_handle="marieke030")
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "synced"
    case.refresh_from_db()
    return case


def _states(case):
    return list(case.status_pushes.order_by("changed_at", "pk").values_list("status", "state"))


def test_status_changes_become_statussen_of_the_zaak_in_order(statustypen, agent):
    case = _registered(agent)
    case_status_change(case_id=case.pk, user=agent, status="in_progress", note="Monteur ingepland")

    assert case_status_push.apply(args=(case.pk,)).get() == "pushed, pushed"

    [zaak] = statustypen.zaken
    first, second = statustypen.statussen
    pushes = list(case.status_pushes.order_by("changed_at", "pk"))
    assert [(s["zaak"], s["statustype"]) for s in (first, second)] == [
        (zaak["url"], STATUSTYPEN["registered"]),
        (zaak["url"], STATUSTYPEN["in_progress"]),
    ]
    assert first["datumStatusGezet"] == pushes[0].changed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert second["statustoelichting"] == "Monteur ingepland"
    assert [p.reference for p in pushes] == [first["url"], second["url"]]
    assert _states(case) == [("registered", "pushed"), ("in_progress", "pushed")]
    assert zaak["status"] == second["url"]
    assert list(
        case.events.filter(kind=CaseEvent.Kind.STATUS_PUSHED).values_list("to_status", flat=True)
    ) == [
        "registered",
        "in_progress",
    ]
    assert statustypen.violations == []
    # A second delivery of the task sends nothing again.
    assert case_status_push.apply(args=(case.pk,)).get() == "nothing to send"
    assert len(statustypen.statussen) == 2


def test_changes_wait_for_the_zaak(statustypen, agent):
    case = register(agent)
    case_status_change(case_id=case.pk, user=agent, status="in_progress")

    assert case_status_push.apply(args=(case.pk,)).get() == "nothing to send"
    assert statustypen.requests == []

    case_backoffice_register.apply(args=(case.pk,))
    assert case_status_push.apply(args=(case.pk,)).get() == "pushed, pushed"
    assert [s["statustype"] for s in statustypen.statussen] == [
        STATUSTYPEN["registered"],
        STATUSTYPEN["in_progress"],
    ]


def test_a_status_without_a_statustype_is_skipped_and_the_rest_goes_on(statustypen, agent, settings):
    del settings.ZGW_STATUSTYPEN["registered"]
    case = _registered(agent)
    case_status_change(case_id=case.pk, user=agent, status="in_progress")

    assert case_status_push.apply(args=(case.pk,)).get() == "skipped, pushed"

    assert _states(case) == [("registered", "skipped"), ("in_progress", "pushed")]
    assert (
        case.status_pushes.get(status="registered").error
        == "ZGW_STATUSTYPEN has no statustype for 'registered'"
    )
    assert [s["statustype"] for s in statustypen.statussen] == [STATUSTYPEN["in_progress"]]


def test_an_unknown_outcome_is_looked_up_and_the_status_set_once(statustypen, agent):
    case = _registered(agent)
    statustypen.lost_responses.append(("POST", "/statussen"))

    assert case_status_push.apply(args=(case.pk,)).get() == "retry"
    assert _states(case) == [("registered", "pending")]
    assert "HTTP 504" in case.status_pushes.get().error
    assert len(statustypen.statussen) == 1  # the back office did set it

    assert case_status_push.apply(args=(case.pk,)).get() == "pushed"
    assert len(statustypen.statussen) == 1
    assert case.status_pushes.get().reference == statustypen.statussen[0]["url"]
    assert case.status_pushes.get().attempts == 2


def test_a_refusal_is_visible_holds_later_changes_and_can_be_retried(statustypen, agent, settings):
    settings.ZGW_STATUSTYPEN["registered"] = f"{STATUSTYPEN['registered']}-of-another-zaaktype"
    case = _registered(agent)
    case_status_change(case_id=case.pk, user=agent, status="in_progress")

    assert case_status_push.apply(args=(case.pk,)).get() == "failed"

    refused = case.status_pushes.get(status="registered")
    assert (refused.state, "HTTP 400" in refused.error, "zaaktype" in refused.error) == ("failed", True, True)
    assert _states(case) == [("registered", "failed"), ("in_progress", "pending")]  # waits behind it
    failed = case.events.get(kind=CaseEvent.Kind.STATUS_PUSH_FAILED)
    assert (failed.to_status, failed.data["error"]) == ("registered", refused.error)
    assert statustypen.statussen == []
    assert case_status_push.apply(args=(case.pk,)).get() == "nothing to send"

    settings.ZGW_STATUSTYPEN["registered"] = STATUSTYPEN["registered"]
    status_push_retry(push_id=refused.pk, user=agent)
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_PUSH_RETRIED, actor=agent).count() == 1
    assert case_status_push.apply(args=(case.pk,)).get() == "pushed, pushed"
    assert _states(case) == [("registered", "pushed"), ("in_progress", "pushed")]


def test_only_a_refused_status_can_be_retried(statustypen, agent):
    case = _registered(agent)
    push = case.status_pushes.get()

    with pytest.raises(StatusPushError):
        status_push_retry(push_id=push.pk, user=agent)

    assert not case.events.filter(kind=CaseEvent.Kind.STATUS_PUSH_RETRIED).exists()


def test_the_eindstatus_closes_the_zaak_and_the_pull_changes_nothing(statustypen, agent):
    case = _registered(agent)
    case_status_change(case_id=case.pk, user=agent, status="resolved")
    case_status_push.apply(args=(case.pk,))

    assert statustypen.zaken[0]["einddatum"] == timezone.now().astimezone(dt.UTC).date().isoformat()
    assert pull_backoffice_status.apply().get() == 0
    case.refresh_from_db()
    assert case.status == "resolved"


def test_what_the_back_office_reported_is_not_sent_back(statustypen, agent):
    case = _registered(agent)
    case_status_push.apply(args=(case.pk,))
    statustypen.zaken[0]["einddatum"] = "2026-03-01"

    assert pull_backoffice_status.apply().get() == 1

    assert _states(case) == [("registered", "pushed")]


def test_a_local_case_has_no_status_pushes(agent):
    case = register(agent)
    case_status_change(case_id=case.pk, user=agent, status="in_progress")

    assert not StatusPush.objects.exists()


def test_beat_resets_an_attempt_gone_quiet_and_hands_on_pending_cases(statustypen, agent, published_tasks):
    case = _registered(agent)
    push = case.status_pushes.get()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    StatusPush.objects.filter(pk=push.pk).update(state="pushing", started_at=long_ago)
    waiting = register(agent)  # its zaak does not exist yet: not handed on
    Case.objects.filter(pk=waiting.pk).update(sync_state="pending")

    assert status_pushes_pending() == 1

    push.refresh_from_db()
    assert push.state == "pending"
    assert ("cases.tasks.case_status_push", (case.pk,)) in published_tasks
    assert ("cases.tasks.case_status_push", (waiting.pk,)) not in published_tasks
    assert case_status_push.apply(args=(case.pk,)).get() == "pushed"
    assert len(statustypen.statussen) == 1
