"""The zgw backend against a fake Zaken API that validates every request against the official spec."""

import jwt
import pytest

from cases.backends import BackendError
from cases.models import Case, CaseEvent
from cases.services import case_backoffice_retry
from cases.tasks import case_backoffice_register
from tests.cases.factories import register

from .conftest import ROLTYPE, RSIN, ZAAKTYPE


def _register(agent, **overrides):
    values = {
        "contact_name": "Marieke de Vries",
        "contact_platform": "x",
        "contact_handle": "marieke030",
        "latitude": 52.0907374,
        "longitude": 5.1214201,
    }
    values.update(overrides)
    return register(agent, **values)


def test_the_number_comes_at_once_the_zaak_through_the_task(zgw, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = _register(agent)
    assert case.sync_state == Case.SyncState.PENDING
    assert case.number.startswith("ZAAK-")
    assert len(callbacks) == 1
    assert zgw.requests == []  # nothing sent before the task runs

    assert case_backoffice_register.apply(args=(case.pk,)).get() == "synced", zgw.violations

    case.refresh_from_db()
    assert zgw.violations == []
    [zaak] = zgw.zaken
    assert case.sync_state == Case.SyncState.SYNCED
    assert case.backend_reference == zaak["url"]
    assert {
        k: zaak[k] for k in ("identificatie", "bronorganisatie", "verantwoordelijkeOrganisatie", "zaaktype")
    } == {
        "identificatie": case.number,
        "bronorganisatie": RSIN,
        "verantwoordelijkeOrganisatie": RSIN,
        "zaaktype": ZAAKTYPE,
    }
    assert zaak["omschrijving"] == "Verlichting: Biltstraat 12"
    assert zaak["startdatum"] == case.created_at.date().isoformat()
    assert zaak["zaakgeometrie"] == {"type": "Point", "coordinates": [5.12142, 52.090737]}
    [rol] = zgw.rollen
    assert (rol["zaak"], rol["roltype"], rol["betrokkeneType"]) == (
        zaak["url"],
        ROLTYPE,
        "natuurlijk_persoon",
    )
    assert rol["roltoelichting"] == "Melder via webcare (x @marieke030)"
    assert rol["afwijkendeNaamBetrokkene"] == "Marieke de Vries"
    assert rol["contactpersoonRol"] == {"naam": "Marieke de Vries"}
    assert rol["betrokkeneIdentificatie"] == {
        "geslachtsaanduiding": "o",
        "voornamen": "Marieke",
        "voorletters": "M.",
        "voorvoegselGeslachtsnaam": "de",
        "geslachtsnaam": "Vries",
    }
    assert list(case.events.values_list("kind", flat=True)) == ["registered", "backoffice_registered"]


def test_requests_carry_the_crs_headers_and_a_valid_jwt(zgw, agent):
    case = _register(agent)
    case_backoffice_register.apply(args=(case.pk,))
    post_zaak = next(r for r in zgw.requests if (r["method"], r["path"]) == ("POST", "/zaken/api/v1/zaken"))
    assert (post_zaak["headers"]["Content-Crs"], post_zaak["headers"]["Accept-Crs"]) == (
        "EPSG:4326",
        "EPSG:4326",
    )
    token = post_zaak["headers"]["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, zgw.secret, algorithms=["HS256"])
    assert (claims["iss"], claims["client_id"], claims["user_id"], claims["user_representation"]) == (
        "webcare",
        "webcare",
        "agent",
        "Agent",
    )
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


@pytest.mark.parametrize(
    ("name", "handle", "identificatie", "afwijkend"),
    [
        ("marieke030", "marieke030", {"geslachtsaanduiding": "o"}, "marieke030"),
        ("", "marieke030", {"geslachtsaanduiding": "o"}, "@marieke030"),
        ("Ruud", "", {"geslachtsaanduiding": "o", "voornamen": "Ruud", "voorletters": "R."}, "Ruud"),
        ("Jan 🚲 Jansen", "", {"geslachtsaanduiding": "o"}, "Jan 🚲 Jansen"),
    ],
)
def test_a_name_that_cannot_be_split_is_never_a_geslachtsnaam(
    zgw, agent, name, handle, identificatie, afwijkend
):
    case = _register(agent, contact_name=name, contact_handle=handle)

    assert case_backoffice_register.apply(args=(case.pk,)).get() == "synced", zgw.violations

    [rol] = zgw.rollen
    assert rol["betrokkeneIdentificatie"] == identificatie
    assert rol["afwijkendeNaamBetrokkene"] == afwijkend
    assert zgw.violations == []


def test_without_coordinates_no_geometry_is_sent(zgw, agent):
    case = _register(agent, latitude=None, longitude=None)
    case_backoffice_register.apply(args=(case.pk,))
    assert "zaakgeometrie" not in zgw.zaken[0]
    assert zgw.violations == []


def test_the_fake_refuses_what_the_spec_forbids(zgw, agent):
    """The fake really validates: a body without zaaktype and startdatum is a 400 with the reason."""
    import requests

    response = requests.post(
        f"{zgw.url}/zaken",
        json={"bronorganisatie": RSIN, "verantwoordelijkeOrganisatie": RSIN},
        headers={
            "Authorization": "Bearer "
            + jwt.encode(
                {
                    "iss": "webcare",
                    "iat": 1,
                    "client_id": "webcare",
                    "user_id": "",
                    "user_representation": "",
                },
                zgw.secret,
                algorithm="HS256",
            ),
            "Content-Crs": "EPSG:4326",
            "Accept-Crs": "EPSG:4326",
        },
        timeout=5,
    )
    assert response.status_code == 400
    assert "zaaktype" in zgw.violations[0] and "startdatum" in zgw.violations[0]
    assert zgw.zaken == []


def test_a_temporary_fault_is_retried_and_never_registers_twice(zgw, agent):
    case = _register(agent)
    zgw.fail_next = [503]

    assert case_backoffice_register.apply(args=(case.pk,)).get() == "retry"
    case.refresh_from_db()
    assert case.sync_state == Case.SyncState.PENDING
    assert "HTTP 503" in case.sync_error
    assert zgw.zaken == []

    # The zaak gets created, then the rol call fails: the retry finds the zaak and adds only the rol.
    zgw.fail_next = []
    zgw.faults.append(("POST", "/rollen", 502))
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "retry"
    case.refresh_from_db()
    assert case.backend_reference == zgw.zaken[0]["url"]
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "synced"

    case.refresh_from_db()
    assert (len(zgw.zaken), len(zgw.rollen)) == (1, 1)
    assert case.sync_state == Case.SyncState.SYNCED
    assert case.sync_attempts == 3
    assert zgw.violations == []
    # A duplicate delivery of the task changes nothing.
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "skipped"
    assert (len(zgw.zaken), len(zgw.rollen)) == (1, 1)


def test_a_lost_reference_is_found_again_by_identificatie(zgw, agent):
    case = _register(agent)
    case_backoffice_register.apply(args=(case.pk,))
    # As if the worker died after POST /zaken but before storing the URL.
    Case.objects.filter(pk=case.pk).update(backend_reference="", sync_state=Case.SyncState.PENDING)
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "synced"
    assert (len(zgw.zaken), len(zgw.rollen)) == (1, 1)


def test_a_refusal_is_visible_and_can_be_retried_by_hand(zgw, agent, settings):
    settings.ZGW_BRONORGANISATIE = "123456789"  # fails the 11-proof
    case = _register(agent)
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "failed"
    case.refresh_from_db()
    assert case.sync_state == Case.SyncState.FAILED
    assert "HTTP 400" in case.sync_error and "11-proof" in case.sync_error
    failed = case.events.get(kind=CaseEvent.Kind.BACKOFFICE_FAILED)
    assert failed.data["error"] == case.sync_error

    settings.ZGW_BRONORGANISATIE = RSIN
    case_backoffice_retry(case_id=case.pk, user=agent)
    case.refresh_from_db()
    assert case.sync_state == Case.SyncState.PENDING
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "synced"
    assert case.events.filter(kind=CaseEvent.Kind.BACKOFFICE_RETRIED).count() == 1


def test_missing_configuration_is_a_visible_failure(settings, agent):
    settings.CASES_BACKEND = "zgw"
    settings.ZGW_ZAKEN_URL = ""
    case = _register(agent)
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "failed"
    case.refresh_from_db()
    assert case.sync_state == Case.SyncState.FAILED
    assert case.sync_error.startswith("The zgw case backend needs ZGW_ZAKEN_URL")


def test_unreachable_back_office_is_temporary(settings, agent):
    settings.CASES_BACKEND = "zgw"
    settings.ZGW_ZAKEN_URL = "http://127.0.0.1:9/zaken/api/v1"
    settings.ZGW_CLIENT_ID, settings.ZGW_SECRET = "webcare", "s" * 32
    settings.ZGW_ZAAKTYPE, settings.ZGW_BRONORGANISATIE = ZAAKTYPE, RSIN
    case = _register(agent)
    assert case_backoffice_register.apply(args=(case.pk,)).get() == "retry"
    case.refresh_from_db()
    assert case.sync_state == Case.SyncState.PENDING
    assert "ConnectionError" in case.sync_error


def test_unknown_backend_is_an_error():
    from cases.backends import get_backend

    with pytest.raises(BackendError, match="Unknown case backend 'nope'"):
        get_backend("nope")


def test_a_zaak_closed_in_the_back_office_resolves_the_case(zgw, agent):
    from cases.tasks import pull_backoffice_status

    case = _register(agent)
    other = _register(agent)
    case_backoffice_register.apply(args=(case.pk,))
    case_backoffice_register.apply(args=(other.pk,))
    assert pull_backoffice_status.apply().get() == 0

    zgw.zaken[0]["einddatum"] = "2026-03-01"
    assert pull_backoffice_status.apply().get() == 1

    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.status, other.status) == ("resolved", "registered")
    event = case.events.last()
    assert (event.kind, event.actor, event.from_status, event.to_status, event.data["source"]) == (
        CaseEvent.Kind.STATUS_CHANGED,
        None,
        "registered",
        "resolved",
        "backoffice",
    )
    assert pull_backoffice_status.apply().get() == 0  # nothing twice
    assert zgw.violations == []


def test_an_unreadable_back_office_status_skips_that_case_only(zgw, agent):
    from cases.tasks import pull_backoffice_status

    case = _register(agent)
    case_backoffice_register.apply(args=(case.pk,))
    zgw.fail_next = [503]
    assert pull_backoffice_status.apply().get() == 0
    case.refresh_from_db()
    assert case.status == "registered"
