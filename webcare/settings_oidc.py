"""Single sign-on with the municipality's identity provider (OpenID Connect, mozilla-django-oidc),
off unless OIDC_RP_CLIENT_ID is set. Part of webcare/settings.py, kept apart for its size."""

import os

from .env import env_bool, env_list

OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")  # the ID token's "iss", checked when set
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", True)
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
# The identity provider's group names for our roles: "agent=KCC-medewerkers,admin=Webcare-beheer".
# A role not named here is matched by its own name (a group called "agent" gives the agent role).
OIDC_ROLE_GROUPS = env_list("OIDC_ROLE_GROUPS", "")
# Where the identity provider enforces its own second factor (as municipal ones do), an SSO login
# counts as two-factor; set 0 to ask for our own TOTP on top.
OIDC_MFA_TRUSTED = env_bool("OIDC_MFA_TRUSTED", True)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
