"""The nightly retention run (CELERY_BEAT_SCHEDULE["retention"] in webcare/settings.py)."""

from celery import shared_task

from .services.retention import retention_run as run


@shared_task(name="privacy.tasks.retention_run")
def retention_run() -> dict:
    return run(via="task")
