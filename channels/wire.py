"""What a failed HTTP call says about a write: whether the request can have reached the platform.

Only a failure to connect (refused, DNS, connect timeout) proves nothing was sent. A read timeout,
a connection dropped after the request went out, or a broken answer leaves the write's outcome
unknown: the platform may have carried it out.
"""

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError


def never_sent(exc: BaseException) -> bool:
    """True when `exc` shows the request never left this machine (safe to send again)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.ReadTimeout):
        return False
    # requests wraps urllib3's MaxRetryError, whose reason says at which step it failed. A
    # ProtocolError ("Connection aborted", RemoteDisconnected) means the request was on its way.
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))
