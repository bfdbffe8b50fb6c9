import datetime as dt

import pytest

from inbox.models import Account
from tests.fakes.fake_graph import FakeGraph

PAGE_ID = "1000"
TOKEN = "page-token"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-me"
CITIZEN = {"id": "user-anna", "name": "Anna de Vries"}
OTHER = {"id": "user-kees", "name": "Kees Jansen"}


@pytest.fixture
def graph(settings):
    fake = FakeGraph().start()
    fake.add_page(PAGE_ID, "Gemeente Test", TOKEN)
    settings.FACEBOOK_GRAPH_URL = fake.url
    settings.FACEBOOK_GRAPH_VERSION = "23.0"
    yield fake
    fake.stop()


@pytest.fixture
def fb_account(teams):
    return Account.objects.create(
        platform="facebook",
        handle=PAGE_ID,
        display_name="Gemeente Test",
        team=teams["kcc"],
        credentials={"page_token": TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN},
    )


def ago(**kwargs) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(**kwargs)
