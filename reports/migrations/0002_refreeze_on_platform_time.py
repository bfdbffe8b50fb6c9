"""Snapshots frozen before conversations counted from their platform start are dropped: the
nightly backfill freezes those days again (newest first), and until then they are counted live."""

from django.db import migrations


def drop_snapshots(apps, schema_editor):
    apps.get_model("reports", "DailySnapshot").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("inbox", "0013_conversation_started_at"),
    ]

    operations = [migrations.RunPython(drop_snapshots, migrations.RunPython.noop)]
