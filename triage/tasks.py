"""The nightly retraining of the triage suggester on the agents' decisions."""

from celery import shared_task

from .learning import triage_model_retrain


@shared_task(name="triage.tasks.retrain", ignore_result=True)
def retrain() -> int | None:
    """Safe to run twice: without new decisions since the kept model it does nothing."""
    row = triage_model_retrain()
    return row.pk if row else None
