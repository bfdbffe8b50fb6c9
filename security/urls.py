"""Login and two-factor set-up URLs (django-two-factor-auth's, with our login view), and SSO."""

from django.conf import settings
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from . import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("admin/login/", views.admin_login, name="admin_login"),
    path("", include(two_factor_urls)),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
