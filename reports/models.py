"""Frozen daily figures and peak alerts: what managers look back on."""

from django.conf import settings
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
    """Intake far above normal in one hour; created once per hour, so people are told once.

    A peak that goes on into the next hour gets that hour's alert too, with the same `began_at`:
    nobody is e-mailed again, and whoever dismissed the banner keeps it dismissed.
    """

    hour_start = models.DateTimeField(unique=True)
    began_at = models.DateTimeField()
    intake = models.PositiveIntegerField()
    baseline = models.FloatField()
    notified = models.JSONField(default=list)  # usernames told by e-mail
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-hour_start"]

    def __str__(self):
        return f"peak {self.hour_start:%Y-%m-%d %H:00}: {self.intake} (normal {self.baseline:.1f})"


class PeakDismissal(models.Model):
    """Someone closed the banner of the peak that began at `began_at`: on every device, for them only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    began_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "began_at"], name="peak_dismissal_unique_user_peak")
        ]

    def __str__(self):
        return f"{self.user} dismissed the peak of {self.began_at:%Y-%m-%d %H:%M}"
