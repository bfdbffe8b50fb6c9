"""One person's own settings: their keyboard shortcuts."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import ShortcutPreference
from ..shortcuts import DEFAULT_KEYS


@transaction.atomic
def shortcuts_save(*, user: AbstractBaseUser, enabled: bool, keys: dict[str, str]) -> ShortcutPreference:
    """Store whether the user's shortcuts are on and which keys differ from the defaults.

    The caller has checked the keys (one character each, no two actions on one key)."""
    changed = {
        action: key for action, key in keys.items() if action in DEFAULT_KEYS and key != DEFAULT_KEYS[action]
    }
    preference, _created = ShortcutPreference.objects.update_or_create(
        user=user, defaults={"enabled": enabled, "keys": changed}
    )
    return preference
