"""One person's own settings: their keyboard shortcuts and the queue views they saved."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import SavedQueueView, ShortcutPreference
from ..shortcuts import DEFAULT_KEYS, shortcuts_forget
from .base import ServiceError

# Enough for the views one works with; the filter bar stays readable.
SAVED_VIEWS_MAX = 10


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
    shortcuts_forget(user)
    return preference


def queue_view_save(*, user: AbstractBaseUser, name: str, filter_name: str, team_slug: str) -> SavedQueueView:
    """Save the view the user is looking at under a name of their own (the caller checked the
    filter and team). Refused for a name they already use, or beyond SAVED_VIEWS_MAX."""
    name = " ".join(name.split())[:60]
    if not name:
        raise ServiceError(_("Give the view a name."))
    if SavedQueueView.objects.filter(user=user).count() >= SAVED_VIEWS_MAX:
        raise ServiceError(_("You have saved %(n)s views; remove one first.") % {"n": SAVED_VIEWS_MAX})
    try:
        with transaction.atomic():
            return SavedQueueView.objects.create(
                user=user,
                name=name,
                filter_name=filter_name,
                team_slug=team_slug if filter_name == "team" else "",
            )
    except IntegrityError:
        raise ServiceError(_("You already have a view called %(name)s.") % {"name": name}) from None


def queue_view_delete(*, user: AbstractBaseUser, view_id: int) -> None:
    """Remove one of the user's own saved views (someone else's is not theirs to remove: a no-op)."""
    SavedQueueView.objects.filter(user=user, pk=view_id).delete()
