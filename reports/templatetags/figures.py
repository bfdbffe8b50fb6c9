"""Template filters for the manager's figures."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def minutes_as_duration(minutes) -> str:
    """A number of minutes as a reader would say it: "2 days 19 hours", "22 hours", "1 hour 44 minutes"."""
    if minutes in (None, ""):
        return ""
    total = round(float(minutes))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        parts = [ngettext("%(n)d day", "%(n)d days", days) % {"n": days}]
        if hours:
            parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
        return " ".join(parts)
    if hours >= 3 or (hours and not mins):
        hours = round(rest / 60)
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    parts = [ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}] if hours else []
    parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts)
