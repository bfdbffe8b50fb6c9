"""A fake Open Klant (validating every request and response against the official Klantinteracties
spec) and the settings that point klantcontacten at it; an answered conversation to close."""

import pytest

from inbox.services.claims import conversation_claim
from inbox.services.outbox import reply_queue
from tests.conftest import SHARED, require

SPEC = SHARED / "specs" / "open-klant-klantinteracties-openapi.yaml"


@pytest.fixture
def fake_openklant():
    require(SPEC.exists(), f"the official Klantinteracties spec is missing at {SPEC} (../shared/specs)")
    from tests.fakes.fake_klantinteracties import FakeKlantinteracties

    fake = FakeKlantinteracties(spec_path=SPEC).start()
    yield fake
    fake.stop()


@pytest.fixture
def openklant(settings, fake_openklant):
    settings.KLANTINTERACTIES_API_URL = fake_openklant.url
    settings.KLANTINTERACTIES_API_TOKEN = fake_openklant.token
    settings.KLANTINTERACTIES_TIMEOUT_SECONDS = 5
    settings.KLANTINTERACTIES_KANALEN = {}
    settings.KLANTINTERACTIES_REFERENTIE_PREFIX = "9"
    return fake_openklant


@pytest.fixture
def answered(conversation, agent):
    """The test conversation, claimed and answered by the agent (the reply still queued)."""
    conversation_claim(conversation_id=conversation.pk, user=agent)
    reply_queue(conversation_id=conversation.pk, user=agent, text="Dank u, we sturen iemand langs.")
    conversation.refresh_from_db()
    return conversation
