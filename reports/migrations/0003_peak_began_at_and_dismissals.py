"""When a peak began (kept across its hours) and who dismissed its banner."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def began_at_from_hour(apps, schema_editor):
    apps.get_model("reports", "PeakAlert").objects.update(began_at=F("hour_start"))


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_refreeze_on_platform_time"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="peakalert",
            name="began_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(began_at_from_hour, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="peakalert",
            name="began_at",
            field=models.DateTimeField(),
        ),
        migrations.CreateModel(
            name="PeakDismissal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("began_at", models.DateTimeField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "began_at"), name="peak_dismissal_unique_user_peak")
                ],
            },
        ),
    ]
