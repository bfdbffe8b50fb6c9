from django.contrib import admin
from django.urls import include, path

from inbox.api import api
from inbox.views import home

from .health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("", include("inbox.urls")),
    path("", include("inbox.teamwork_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
