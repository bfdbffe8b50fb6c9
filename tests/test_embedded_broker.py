"""The embedded broker through its real parts: two publishing processes, one Celery worker process.

The subprocesses are told to use the embedded broker (REDIS_URL empty, a broker file of this
test's own), so this runs the same where REDIS_URL is set for the whole run (CI). The task is
tests/broker_probe.py's, loaded into the worker with `-I`: one file per task run.
"""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
from kombu import Connection
from sqlalchemy import event

from tests.conftest import ROOT
from webcare import broker

PER_PUBLISHER = 1500
# BROKER_TEST_TRANSPORT=kombu.transport.sqlalchemy:Transport shows what the subclass adds (those fail).
TRANSPORT = os.environ.get("BROKER_TEST_TRANSPORT", "webcare.broker:Transport")


def embedded_env(tmp_path, done) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": "",  # the embedded broker, whatever the run's own environment says
        "WEBCARE_VAR_DIR": str(tmp_path / "var"),  # its file: var/celery-broker.sqlite3
        "CELERY_QUEUE": f"broker-test-{uuid.uuid4().hex[:8]}",
        "BROKER_PROBE_DIR": str(done),
        "DJANGO_SETTINGS_MODULE": "webcare.settings",
        "PYTHONUNBUFFERED": "1",
    }


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def broker_rows(env) -> tuple[int, int]:
    """(messages still waiting, messages handed out) in the test's queue, read with kombu itself."""
    url = f"sqlite:///{env['WEBCARE_VAR_DIR']}/celery-broker.sqlite3"
    with Connection(url, transport="webcare.broker:Transport") as connection:
        channel = connection.default_channel
        rows = channel._query_all(env["CELERY_QUEUE"])
        taken = rows.filter(channel.message_cls.visible == False).count()  # noqa: E712
        return channel._size(env["CELERY_QUEUE"]), taken


@pytest.fixture
def worker(tmp_path):
    done = tmp_path / "done"
    done.mkdir()
    env = embedded_env(tmp_path, done)
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "webcare", "worker", "-I", "tests.broker_probe"]
    command += ["--concurrency=2", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, 60, "the worker")
        yield process, env, done, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.celery_worker
def test_two_publishers_one_worker_thousands_of_messages_none_lost_bad_ones_set_aside(worker):
    process, env, done, log = worker
    assert process.poll() is None, log.read_text()
    started = time.monotonic()
    publishers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.broker_probe", str(first), str(PER_PUBLISHER), *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for first, extra in ((0, ["--garbage"]), (PER_PUBLISHER, []))
    ]
    outputs = [publisher.communicate(timeout=120)[0] for publisher in publishers]
    assert [p.returncode for p in publishers] == [0, 0], outputs
    published = time.monotonic() - started

    total = 2 * PER_PUBLISHER
    try:
        wait_for(lambda: len(os.listdir(done)) >= total, 90, f"{total} tasks to run")
    except AssertionError:
        print(log.read_text()[-5000:])
        raise
    ran = time.monotonic() - started
    print(f"{total} messages from 2 processes: published in {published:.1f} s, all run in {ran:.1f} s")

    names = set(os.listdir(done))
    assert names == {str(n) for n in range(total)}, "lost or run twice: " + ", ".join(
        sorted(names ^ {str(n) for n in range(total)})[:10]
    )
    assert process.poll() is None, "the worker died"
    text = log.read_text()
    # Celery's own handling of a message it cannot decode or does not accept: logged, then dropped.
    assert text.count("Can't decode message body") == 2, text[-5000:]
    assert "Refusing to deserialize untrusted content of type pickle" in text
    # The broker's handling of a row that is not a kombu message: logged and set aside.
    assert "Embedded broker: an unreadable message on queue" in text
    assert "Unrecoverable error" not in text
    assert "Traceback" not in text.split("Can't decode")[0]  # nothing went wrong before the garbage
    waiting, taken = broker_rows(env)
    assert (waiting, taken) == (0, total + 3)


def test_the_embedded_default_is_the_sqlalchemy_broker_on_a_file_under_var(tmp_path):
    env = embedded_env(tmp_path, tmp_path)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT, s.CELERY_BROKER_TRANSPORT_OPTIONS)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert output.startswith(f"sqlite:///{tmp_path}/var/celery-broker.sqlite3 webcare.broker:Transport")
    assert "'polling_interval': 0.5" in output and "'timeout': 30" in output


# --- The transport's additions, one at a time, in this process --------------------------------


def embedded(tmp_path, **options) -> Connection:
    return Connection(
        f"sqlite:///{tmp_path / 'broker.sqlite3'}",
        transport=TRANSPORT,
        transport_options=options,
    )


def test_polling_interval_and_engine_options_are_each_given_to_the_right_part(tmp_path):
    with embedded(tmp_path, polling_interval=0.2, connect_args={"timeout": 7}) as connection:
        queue = connection.SimpleQueue("q")
        queue.put({"n": 1})
        assert queue.get(timeout=2).payload == {"n": 1}
        assert connection.transport.polling_interval == 0.2
        raw = connection.default_channel.session.connection().connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("PRAGMA busy_timeout").fetchone() == (7000,)


def test_a_queue_row_another_process_inserted_meanwhile_is_used_not_an_error(tmp_path):
    with embedded(tmp_path) as connection:
        channel = connection.default_channel
        engine = channel.session.get_bind()
        selects = []

        def another_process_inserts(conn, cursor, statement, *args):
            # kombu looks twice before it inserts; the other process's row lands after the second look.
            if statement.startswith("SELECT") and "FROM kombu_queue" in statement:
                selects.append(statement)
                if len(selects) == 2:
                    other = sqlite3.connect(tmp_path / "broker.sqlite3")
                    other.execute("INSERT INTO kombu_queue (name) VALUES ('q')")
                    other.commit()
                    other.close()

        event.listen(engine, "after_cursor_execute", another_process_inserts)
        try:
            queue = channel._get_or_create("q")
        finally:
            event.remove(engine, "after_cursor_execute", another_process_inserts)
        assert queue.name == "q" and len(selects) == 3


def test_delivered_rows_older_than_a_day_are_pruned_waiting_and_recent_ones_kept(tmp_path, monkeypatch):
    with embedded(tmp_path) as connection:
        channel = connection.default_channel
        message, queue = channel.message_cls, channel._get_or_create("q")
        old = dt.datetime.now() - broker.DELIVERED_RETENTION - dt.timedelta(minutes=1)
        for visible, sent_at in ((False, old), (False, dt.datetime.now()), (True, None), (True, old)):
            row = message("{}", queue)
            row.visible, row.sent_at = visible, sent_at
            channel.session.add(row)
        channel.session.commit()
        monkeypatch.setattr(broker.Channel, "_last_prune", None)

        with pytest.raises(broker.Empty):
            channel._get("empty")  # an idle look at a queue is when the worker prunes

        kept = channel.session.query(message.visible, message.sent_at).order_by(message.id).all()
        assert [visible for visible, _ in kept] == [False, True, True]


def test_a_row_that_is_no_kombu_message_is_logged_and_set_aside_and_the_next_one_delivered(tmp_path, caplog):
    with embedded(tmp_path) as connection:
        channel = connection.default_channel
        queue = channel._get_or_create("q")
        for payload in ('{"body": "half', '["not", "a", "message"]'):
            channel.session.add(channel.message_cls(payload, queue))
            channel.session.commit()
        connection.SimpleQueue("q").put({"n": 1})

        with pytest.raises(broker.Empty):
            channel._get("q")
        with pytest.raises(broker.Empty):
            channel._get("q")
        assert connection.SimpleQueue("q").get(timeout=2).payload == {"n": 1}

        assert caplog.text.count("an unreadable message on queue 'q' was set aside") == 2
        assert channel._size("q") == 0


def test_connecting_opens_the_file_so_a_broker_that_cannot_be_used_fails_the_connect(tmp_path):
    (tmp_path / "broker.sqlite3").mkdir()  # a directory where the file should be
    with embedded(tmp_path) as connection, pytest.raises(Exception) as failure:
        connection.ensure_connection(max_retries=1, interval_start=0)
    assert "unable to open database file" in str(failure.value)
