"""Bearer tokens for scripts using the API."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from audit.models import AuditEntry
from audit.services import audit_record

from ..models import ApiToken
from ..tokens import hash_token, new_token_key


@transaction.atomic
def api_token_issue(
    *,
    user: AbstractBaseUser,
    name: str,
    issued_by: AbstractBaseUser | None = None,
    via: str = "command",
    request=None,
) -> tuple[ApiToken, str]:
    """Create a bearer token; return it and its key (shown once: only the hash is kept). Audited,
    with the token's name and owner, never its key."""
    key = new_token_key()
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_token(key))
    audit_record(
        action=AuditEntry.Action.TOKEN_CREATED,
        actor=issued_by,
        actor_name="" if issued_by else via,
        request=request,
        via=via,
        obj=token,
        detail={"user": user.get_username(), "name": token.name},
    )
    return token, key


def api_token_create(*, user: AbstractBaseUser, name: str) -> str:
    """Create a bearer token and return its key; only the hash is kept."""
    return api_token_issue(user=user, name=name)[1]
