"""An X account pointed at a fake X API v2 server that runs on 127.0.0.1 for each test."""

import pytest

from channels import polling
from inbox.models import Account
from tests.fakes.fake_x import FakeX

USER_ID = "1500000000000000001"
CREDENTIALS = {
    "bearer_token": "bearer-secret-AAA",
    "consumer_key": "ck-secret",
    "consumer_secret": "cs-secret",
    "access_token": "at-secret",
    "access_token_secret": "ats-secret",
}


@pytest.fixture
def fake_x(settings):
    fake = FakeX(USER_ID, "GemeenteTest")
    settings.X_API_BASE_URL = fake.start()
    settings.X_API_READ_TIMEOUT = 2
    yield fake
    fake.stop()


@pytest.fixture
def x_account(teams, fake_x):
    return Account.objects.create(
        platform="x",
        handle="GemeenteTest",
        team=teams["kcc"],
        credentials=CREDENTIALS,
        config={"user_id": USER_ID, "monitor": [], "dm_interval_seconds": 0},
    )


@pytest.fixture
def citizens(fake_x):
    return {
        "anna": fake_x.user("2600000000000000001", "anna_utrecht", "Anna de Vries"),
        "piet": fake_x.user("2600000000000000002", "pietjansen", "Piet Jansen"),
    }


def poll(account) -> str:
    return polling.poll_account(account.pk)


def mentions_requests(fake):
    return fake.requests_to("/mentions")
