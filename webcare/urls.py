from django.contrib import admin
from django.urls import include, path

from inbox.api import api
from inbox.api_cases import router as cases_api_router
from reports.api import router as reports_router

from .health import healthz

api.add_router("", reports_router)
api.add_router("", cases_api_router)

urlpatterns = [
    path("", include("inbox.urls")),
    path("", include("reports.urls")),
    path("", include("channels.urls")),
    path("", include("triage.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
