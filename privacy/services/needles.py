"""What identifies a citizen in free text: their handle, platform user id and full name."""

from inbox.models import Contact

# Shorter strings (a first name alone, "Jan") would match other people's texts too.
MIN_NEEDLE = 4


def needles_for(contact: Contact) -> list[str]:
    found = []
    for value in (contact.handle, contact.platform_user_id, contact.name):
        value = (value or "").strip()
        if len(value) >= MIN_NEEDLE and value.lower() not in {n.lower() for n in found}:
            found.append(value)
    return found
