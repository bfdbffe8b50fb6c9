"""Retention: closed conversations past WEBCARE_RETENTION_DAYS pseudonymised, raw payloads and webhook
bodies past WEBCARE_RAW_RETENTION_DAYS emptied; `retention_run --dry-run` only counts; nightly."""

import datetime as dt

from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from channels.models import WebhookDelivery
from inbox.models import Contact, Conversation, Message
from privacy.services.retention import retention_run

from .conftest import HANDLE, NAME, anna, database_hits


def _age(conversation, *, closed_days_ago: int):
    closed = timezone.now() - dt.timedelta(days=closed_days_ago)
    Conversation.objects.filter(pk=conversation.pk).update(state="closed", closed_at=closed)
    Message.objects.filter(conversation=conversation).update(received_at=closed)


def test_the_defaults_and_the_nightly_schedule():
    assert django_settings.WEBCARE_RETENTION_DAYS == 400
    assert django_settings.WEBCARE_RAW_RETENTION_DAYS == 30
    assert django_settings.CELERY_BEAT_SCHEDULE["retention"]["task"] == "privacy.tasks.retention_run"


def test_an_old_closed_conversation_is_pseudonymised_and_a_recent_one_kept(deliver, capsys):
    deliver(anna(platform_id="old-1", text="Mijn oude vraag"))
    deliver(
        anna(
            platform_id="new-1",
            author_id="someone-else",
            author_handle="kees",
            author_name="Kees",
            text="Nieuw",
            raw={},
        )
    )
    old = Conversation.objects.get(thread_key="old-1")
    new = Conversation.objects.get(thread_key="new-1")
    _age(old, closed_days_ago=401)
    _age(new, closed_days_ago=10)

    call_command("retention_run", "--dry-run")
    assert "Would pseudonymise 1 closed conversations" in capsys.readouterr().out
    assert Message.objects.get(conversation=old).text == "Mijn oude vraag"
    assert not AuditEntry.objects.filter(action="retention_run").exists()

    call_command("retention_run")

    old.refresh_from_db()
    assert old.pseudonymised_at is not None and old.events.filter(kind="pseudonymised").count() == 1
    assert Message.objects.get(conversation=old).text == "[verwijderd]"
    assert Message.objects.get(conversation=new).text == "Nieuw"
    assert Contact.objects.get(pk=old.contact_id).handle == f"verwijderd-{old.contact_id}"
    assert database_hits((HANDLE, NAME)) == []
    assert AuditEntry.objects.get(action="retention_run").detail["conversations"] == 1
    # A second run finds nothing more to do.
    assert retention_run()["conversations"] == 0


def test_a_contact_with_a_recent_conversation_keeps_their_name(deliver):
    deliver(anna(platform_id="old-2", text="Oud"))
    deliver(anna(platform_id="recent-2", text="Recent"))
    _age(Conversation.objects.get(thread_key="old-2"), closed_days_ago=500)

    retention_run()

    assert Contact.objects.get(handle=HANDLE).name == NAME


def test_raw_payloads_and_webhook_bodies_go_after_thirty_days(deliver):
    deliver(anna(platform_id="raw-1", text="Open vraag"))
    message = Message.objects.get(platform_id="raw-1")
    Message.objects.filter(pk=message.pk).update(received_at=timezone.now() - dt.timedelta(days=31))
    deliver(anna(platform_id="raw-2", text="Verse vraag"))
    old_body = WebhookDelivery.objects.create(
        platform="facebook", digest="a" * 64, body='{"x": 1}', status="processed"
    )
    pending = WebhookDelivery.objects.create(platform="facebook", digest="b" * 64, body='{"x": 2}')
    WebhookDelivery.objects.filter(pk__in=[old_body.pk, pending.pk]).update(
        received_at=timezone.now() - dt.timedelta(days=31)
    )

    summary = retention_run()

    assert (summary["raw_payloads"], summary["webhook_bodies"]) == (1, 1)
    assert Message.objects.get(platform_id="raw-1").raw == ""
    assert (
        Message.objects.get(platform_id="raw-1").text == "Open vraag"
    )  # an open conversation keeps its text
    assert Message.objects.get(platform_id="raw-2").raw != ""
    assert WebhookDelivery.objects.get(pk=old_body.pk).body == ""
    assert WebhookDelivery.objects.get(pk=pending.pk).body == '{"x": 2}'  # not processed yet: kept


def test_the_nightly_task_runs_the_same(deliver):
    from privacy.tasks import retention_run as task

    deliver(anna(platform_id="old-3", text="Oud"))
    _age(Conversation.objects.get(thread_key="old-3"), closed_days_ago=401)

    assert task.apply().get()["conversations"] == 1
    assert AuditEntry.objects.get(action="retention_run").via == "task"
