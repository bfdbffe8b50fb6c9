"""A fake Facebook Graph API: a real HTTP server on 127.0.0.1 serving the documented shapes.

facebook-sdk's own code runs against it. It records every request (path, query, form body) so
tests can assert what was called, and can be told to fail (rate limits, code 190, 5xx).

Run it by hand for a try-out: ``python -m tests.fakes.fake_graph --port 8765`` (demo page 1000,
token ``demo-page-token``). Make a citizen write:
``curl -X POST localhost:8765/_fake/comment -d '{"post_id": "1000_1", "name": "An", "message": "Hoi"}'``
``curl -X POST localhost:8765/_fake/message -d '{"psid": "psid-1", "name": "An", "text": "Hoi"}'``
"""

from .records import Fault, Page, Recorded, graph_time
from .server import FakeGraph

__all__ = ["FakeGraph", "Fault", "Page", "Recorded", "graph_time"]
