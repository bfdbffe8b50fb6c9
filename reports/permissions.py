"""Who sees the manager's figures: managers and functional admins."""

from inbox.models import Role
from inbox.permissions import roles


def can_view_reports(user) -> bool:
    return bool(roles(user) & {Role.MANAGER, Role.ADMIN})
