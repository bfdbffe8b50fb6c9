"""Every non-trivial read of cases."""

from django.db.models import QuerySet

from . import numbers
from .models import Case, CaseEvent, ManualContact, StatusPush


def case_by_number(text: str) -> Case | None:
    """The case for a number however it was typed ("zaak 2026 0001234"), or None."""
    number = numbers.parse_number(text)
    if number is None:
        return None
    return Case.objects.select_related("registered_by").filter(number=number).first()


def cases_named_in(text: str) -> list[Case]:
    """The existing cases a text names, in order of appearance."""
    found = numbers.find_numbers(text)
    if not found:
        return []
    by_number = {case.number: case for case in Case.objects.filter(number__in=found)}
    return [by_number[n] for n in found if n in by_number]


def case_timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor").order_by("created_at", "pk"))


def case_contacts(case: Case) -> list[ManualContact]:
    return list(case.manual_contacts.select_related("recorded_by").order_by("happened_at", "pk"))


def recent_cases(limit: int = 50) -> QuerySet:
    return Case.objects.order_by("-created_at")[:limit]


def case_status_pushes(case: Case) -> list[StatusPush]:
    """The case's status changes on their way to (or in) the back office, oldest first."""
    return list(case.status_pushes.order_by("changed_at", "pk"))
