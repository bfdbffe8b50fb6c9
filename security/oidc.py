"""Single sign-on with the municipality's identity provider (OpenID Connect, mozilla-django-oidc).

Users are matched by the OIDC_USERNAME_CLAIM (preferred_username), created on their first login,
and get their roles from the OIDC_GROUPS_CLAIM at every login: the identity provider is where roles
are managed, so a role taken away there is gone here at the next login. Nobody without a role gets in.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from inbox.models import Role

logger = logging.getLogger(__name__)


def role_groups() -> dict[str, str]:
    """The identity provider's group name for each role (OIDC_ROLE_GROUPS), else the role's own name."""
    names = {role.value: role.value for role in Role}
    for item in settings.OIDC_ROLE_GROUPS:
        role, _, group = item.partition("=")
        if role.strip() in names and group.strip():
            names[role.strip()] = group.strip()
    return names


def roles_from_claims(claims: dict) -> set[str]:
    granted = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(granted, str):
        granted = [part for part in granted.replace(",", " ").split() if part]
    granted = {str(group).strip().lower() for group in granted}
    return {role for role, group in role_groups().items() if group.lower() in granted}


class RoleClaimsBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            logger.warning("SSO login refused: %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        """The library checks the signature and the nonce; the audience and issuer are checked here."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not for this client.")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Groups may come in the ID token, the userinfo answer or both.
        info = super().get_userinfo(access_token, id_token, payload) if settings.OIDC_OP_USER_ENDPOINT else {}
        return {**payload, **info}

    def _username(self, claims: dict) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150]

    def verify_claims(self, claims):
        if not self._username(claims):
            logger.warning("SSO login refused: no %s claim", settings.OIDC_USERNAME_CLAIM)
            return False
        if not roles_from_claims(claims):
            logger.warning("SSO login of %s refused: no webcare role in its groups", self._username(claims))
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(
            username=self._username(claims), email=claims.get("email", "")
        )
        user.set_unusable_password()  # SSO users log in at the identity provider only
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = str(claims.get("email") or user.email)[:254]
        granted = roles_from_claims(claims)
        user.is_staff = user.is_superuser = Role.ADMIN in granted
        user.save()
        managed = Group.objects.filter(name__in=[role.value for role in Role])
        user.groups.remove(*managed.exclude(name__in=granted))
        user.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in sorted(granted)])
        return user
