"""How late we fetched something, said the way a reader would: "opgehaald 3 dagen later"."""

import datetime as dt

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def rounded_delay(delay: dt.timedelta | None) -> str:
    """A delay in its largest whole unit, rounded: 2 days 19 hours is "3 days", 90 minutes "2 hours"."""
    if not delay:
        return ""
    minutes = delay.total_seconds() / 60
    if minutes >= 24 * 60:
        days = round(minutes / (24 * 60))
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if minutes >= 60:
        hours = round(minutes / 60)
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", round(minutes)) % {"n": round(minutes)}
