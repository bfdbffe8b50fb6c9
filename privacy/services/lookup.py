"""Finding the citizen an AVG request is about: by our contact id, or by handle / platform user id."""

from django.db.models import Q

from inbox.models import Contact


class ContactNotFound(Exception):
    """No contact, or more than one: the message says which (and how to choose)."""


def contact_find(handle_or_id: str) -> Contact:
    """`123` or `#123` is our contact id; `@name` or `name` a handle, or a platform user id."""
    value = handle_or_id.strip()
    if value.lstrip("#").isdigit() and (contact := Contact.objects.filter(pk=int(value.lstrip("#"))).first()):
        return contact
    handle = value.lstrip("@")
    if not handle:
        raise ContactNotFound("Give a handle or a contact id.")
    matches = list(
        Contact.objects.filter(Q(handle__iexact=handle) | Q(platform_user_id=handle)).order_by("pk")[:10]
    )
    if not matches:
        raise ContactNotFound(f"No contact with handle or id {value!r}.")
    if len(matches) > 1:
        listed = ", ".join(f"#{c.pk} ({c.platform})" for c in matches)
        raise ContactNotFound(f"More than one contact matches {value!r}: {listed}. Give the contact id.")
    return matches[0]


def contacts_search(query: str, limit: int = 25) -> list[Contact]:
    value = query.strip().lstrip("@#")
    if not value:
        return []
    condition = Q(handle__icontains=value) | Q(name__icontains=value) | Q(platform_user_id=value)
    if value.isdigit():
        condition |= Q(pk=int(value))
    return list(Contact.objects.filter(condition).order_by("pk")[:limit])
