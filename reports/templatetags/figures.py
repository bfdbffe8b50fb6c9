"""Template filters for the manager's figures."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def minutes_as_duration(minutes) -> str:
    """A number of minutes as a reader would say it: "2 days 19 hours", "3 hours 30 minutes"."""
    if minutes in (None, ""):
        return ""
    total = round(float(minutes))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        ngettext("%(n)d day", "%(n)d days", days) % {"n": days} if days else "",
        ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours} if hours else "",
        ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins} if mins and not days else "",
    ]
    return " ".join(part for part in parts if part) or ngettext("%(n)d minute", "%(n)d minutes", 0) % {"n": 0}
