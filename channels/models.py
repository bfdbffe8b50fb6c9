"""Webhook deliveries as received: stored before any work, so nothing is lost and retries are seen."""

from django.db import models

from inbox.models import Account


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        PROCESSED = "processed", "processed"
        FAILED = "failed", "failed"

    platform = models.CharField(max_length=20)
    # SHA-256 of the raw body: a platform's retry of the same delivery has the same digest.
    digest = models.CharField(max_length=64)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_messages = models.PositiveIntegerField(default=0)
    # The pages whose own app secret signed this delivery: only their entries are ingested.
    pages = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "digest"], name="webhook_delivery_unique_digest")
        ]

    def __str__(self):
        return f"{self.platform} delivery {self.pk} ({self.status})"
