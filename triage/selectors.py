"""Reads for the triage panel and the canned-answer search."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation
from inbox.permissions import can_work_on
from inbox.placeholders import placeholders_fill

from .models import FIELDS, CannedAnswer, ConversationTriage
from .services import field_choices

FIELD_LABELS = {
    "type": _("Type"),
    "category": _("Category"),
    "urgent": _("Urgent"),
    "escalate": _("Escalate"),
    "wijk": _("Wijk"),
}


# Shown instead of a guess the suggester was more likely wrong than right about.
UNCERTAIN = _("Uncertain")


def value_label(field: str, value) -> str:
    for code, label in field_choices(field):
        if code == value or (field == "wijk" and code == "" and value is None):
            return str(label)
    return str(value) if value not in (None, "") else "—"


def _explanation(triage: ConversationTriage, field: str, value) -> dict:
    """Why the suggester proposed this value and how sure it was; nothing once an agent decided."""
    reasons = triage.reasons or {}
    if triage.is_decided(field):
        return {"words": [], "confidence": None, "uncertain": False}
    if field in ("urgent", "escalate"):
        words = reasons.get(f"{field}_words", []) if value else []  # the words that raised a flag
    else:
        words = reasons.get(f"{field}_words", [])
    confidence = (reasons.get("confidence") or {}).get(field)
    return {
        "words": words,
        "confidence": round(confidence * 100) if isinstance(confidence, int | float) else None,
        "uncertain": field in reasons.get("uncertain", []),
    }


def triage_rows(triage: ConversationTriage | None) -> list[dict]:
    """One row per field: the current value (or "Uncertain" for a guess too unsure to show), whether
    an agent decided it, the words behind the suggestion, its confidence, and the options."""
    if triage is None:
        return []
    rows = []
    for field in FIELDS:
        value = triage.value(field)
        explanation = _explanation(triage, field, value)
        rows.append(
            {
                "field": field,
                "name": FIELD_LABELS[field],
                "value": "" if value is None else value,
                "label": str(UNCERTAIN) if explanation["uncertain"] else value_label(field, value),
                "decided": triage.is_decided(field),
                "options": _options(field, value, uncertain=explanation["uncertain"]),
                "flag": field in ("urgent", "escalate"),
                **explanation,
            }
        )
    return rows


def _options(field: str, value, *, uncertain: bool) -> list[tuple]:
    """The choices to correct a field with, as (value, label, selected): the current value selected,
    compared as text (a form posts text), none while the guess is too unsure to show."""
    current = "" if value is None else str(value)
    options = []
    for code, label in field_choices(field):
        posted = "" if code is None else code
        options.append((posted, str(label), not uncertain and str(posted) == current))
    return options


def triage_for(conversation: Conversation) -> ConversationTriage | None:
    return ConversationTriage.objects.filter(conversation=conversation).first()


def panel_context(conversation: Conversation, user, error: str = "") -> dict:
    """What the triage panel shows: the rows to confirm or correct, and whether this user may."""
    triage = triage_for(conversation)
    return {
        "conversation": conversation,
        "triage": triage,
        "rows": triage_rows(triage),
        "can_work": can_work_on(user, conversation),
        "triage_error": error,
    }


def canned_search(query: str, *, limit: int = 8) -> list[CannedAnswer]:
    """Enabled canned answers whose title, keywords or text hold every word typed."""
    answers = CannedAnswer.objects.filter(enabled=True)
    for word in query.lower().split()[:6]:
        answers = answers.filter(
            Q(title__icontains=word) | Q(keywords__icontains=word) | Q(text__icontains=word)
        )
    return list(answers.order_by("title")[:limit])


def canned_render(answer: CannedAnswer, *, conversation: Conversation, user) -> str:
    """The answer's text with the placeholders filled in; one without a value yet (no case number)
    stays visible, and is filled in when the reply is sent."""
    return placeholders_fill(answer.text, conversation=conversation, user=user)
