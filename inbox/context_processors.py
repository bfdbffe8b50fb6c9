"""Template context every inbox page needs: the user's roles, for navigation."""

from .permissions import can_work, roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_roles": roles(user), "user_can_work": can_work(user)}
