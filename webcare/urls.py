from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from .api import api
from .health import healthz


def favicon(request):
    # Browsers ask for /favicon.ico wherever a page names no icon (the admin, the API docs).
    return redirect(static("favicon.ico"), permanent=True)


urlpatterns = [
    # First: the login (and the admin's login) are the two-step one in security/.
    path("", include("security.urls")),
    path("", include("inbox.urls")),
    path("", include("reports.urls")),
    path("", include("channels.urls")),
    path("", include("triage.urls")),
    path("", include("privacy.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
]
