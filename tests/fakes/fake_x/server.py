"""The fake X API v2 server: its state, the answers to reads, and the HTTP handler."""

import datetime as dt
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .posting import DROP, LostAnswer, Posting


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    body: dict | None
    headers: dict[str, str]


@dataclass
class Fault:
    path: str  # a prefix of the request path
    status: int = 500
    body: object = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1


class FakeX(Posting):
    """The server's state. Tweets are stored newest first, as X returns them."""

    def __init__(
        self,
        account_user_id: str = "1500000000000000001",
        account_username: str = "GemeenteTest",
        clock_start: dt.datetime | None = None,
        first_id: int = 1_600_000_000_000_000_000,
    ):
        self.account_user_id = account_user_id
        self.account_username = account_username
        self.mentions: list = []
        self.dm_events: list = []
        self.search: dict[str, list] = {}
        self.users: dict[str, dict] = {
            account_user_id: {"id": account_user_id, "username": account_username, "name": "Gemeente"}
        }
        self.media: dict[str, dict] = {}
        self.places: dict[str, dict] = {}
        self.posted_tweets: list[dict] = []
        self.posted_dms: list[dict] = []
        self.timeline: list[dict] = []  # the account's own tweets, newest first
        self.others: list[dict] = []  # tweets that do not mention the account (seen only as references)
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.lost_answers: list[LostAnswer] = []
        self.write_delay = 0.0  # seconds every post's answer takes, after the post is recorded
        self.read_delay = 0.0  # seconds before a post shows in the timelines
        self._visible_at: dict[str, float] = {}
        self._ids = itertools.count(first_id)
        self.lock = threading.Lock()
        self._clock = clock_start or dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
        self.server: ThreadingHTTPServer | None = None

    # --- Setting up what X holds -------------------------------------------------------------

    def new_id(self) -> str:
        return str(next(self._ids))

    def _next_time(self) -> str:
        # Each new item a second later than the one before, as on a real timeline.
        self._clock += dt.timedelta(seconds=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def user(self, user_id: str, username: str, name: str = "") -> dict:
        self.users[user_id] = {"id": user_id, "username": username, "name": name or username}
        return self.users[user_id]

    def tweet(self, text: str, *, author_id: str, tweet_id: str | None = None, **extra) -> dict:
        tweet_id = tweet_id or self.new_id()
        tweet = {
            "id": tweet_id,
            "text": text,
            "author_id": author_id,
            "created_at": extra.pop("created_at", None) or self._next_time(),
            "conversation_id": extra.pop("conversation_id", tweet_id),
            "edit_history_tweet_ids": [tweet_id],
        }
        tweet.update(extra)
        return tweet

    def mention(self, text: str, **kwargs) -> dict:
        tweet = self.tweet(text, **kwargs)
        with self.lock:
            self.mentions.insert(0, tweet)
        return tweet

    def dm(self, text: str, *, sender_id: str, other_id: str | None = None, **extra) -> dict:
        pair = sorted([sender_id, other_id or self.account_user_id], key=int)
        event = {
            "id": self.new_id(),
            "event_type": "MessageCreate",
            "text": text,
            "sender_id": sender_id,
            "dm_conversation_id": "-".join(pair),
            "created_at": extra.pop("created_at", None) or self._next_time(),
        }
        event.update(extra)
        with self.lock:
            self.dm_events.insert(0, event)
        return event

    def search_hit(self, query: str, text: str, **kwargs) -> dict:
        tweet = self.tweet(text, **kwargs)
        with self.lock:
            self.search.setdefault(query, []).insert(0, tweet)
        return tweet

    def fail(self, path: str, status: int = 500, body=None, headers=None, delay: float = 0.0, times: int = 1):
        self.faults.append(Fault(path, status, body, headers or {}, delay, times))

    def requests_to(self, path_part: str, method: str = "GET") -> list[Recorded]:
        return [r for r in self.requests if path_part in r.path and r.method == method]

    # --- Running -----------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        fake = self

        class Handler(_Handler):
            state = fake

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self.url

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    # --- Serving -----------------------------------------------------------------------------

    def _includes(self, items: list) -> dict:
        users, media, places, seen = [], [], [], set()
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in ("author_id", "sender_id", "in_reply_to_user_id"):
                user_id = str(item.get(key, ""))
                if user_id in self.users and user_id not in seen:
                    seen.add(user_id)
                    users.append(self.users[user_id])
            attachments = item.get("attachments") if isinstance(item.get("attachments"), dict) else {}
            media += [self.media[k] for k in attachments.get("media_keys", []) if k in self.media]
            geo = item.get("geo") if isinstance(item.get("geo"), dict) else {}
            if geo.get("place_id") in self.places:
                places.append(self.places[geo["place_id"]])
        referenced = {
            str(t.get("id")): t for t in self.mentions + self.others + self.timeline if isinstance(t, dict)
        }
        tweets = []
        for item in items:
            for ref in item.get("referenced_tweets") or [] if isinstance(item, dict) else []:
                parent = referenced.get(str(ref.get("id")))
                if parent and parent not in tweets:
                    tweets.append(parent)
                    author = str(parent.get("author_id", ""))
                    if author in self.users and author not in seen:
                        seen.add(author)
                        users.append(self.users[author])
        includes = {"users": users} if users else {}
        if tweets:
            includes["tweets"] = tweets
        if media:
            includes["media"] = media
        if places:
            includes["places"] = places
        return includes

    def page(self, items: list, params: dict, *, token_param: str, since_filter: bool = True) -> dict:
        """One page as v2 returns it: data, includes, meta with newest/oldest ids and next_token."""
        if since_filter and params.get("since_id"):
            since = int(params["since_id"])
            items = [t for t in items if not _numeric_id(t) or int(t["id"]) > since]
        size = int(params.get("max_results", 10))
        token = params.get(token_param, "p0")
        # Our own tokens are "p<offset>"; one we never gave out (from a documented payload) ends the list.
        offset = int(token[1:]) if token[:1] == "p" and token[1:].isdigit() else len(items)
        chunk = items[offset : offset + size]
        meta: dict = {"result_count": len(chunk)}
        ids = [t["id"] for t in chunk if _numeric_id(t)]
        if ids:
            meta["newest_id"], meta["oldest_id"] = ids[0], ids[-1]
        if offset + size < len(items):
            meta["next_token"] = f"p{offset + size}"
        body: dict = {"meta": meta}
        if chunk:
            body["data"] = chunk
            includes = self._includes(chunk)
            if includes:
                body["includes"] = includes
        return body

    def handle(self, method: str, path: str, params: dict, body) -> tuple[int, object, dict]:
        for fault in list(self.faults):
            if path.startswith(fault.path):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.status:
                    return fault.status, fault.body, fault.headers
        headers = {
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": "448",
            "x-rate-limit-reset": "1665183228",
        }
        if method == "GET" and path.startswith("/2/users/") and path.endswith("/mentions"):
            return 200, self.page(self.mentions, params, token_param="pagination_token"), headers
        if method == "GET" and path == "/2/dm_events":
            return (
                200,
                self.page(self.dm_events, params, token_param="pagination_token", since_filter=False),
                headers,
            )
        if method == "GET" and path == "/2/tweets/search/recent":
            items = self.search.get(params.get("query", ""), [])
            return 200, self.page(items, params, token_param="next_token"), headers
        if method == "GET" and path.startswith("/2/users/") and path.endswith("/tweets"):
            items = self._in_time_window(self._visible(self.timeline), params)
            return 200, self.page(items, params, token_param="pagination_token"), headers
        if method == "GET" and path.startswith("/2/dm_conversations/with/") and path.endswith("/dm_events"):
            participant = path.split("/")[4]
            events = [
                e
                for e in self._visible(self.dm_events)
                if participant in str(e.get("dm_conversation_id", "")).split("-")
            ]
            return 200, self.page(events, params, token_param="pagination_token", since_filter=False), headers
        if method == "POST" and path == "/2/tweets":
            tweet = self._post_tweet(body or {})
            answer = {"data": {"id": tweet["id"], "text": (body or {}).get("text", "")}}
            return self._after_post(path, 201, answer, headers)
        if method == "POST" and path.startswith("/2/dm_conversations/with/") and path.endswith("/messages"):
            participant = path.split("/")[4]
            event = self._post_dm(participant, body or {})
            answer = {"data": {"dm_conversation_id": event["dm_conversation_id"], "dm_event_id": event["id"]}}
            return self._after_post(path, 201, answer, headers)
        if method == "POST" and path == "/_fake/mentions":
            author = (body or {}).get("author_id") or "2600000000000000001"
            if author not in self.users:
                self.user(author, (body or {}).get("username", "burger"), (body or {}).get("name", "Burger"))
            extra = {
                k: v for k, v in (body or {}).items() if k not in ("text", "author_id", "username", "name")
            }
            return 201, {"data": self.mention((body or {}).get("text", ""), author_id=author, **extra)}, {}
        if method == "POST" and path == "/_fake/fail":
            # {"path": "/2/users/", "status": 401, "body": {...}, "headers": {...}}: the next call fails
            spec = body if isinstance(body, dict) else {}
            self.fail(
                spec.get("path", "/2/"), int(spec.get("status", 500)), spec.get("body"), spec.get("headers")
            )
            return 201, {"faults": len(self.faults)}, {}
        if method == "GET" and path == "/_fake/posted":
            return 200, {"tweets": self.posted_tweets, "dms": self.posted_dms}, {}
        return (
            404,
            {"title": "Not Found Error", "detail": f"No route {method} {path}", "type": "about:blank"},
            {},
        )


def _numeric_id(item) -> bool:
    return isinstance(item, dict) and str(item.get("id", "")).isdigit()


class _Handler(BaseHTTPRequestHandler):
    state: FakeX
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet in tests
        pass

    def _serve(self, method: str):
        url = urlsplit(self.path)
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.state.requests.append(Recorded(method, url.path, params, body, dict(self.headers.items())))
        try:
            status, payload, headers = self.state.handle(method, url.path, params, body)
        except Exception as exc:  # a bug in the fake answers 500 rather than dropping the connection
            status, payload, headers = 500, {"title": "Fake X error", "detail": repr(exc)}, {}
        if payload is DROP:
            self.close_connection = True  # posted, but the client never hears back
            return
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")
