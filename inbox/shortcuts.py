"""The keyboard shortcuts an agent can use, their default keys, and one person's choice of them."""

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
    """The user's shortcuts: on with the default keys until they change them (one query)."""
    preference = ShortcutPreference.objects.filter(user=user).first() if user.is_authenticated else None
    if preference is None:
        return ShortcutSettings(enabled=True, keys=dict(DEFAULT_KEYS))
    chosen = {
        a: k for a, k in (preference.keys or {}).items() if a in DEFAULT_KEYS and isinstance(k, str) and k
    }
    return ShortcutSettings(enabled=preference.enabled, keys={**DEFAULT_KEYS, **chosen})
