"""SSO with the municipality's identity provider: the code flow against a local OIDC fake over real
HTTP, the ID token signed with a key made here; roles from the groups claim at every login."""

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User

from audit.models import AuditEntry
from tests.fakes.fake_oidc import FakeOIDC


@pytest.fixture
def idp(settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake = FakeOIDC(key, client_id="webcare", client_secret="s3cret").start()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    settings.OIDC_ENABLED = True
    settings.OIDC_ROLE_GROUPS = ["agent=KCC-medewerkers", "admin=Webcare-beheer"]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "security.oidc.RoleClaimsBackend"]
    yield fake
    fake.stop()


def sso_login(client, fake):
    """Our login start → the provider (real HTTP) → our callback, as a browser follows redirects."""
    start = client.get("/oidc/authenticate/?next=/queue/")
    assert start.status_code == 302 and start["Location"].startswith(fake.url + "/authorize")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    callback = at_provider.headers["Location"].removeprefix("http://testserver")
    return client.get(callback)


def test_an_sso_login_creates_the_user_with_roles_from_the_groups_claim(client, idp, db, settings):
    idp.user = {
        "preferred_username": "j.devries",
        "email": "j.devries@utrecht.example",
        "given_name": "Jan",
        "family_name": "de Vries",
        "groups": ["KCC-medewerkers", "Alle-medewerkers"],
    }

    response = sso_login(client, idp)

    assert (response.status_code, response["Location"]) == (302, "/queue/")
    user = User.objects.get(username="j.devries")
    assert (user.get_full_name(), user.email, user.has_usable_password()) == (
        "Jan de Vries",
        "j.devries@utrecht.example",
        False,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["agent"]
    assert client.get("/queue/").status_code == 200
    assert AuditEntry.objects.get(action="login").detail == {"method": "sso"}
    assert idp.requests == ["GET /authorize", "POST /token", "GET /jwks", "GET /userinfo"]


def test_roles_follow_the_provider_at_every_login(client, idp, db):
    idp.user = {"preferred_username": "beheer1", "groups": ["Webcare-beheer"]}
    sso_login(client, idp)
    assert User.objects.get(username="beheer1").is_superuser is True
    client.post("/accounts/logout/")

    idp.user = {"preferred_username": "beheer1", "groups": ["KCC-medewerkers"]}
    sso_login(client, idp)

    user = User.objects.get(username="beheer1")
    assert (user.is_superuser, user.is_staff, list(user.groups.values_list("name", flat=True))) == (
        False,
        False,
        ["agent"],
    )


def test_someone_without_a_webcare_role_is_refused(client, idp, db):
    idp.user = {"preferred_username": "buitenstaander", "groups": ["Alle-medewerkers"]}

    response = sso_login(client, idp)

    assert response["Location"] == "/accounts/login/?sso=failed"
    assert not User.objects.filter(username="buitenstaander").exists()
    assert (
        "Inloggen met uw gemeenteaccount is niet gelukt" in client.get(response["Location"]).content.decode()
    )


def test_an_id_token_for_another_client_is_refused(client, idp, db):
    idp.user = {"preferred_username": "j.devries", "groups": ["KCC-medewerkers"]}
    idp.audience = "some-other-app"

    response = sso_login(client, idp)

    assert response["Location"] == "/accounts/login/?sso=failed"
    assert not User.objects.exists()


def test_an_sso_login_counts_as_two_factor_where_the_provider_is_trusted(client, idp, db, settings):
    settings.WEBCARE_MFA_REQUIRED_ROLES = ["admin"]
    idp.user = {"preferred_username": "beheer2", "groups": ["Webcare-beheer"]}

    sso_login(client, idp)
    assert client.get("/admin/").status_code == 200

    settings.OIDC_MFA_TRUSTED = False
    assert client.get("/admin/")["Location"] == "/account/two_factor/setup/"


def test_the_login_page_offers_sso_only_when_set_up(client, idp, db, settings):
    assert 'data-testid="sso"' in client.get("/accounts/login/").content.decode()

    settings.OIDC_ENABLED = False

    assert 'data-testid="sso"' not in client.get("/accounts/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
