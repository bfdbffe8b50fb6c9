"""A real Celery worker killed with SIGKILL at random moments while it sends replies to the fake X:
every reply is posted exactly once, none is lost, none stays in sending or unknown.

The fake X runs in this process and logs every post it accepts; each post answers slowly
(`write_delay`) so kills land between X posting a reply and the worker recording it. After the
kills, the sweeps (send_pending: stale sending → unknown, every unknown looked up on X) settle every
reply to sent or failed; the failed ones (looked up after X's read delay and not there) are retried
and must then be posted once too.

Bigger: ``OUTBOX_KILL_REPLIES=60 OUTBOX_KILL_KILLS=30 pytest tests/test_outbox_kill.py -s``.
"""

import os
import random
import signal
import subprocess
import sys
import time
import uuid

import pytest

from channels import polling
from channels.tasks import send_pending, send_reply
from inbox.models import Account, Conversation, Event, Message
from inbox.services.outbox import reply_queue, reply_retry
from tests.conftest import REQUIRE_ALL, ROOT
from tests.fakes.fake_x import FakeX
from tests.test_celery_worker import database_url
from webcare.celery import app

USER_ID = "1500000000000000001"
REPLIES = int(os.environ.get("OUTBOX_KILL_REPLIES", "30"))
KILLS = int(os.environ.get("OUTBOX_KILL_KILLS", "10"))
SETTLE_SECONDS = float(os.environ.get("OUTBOX_KILL_SETTLE_SECONDS", "60"))
PENDING = ("queued", "sending", "unknown")


class Workers:
    """One worker process at a time on a queue of its own; killed and started again at will."""

    def __init__(self, fake_url: str, log_dir):
        self.queue = f"test-kill-{uuid.uuid4().hex[:8]}"
        self.log = log_dir / "worker.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_QUEUE": self.queue,
            "PYTHONUNBUFFERED": "1",
            "X_API_BASE_URL": fake_url,
            "X_API_READ_TIMEOUT": "2",
            # A send takes well under a second here; one stuck longer had its worker killed.
            "INBOX_SENDING_STALE_SECONDS": "3",
            # The fake's reads lag by 0.3 s (read_delay); a verdict "not there" waits longer.
            "INBOX_RECONCILE_AFTER_SECONDS": "x=1",
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.open("a") as log:
            log.write(f"\n--- worker start {self.starts} ---\n")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "webcare", "worker", "--pool=solo", "--without-gossip"]
            + ["--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def fake(settings):
    fake = FakeX(USER_ID, "GemeenteTest")
    settings.X_API_BASE_URL = fake.start()
    fake.write_delay = 0.25  # X takes its time to answer a post: the window a kill can hit
    fake.read_delay = 0.3  # and its timeline shows a post a moment later
    yield fake
    fake.stop()


@pytest.fixture
def workers(fake, tmp_path):
    if REQUIRE_ALL:
        from django.conf import settings

        assert settings.REDIS_URL, "CI must run the worker test against Redis (REDIS_URL)"
    workers = Workers(fake.url, tmp_path)
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = workers.queue
    try:
        yield workers
    finally:
        app.conf.task_default_queue = saved_queue
        workers.stop()
        try:
            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(workers.queue)
        except Exception:
            pass


def _statuses(ids) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Message.objects.filter(pk__in=ids).values_list("send_status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _settle(ids, deadline: float) -> None:
    """Run the beat's safety net until no reply is queued, sending or unknown."""
    last_sweep = 0.0
    while time.monotonic() < deadline:
        pending = list(
            Message.objects.filter(pk__in=ids, send_status__in=PENDING).values_list("pk", "send_status")
        )
        if not pending:
            return
        if time.monotonic() - last_sweep > 2:
            last_sweep = time.monotonic()
            send_pending.delay()
            # The queued ones whose task died with a worker (send_pending waits a minute for those).
            for pk, status in pending:
                if status == "queued":
                    send_reply.delay(pk)
        time.sleep(0.3)
    raise AssertionError(f"replies still pending after the sweeps: {_statuses(ids)}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_replies_are_posted_exactly_once_through_kill_9s_of_the_worker(fake, workers, teams, agent):
    started = time.monotonic()
    rng = random.Random(os.environ.get("OUTBOX_KILL_SEED"))
    account = Account.objects.create(
        platform="x",
        handle="GemeenteTest",
        team=teams["kcc"],
        credentials={
            "consumer_key": "ck",
            "consumer_secret": "cs",
            "access_token": "at",
            "access_token_secret": "ats",
        },
        config={"user_id": USER_ID, "dm_interval_seconds": 3600},
    )
    citizen = fake.user("2600000000000000001", "anna_utrecht", "Anna de Vries")
    for number in range(REPLIES):
        fake.mention(f"@GemeenteTest Vraag {number}: er ligt glas op het fietspad.", author_id=citizen["id"])
    assert polling.poll_account(account.pk) == f"ok: {REPLIES} new"
    texts = {}
    for conversation in Conversation.objects.order_by("pk"):
        text = f"Antwoord {conversation.pk}: dank u, we sturen iemand langs (https://www.utrecht.nl/afval)."
        texts[reply_queue(conversation_id=conversation.pk, user=agent, text=text).pk] = text
    ids = list(texts)
    # Besides the kills, X itself loses a few answers: two posts whose connection drops, two 503s
    # before anything is posted.
    fake.lose_answer("/2/tweets", drop=True, times=2)
    fake.fail("/2/tweets", 503, {"title": "Service Unavailable", "type": "about:blank"}, times=2)

    kills = 0
    workers.start()
    try:
        while kills < KILLS and Message.objects.filter(pk__in=ids, send_status__in=PENDING).exists():
            posts = len(fake.requests_to("/2/tweets", method="POST"))
            wait_until = time.monotonic() + 30
            # Kill while it sends: once it is posting again, at a random moment of the next post.
            while (
                len(fake.requests_to("/2/tweets", method="POST")) == posts and time.monotonic() < wait_until
            ):
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.6))
            workers.kill()
            kills += 1
            workers.start()
            # Sweep now and then while killing, so stuck replies also meet kills during lookups.
            if kills % 3 == 0:
                send_pending.delay()
        _settle(ids, time.monotonic() + SETTLE_SECONDS)

        after_kills = _statuses(ids)
        posted_before_retry = {pk: len(fake.posts_of(text)) for pk, text in texts.items()}
        failed = list(Message.objects.filter(pk__in=ids, send_status="failed").values_list("pk", flat=True))
        # A reply failed after its lookup was not on X: retrying it is safe, and it must post once now.
        assert {pk: posted_before_retry[pk] for pk in failed} == dict.fromkeys(failed, 0)
        for pk in failed:
            reply_retry(message_id=pk, user=agent)
        _settle(ids, time.monotonic() + SETTLE_SECONDS)
    except AssertionError:
        print(workers.log.read_text()[-20000:])
        raise

    posts = {pk: fake.posts_of(text) for pk, text in texts.items()}
    double = sum(max(0, len(p) - 1) for p in posts.values())
    lost = sum(1 for p in posts.values() if not p)
    messages = {m.pk: m for m in Message.objects.filter(pk__in=ids)}
    steps = Event.objects.filter(conversation__messages__pk__in=ids).values_list("kind", flat=True)
    print(
        f"\nkill test: {REPLIES} replies, {kills} kill -9s, {workers.starts} worker starts; "
        f"{sum(k == 'reply_unknown' for k in steps)} became unknown, "
        f"{sum(k == 'reply_reconciled' for k in steps)} found on X; after the kills {after_kills}; "
        f"{len(failed)} not found on X and retried; "
        f"double posts {double}, lost {lost}; {time.monotonic() - started:.0f} s"
    )
    assert kills == KILLS
    assert double == 0
    assert lost == 0
    assert {m.send_status for m in messages.values()} == {"sent"}
    assert {pk: m.platform_id for pk, m in messages.items()} == {pk: p[0]["id"] for pk, p in posts.items()}
