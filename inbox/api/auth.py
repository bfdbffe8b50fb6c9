"""Bearer-token authentication for the API: a token stands for its (active) user."""

from django.utils import timezone
from ninja.security import HttpBearer

from ..models import ApiToken
from ..tokens import hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if api_token is None or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user
