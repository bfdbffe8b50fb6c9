"""Celery tasks of the reports app: freeze finished days, watch for peaks."""

from celery import shared_task

from . import services


@shared_task(name="reports.tasks.snapshots_backfill", ignore_result=True)
def snapshots_backfill() -> int:
    """Nightly: freeze yesterday, and any recent day a stopped beat missed."""
    return services.snapshots_backfill()


@shared_task(name="reports.tasks.peak_check", ignore_result=True)
def peak_check() -> bool:
    return services.peak_alert_check() is not None
