"""Status tables: which status a row may move to next, and the one way a move is made.

Every status a row moves through (a conversation's state, a reply's send status, a case's status
and its back-office sync, a webhook delivery) is a table `status → allowed next statuses`. A move
is a guarded conditional update, `UPDATE … WHERE pk = … AND status = <expected>`: one row changed,
or a refusal. Nothing here knows an app; every app builds on it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import QuerySet


class TransitionNotAllowed(Exception):
    """The table has no arrow from `old` to `new`."""

    def __init__(self, table: str, old: str, new: str):
        super().__init__(f"A {table} cannot go from {old!r} to {new!r}.")
        self.table, self.old, self.new = table, old, new


@dataclass(frozen=True)
class Transitions:
    """A named table of allowed moves; statuses not in it have no way out."""

    name: str
    table: Mapping[str, Iterable[str]]
    _arrows: frozenset[tuple[str, str]] = field(init=False, repr=False)

    def __post_init__(self):
        arrows = frozenset((str(old), str(new)) for old, news in self.table.items() for new in news)
        object.__setattr__(self, "_arrows", arrows)

    def allowed(self, old: str, new: str) -> bool:
        return (str(old), str(new)) in self._arrows

    def allowed_next(self, old: str, order: Iterable[str]) -> list[str]:
        """The statuses `old` may move to, in the given order (usually the choices' order)."""
        return [new for new in order if self.allowed(old, new)]

    def check(self, old: str, new: str) -> None:
        if not self.allowed(old, new):
            raise TransitionNotAllowed(self.name, old, new)

    def apply(self, rows: QuerySet, *, field: str, expected: str, new: str, **changes) -> bool:
        """Move the rows still at `expected` to `new` (with `changes`) in one conditional UPDATE.

        False when no row was at `expected` any more: someone else moved it first, and the caller
        must not act as if its move happened. Raises TransitionNotAllowed for a move the table
        does not have, before touching the database.
        """
        self.check(expected, new)
        return rows.filter(**{field: expected}).update(**{field: new}, **changes) > 0
