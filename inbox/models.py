"""Teams, channel accounts, contacts, conversations, messages and their timeline."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedJSONField
from .personal_data import KIND_LABELS
from .workflow import TAKE_NEXT_STATES, TODO_STATES, SendStatus, State

# How much of the newest inbound message a queue row shows.
PREVIEW_LENGTH = 180
# The queue's order: most urgent first, then the one due soonest, then the one the citizen started
# first (by the platform's time). The partial
# indexes below hold the open conversations in exactly this order (ADR 0014).
# Undated ones last on every database (PostgreSQL's default for ASC, spelled out for SQLite's).
QUEUE_ORDER = ("-priority", F("due_at").asc(nulls_last=True), "started_at", "pk")
_QUEUE_INDEX_FIELDS = ["-priority", "due_at", "started_at", "id"]

# Fetched this long after the platform time: worth telling the reader ("opgehaald 3 dagen later").
LATE_FETCH = dt.timedelta(hours=1)


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    AGENT = "agent", _("KCC agent")
    ADVISER = "adviser", _("Communications adviser")
    WIJKBUREAU = "wijkbureau", _("Wijkbureau staff")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Functional admin")


class Team(models.Model):
    class Kind(models.TextChoices):
        KCC = "kcc", _("Customer-contact centre")
        COMMS = "comms", _("Communications advisers")
        WIJKBUREAU = "wijkbureau", _("Wijkbureau")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Platform(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox")
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"


class Account(models.Model):
    """A municipal account on a platform that the pollers read and replies are sent from."""

    class PollStatus(models.TextChoices):
        NEVER = "never", _("Not polled yet")
        OK = "ok", _("OK")
        ERROR = "error", _("Error, retrying")
        RATE_LIMITED = "rate_limited", _("Rate limited, waiting")
        NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle or page"), max_length=100)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="accounts")
    credentials = EncryptedJSONField(default=dict, blank=True, editable=False)
    # Non-secret, platform-specific configuration (monitoring queries, sandbox rate, ...).
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    poll_interval_seconds = models.PositiveIntegerField(_("poll interval (seconds)"), default=60)
    # Where the next poll starts; a poll stopped half-way keeps where it got to (per platform, JSON).
    cursor = models.CharField(_("poll position"), max_length=2000, blank=True)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    poll_status = models.CharField(
        _("poll status"), max_length=20, choices=PollStatus.choices, default=PollStatus.NEVER
    )
    poll_error = models.TextField(_("poll error"), blank=True)
    # A lasting warning from a poll that succeeded (e.g. a gap the platform cannot fill), cleared on reconnect.
    poll_warning = models.TextField(_("poll warning"), blank=True)
    # Where polls are kept apart by a lease rather than an advisory lock (inbox/poll_lock.py): until
    # when the running poll holds it; renewed page by page.
    poll_lease_until = models.DateTimeField(_("poll lease until"), null=True, blank=True)
    # When the poll that holds the lock started: "polling since" (only while the lock is really held).
    poll_started_at = models.DateTimeField(_("poll started"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="account_unique_handle")]
        ordering = ["platform", "handle"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return f"{self.get_platform_display()} {self.handle}"


class Contact(models.Model):
    """A person on a platform, with all their conversations."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    platform_user_id = models.CharField(_("user id on the platform"), max_length=100)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "platform_user_id"], name="contact_unique_user")
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or self.handle or self.platform_user_id


class Conversation(models.Model):
    # Every index is written again for each conversation a poll page moves on, so a foreign key whose
    # lookups an index in Meta already starts with gets no index of its own (account: conv_thread_idx,
    # contact: conv_contact_history_idx, team: conv_team_updated_idx).
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    # The platform's notion of a thread (X conversation id, Messenger thread, comment root).
    thread_key = models.CharField(_("thread"), max_length=200)
    is_private = models.BooleanField(_("private"), default=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.NEW)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        related_name="+",
    )
    priority = models.SmallIntegerField(_("priority"), default=0)  # 1 = urgent
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message"))
    # When the citizen started it: its first message's platform time. Every figure, deadline and age
    # counts from here, however late we fetched it.
    started_at = models.DateTimeField(_("started"), db_index=True)
    # When we fetched it (stored the first message): shown where it differs much from the start.
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # The case (zaak) this conversation is about, on whatever channel; set by inbox.services.case_links.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    # Bumped by every change, including its messages: the cheap "has anything changed" check.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # A public post of the citizen here exposes personal data (inbox/services/exposure.py): flagged
    # in the queue until every such post is hidden on the platform.
    personal_data_exposed = models.BooleanField(_("personal data in a public post"), default=False)
    # When its personal data was removed (an erasure request, or the retention period): counts,
    # dates, states and the case number stay; names, handles and texts are gone.
    pseudonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)
    # What a queue row shows, kept by the services in the transaction that changes it (ADR 0014),
    # so the queue never reads the messages: how many there are, the newest inbound one's time and
    # first characters, and when anything last happened (a timeline event or a message).
    message_count = models.PositiveIntegerField(_("number of messages"), default=0)
    last_inbound_at = models.DateTimeField(_("last message from the citizen"), null=True, blank=True)
    preview = models.CharField(_("preview"), max_length=PREVIEW_LENGTH, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        indexes = [
            # The queue in its order, open conversations only: a page is the first rows of this index.
            models.Index(
                fields=_QUEUE_INDEX_FIELDS, condition=Q(state__in=TODO_STATES), name="conv_queue_open_idx"
            ),
            # What "take next" may hand out, in the same order: claimed rows leave this index.
            models.Index(
                fields=_QUEUE_INDEX_FIELDS,
                condition=Q(state__in=TAKE_NEXT_STATES, assignee__isnull=True),
                name="conv_queue_free_idx",
            ),
            # One team's queue (a wijkbureau, the team filter) in the same order.
            models.Index(
                fields=["team", *_QUEUE_INDEX_FIELDS],
                condition=Q(state__in=TODO_STATES),
                name="conv_queue_team_idx",
            ),
            # Overdue open conversations, counted up to a limit.
            models.Index(fields=["due_at"], condition=Q(state__in=TODO_STATES), name="conv_queue_due_idx"),
            # A team's newest change: the live queue's version for a wijkbureau.
            models.Index(fields=["team", "updated_at"], name="conv_team_updated_idx"),
            # A contact's earlier conversations, newest first (the conversation page).
            models.Index(fields=["contact", "-last_message_at"], name="conv_contact_history_idx"),
            models.Index(fields=["account", "thread_key"], name="conv_thread_idx"),
            models.Index(fields=["state", "closed_at"], name="conv_closed_idx"),
            models.Index(fields=["first_response_at"], name="conv_first_response_idx"),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"#{self.pk} {self.contact}"

    @property
    def fetched_late_by(self) -> dt.timedelta | None:
        """How long after the citizen started it we fetched it, when that is long enough to mention."""
        delay = self.created_at - self.started_at
        return delay if delay >= LATE_FETCH else None


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    SendStatus = SendStatus

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    # NULL until a queued reply is sent: unique per account only once the platform has given it an id.
    platform_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    in_reply_to_platform_id = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=30, blank=True)  # mention, reply, dm, comment, ...
    text = models.TextField()
    media = models.JSONField(default=list, blank=True)
    author_name = models.CharField(max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    # The platform item exactly as received (JSON text, so null bytes survive PostgreSQL).
    raw = models.TextField(blank=True)
    send_status = models.CharField(max_length=10, choices=SendStatus.choices, blank=True)
    send_error = models.TextField(blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_started_at = models.DateTimeField(null=True, blank=True)
    # When its send outcome became unknown: it counts as not posted only if a lookup on the platform
    # at least the platform's read delay after this does not find it.
    send_unknown_since = models.DateTimeField(null=True, blank=True)
    # Hidden on the platform by an agent (a comment with abuse or personal data): others no longer see it.
    hidden = models.BooleanField(default=False)
    # The kinds of personal data a citizen's PUBLIC post exposes (bsn, phone, ...), [] for none.
    personal_data = models.JSONField(default=list, blank=True)
    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "platform_id"],
                condition=Q(platform_id__isnull=False),
                name="message_unique_platform_id",
            )
        ]
        indexes = [
            models.Index(fields=["send_status"], name="message_send_status_idx"),
            models.Index(fields=["direction", "created_at"], name="message_direction_time_idx"),
        ]

    def __str__(self):
        return f"{self.direction} {self.platform_id or self.pk}"

    @property
    def fetched_late_by(self) -> dt.timedelta | None:
        """How long after its platform time we fetched it, when that is long enough to mention."""
        delay = self.received_at - self.created_at
        return delay if delay >= LATE_FETCH else None
    def personal_data_labels(self) -> list[str]:
        return [str(KIND_LABELS[kind]) for kind in self.personal_data if kind in KIND_LABELS]


class Event(models.Model):
    """One entry of a conversation's timeline: the audit trail. Never edited or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Conversation started")
        CLAIMED = "claimed", _("Claimed")
        RELEASED = "released", _("Released")
        REPLY_QUEUED = "reply_queued", _("Reply queued")
        REPLY_SENT = "reply_sent", _("Reply sent")
        REPLY_FAILED = "reply_failed", _("Reply failed")
        REPLY_RETRIED = "reply_retried", _("Reply retried")
        REPLY_UNKNOWN = "reply_unknown", _("Send outcome unknown; being checked on the platform")
        REPLY_RECONCILED = "reply_reconciled", _("Reply found on the platform")
        ANSWERED_OUTSIDE = "answered_outside", _("Answered outside the inbox")
        CITIZEN_WROTE = "citizen_wrote", _("Citizen wrote again")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        CASE_REGISTERED = "case_registered", _("Case registered")
        CASE_LINKED = "case_linked", _("Linked to a case")
        CASE_STATUS_TOLD = "case_status_told", _("Citizen told the case status")
        PROMOTED = "promoted", _("Taken from monitoring")
        COMMENT_HIDDEN = "comment_hidden", _("Comment hidden")
        COMMENT_SHOWN = "comment_shown", _("Comment shown again")
        TRIAGE_CONFIRMED = "triage_confirmed", _("Triage confirmed")
        TRIAGE_CORRECTED = "triage_corrected", _("Triage corrected")
        NOTE = "note", _("Internal note")
        ESCALATED = "escalated", _("Escalated to the adviser")
        HANDED_BACK = "handed_back", _("Handed back with advice")
        FORWARDED = "forwarded", _("Forwarded")
        REROUTED = "rerouted", _("Re-routed by the routing rules")
        PERSONAL_DATA_EXPOSED = "personal_data_exposed", _("Personal data in a public post")
        PSEUDONYMISED = "pseudonymised", _("Personal data removed")
        ASSIGNED = "assigned", _("Handed to a colleague")
        TAKEN_OVER = "taken_over", _("Taken over")

    # Looked up through event_conversation_time_idx, which starts with it.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        # "The state of a conversation at a moment" reads its last event before that moment.
        indexes = [models.Index(fields=["conversation", "created_at"], name="event_conversation_time_idx")]

    def __str__(self):
        return f"{self.kind} on {self.conversation_id}"


class MonitoringHit(models.Model):
    """A public post found by an account's monitoring query: not in the queue until someone promotes it."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        PROMOTED = "promoted", _("Promoted")
        DISMISSED = "dismissed", _("Dismissed")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="monitoring_hits")
    query = models.CharField(max_length=500)
    platform_id = models.CharField(max_length=100)
    thread_key = models.CharField(max_length=200)
    author_id = models.CharField(max_length=100)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    media = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    found_at = models.DateTimeField(auto_now_add=True)
    raw = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "platform_id"], name="monitoring_hit_unique_item")
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="monitoring_state_idx")]

    def __str__(self):
        return f"{self.query}: {self.platform_id}"


class ApiToken(models.Model):
    """A bearer token for scripts; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} / {self.name}"


# Models of this app kept in modules of their own, this one being at its size limit; they refer to
# the models here by name, so no cycle. Teamwork: the duty roster, notifications, typing markers.
# The agent's workspace: one's own shortcuts and citizens' photos.
from .teamwork_models import DutyShift, Notification, TypingMarker  # noqa: E402, F401
from .workspace_models import Attachment, SavedQueueView, ShortcutPreference  # noqa: E402, F401
