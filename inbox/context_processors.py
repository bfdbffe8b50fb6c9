"""Template context every inbox page needs: the user's roles, for navigation, and their shortcuts."""

from django.utils.functional import SimpleLazyObject

from .permissions import can_work, roles
from .shortcuts import shortcut_settings


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_roles": roles(user),
        "user_can_work": can_work(user),
        # Read only by the pages that offer shortcuts (one query there, none elsewhere).
        "shortcuts": SimpleLazyObject(lambda: shortcut_settings(user)),
    }
