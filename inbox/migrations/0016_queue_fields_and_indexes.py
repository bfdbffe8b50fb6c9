"""The queue at scale (ADR 0014): the fields a queue row shows kept on the conversation, filled
in here from the messages and timeline, and the partial indexes that hold the queue in its order.

The indexes come after the backfill so they are built once over filled rows.
"""

from django.db import migrations, models
from django.db.models import Count, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Substr


def queue_fields_backfill(apps, schema_editor):
    Conversation = apps.get_model("inbox", "Conversation")
    Message = apps.get_model("inbox", "Message")
    Event = apps.get_model("inbox", "Event")
    messages = Message.objects.filter(conversation=OuterRef("pk")).order_by().values("conversation")
    inbound = Message.objects.filter(conversation=OuterRef("pk"), direction="in").order_by("-created_at", "-pk")
    last_event = Event.objects.filter(conversation=OuterRef("pk")).order_by().values("conversation")
    Conversation.objects.update(
        message_count=Coalesce(Subquery(messages.annotate(n=Count("pk")).values("n")), 0),
        last_inbound_at=Subquery(inbound.values("created_at")[:1]),
        preview=Coalesce(Subquery(inbound.annotate(p=Substr("text", 1, 180)).values("p")[:1]), Value("")),
        # Coalesce inside: SQLite's GREATEST (MAX) is NULL when any argument is.
        last_activity_at=Greatest(
            Coalesce(Subquery(last_event.annotate(at=Max("created_at")).values("at")), F("last_message_at")),
            F("last_message_at"),
        ),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('inbox', '0015_event_kinds_merged'),
    ]

    operations = [
        migrations.AddField(
            model_name='conversation',
            name='last_activity_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='conversation',
            name='last_inbound_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='conversation',
            name='message_count',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='conversation',
            name='preview',
            field=models.CharField(blank=True, max_length=180),
        ),
        migrations.RunPython(queue_fields_backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('state__in', ('new', 'open', 'escalated'))), fields=['-priority', 'due_at', 'started_at', 'id'], name='conv_queue_open_idx'),
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('assignee__isnull', True), ('state__in', ('new', 'open'))), fields=['-priority', 'due_at', 'started_at', 'id'], name='conv_queue_free_idx'),
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('state__in', ('new', 'open', 'escalated'))), fields=['team', '-priority', 'due_at', 'started_at', 'id'], name='conv_queue_team_idx'),
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('state__in', ('new', 'open', 'escalated'))), fields=['due_at'], name='conv_queue_due_idx'),
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(fields=['team', 'updated_at'], name='conv_team_updated_idx'),
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(fields=['contact', '-last_message_at'], name='conv_contact_history_idx'),
        ),
    ]
