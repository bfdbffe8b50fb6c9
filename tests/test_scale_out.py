"""Scale-out without per-process state: two web processes (gunicorn) and two Celery workers against
one PostgreSQL and one Redis. Polls of two accounts run on the workers side by side; agents on
different web processes take from one queue without ever getting the same conversation; a change
made through one web process shows in the other's live refresh; replies are sent once; and the
dashboard's cache is the shared Redis, not one process's memory.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import uuid

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from channels.tasks import poll_due_accounts
from inbox.models import Account, Conversation, Event, Message, Role
from tests.conftest import ROOT, require
from tests.test_celery_worker import database_url, wait_for
from webcare.celery import app

ACCOUNTS = ("SchaalEen", "SchaalTwee")
ITEMS_PER_ACCOUNT = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """Two web processes and two workers sharing this test's database, broker queue and cache."""
    require(connection.vendor == "postgresql", "scale-out needs PostgreSQL")
    require(bool(settings.REDIS_URL), "scale-out needs Redis (REDIS_URL)")
    queue = f"scale-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "PYTHONUNBUFFERED": "1",
    }
    processes, logs, webs = [], [], []
    for n in (1, 2):
        log = tmp_path / f"worker{n}.log"
        worker = [sys.executable, "-m", "celery", "-A", "webcare", "worker", "--pool=solo", f"-n=scale{n}@%h"]
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
        processes.append(
            subprocess.Popen(worker, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        )
        logs.append(log)
        port = free_port()
        log = tmp_path / f"web{n}.log"
        web = [sys.executable, "-m", "gunicorn", "webcare.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        web += ["--workers", "1", "--threads", "4"]
        processes.append(
            subprocess.Popen(web, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        )
        logs.append(log)
        webs.append(f"http://127.0.0.1:{port}")
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        for base in webs:
            wait_for(lambda base=base: _answers(base), timeout=60, what=f"{base} to start")
        yield webs, processes, logs
    except AssertionError:
        for log in logs:
            print(log.name, log.read_text()[-3000:])
        raise
    finally:
        app.conf.task_default_queue = saved_queue
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=10).status_code in (200, 503)
    except requests.RequestException:  # not listening yet, or still starting up
        return False


def browser(base: str, user) -> requests.Session:
    """A logged-in session against one web process (the session lives in the shared database)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.get(f"{base}/queue/", timeout=10).raise_for_status()  # sets the CSRF cookie
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.base = base
    return session


def take_next(session: requests.Session) -> int | None:
    response = session.post(f"{session.base}/queue/next/", allow_redirects=False, timeout=20)
    found = re.search(r"/conversations/(\d+)/", response.headers.get("Location", ""))
    return int(found.group(1)) if found else None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_two_workers_work_as_one(cluster, teams, make_user):
    webs, processes, logs = cluster
    for handle in ACCOUNTS:
        Account.objects.create(
            platform="sandbox",
            handle=handle,
            team=teams["kcc"],
            config={"initial": ITEMS_PER_ACCOUNT, "rate_per_minute": 0, "page_size": 4},
        )
    agents = [make_user(Role.AGENT), make_user(Role.AGENT)]
    manager = make_user(Role.MANAGER)

    # Both accounts' polls are queued at once; the two workers take them side by side.
    poll_due_accounts.delay()
    wait_for(lambda: Message.objects.count() == 2 * ITEMS_PER_ACCOUNT, what="both accounts polled")
    open_conversations = Conversation.objects.filter(state="new").count()

    one, two = browser(webs[0], agents[0]), browser(webs[1], agents[1])

    # What one web process does shows in the other's live refresh at once; unchanged is a 204.
    page = one.get(f"{one.base}/queue/", timeout=10).text
    version = re.search(r'data-version="([^"]+)"', page).group(1)
    live = {"filter": "all", "team": "", "v": version}
    htmx = {"HX-Request": "true"}
    unchanged = one.get(f"{one.base}/queue/", params=live, headers=htmx, timeout=10)
    assert unchanged.status_code in (204, 200)  # 200 only if the minute turned just now
    first = take_next(two)
    assert first is not None
    changed = one.get(f"{one.base}/queue/", params=live, headers=htmx, timeout=10)
    assert changed.status_code == 200
    assert f'data-conversation="{first}"' in changed.text and "met Agent" in changed.text

    # Agents on both web processes take next at the same time: never the same conversation.
    taken: dict[int, list] = {0: [], 1: []}

    def press(n: int, session: requests.Session) -> None:
        for _ in range(open_conversations):
            pk = take_next(session)
            if pk is None:
                return
            taken[n].append(pk)

    threads = [threading.Thread(target=press, args=(n, s)) for n, s in enumerate((one, two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [first, *taken[0], *taken[1]]
    assert len(claimed) == len(set(claimed)) == open_conversations
    assert taken[0] and taken[1]
    twice = (
        Event.objects.filter(kind="claimed")
        .values_list("conversation_id", flat=True)
        .order_by("conversation_id")
    )
    assert len(list(twice)) == len(set(twice)) == open_conversations

    # Replies through either web process are sent by the workers, each once.
    replies = []
    for session, pk in ((one, taken[0][0]), (two, taken[1][0])):
        response = session.post(
            f"{session.base}/conversations/{pk}/reply/",
            data={"text": "Dank u, wij pakken het op."},
            timeout=20,
        )
        assert response.status_code == 200
        replies.append(Message.objects.filter(conversation_id=pk, direction="out").latest("pk"))
    wait_for(
        lambda: all(Message.objects.get(pk=r.pk).send_status == "sent" for r in replies), what="replies sent"
    )
    assert [Message.objects.get(pk=r.pk).send_attempts for r in replies] == [1, 1]

    # The dashboard's figures are cached in the shared Redis by the web process that counted them.
    dashboard = browser(webs[1], manager).get(f"{webs[1]}/dashboard/", timeout=30)
    assert dashboard.status_code == 200
    from django.core.cache import cache

    assert cache.keys("reports:dashboard:*")  # under this test's KEY_PREFIX, as the web processes had

    assert all(process.poll() is None for process in processes), "a process died"
