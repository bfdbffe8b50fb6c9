"""API authentication: a bearer token first (scripts), then the browser's session cookie, whose
CSRF check applies only when a session cookie is actually sent."""

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

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


class CookieSessionAuth(SessionAuth):
    """The logged-in browser. Without a session cookie there is no session to forge a request
    for, so no CSRF check either: the request is simply not authenticated (401, not a CSRF 403)."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)
