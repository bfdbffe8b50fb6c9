"""What a write changed that the figures count, told to whoever keeps the counts (reports registers).

Reports keeps hourly tallies so a busy day's dashboard need not count the day's messages again
(ADR 0018). The services that store messages, answer, move a conversation's start or close it tell
the registered hooks here, in their own transaction, so a count moves with the change or not at
all; inbox never imports reports.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Counted:
    """One transaction's changes: messages stored or removed, conversations whose start or first
    answer may have moved (saved as they are now), and the close events appended."""

    messages_added: list = field(default_factory=list)
    messages_removed: list = field(default_factory=list)
    conversations: list = field(default_factory=list)
    closed: list = field(default_factory=list)  # the "closed" events, saved


CountHook = Callable[[Counted], Any]
_hooks: list[CountHook] = []


def register_count_hook(hook: CountHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def changes_counted(
    *,
    messages_added: Iterable = (),
    messages_removed: Iterable = (),
    conversations: Iterable = (),
    closed: Iterable = (),
) -> None:
    """Tell every registered hook; call it inside the transaction that made the changes."""
    if not _hooks:
        return
    counted = Counted(list(messages_added), list(messages_removed), list(conversations), list(closed))
    if not (counted.messages_added or counted.messages_removed or counted.conversations or counted.closed):
        return
    for hook in list(_hooks):
        hook(counted)
