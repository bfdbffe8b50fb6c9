"""What happens on arrival, beyond storing it, registered by other apps.

Triage registers its suggester here (triage/apps.py), the way channels/ registers platform rules
in `platforms.py`: inbox calls the hook and applies what it decides (priority, team), so inbox
never imports triage and triage never writes inbox rows. Reports registers a late-arrival hook:
a message whose platform time lies in a day already over changes that day's figures.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ArrivalDecision:
    """What the hook decided for a new conversation; inbox applies it and puts it on the timeline."""

    urgent: bool = False
    team: Any = None  # a Team, or None to keep the account's team
    # Goes into the "conversation started" event's data, so the timeline shows it from the start.
    event_data: dict = field(default_factory=dict)


ArrivalHook = Callable[[Any, str], ArrivalDecision]
_hooks: list[ArrivalHook] = []


def register_arrival_hook(hook: ArrivalHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


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
