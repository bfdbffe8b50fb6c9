"""Never twice, never lost: unknown outcomes looked up before anything is created again, a re-close
updating the same klantcontact, refusals shown with a retry, Open Klant down, the beat safety net
and the in-process command. Against the fake Open Klant over real HTTP."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from inbox.services.claims import conversation_claim
from inbox.services.lifecycle import conversation_close
from inbox.services.outbox import reply_queue
from klantcontacten.models import Klantcontact
from klantcontacten.services import (
    PUSH_TASK,
    KlantcontactError,
    klantcontact_mark_synced,
    klantcontact_push_start,
    klantcontact_retry,
    klantcontacten_pending,
)
from klantcontacten.tasks import klantcontact_push
from tests.conftest import incoming

MAAK = ("POST", "/maak-klantcontact")


def _close(conversation, user):
    conversation_close(conversation_id=conversation.pk, user=user)
    return Klantcontact.objects.get(conversation_id=conversation.pk)


def _push(klantcontact):
    return klantcontact_push.apply(args=(klantcontact.pk,)).get()


def _reopen_and_answer_again(conversation, deliver, agent, text):
    deliver(incoming(platform_id="again", thread_key="first", text="Hij ligt er nog steeds."))
    conversation_claim(conversation_id=conversation.pk, user=agent)
    reply_queue(conversation_id=conversation.pk, user=agent, text=text)


def test_an_unknown_outcome_is_looked_up_by_referentienummer_and_never_created_twice(
    openklant, answered, agent
):
    klantcontact = _close(answered, agent)
    openklant.lost_responses.append(MAAK)  # Open Klant made it; the answer never came

    assert _push(klantcontact) == "retry"
    klantcontact.refresh_from_db()
    assert (klantcontact.state, "HTTP 504" in klantcontact.error) == ("unknown", True)
    assert len(openklant.store.klantcontacten) == 1

    assert _push(klantcontact) == "created"  # it existed: found, completed, not made again
    klantcontact.refresh_from_db()
    assert len(openklant.calls(*MAAK)) == 1
    assert len(openklant.store.klantcontacten) == len(openklant.store.betrokkenen) == 1
    assert klantcontact.remote_uuid == next(iter(openklant.store.klantcontacten))
    assert (klantcontact.state, klantcontact.attempts) == ("synced", 2)
    assert (
        openklant.calls("GET", "/klantcontacten")[1]["query"]["referentienummer"]
        == klantcontact.referentienummer
    )
    assert [v for v in openklant.violations if "504" not in v] == []


def test_a_write_still_under_way_is_found_when_the_create_is_refused_as_a_duplicate(
    openklant, answered, agent
):
    """The lookup finds nothing, then the earlier write lands: the unique referentienummer refuses the
    second create, and the one that landed is taken."""
    klantcontact = _close(answered, agent)
    openklant.lost_responses.append(MAAK)
    _push(klantcontact)
    landed = dict(openklant.store.klantcontacten)
    openklant.store.klantcontacten.clear()  # not visible yet to the lookup …
    openklant.before.append((*MAAK, lambda: openklant.store.klantcontacten.update(landed)))  # … then it lands

    assert _push(klantcontact) == "created"

    assert len(openklant.store.klantcontacten) == 1
    refused = openklant.violations[-1]
    assert "klantcontact.referentienummer" in refused and "unique" in refused
    klantcontact.refresh_from_db()
    assert klantcontact.remote_uuid == next(iter(landed))


def test_a_conversation_closed_again_updates_its_klantcontact(openklant, answered, agent, deliver):
    klantcontact = _close(answered, agent)
    _push(klantcontact)
    _reopen_and_answer_again(answered, deliver, agent, "Excuses, de ploeg komt vandaag.")

    klantcontact = _close(answered, agent)

    assert (klantcontact.state, klantcontact.version) == ("pending", 2)
    assert _push(klantcontact) == "updated"
    [(uuid, stored)] = openklant.store.klantcontacten.items()
    assert stored["inhoud"] == "Er ligt een omgevallen boom op het fietspad.\n\nHij ligt er nog steeds."
    assert stored["reactie"] == "Dank u, we sturen iemand langs.\n\nExcuses, de ploeg komt vandaag."
    [patch] = openklant.calls("PATCH", "/klantcontacten")
    assert patch["path"].endswith(uuid)
    assert set(patch["json"]) == {"inhoud", "reactie"}  # only what changed
    assert len(openklant.calls(*MAAK)) == 1
    assert (len(openklant.store.betrokkenen), len(openklant.store.actorklantcontacten)) == (1, 1)
    klantcontact.refresh_from_db()
    assert (klantcontact.state, klantcontact.pushed_version) == ("synced", 2)
    assert list(klantcontact.events.values_list("kind", flat=True)) == [
        "queued",
        "registered",
        "update_queued",
        "updated",
    ]
    assert openklant.violations == []


def test_closed_again_while_it_is_being_registered_it_is_pushed_again(
    openklant, answered, agent, deliver, published_tasks, django_capture_on_commit_callbacks
):
    klantcontact = _close(answered, agent)
    taken = klantcontact_push_start(klantcontact_id=klantcontact.pk)  # an attempt is under way …
    _reopen_and_answer_again(answered, deliver, agent, "Nog een antwoord.")
    klantcontact = _close(answered, agent)  # … when the conversation is closed again
    assert (klantcontact.state, klantcontact.version) == ("pushing", 2)

    with django_capture_on_commit_callbacks(execute=True):
        klantcontact_mark_synced(klantcontact_id=klantcontact.pk, version=taken.version, created=True)

    klantcontact.refresh_from_db()
    assert (klantcontact.state, klantcontact.version, klantcontact.pushed_version) == ("pending", 2, 1)
    assert (PUSH_TASK, (klantcontact.pk,)) in published_tasks


def test_closing_again_without_anything_new_changes_nothing(openklant, answered, agent):
    klantcontact = _close(answered, agent)
    _push(klantcontact)
    from inbox.services.lifecycle import conversation_reopen

    conversation_reopen(conversation_id=answered.pk, user=agent)
    klantcontact = _close(answered, agent)

    assert (klantcontact.state, klantcontact.version) == ("synced", 1)
    assert klantcontact.events.count() == 2


def test_a_refusal_is_kept_with_the_reason_and_can_be_retried(openklant, answered, agent, settings):
    settings.KLANTINTERACTIES_API_TOKEN = "wrong"
    klantcontact = _close(answered, agent)

    assert _push(klantcontact) == "failed"

    klantcontact.refresh_from_db()
    assert klantcontact.state == "failed"
    assert klantcontact.error == "GET /klantcontacten: HTTP 401 Ongeldige token."  # Open Klant's words
    failed = klantcontact.events.get(kind="failed")
    assert failed.data == {"error": klantcontact.error}
    assert openklant.store.klantcontacten == {}

    settings.KLANTINTERACTIES_API_TOKEN = openklant.token
    klantcontact_retry(klantcontact_id=klantcontact.pk, user=agent)
    assert _push(klantcontact) == "created"
    assert list(klantcontact.events.values_list("kind", "actor")) == [
        ("queued", agent.pk),
        ("failed", None),
        ("retried", agent.pk),
        ("registered", None),
    ]


def test_only_a_refused_klantcontact_can_be_retried(openklant, answered, agent):
    klantcontact = _close(answered, agent)

    try:
        klantcontact_retry(klantcontact_id=klantcontact.pk, user=agent)
    except KlantcontactError as exc:
        assert str(exc) == "Alleen een klantcontact dat Open Klant weigerde kan opnieuw worden verstuurd."
    else:
        raise AssertionError("retry of a pending klantcontact was not refused")
    assert klantcontact.events.count() == 1


def test_a_referentienummer_taken_by_someone_else_is_a_refusal_not_a_match(openklant, answered, agent):
    klantcontact = _close(answered, agent)
    openklant.store.create_klantcontact(
        {
            "referentienummer": klantcontact.referentienummer,
            "kanaal": "Telefoon",
            "onderwerp": "Iets anders",
            "taal": "nld",
            "vertrouwelijk": False,
        }
    )

    assert _push(klantcontact) == "failed"
    klantcontact.refresh_from_db()
    assert klantcontact.error.startswith(
        f"Referentienummer {klantcontact.referentienummer} belongs to another"
    )
    assert len(openklant.store.klantcontacten) == 1


def test_open_klant_down_is_retried_and_loses_nothing(openklant, answered, agent):
    klantcontact = _close(answered, agent)
    openklant.stop()

    assert _push(klantcontact) == "retry"

    klantcontact.refresh_from_db()
    assert klantcontact.state == "pending"  # nothing could have been written: no lookup needed
    assert "ConnectionError" in klantcontact.error


def test_a_5xx_on_a_read_is_temporary_and_on_a_write_unknown(openklant, answered, agent):
    klantcontact = _close(answered, agent)
    openklant.faults.append(("GET", "/klantcontacten", 503))
    assert _push(klantcontact) == "retry"
    klantcontact.refresh_from_db()
    assert klantcontact.state == "pending"

    openklant.faults.append((*MAAK, 502))
    assert _push(klantcontact) == "retry"
    klantcontact.refresh_from_db()
    assert klantcontact.state == "unknown"
    assert _push(klantcontact) == "created"
    assert len(openklant.store.klantcontacten) == 1


def test_beat_marks_an_interrupted_attempt_unknown_and_hands_on_what_waits(
    openklant, answered, agent, published_tasks
):
    klantcontact = _close(answered, agent)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Klantcontact.objects.filter(pk=klantcontact.pk).update(
        state="pushing", started_at=long_ago, updated_at=long_ago
    )

    assert klantcontacten_pending() == 0  # just moved to unknown: handed on the next time round
    klantcontact.refresh_from_db()
    assert klantcontact.state == "unknown"
    Klantcontact.objects.filter(pk=klantcontact.pk).update(updated_at=long_ago)

    assert klantcontacten_pending() == 1
    assert (PUSH_TASK, (klantcontact.pk,)) in published_tasks
    assert _push(klantcontact) == "created"


def test_the_command_pushes_everything_waiting_in_process(openklant, answered, agent, capsys):
    klantcontact = _close(answered, agent)

    call_command("klantcontacten_push")

    out = capsys.readouterr().out
    klantcontact.refresh_from_db()
    assert out.splitlines() == [
        f"conversation {answered.pk}: created (referentienummer {klantcontact.referentienummer}, "
        f"uuid {klantcontact.remote_uuid})",
        "1 created",
    ]
    call_command("klantcontacten_push")
    assert capsys.readouterr().out == "nothing waiting\n"
