"""The `local` backend: the case lives in this application only, there is no back office."""

from collections.abc import Callable

from ..models import Case, StatusPush


class LocalBackend:
    """The case lives here only: nothing to do."""

    def register(self, case: Case, *, on_reference: Callable[[str], None]) -> str:
        return ""

    def push_status(self, case: Case, push: StatusPush) -> str:
        return ""

    def is_closed(self, case: Case) -> bool:
        return False
