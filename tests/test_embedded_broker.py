"""The embedded broker through its real parts: two publishing processes, one Celery worker process.

The subprocesses are told to use the embedded broker (REDIS_URL empty, a broker file of this
test's own), so this runs the same where REDIS_URL is set for the whole run (CI). The task is
tests/broker_probe.py's, loaded into the worker with `-I`: one file per task run.
"""

import os
import subprocess
import sys
import time
import uuid

import pytest
from kombu import Connection

from tests.conftest import ROOT

PER_PUBLISHER = 1500
pytestmark = pytest.mark.celery_worker


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
