"""What happens on arrival, beyond storing it, registered by other apps.

Triage registers its suggester here (triage/apps.py), the way channels/ registers platform rules
in `platforms.py`: inbox calls the hook and applies what it decides (priority, team), so inbox
never imports triage and triage never writes inbox rows. Reports registers a late-arrival hook:
a message whose platform time lies in a day already over changes that day's figures.

Ingest hands a poll page's new conversations over together (`arrival_decide`), before they are
saved: a hook hands back its own rows for them (`ArrivalDecision.rows`) and ingest inserts those
right after the conversations. A hook may also register a form that takes them all at once
(`many`), to load what it needs once per page; without one, the hook is called per conversation as
before. Either way, what a hook loads through `arrival_memo` is loaded once per page and afresh for
the next one; a hook that learns of changes may hold it longer (triage's routing rules).
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ArrivalDecision:
    """What the hook decided for a new conversation; inbox applies it and puts it on the timeline."""

    urgent: bool = False
    team: Any = None  # a Team, or None to keep the account's team
    # Goes into the "conversation started" event's data, so the timeline shows it from the start.
    event_data: dict = field(default_factory=dict)
    # The hook's own rows for the conversation, not saved: the conversation has no id yet while the
    # hook decides (it is inserted once, as decided), so ingest inserts them right after it, in bulk.
    rows: tuple = ()


ArrivalHook = Callable[[Any, str], ArrivalDecision]
# (conversation, text) pairs in, one decision per pair out, in the same order.
ArrivalBatchHook = Callable[[Sequence[tuple[Any, str]]], list[ArrivalDecision]]
_hooks: list[ArrivalHook] = []
_many: dict[ArrivalHook, ArrivalBatchHook] = {}
_batch = threading.local()


def register_arrival_hook(hook: ArrivalHook, *, many: ArrivalBatchHook | None = None) -> None:
    if hook not in _hooks:
        _hooks.append(hook)
    if many is not None:
        _many[hook] = many


def arrival_hooks() -> list[ArrivalHook]:
    return list(_hooks)


# Called with the platform day of a message stored after that day ended, inside the storing
# transaction (so what the hook does is undone with the message if it rolls back).
LateArrivalHook = Callable[[dt.date], None]
_late_hooks: list[LateArrivalHook] = []


def register_late_arrival_hook(hook: LateArrivalHook) -> None:
    if hook not in _late_hooks:
        _late_hooks.append(hook)


def late_arrival_hooks() -> list[LateArrivalHook]:
    return list(_late_hooks)


@contextmanager
def arrival_batch() -> Iterator[None]:
    """Hooks called inside it share what `arrival_memo` loads (one page's arrivals)."""
    outermost = getattr(_batch, "memo", None) is None
    if outermost:
        _batch.memo = {}
    try:
        yield
    finally:
        if outermost:
            _batch.memo = None


def arrival_memo(key: str, load: Callable[[], Any]) -> Any:
    """`load()`, once per batch of arrivals for each key (every time outside one)."""
    memo = getattr(_batch, "memo", None)
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def arrival_decide(arrivals: Sequence[tuple[Any, str]]) -> list[list[ArrivalDecision]]:
    """Every registered hook's decision for each (conversation, text), in registration order."""
    decided: list[list[ArrivalDecision]] = [[] for _ in arrivals]
    if not arrivals:
        return decided
    with arrival_batch():
        for hook in arrival_hooks():
            many = _many.get(hook)
            decisions = (
                many(arrivals) if many else [hook(conversation, text) for conversation, text in arrivals]
            )
            if len(decisions) != len(arrivals):
                raise ValueError(
                    f"Arrival hook {hook!r} decided {len(decisions)} of {len(arrivals)} arrivals"
                )
            for found, decision in zip(decided, decisions, strict=True):
                found.append(decision)
    return decided
