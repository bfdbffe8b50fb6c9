"""Template helpers for the escalation, forwarding and notes partials."""

from django import template

from inbox.models import Role, Team
from inbox.permissions import roles

register = template.Library()


@register.simple_tag
def wijkbureau_teams():
    return list(Team.objects.filter(kind=Team.Kind.WIJKBUREAU).order_by("name"))


@register.filter
def max_pk(items) -> int:
    return max((item.pk for item in items), default=0)


@register.filter
def is_adviser(user) -> bool:
    return bool(roles(user) & {Role.ADVISER, Role.ADMIN})
