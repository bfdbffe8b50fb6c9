"""A fake X API v2 server: real HTTP on 127.0.0.1, serving the documented response shapes.

tweepy's own code talks to it (through X_API_BASE_URL). It serves mentions (since_id, paging with
pagination_token), DM events, recent search, the account's own tweets (``/2/users/:id/tweets``
with since_id/start_time) and its DMs with one person, and accepts posted tweets and DMs. Every
request is recorded so tests can assert what was sent; every post it accepted is in
``posted_tweets`` / ``posted_dms`` (the post log). Faults are scripted per path: a status with a
body and headers, or a delay (for timeouts), served once each, before anything is posted.
``lose_answer`` makes a post happen and its answer get lost (late, dropped, or a 5xx);
``write_delay`` slows every post's answer; ``read_delay`` hides what was posted from reads for a
while, as X's timelines lag.

Standalone, with a little Dutch demo data: ``python -m tests.fakes.fake_x --port 8765``.
Add a mention while it runs: ``curl -X POST localhost:8765/_fake/mentions -d '{"text": "..."}'``;
make the next call fail: ``curl -X POST localhost:8765/_fake/fail -d '{"path": "/2/users/", "status": 401}'``;
see what was posted: ``curl localhost:8765/_fake/posted``.
"""

from .posting import LostAnswer
from .server import FakeX, Fault, Recorded

__all__ = ["FakeX", "Fault", "LostAnswer", "Recorded"]
