"""End to end through a real Celery worker process: beat's tick → poll → queue → reply → sent.

The broker is Redis where REDIS_URL is set (CI), else the embedded SQLite broker; the worker
reads the same test database as this process.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from channels.tasks import poll_due_accounts
from inbox.models import Conversation, Message
from inbox.services.outbox import reply_queue
from tests.conftest import REQUIRE_ALL, ROOT
from webcare.celery import app


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path):
    if REQUIRE_ALL:
        assert settings.REDIS_URL, "CI must run the worker test against Redis (REDIS_URL)"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "webcare",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield process, log
    finally:
        app.conf.task_default_queue = saved_queue
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_poll_queue_reply_sent_through_a_real_worker(worker, account, agent):
    process, log = worker

    try:
        poll_due_accounts.delay()
        wait_for(lambda: Message.objects.count() == 3, what="the worker to poll the sandbox account")
        conversation = Conversation.objects.order_by("pk").first()

        message = reply_queue(
            conversation_id=conversation.pk, user=agent, text="Dank u wel, wij pakken het op."
        )
        wait_for(
            lambda: Message.objects.get(pk=message.pk).send_status == "sent",
            what="the worker to send the reply",
        )
    except AssertionError:
        print(log.read_text())
        raise

    assert process.poll() is None, "the worker died"
    message.refresh_from_db()
    assert message.platform_id.startswith("GemeenteTest-out-")
    assert message.send_attempts == 1
    conversation.refresh_from_db()
    assert conversation.state == "answered"
    assert list(conversation.events.values_list("kind", flat=True))[-1] == "reply_sent"
    assert "channels.tasks.send_reply" in log.read_text()
