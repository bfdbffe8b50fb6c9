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


def value_label(field: str, value) -> str:
    for code, label in field_choices(field):
        if code == value or (field == "wijk" and code == "" and value is None):
            return str(label)
    return str(value) if value not in (None, "") else "—"


def triage_rows(triage: ConversationTriage | None) -> list[dict]:
    """One row per field: the current value, whether an agent decided it, and the choices."""
    if triage is None:
        return []
    rows = []
    for field in FIELDS:
        value = triage.value(field)
        rows.append(
            {
                "field": field,
                "name": FIELD_LABELS[field],
                "value": "" if value is None else value,
                "label": value_label(field, value),
                "decided": triage.is_decided(field),
                "choices": [
                    ("" if code is None else code, str(label)) for code, label in field_choices(field)
                ],
                "flag": field in ("urgent", "escalate"),
                # The words that raised a flag, so the agent sees why.
                "words": (triage.reasons or {}).get(f"{field}_words", [])
                if field in ("urgent", "escalate") and value
                else [],
            }
        )
    return rows


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
