"""Back offices a case can be registered in. `local` keeps the case here only; `zgw` is a ZGW Zaken API.

A backend registers one case and reports the back office's reference. It must be safe to call
again for the same case (a retry after a timeout): it looks before it creates.
"""

from collections.abc import Callable
from typing import Protocol

from ..models import Case


class BackendError(Exception):
    """The back office refused the case; retrying the same request will not help."""


class TemporaryBackendError(BackendError):
    """A network fault, a 5xx or a 429: try again later."""


class Backend(Protocol):
    def register(self, case: Case, *, on_reference: Callable[[str], None]) -> str: ...

    def is_closed(self, case: Case) -> bool: ...


class LocalBackend:
    """The case lives here only: nothing to do."""

    def register(self, case: Case, *, on_reference: Callable[[str], None]) -> str:
        return ""

    def is_closed(self, case: Case) -> bool:
        return False


def get_backend(name: str) -> Backend:
    if name == "local":
        return LocalBackend()
    if name == "zgw":
        from .zgw import ZGWBackend

        return ZGWBackend.from_settings()
    raise BackendError(f"Unknown case backend {name!r}; use 'local' or 'zgw'.")
