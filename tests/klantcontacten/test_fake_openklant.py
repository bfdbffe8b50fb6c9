"""The fake Open Klant really holds requests to the official document and to Open Klant's own rules,
answering as Open Klant does: a Token, known query parameters, maxLengths, a numeric and unique
referentienummer, existing references, errors with invalidParams in Dutch."""

import requests


def _post(fake, path, body, token=None):
    headers = {"Authorization": f"Token {token or fake.token}"}
    return requests.post(f"{fake.url}{path}", json=body, headers=headers, timeout=5)


def _klantcontact(**overrides):
    return {"kanaal": "Telefoon", "onderwerp": "Vraag", "taal": "nld", "vertrouwelijk": False, **overrides}


def test_without_the_token_it_is_401(fake_openklant):
    response = requests.get(f"{fake_openklant.url}/klantcontacten", timeout=5)
    wrong = requests.get(
        f"{fake_openklant.url}/klantcontacten", headers={"Authorization": "Bearer x"}, timeout=5
    )

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert response.json()["title"] == "Authenticatiegegevens zijn niet opgegeven."
    assert wrong.status_code == 401


def test_an_unknown_query_parameter_is_refused(fake_openklant):
    response = requests.get(
        f"{fake_openklant.url}/klantcontacten",
        params={"digitaaladres": "x"},
        headers={"Authorization": f"Token {fake_openklant.token}"},
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {
            "name": "nonFieldErrors",
            "code": "unknown-parameters",
            "reason": "Onbekende query parameters: digitaaladres",
        }
    ]


def test_a_body_breaking_the_spec_is_refused_with_the_reason(fake_openklant):
    too_long = _post(fake_openklant, "/klantcontacten", _klantcontact(kanaal="k" * 51))
    missing = _post(fake_openklant, "/klantcontacten", {"kanaal": "Telefoon"})

    assert too_long.status_code == missing.status_code == 400
    assert too_long.json()["invalidParams"][0]["reason"].endswith(f"'{'k' * 51}' is too long")
    assert "onderwerp" in missing.json()["invalidParams"][0]["reason"]
    assert fake_openklant.store.klantcontacten == {}


def test_the_referentienummer_is_numeric_and_unique(fake_openklant):
    letters = _post(fake_openklant, "/klantcontacten", _klantcontact(referentienummer="WEB-1"))
    first = _post(fake_openklant, "/klantcontacten", _klantcontact(referentienummer="9000000001"))
    again = _post(
        fake_openklant, "/maak-klantcontact", {"klantcontact": _klantcontact(referentienummer="9000000001")}
    )

    assert letters.json()["invalidParams"] == [
        {"name": "referentienummer", "code": "invalid", "reason": "Voer een geheel getal in."}
    ]
    assert first.status_code == 201
    assert again.json()["invalidParams"] == [
        {
            "name": "klantcontact.referentienummer",
            "code": "unique",
            "reason": "Er bestaat al een klantcontact met eenzelfde referentienummer.",
        }
    ]
    assert len(fake_openklant.store.klantcontacten) == 1


def test_maak_klantcontact_makes_all_or_nothing(fake_openklant):
    response = _post(
        fake_openklant,
        "/maak-klantcontact",
        {
            "klantcontact": _klantcontact(),
            "betrokkene": {
                "rol": "klant",
                "initiator": True,
                "wasPartij": {"uuid": "5d0b1c6e-0000-4000-8000-000000000000"},
            },
        },
    )

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "betrokkene.wasPartij.uuid"
    assert fake_openklant.store.klantcontacten == {}


def test_a_reference_must_exist(fake_openklant):
    response = _post(
        fake_openklant,
        "/betrokkenen",
        {
            "hadKlantcontact": {"uuid": "5d0b1c6e-0000-4000-8000-000000000000"},
            "rol": "klant",
            "initiator": True,
        },
    )

    assert response.json()["invalidParams"] == [
        {
            "name": "hadKlantcontact.uuid",
            "code": "does_not_exist",
            "reason": "Klantcontact object bestaat niet.",
        }
    ]


def test_lists_are_paged(fake_openklant):
    for n in range(3):
        _post(fake_openklant, "/klantcontacten", _klantcontact(onderwerp=f"Vraag {n}"))

    page = requests.get(
        f"{fake_openklant.url}/klantcontacten",
        params={"pageSize": 2},
        headers={"Authorization": f"Token {fake_openklant.token}"},
        timeout=5,
    ).json()

    assert (page["count"], len(page["results"]), page["previous"]) == (3, 2, None)
    assert "page=2" in page["next"]
    assert [v for v in fake_openklant.violations if not v.startswith("400")] == []
