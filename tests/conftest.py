"""Shared fixtures: users in roles and teams, a sandbox account, and ways to make messages arrive."""

import datetime as dt
import itertools
import os
import uuid
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.translation import trans_real

from inbox.incoming import IncomingMessage
from inbox.models import Account, Role, Team
from inbox.services.ingest import messages_ingest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REQUIRE_ALL = os.environ.get("WEBCARE_REQUIRE_ALL") == "1"
PASSWORD = "test-pass-123"


def require(condition: bool, reason: str) -> None:
    """Skip with a clear reason where a service or file is missing; in CI (WEBCARE_REQUIRE_ALL) fail."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required but missing: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session):
    # Dutch is asserted on; compile the catalogues so a bare `pytest` works like `make test`.
    for po_path in ROOT.glob("locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            # Written aside and renamed, so parallel test processes never read half a file.
            partial = mo_path.with_suffix(f".{os.getpid()}.tmp")
            with po_path.open("rb") as po, partial.open("wb") as mo:
                write_mo(mo, read_po(po))
            os.replace(partial, mo_path)
            # Django may have looked for catalogues while starting up, before they existed.
            trans_real._translations.clear()
            trans_real._default = None


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if REQUIRE_ALL and skipped:
        reporter.write_line(f"WEBCARE_REQUIRE_ALL: {len(skipped)} tests skipped; failing the run.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session", autouse=True)
def _test_task_queue():
    """Tasks the tests publish go to the real broker, on a queue of this run's own, purged after:
    a worker of `make run` (or another run's) never picks them up."""
    from webcare.celery import app

    saved, queue = app.conf.task_default_queue, f"webcare-tests-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = saved
    try:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
    except Exception:  # nothing to purge, or the broker is gone: nothing is left to pick up either way
        pass


@pytest.fixture
def published_tasks():
    """(task name, args) of every task published during the test, seen through Celery's own signal."""
    from celery.signals import before_task_publish

    published = []

    def record(sender=None, body=None, **kwargs):
        published.append((sender, tuple(body[0]) if body else ()))

    before_task_publish.connect(record, weak=False)
    yield published
    before_task_publish.disconnect(record)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through the API (English) or a language
    switch in an earlier test leaves its language active in the thread otherwise."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache, so nothing cached by one test leaks into the next.

    Local memory is cleared. A shared Redis (REDIS_URL) is never flushed, since other runs and the
    broker use it too: each test gets a key prefix of its own instead, which processes a test starts
    can be given as CACHE_KEY_PREFIX to share its cache.
    """
    from django.core.cache import cache

    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        prefix = f"webcare-test-{uuid.uuid4().hex[:12]}"
        settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    else:
        cache.clear()


def cache_away(settings, location: str = "redis://127.0.0.1:1/0") -> None:
    """Django's cache as production configures it (webcare.env.redis_cache), at a Redis that is not
    there (by default: nothing listens on port 1)."""
    from webcare.env import redis_cache

    settings.CACHES = {"default": redis_cache(location, key_prefix=f"webcare-test-{uuid.uuid4().hex[:12]}")}
    # A new outage: the cache logger's once-a-minute filter lets its first failure through, whatever
    # an earlier test in this process logged less than a minute ago.
    for log_filter in cache_away_log_filters():
        log_filter._logged_at, log_filter._held = None, 0


def cache_away_log_filters() -> list:
    """The CacheAwayLog filters on the cache's logger: settings.LOGGING puts one there, and logging
    configured again (as some tests do) adds one more, since dictConfig keeps a logger's filters."""
    import logging

    from webcare.cache import CacheAwayLog

    return [f for f in logging.getLogger("webcare.cache").filters if isinstance(f, CacheAwayLog)]


@pytest.fixture
def new_process():
    """Go on as a new process of a release would: its release (webcare/cache.py) not read yet; call
    it to start another. Read again after the test, so later tests see the project's own."""
    from webcare.cache import release

    release.cache_clear()
    yield release.cache_clear
    release.cache_clear()


# --- People and teams ---------------------------------------------------------------------------


@pytest.fixture
def teams(db):
    return {
        "kcc": Team.objects.create(name="KCC", slug="kcc", kind=Team.Kind.KCC),
        "comms": Team.objects.create(name="Communicatie", slug="communicatie", kind=Team.Kind.COMMS),
        "oost": Team.objects.create(
            name="Wijkbureau Oost", slug="wijkbureau-oost", kind=Team.Kind.WIJKBUREAU
        ),
        "west": Team.objects.create(
            name="Wijkbureau West", slug="wijkbureau-west", kind=Team.Kind.WIJKBUREAU
        ),
    }


@pytest.fixture
def make_user(db, teams):
    counter = itertools.count(1)

    def make(role: str, team: str = "kcc", username: str | None = None) -> User:
        username = username or f"{role}{next(counter)}"
        user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.title())
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save()
        teams[team].members.add(user)
        return user

    return make


@pytest.fixture
def one_per_role(make_user) -> dict:
    """One user of each role, by role name (agent, adviser, wijk, manager, admin): who the page-wide
    tests (permission matrix, accessibility) walk through."""
    return {
        "agent": make_user(Role.AGENT, username="anouk"),
        "adviser": make_user(Role.ADVISER, team="comms", username="daan"),
        "wijk": make_user(Role.WIJKBUREAU, team="oost", username="fatima"),
        "manager": make_user(Role.MANAGER, username="ellen"),
        "admin": make_user(Role.ADMIN, username="ruud"),
    }


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, username="agent")


@pytest.fixture
def other_agent(make_user):
    return make_user(Role.AGENT, username="collega")


# --- Accounts and incoming messages -------------------------------------------------------------


@pytest.fixture
def account(teams):
    return Account.objects.create(
        platform="sandbox",
        handle="GemeenteTest",
        team=teams["kcc"],
        config={"initial": 3, "rate_per_minute": 0},
    )


_ids = itertools.count(1)


def incoming(**overrides) -> IncomingMessage:
    n = next(_ids)
    values = {
        "platform_id": f"item-{n}",
        "author_id": "citizen-1",
        "author_handle": "burger1",
        "author_name": "Burger Een",
        "text": "Er ligt een omgevallen boom op het fietspad.",
        "created_at": timezone.now(),
        "kind": "mention",
    }
    values.update(overrides)
    values.setdefault("thread_key", values["platform_id"])
    return IncomingMessage(**values)


@pytest.fixture
def deliver(account):
    """Ingest items on the test account as a poll would, moving its cursor."""

    def deliver_items(*items: IncomingMessage, cursor: str = "c", to: Account | None = None):
        return messages_ingest(account_id=(to or account).pk, items=list(items), cursor=cursor)

    return deliver_items


@pytest.fixture
def conversation(deliver):
    deliver(incoming(platform_id="first", thread_key="first"))
    from inbox.models import Conversation

    return Conversation.objects.get(thread_key="first")


# --- Open Klant ----------------------------------------------------------------------------------

KLANTINTERACTIES_SPEC = SHARED / "specs" / "open-klant-klantinteracties-openapi.yaml"


@pytest.fixture
def fake_openklant():
    """A fake Open Klant over real HTTP, checking every request and response against the official spec."""
    require(
        KLANTINTERACTIES_SPEC.exists(),
        f"the official Klantinteracties spec is missing at {KLANTINTERACTIES_SPEC} (../shared/specs)",
    )
    from tests.fakes.fake_klantinteracties import FakeKlantinteracties

    fake = FakeKlantinteracties(spec_path=KLANTINTERACTIES_SPEC).start()
    yield fake
    fake.stop()


@pytest.fixture
def openklant(settings, fake_openklant):
    """The fake Open Klant, with klantcontacten pointed at it."""
    settings.KLANTINTERACTIES_API_URL = fake_openklant.url
    settings.KLANTINTERACTIES_API_TOKEN = fake_openklant.token
    settings.KLANTINTERACTIES_TIMEOUT_SECONDS = 5
    settings.KLANTINTERACTIES_KANALEN = {}
    settings.KLANTINTERACTIES_REFERENTIE_PREFIX = "9"
    return fake_openklant


@pytest.fixture
def answered(conversation, agent):
    """The test conversation, claimed and answered by the agent (the reply still queued)."""
    from inbox.services.claims import conversation_claim
    from inbox.services.outbox import reply_queue

    conversation_claim(conversation_id=conversation.pk, user=agent)
    reply_queue(conversation_id=conversation.pk, user=agent, text="Dank u, we sturen iemand langs.")
    conversation.refresh_from_db()
    return conversation


def minutes_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=n)
