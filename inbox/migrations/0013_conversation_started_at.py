"""A conversation's start is its first message's platform time (created_at stays the fetch time)."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_started_at(apps, schema_editor):
    Conversation = apps.get_model("inbox", "Conversation")
    Message = apps.get_model("inbox", "Message")
    first_message = (
        Message.objects.filter(conversation=OuterRef("pk")).order_by("created_at", "pk").values("created_at")[:1]
    )
    Conversation.objects.update(started_at=Coalesce(Subquery(first_message), F("created_at")))


class Migration(migrations.Migration):

    dependencies = [
        ("inbox", "0012_event_rerouted"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="started_at",
            field=models.DateTimeField(null=True, verbose_name="started"),
        ),
        migrations.RunPython(fill_started_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conversation",
            name="started_at",
            field=models.DateTimeField(db_index=True, verbose_name="started"),
        ),
    ]
