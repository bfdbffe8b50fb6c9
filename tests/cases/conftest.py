"""A fake Zaken API (validating every request and response against the official spec) and the
settings that point the zgw backend at it."""

import pytest

from tests.conftest import SHARED, require

SPEC = SHARED / "specs" / "zaken-api-1.5.1-openapi.yaml"  # the VNG standard
RSIN = "002220647"  # passes the 11-proof
CATALOGI = "https://catalogi.example.nl/catalogi/api/v1"
ZAAKTYPE = f"{CATALOGI}/zaaktypen/0119dd4e-7be9-477e-bccf-75023b1453c1"
ROLTYPE = f"{CATALOGI}/roltypen/a5bd7ecc-0e72-4a3c-94c4-0c1b2a3f1d11"
STATUSTYPEN = {
    "registered": f"{CATALOGI}/statustypen/1b1a4a31-93b5-4b7a-8f5e-000000000001",
    "in_progress": f"{CATALOGI}/statustypen/1b1a4a31-93b5-4b7a-8f5e-000000000002",
    "resolved": f"{CATALOGI}/statustypen/1b1a4a31-93b5-4b7a-8f5e-000000000003",
}


@pytest.fixture
def fake_zaken():
    require(SPEC.exists(), f"the official Zaken API spec is missing at {SPEC} (../shared/specs)")
    from tests.fakes.fake_zaken import FakeZaken

    fake = FakeZaken(
        spec_path=SPEC, eindstatustypen={STATUSTYPEN["resolved"]}, statustypen=set(STATUSTYPEN.values())
    ).start()
    yield fake
    fake.stop()


@pytest.fixture
def zgw(settings, fake_zaken):
    settings.CASES_BACKEND = "zgw"
    settings.ZGW_ZAKEN_URL = fake_zaken.url
    settings.ZGW_CLIENT_ID = fake_zaken.client_id
    settings.ZGW_SECRET = fake_zaken.secret
    settings.ZGW_ZAAKTYPE = ZAAKTYPE
    settings.ZGW_ROLTYPE = ROLTYPE
    settings.ZGW_BRONORGANISATIE = RSIN
    settings.ZGW_VERANTWOORDELIJKE_ORGANISATIE = RSIN
    settings.ZGW_STATUSTYPEN = {}
    settings.ZGW_TIMEOUT_SECONDS = 5
    return fake_zaken
