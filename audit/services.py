"""Writing the audit log: one function, called by the receivers, the admin, commands and services."""

from django.db import models

from .context import client_ip
from .models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    actor_name: str = "",
    request=None,
    via: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user (or None); `request` gives the address and, when no actor
    is given, the logged-in user; `obj` fills the object columns (override with object_repr)."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor=(actor.get_username() if actor is not None else actor_name)[:150],
        ip_address=client_ip(request),
        via=via or ("web" if request is not None else ""),
        object_type=object_type[:100],
        object_id=str(object_id or "")[:64],
        object_repr=str(object_repr)[:200],
        detail=detail or {},
    )
