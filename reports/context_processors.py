"""The peak banner everyone sees while intake is far above normal."""

import datetime as dt

from django.utils import timezone

from .models import PeakAlert


def peak_banner(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    since = timezone.now() - dt.timedelta(hours=2)
    return {"peak_alert": PeakAlert.objects.filter(hour_start__gte=since).first()}
