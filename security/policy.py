"""Who must use a second factor, and whether this session has one (TOTP, WebAuthn, a backup code,
or an SSO login at an identity provider trusted to ask its own)."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp import user_has_device

from inbox.models import Role
from inbox.permissions import roles

SSO_BACKEND = "security.oidc.RoleClaimsBackend"


def mfa_required(user) -> bool:
    """Whether this user's roles (WEBCARE_MFA_REQUIRED_ROLES) need a second factor; staff count as admin."""
    required = set(settings.WEBCARE_MFA_REQUIRED_ROLES)
    if not required or not user.is_authenticated:
        return False
    user_roles = set(roles(user))
    if user.is_staff:
        user_roles.add(Role.ADMIN)
    return bool(user_roles & required)


def mfa_satisfied(request) -> bool:
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return True
    return settings.OIDC_MFA_TRUSTED and request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)
