"""Session limits (idle timeout, a working day at most) and the second-factor requirement."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .policy import has_second_factor, mfa_required, mfa_satisfied
from .sessions import LAST_ACTIVITY, STARTED

# Writing the session on every click costs a query; activity is known to within this many seconds.
ACTIVITY_RESOLUTION_SECONDS = 15
API_PREFIX = "/api/"


def is_background(request) -> bool:
    """A request the page made by itself: htmx's live refresh (`?v=`) and polls (marked by
    static/js/security.js). They do not keep a session alive."""
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request") != "true":
        return False
    return "v" in request.GET or request.headers.get("X-Webcare-Background") == "1"


def _to_login(request, message: str):
    if request.path_info.startswith(API_PREFIX):
        return None  # the API answers 401 for an anonymous user on its own
    login_url = settings.LOGIN_URL
    if request.headers.get("HX-Request") == "true":
        # A fragment must not be swapped for the login page: htmx moves the whole window instead.
        current = request.headers.get("HX-Current-URL", "/")
        response = redirect_to_login(current, login_url)
        return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
    messages.info(request, message)
    return redirect_to_login(request.get_full_path(), login_url)


class SessionLimitsMiddleware:
    """Ends a session idle for WEBCARE_SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        session, now = request.session, time.time()
        started, last = session.get(STARTED), session.get(LAST_ACTIVITY)
        reason = ""
        if started is not None and now - started > settings.SESSION_COOKIE_AGE:
            reason = "max_age"
        elif last is not None and now - last > settings.WEBCARE_SESSION_IDLE_MINUTES * 60:
            reason = "idle"
        if reason:
            request.webcare_logout_reason = reason
            logout(request)
            return _to_login(
                request, _("Your session has ended after a period without activity. Log in again.")
            )
        if started is None:
            session[STARTED] = now
        if last is None or (not is_background(request) and now - last >= ACTIVITY_RESOLUTION_SECONDS):
            session[LAST_ACTIVITY] = now
        return None


# Paths a user who still needs a second factor may reach: logging in and out, setting one up.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/account/two_factor/", "/oidc/", "/static/", "/i18n/", "/healthz")


class MfaRequiredMiddleware:
    """Roles in WEBCARE_MFA_REQUIRED_ROLES reach nothing with a password alone: without a device
    they are sent to set one up; with one (a session that skipped it) they log in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(MFA_EXEMPT_PREFIXES)
            and mfa_required(user)
            and not mfa_satisfied(request)
        ):
            return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request):
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": "Your role needs two-factor login; log in with your second factor."}, status=403
            )
        if has_second_factor(request.user):
            request.webcare_logout_reason = "second_factor_missing"
            logout(request)
            return _to_login(request, _("Log in with your second factor."))
        target = redirect("two_factor:setup")
        if is_background(request):
            return HttpResponse(status=204)  # a poll of the set-up page itself: nothing to show, no loop
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(status=204, headers={"HX-Redirect": target["Location"]})
        messages.info(request, _("Your role needs a second factor. Set up an authenticator app first."))
        return target
