"""Frozen daily figures and peak alerts: what managers look back on."""

from django.db import models


class DailySnapshot(models.Model):
    """One day's figures for one scope ("all", "team:<slug>", "account:<handle>"), frozen after the day."""

    date = models.DateField()
    scope = models.CharField(max_length=120)
    figures = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "scope"], name="snapshot_unique_day_scope")]
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {self.scope}"


class PeakAlert(models.Model):
    """Intake far above normal in one hour; created once per hour, so people are told once."""

    hour_start = models.DateTimeField(unique=True)
    intake = models.PositiveIntegerField()
    baseline = models.FloatField()
    notified = models.JSONField(default=list)  # usernames told by e-mail
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-hour_start"]

    def __str__(self):
        return f"peak {self.hour_start:%Y-%m-%d %H:00}: {self.intake} (normal {self.baseline:.1f})"
