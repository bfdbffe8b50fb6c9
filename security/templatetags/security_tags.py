"""Small template filters for the security pages."""

import math

from django import template

register = template.Library()


@register.filter
def whole_minutes(delta) -> int:
    """A timedelta as whole minutes, rounded up (a lockout of 90 s is "2 minutes")."""
    try:
        return max(1, math.ceil(delta.total_seconds() / 60))
    except AttributeError:
        return 0
