"""The safety net of an erasure: every text and JSON column of every table, searched for what
identifies the citizen and cleaned, so nothing the targeted steps did not know of keeps it."""

import re

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from inbox.fields import EncryptedJSONField

from .pseudonymise import replace_in

# Never rewritten: the append-only audit log (which names no citizen), the framework's own tables.
SKIPPED_MODELS = {
    "audit.auditentry",
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "admin.logentry",
    "auth.user",  # staff accounts; a username that happens to equal a handle is not the citizen
    "auth.group",
    # Other contacts are other people (the same handle on another platform, say): only free text
    # about them is cleaned, never who they are.
    "inbox.contact",
}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def text_columns():
    """(model, field) for every concrete text or JSON column of every installed model."""
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED_MODELS or model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and not isinstance(field, EncryptedJSONField):
                yield model, field


def sweep(needles: list[str], pattern: re.Pattern) -> dict[str, int]:
    """Clean every row whose text or JSON contains a needle; returns rows changed per table."""
    changed: dict[str, int] = {}
    for model, field in text_columns():
        rows = model._default_manager.all()
        if isinstance(field, models.JSONField):
            rows = rows.annotate(_as_text=Cast(field.name, models.TextField()))
            column = "_as_text"
        else:
            column = field.name
        condition = models.Q()
        for needle in needles:
            condition |= models.Q(**{f"{column}__icontains": needle})
        for pk, value in rows.filter(condition).values_list("pk", field.name):
            cleaned = replace_in(value, pattern)
            if cleaned != value:
                if isinstance(field, models.CharField) and field.max_length:
                    cleaned = cleaned[: field.max_length]
                model._default_manager.filter(pk=pk).update(**{field.name: cleaned})
                changed[model._meta.label_lower] = changed.get(model._meta.label_lower, 0) + 1
    return changed
