"""Login and two-factor set-up URLs (django-two-factor-auth's, with our login view), and SSO."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import include, path
from mozilla_django_oidc import views as oidc_views
from two_factor.urls import urlpatterns as two_factor_urls

from . import views


def _when_sso_is_set_up(view):
    """The SSO endpoints exist only where OIDC_RP_CLIENT_ID is set (settings read per request)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up.")
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("admin/login/", views.admin_login, name="admin_login"),
    path("", include(two_factor_urls)),
    path(
        "oidc/authenticate/",
        _when_sso_is_set_up(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        _when_sso_is_set_up(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
