"""Template helpers for the triage panel and for triage changes on the timeline."""

from django import template

from triage.selectors import FIELD_LABELS, panel_context, value_label

register = template.Library()


@register.inclusion_tag("triage/_panel.html", takes_context=True)
def triage_panel(context):
    return panel_context(context["conversation"], context["request"].user)


@register.simple_tag
def triage_change(data: dict) -> str:
    """An event's triage change in words: "Urgent: Ja → Nee"."""
    field = data.get("field")
    if field not in FIELD_LABELS:
        return ""
    new = value_label(field, data.get("new"))
    if data.get("old") == data.get("new"):
        return f"{FIELD_LABELS[field]}: {new}"
    return f"{FIELD_LABELS[field]}: {value_label(field, data.get('old'))} → {new}"
