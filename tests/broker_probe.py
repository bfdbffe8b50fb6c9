"""Test-only: a task that leaves one file per call, and a publisher of it (tests/test_embedded_broker.py).

The worker loads this module with `-I tests.broker_probe`; production code has no such task.

    python -m tests.broker_probe FIRST COUNT [--garbage]
"""

import os
import sys
import uuid
from pathlib import Path

from celery import shared_task

TOUCH = "tests.broker_probe.touch"


@shared_task(name=TOUCH, ignore_result=True)
def touch(n: int) -> None:
    """Create DONE_DIR/<n>; a second run of the same n leaves a dup-<n>-… file beside it."""
    done = Path(os.environ["BROKER_PROBE_DIR"])
    try:
        os.close(os.open(done / str(n), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        (done / f"dup-{n}-{uuid.uuid4().hex[:6]}").touch()


def publish_garbage(app) -> None:
    """Three messages no worker can run: a body that is not JSON, a content type it does not accept,
    and a row in the broker's table that is not a kombu message at all."""
    with app.connection_for_write() as connection:
        producer = connection.Producer()
        queue = app.conf.task_default_queue
        producer.publish(b"{half a mess", routing_key=queue, content_type="application/json")
        producer.publish(b"\x80\x04K.", routing_key=queue, content_type="application/x-python-serialize")
        channel = connection.default_channel
        channel.session.add(channel.message_cls('{"body": "not kombu', channel._get_or_create(queue)))
        channel.session.commit()


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from webcare.celery import app

    first, count = int(argv[0]), int(argv[1])
    for n in range(first, first + count):
        app.send_task(TOUCH, args=(n,))
        if "--garbage" in argv and n == first + count // 2:
            publish_garbage(app)
    print(f"published {count}", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    main(sys.argv[1:])
