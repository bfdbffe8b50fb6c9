"""The keyboard shortcuts an agent can use, their default keys, and one person's choice of them."""

import json
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ShortcutPreference


@dataclass(frozen=True)
class Shortcut:
    action: str
    default: str
    help: str


SHORTCUTS = (
    Shortcut("next", "j", _("next conversation (in a conversation: next message)")),
    Shortcut("previous", "k", _("previous conversation (in a conversation: previous message)")),
    Shortcut("claim", "c", _("claim")),
    Shortcut("reply", "r", _("go to the reply box")),
    Shortcut("escalate", "e", _("escalate to the duty adviser")),
    Shortcut("close", "x", _("close the conversation")),
    Shortcut("help", "?", _("show or hide this help")),
)
ACTIONS = tuple(s.action for s in SHORTCUTS)
DEFAULT_KEYS = {s.action: s.default for s in SHORTCUTS}


@dataclass(frozen=True)
class ShortcutSettings:
    enabled: bool
    keys: dict[str, str]  # action → key, every action

    def rows(self):
        return [(s, self.keys[s.action]) for s in SHORTCUTS]


def shortcut_settings(user) -> ShortcutSettings:
    """The user's shortcuts: on with the default keys until they change them. Read with the user
    where the login backend could (`shortcuts_known`), else one query."""
    held = getattr(user, "_webcare_shortcuts", None)
    if held is not None:
        return held
    preference = ShortcutPreference.objects.filter(user=user).first() if user.is_authenticated else None
    if preference is None:
        return _settings(enabled=True, keys={})
    return _settings(enabled=preference.enabled, keys=preference.keys)


def shortcuts_known(user, *, enabled: bool | None, keys) -> None:
    """Hand over the preference read with the user (security.backends): `enabled` None where they
    have none; `keys` as stored (JSON text or a dict)."""
    if isinstance(keys, str):
        try:
            keys = json.loads(keys)
        except ValueError:
            keys = {}
    user._webcare_shortcuts = _settings(enabled=True if enabled is None else enabled, keys=keys)


def shortcuts_forget(user) -> None:
    """What was read with the user no longer holds (they just saved new settings)."""
    user.__dict__.pop("_webcare_shortcuts", None)


def _settings(*, enabled: bool, keys) -> ShortcutSettings:
    chosen = {
        a: k
        for a, k in (keys if isinstance(keys, dict) else {}).items()
        if a in DEFAULT_KEYS and isinstance(k, str) and k
    }
    return ShortcutSettings(enabled=enabled, keys={**DEFAULT_KEYS, **chosen})
