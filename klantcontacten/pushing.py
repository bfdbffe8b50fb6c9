"""One attempt at registering a conversation's klantcontact in Open Klant, for the task and the
`klantcontacten_push` command alike. Safe to run twice: only a pending or unknown one is taken."""

import logging

from .openklant.client import Client, KlantinteractiesError, TemporaryError, UnknownOutcome
from .openklant.push import Push
from .records import ContactRecord
from .services import (
    klantcontact_mark_failed,
    klantcontact_mark_synced,
    klantcontact_progress,
    klantcontact_push_start,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class RetryLater(Exception):
    def __init__(self, attempts: int, *, unknown: bool):
        super().__init__(f"attempt {attempts} failed")
        self.attempts = attempts
        # An unknown outcome waits a little longer: the write may still be under way over there.
        self.countdown = min(30 * 2**attempts, 3600) if unknown else min(10 * 2**attempts, 1800)


def push_klantcontact(klantcontact_id: int, *, client: Client | None = None) -> str:
    """The outcome: created, updated, retry, failed, or skipped (not waiting, or another has it)."""
    klantcontact = klantcontact_push_start(klantcontact_id=klantcontact_id)
    if klantcontact is None:
        return "skipped"
    try:
        push = Push(
            client or Client.from_settings(),
            ContactRecord.from_json(klantcontact.record),
            referentienummer=klantcontact.referentienummer,
            conversation_id=klantcontact.conversation_id,
        )
        push.run(
            known_uuid=klantcontact.remote_uuid,
            on_uuid=lambda uuid: klantcontact_progress(klantcontact_id=klantcontact_id, remote_uuid=uuid),
        )
    except TemporaryError as exc:
        unknown = isinstance(exc, UnknownOutcome)
        will_retry = klantcontact.attempts < MAX_ATTEMPTS
        klantcontact_mark_failed(
            klantcontact_id=klantcontact_id, error=str(exc), will_retry=will_retry, unknown=unknown
        )
        if will_retry:
            raise RetryLater(klantcontact.attempts, unknown=unknown) from exc
        return "failed"
    except KlantinteractiesError as exc:
        # A 4xx is not retried blindly: the agent sees Open Klant's reason and a retry button.
        logger.warning("Open Klant refused klantcontact %s: %s", klantcontact_id, exc)
        klantcontact_mark_failed(klantcontact_id=klantcontact_id, error=str(exc))
        return "failed"
    except Exception as exc:  # a bug must not leave it stuck in "pushing"
        logger.exception("Registering klantcontact %s crashed", klantcontact_id)
        klantcontact_mark_failed(klantcontact_id=klantcontact_id, error=f"{exc.__class__.__name__}: {exc}")
        return "failed"
    # Registered for the first time (whether made now or found from an attempt we never heard back
    # from), or brought up to date after the conversation was closed again.
    first = klantcontact.pushed_version == 0
    klantcontact_mark_synced(klantcontact_id=klantcontact_id, version=klantcontact.version, created=first)
    return "created" if first else "updated"
