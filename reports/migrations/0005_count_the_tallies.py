"""Count the hourly tallies once for the data stored before they existed (ADR 0018)."""

from django.db import migrations


def recount(apps, schema_editor):
    from reports.services.tallies import tallies_recount

    tallies_recount(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_hour_tallies")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
