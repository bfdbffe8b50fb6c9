"""Registering cases in the back office. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task

from . import services, status_push
from .backends import BackendError, NotKeptThere, TemporaryBackendError, get_backend
from .workflow import Status

logger = logging.getLogger(__name__)

MAX_RETRIES = 6
# The attempt ended after its case moved on (a person retried it as stale, or a later attempt
# finished first): its outcome is not recorded and the task does not retry.
MOVED_ON = "moved on"


def _backoff(retries: int) -> int:
    return min(30 * 2**retries, 3600)


@shared_task(bind=True, name="cases.tasks.case_backoffice_register", max_retries=MAX_RETRIES)
def case_backoffice_register(self, case_id: int) -> str:
    case = services.case_backoffice_start(case_id=case_id)
    if case is None:
        return "skipped"  # registered already, or another worker has it
    try:
        backend = get_backend(case.backend)
        reference = backend.register(
            case, on_reference=lambda ref: services.case_backoffice_progress(case_id=case_id, reference=ref)
        )
    except TemporaryBackendError as exc:
        will_retry = self.request.retries < self.max_retries
        marked = services.case_backoffice_mark_failed(case_id=case_id, error=str(exc), will_retry=will_retry)
        if marked is None:
            return MOVED_ON
        if will_retry and not self.request.is_eager:
            raise self.retry(countdown=_backoff(self.request.retries), exc=exc) from exc
        if will_retry:
            return "retry"
        return "failed"
    except BackendError as exc:
        if services.case_backoffice_mark_failed(case_id=case_id, error=str(exc)) is None:
            return MOVED_ON
        return "failed"
    except Exception as exc:  # a bug must not leave the case stuck in "syncing"
        logger.exception("Back-office registration of case %s crashed", case_id)
        error = f"{exc.__class__.__name__}: {exc}"
        if services.case_backoffice_mark_failed(case_id=case_id, error=error) is None:
            return MOVED_ON
        return "failed"
    if services.case_backoffice_mark_synced(case_id=case_id, reference=reference) is None:
        return MOVED_ON
    return "synced"


@shared_task(name="cases.tasks.sync_pending")
def sync_pending() -> int:
    return services.cases_sync_pending()


@shared_task(name="cases.tasks.pull_backoffice_status")
def pull_backoffice_status() -> int:
    """Cases the back office has closed become resolved here, so the agent can tell the citizen.

    Each case is looked at on its own: one that cannot be read is logged and the rest go on.
    """
    changed = 0
    for case in services.cases_open_in_backoffice():
        try:
            closed = get_backend(case.backend).is_closed(case)
        except BackendError as exc:
            logger.warning("Could not read the back-office status of %s: %s", case.number, exc)
            continue
        if closed and services.case_status_from_backoffice(case_id=case.pk, status=Status.RESOLVED):
            changed += 1
    return changed


@shared_task(bind=True, name="cases.tasks.case_status_push", max_retries=MAX_RETRIES)
def case_status_push(self, case_id: int) -> str:
    """Send a case's pending status changes to the back office, oldest first, until one fails.

    Safe twice: each change is taken by a guarded update, and a second task finds it taken.
    """
    outcomes = []
    while (push := status_push.status_push_start(case_id=case_id)) is not None:
        outcome = _push_one(self, push)
        outcomes.append(outcome)
        if outcome not in ("pushed", "skipped"):
            break
    return ", ".join(outcomes) or "nothing to send"


def _push_one(task, push) -> str:
    try:
        reference = get_backend(push.case.backend).push_status(push.case, push)
    except NotKeptThere as exc:
        status_push.status_push_mark_skipped(push_id=push.pk, reason=str(exc))
        return "skipped"
    except TemporaryBackendError as exc:
        will_retry = task.request.retries < task.max_retries
        if (
            status_push.status_push_mark_failed(push_id=push.pk, error=str(exc), will_retry=will_retry)
            is None
        ):
            return MOVED_ON
        if will_retry and not task.request.is_eager:
            raise task.retry(countdown=_backoff(task.request.retries), exc=exc) from exc
        return "retry" if will_retry else "failed"
    except Exception as exc:  # a refusal, or a bug: never leave the change stuck in "pushing"
        if not isinstance(exc, BackendError):
            logger.exception("Status push %s of case %s crashed", push.pk, push.case_id)
        error = str(exc) if isinstance(exc, BackendError) else f"{exc.__class__.__name__}: {exc}"
        if status_push.status_push_mark_failed(push_id=push.pk, error=error) is None:
            return MOVED_ON
        return "failed"
    if status_push.status_push_mark_pushed(push_id=push.pk, reference=reference) is None:
        return MOVED_ON
    return "pushed"


@shared_task(name="cases.tasks.status_push_pending")
def status_push_pending() -> int:
    return status_push.status_pushes_pending()
