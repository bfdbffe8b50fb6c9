"""Frozen daily figures, peak alerts, and the hourly tallies a day not yet frozen is counted from."""

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


class HourTally(models.Model):
    """What one clock hour holds for one account, kept by the inbox's services in the transaction of
    each change (`inbox/counting.py`): a day's figures add up its hours instead of counting its
    messages again (ADR 0018). `hour` is the start of a UTC hour; Amsterdam's days begin on one."""

    hour = models.DateTimeField()
    account = models.ForeignKey("inbox.Account", on_delete=models.CASCADE, related_name="+")
    inbound = models.IntegerField(default=0)  # citizens' messages, by their platform time
    replies_sent = models.IntegerField(default=0)  # our replies on the platform, by their time
    started = models.IntegerField(default=0)  # conversations by their start (first message's platform time)
    answered = models.IntegerField(default=0)  # conversations by their first answer
    closed = models.IntegerField(default=0)  # conversations closed, each once a day

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "account"], name="hour_tally_unique_hour_account")
        ]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H:00}Z account {self.account_id}"


class ConversationTally(models.Model):
    """A conversation's start and first answer as the hour tallies count them (so a later change
    moves exactly what was counted), with its first response time in working and clock minutes:
    a day's response times read these rows instead of working them out again."""

    conversation = models.OneToOneField(
        "inbox.Conversation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey("inbox.Account", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True)
    working_minutes = models.FloatField(null=True)
    clock_minutes = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["answered_at"], name="conv_tally_answered_idx")]

    def __str__(self):
        return f"conversation {self.conversation_id}"
