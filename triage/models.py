"""Triage suggestions and the agents' decisions on them, routing rules and canned answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Category  # one category list: the case owns it, triage suggests it
from inbox.models import Account, Conversation, Team

from .suggester.model import FIELDS as FIELDS  # the fields an agent confirms or corrects, in order
from .suggester.model import WIJKEN

CATEGORY_LABELS = dict(Category.choices)  # code → label (lazy: shown in the active language)


class MessageType(models.TextChoices):
    VRAAG = "vraag", _("Question")
    MELDING = "melding", _("Report")
    KLACHT = "klacht", _("Complaint")
    COMPLIMENT = "compliment", _("Compliment")
    VERZUCHTING = "verzuchting", _("Sigh")
    SPAM = "spam", _("Spam")
    OVERIG = "overig", _("Other")


WIJK_CHOICES = [(wijk, wijk) for wijk in WIJKEN]


class ConversationTriage(models.Model):
    """What the suggester proposed on arrival and what the agents decided, field by field."""

    conversation = models.OneToOneField(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="triage"
    )
    # The text and account the suggestion was made from: a decision becomes a training example.
    text = models.TextField(_("text"), blank=True)
    to = models.CharField(_("addressed to"), max_length=200, blank=True)
    suggested = models.JSONField(_("suggested"), default=dict)  # {field: value} as first suggested
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    # {field: value} for fields an agent confirmed or corrected; absent = still a suggestion.
    decided = models.JSONField(_("decided"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("triage")
        verbose_name_plural = _("triage")

    def __str__(self):
        return f"triage of {self.conversation_id}"

    def value(self, field: str):
        return self.decided.get(field, self.suggested.get(field))

    def is_decided(self, field: str) -> bool:
        return field in self.decided

    @property
    def current(self) -> dict:
        """Every field's value now: the agents' decisions over the suggestions."""
        return {**self.suggested, **self.decided}

    @staticmethod
    def badges_of(suggested: dict, decided: dict) -> dict:
        """What a queue row shows of a triage row (templates/triage/_queue_badges.html), from its
        suggestions and the agents' decisions, as plain values."""
        current = {**suggested, **decided}
        category = current.get("category")
        return {
            "escalate": bool(current.get("escalate")),
            "category": str(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else "",
            "wijk": current.get("wijk"),
        }

    @property
    def category_display(self) -> str:
        value = self.value("category")
        return str(Category(value).label) if value in Category.values else ""


class TriageDecision(models.Model):
    """An agent's confirmation or correction of one suggested field: a training example."""

    triage = models.ForeignKey(
        ConversationTriage, verbose_name=_("triage"), on_delete=models.CASCADE, related_name="decisions"
    )
    field = models.CharField(_("field"), max_length=20)
    suggested = models.JSONField(_("suggested"), null=True)
    value = models.JSONField(_("value"), null=True)
    corrected = models.BooleanField(_("corrected"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, verbose_name=_("by"), on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("triage decision")
        verbose_name_plural = _("triage decisions")

    def __str__(self):
        return f"{self.field}: {self.suggested!r} → {self.value!r}"


class RoutingRule(models.Model):
    """Sends a new conversation to a team. Rules are tried in order; the first match wins.

    Every condition that is filled in must hold; empty conditions match anything.
    """

    position = models.PositiveIntegerField(_("order"), default=100)
    name = models.CharField(_("name"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    keyword = models.CharField(
        _("keyword"),
        max_length=200,
        blank=True,
        help_text=_("Words or phrases separated by commas; any one matches."),
    )
    wijk = models.CharField(_("wijk"), max_length=30, choices=WIJK_CHOICES, blank=True)
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return self.name


class CannedAnswer(models.Model):
    """A standard answer. Placeholders: {naam}, {zaaknummer}, {voornaam_medewerker}."""

    title = models.CharField(_("title"), max_length=120, unique=True)
    text = models.TextField(_("text"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")

    def __str__(self):
        return self.title


class TriageModel(models.Model):
    """One nightly retraining on the repository's examples plus the agents' decisions: its
    cross-validated figures next to those of the model it would replace, and whether it was kept.
    The newest kept one (built from the current training files) is the model in use."""

    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    kept = models.BooleanField(_("kept"), default=False)
    reason = models.TextField(_("why"), blank=True)
    # The shipped training files and code it was built on; another fingerprint means stale.
    fingerprint = models.CharField(_("fingerprint"), max_length=32, db_index=True)
    examples = models.PositiveIntegerField(_("examples"), default=0)
    decisions = models.PositiveIntegerField(_("agents' decisions"), default=0)
    last_decision_id = models.PositiveBigIntegerField(_("last decision"), default=0)
    figures = models.JSONField(_("cross-validated figures"), default=dict)
    previous_figures = models.JSONField(_("figures of the model in use"), default=dict)
    # The fitted model (joblib); only for a kept one.
    data = models.BinaryField(_("model data"), null=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")

    def __str__(self):
        return f"triage model {self.pk} ({'kept' if self.kept else 'not kept'})"
