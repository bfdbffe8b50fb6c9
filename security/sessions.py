"""The two clocks of a session: when it began (a working day at most) and its last activity."""

import time

LAST_ACTIVITY = "webcare_last_activity"
STARTED = "webcare_session_started"


def session_begin(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_ACTIVITY] = now
