"""Back offices a case can be registered in. `local` keeps the case here only; `zgw` is a ZGW Zaken API.

A backend registers one case and reports the back office's reference. It must be safe to call
again for the same case (a retry after a timeout): it looks before it creates.
"""

from .base import Backend, BackendError, NotKeptThere, TemporaryBackendError
from .local import LocalBackend
from .zgw import ZGWBackend

__all__ = [
    "Backend",
    "BackendError",
    "LocalBackend",
    "NotKeptThere",
    "TemporaryBackendError",
    "ZGWBackend",
    "get_backend",
]


def get_backend(name: str) -> Backend:
    if name == "local":
        return LocalBackend()
    if name == "zgw":
        return ZGWBackend.from_settings()
    raise BackendError(f"Unknown case backend {name!r}; use 'local' or 'zgw'.")
