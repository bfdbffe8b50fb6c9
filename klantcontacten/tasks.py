"""Registering klantcontacten in Open Klant. Tasks take ids, re-read, and are safe to run twice."""

from celery import shared_task

from . import pushing, services


@shared_task(bind=True, name="klantcontacten.tasks.klantcontact_push", max_retries=pushing.MAX_ATTEMPTS)
def klantcontact_push(self, klantcontact_id: int) -> str:
    try:
        return pushing.push_klantcontact(klantcontact_id)
    except pushing.RetryLater as exc:
        if self.request.is_eager:
            return "retry"
        raise self.retry(countdown=exc.countdown) from exc


@shared_task(name="klantcontacten.tasks.push_pending")
def push_pending() -> int:
    """Safety net: klantcontacten whose task was lost (broker down) or whose worker died."""
    return services.klantcontacten_pending()
