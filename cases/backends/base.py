"""What every case backend is: the `Backend` interface and the errors a backend may raise.

Kept apart from the package `__init__` so that each backend can import it without importing the
package that chooses between them.
"""

from collections.abc import Callable
from typing import Protocol

from ..models import Case, StatusPush


class BackendError(Exception):
    """The back office refused the case; retrying the same request will not help."""


class TemporaryBackendError(BackendError):
    """A network fault, a 5xx or a 429: try again later."""


class NotKeptThere(BackendError):
    """The back office keeps no such thing (a status without a statustype): nothing to send."""


class Backend(Protocol):
    def register(self, case: Case, *, on_reference: Callable[[str], None]) -> str: ...

    def push_status(self, case: Case, push: StatusPush) -> str: ...

    def is_closed(self, case: Case) -> bool: ...
