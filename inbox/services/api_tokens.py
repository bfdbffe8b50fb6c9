"""Bearer tokens for scripts using the API."""

from django.contrib.auth.models import AbstractBaseUser

from ..models import ApiToken
from ..tokens import hash_token, new_token_key


def api_token_create(*, user: AbstractBaseUser, name: str) -> str:
    """Create a bearer token and return its key; only the hash is kept."""
    key = new_token_key()
    ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_token(key))
    return key
