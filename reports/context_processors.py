"""The peak banner everyone sees while intake is far above normal, until they dismiss it."""

from django.utils import timezone

from .selectors import peak_banner_alert


def peak_banner(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"peak_alert": peak_banner_alert(user=request.user, now=timezone.now())}
