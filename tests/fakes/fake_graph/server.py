"""The fake Graph API server: the scene a test sets up, planned faults, and the HTTP handler."""

import datetime as dt
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from .answers import GraphAnswers
from .records import PATH, Fault, Page, Recorded, _now, graph_time


class FakeGraph(GraphAnswers):
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.pages: dict[str, Page] = {}
        self.comments: dict[str, list] = {}  # post id -> comments, oldest first
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.usage_headers: dict[str, str] = {}
        self.posted: list[dict] = []  # every comment and message the page posted: the post log
        self.lost_answers: list[Fault] = []
        self.write_delay = 0.0  # seconds every post's answer takes, after the post is recorded
        self.read_delay = 0.0  # seconds before a post shows in listings
        self._visible_at: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeGraph":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- Setting the scene ---------------------------------------------------------------------

    def add_page(self, page_id: str, name: str = "Gemeente", token: str = "page-token") -> Page:
        self.pages[page_id] = Page(id=page_id, name=name, token=token)
        return self.pages[page_id]

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def add_post(self, page_id, message, *, author=None, created=None, post_id=None) -> dict:
        page = self.pages[page_id]
        author = author or {"id": page.id, "name": page.name}
        post = {
            "id": post_id or f"{page_id}_{self._new_id('')}",
            "message": message,
            "created_time": graph_time(created or _now()),
            "from": author,
        }
        post["updated_time"] = post["created_time"]
        with self._lock:
            page.posts.append(post)
            self.comments.setdefault(post["id"], [])
        return post

    def add_comment(self, post_id, message, *, author, parent_id=None, created=None, comment_id=None) -> dict:
        comment = {
            "id": comment_id or f"{post_id.split('_')[-1]}_{self._new_id('c')}",
            "message": message,
            "created_time": graph_time(created or _now()),
            "from": author,
            "is_hidden": False,
        }
        if parent_id:
            comment["parent"] = {"id": parent_id}
        with self._lock:
            self.comments.setdefault(post_id, []).append(comment)
        return comment

    def add_message(self, page_id, psid, text, *, name="Burger", from_page=False, created=None) -> dict:
        page = self.pages[page_id]
        with self._lock:
            conversation = page.conversations.setdefault(
                psid,
                {
                    "id": f"t_{psid}",
                    "participants": {
                        "data": [{"name": name, "id": psid}, {"name": page.name, "id": page.id}]
                    },
                    "messages": [],
                },
            )
            sender = {"id": page.id, "name": page.name} if from_page else {"id": psid, "name": name}
            message = {
                "id": self._new_id("m_"),
                "message": text,
                "created_time": graph_time(created or _now()),
                "from": sender,
                "to": {"data": [{"id": psid if from_page else page.id}]},
            }
            conversation["messages"].append(message)
            conversation["updated_time"] = message["created_time"]
        return message

    def fail(self, method, path_contains, status, body, *, headers=None, times=1, content_type=None) -> None:
        """The next `times` matching requests get this answer instead."""
        fault = Fault(method, path_contains, status, body, headers or {}, times)
        if content_type:
            fault.content_type = content_type
        self.faults.append(fault)

    def lose_answer(self, path_contains, *, status=0, body=None, delay=0.0, drop=False, times=1) -> None:
        """The next `times` posts to a path containing `path_contains` are carried out (and logged),
        but their answer is lost: late by `delay`, dropped, or `status` with `body` instead."""
        fault = Fault("POST", path_contains, status, body, {}, times)
        fault.delay, fault.drop = delay, drop
        self.lost_answers.append(fault)

    def posts_of(self, text: str) -> list[dict]:
        return [p for p in self.posted if p["text"] == text]

    def _answer_after_post(self, path):
        """None to answer as usual, or the lost answer planned for this post (delay already slept)."""
        if self.write_delay:
            time.sleep(self.write_delay)
        for lost in self.lost_answers:
            if lost.times > 0 and lost.path_contains in path:
                lost.times -= 1
                if lost.delay:
                    time.sleep(lost.delay)
                return lost if (lost.drop or lost.status) else None
        return None

    def calls(self, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if method is None or r.method == method]

    # --- Serving (the Graph answers themselves are in answers.py) ------------------------------

    def control(self, path, body):
        page = next(iter(self.pages.values()))
        name = str(body.get("name") or "Burger")
        if path == "/_fake/comment":
            author = {"id": str(body.get("from_id") or f"user-{name.lower()}"), "name": name}
            return self.add_comment(
                str(body["post_id"]), str(body["message"]), author=author, parent_id=body.get("parent_id")
            )
        if path == "/_fake/message":
            # "hours_ago" backdates it, to see Messenger's 24-hour window close.
            created = _now() - dt.timedelta(hours=float(body.get("hours_ago") or 0))
            return self.add_message(page.id, str(body["psid"]), str(body["text"]), name=name, created=created)
        if path == "/_fake/post":
            author = {"id": str(body.get("from_id") or f"user-{name.lower()}"), "name": name}
            return self.add_post(page.id, str(body["message"]), author=author)
        return None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload, headers=None, content_type="application/json; charset=UTF-8"):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in {**fake.usage_headers, **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                parsed = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(parsed.query, keep_blank_values=True).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if parsed.path.startswith("/_fake/"):
                    try:
                        result = fake.control(parsed.path, json.loads(raw or b"{}"))
                    except (ValueError, KeyError) as exc:
                        return self._send(400, {"error": str(exc)})
                    return self._send(200 if result else 404, result or {"error": "unknown"})
                body = {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                match = PATH.match(parsed.path)
                fake.requests.append(
                    Recorded(
                        method,
                        parsed.path,
                        match["version"] if match else "",
                        params,
                        body,
                        dict(self.headers),
                    )
                )
                for fault in fake.faults:
                    if fault.times > 0 and fault.method == method and fault.path_contains in parsed.path:
                        fault.times -= 1
                        payload = (
                            fault.body if isinstance(fault.body, bytes) else json.dumps(fault.body).encode()
                        )
                        return self._send(fault.status, payload, fault.headers, fault.content_type)
                posts = len(fake.posted)
                status, payload = fake.answer(method, parsed.path, params, body)
                if len(fake.posted) > posts and (lost := fake._answer_after_post(parsed.path)):
                    if lost.drop:
                        self.close_connection = True  # posted, but the client never hears back
                        return None
                    status, payload = lost.status, lost.body
                try:
                    self._send(status, payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        return Handler
