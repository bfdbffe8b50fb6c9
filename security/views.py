"""Login (two steps: password, then the second factor), the admin's login sent there, CSRF failure."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _
from two_factor.views import LoginView as TwoFactorLoginView


class LoginView(TwoFactorLoginView):
    """django-two-factor-auth's login wizard in our layout, with the SSO button where it is set up."""

    template_name = "two_factor/core/login.html"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        context["next_url"] = self.get_redirect_url()
        return context


def admin_login(request):
    """The admin has no login of its own: one login, with its second factor, for everything."""
    return redirect_to_login(request.GET.get("next") or "/admin/", settings.LOGIN_URL)


def csrf_failure(request, reason=""):
    return render(
        request,
        "403_csrf.html",
        {
            "message": _(
                "This form had expired or came from elsewhere. Go back, reload the page and try again."
            )
        },
        status=403,
    )
