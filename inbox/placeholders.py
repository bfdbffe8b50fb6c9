"""Placeholders in replies and canned answers ({naam}, {zaaknummer}, {voornaam_medewerker}), filled
from the conversation's facts as they are now; a reply is refused while any `{…}` is left."""

import re

PLACEHOLDER = re.compile(r"\{[a-z_]{2,40}\}")


def placeholder_values(conversation, user) -> dict[str, str]:
    """What each placeholder stands for now; "" where the fact is not there (yet)."""
    contact = conversation.contact
    case = conversation.case if conversation.case_id else None
    return {
        "{naam}": contact.name or contact.handle or "",
        "{zaaknummer}": case.number if case else "",
        "{voornaam_medewerker}": user.first_name or user.get_username(),
    }


def placeholders_fill(text: str, *, conversation, user) -> str:
    """The text with every placeholder that has a value filled in; the others stay visible."""
    for placeholder, value in placeholder_values(conversation, user).items():
        if value:
            text = text.replace(placeholder, value)
    return text


def placeholders_left(text: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)))


def reply_with_case_number(typed: str, *, number: str, notice: str, cursor: int | None = None) -> str:
    """The reply box's text once a case is registered: the number where {zaaknummer} stands, else the
    notice sentence once, at the cursor (at the end without one); never a second copy."""
    if "{zaaknummer}" in typed:
        return typed.replace("{zaaknummer}", number)
    if number in typed:
        return typed
    if not typed.strip():
        return notice
    at = len(typed) if cursor is None else max(0, min(cursor, len(typed)))
    before, after = typed[:at].rstrip(), typed[at:].lstrip()
    return "\n\n".join(part for part in (before, notice, after) if part)
