"""A fake Facebook Graph API: a real HTTP server on 127.0.0.1 serving the documented shapes.

facebook-sdk's own code runs against it. It records every request (path, query, form body) so
tests can assert what was called, and can be told to fail (rate limits, code 190, 5xx).

Run it by hand for a try-out: ``python -m tests.fakes.fake_graph --port 8765`` (demo page 1000,
token ``demo-page-token``). Make a citizen write:
``curl -X POST localhost:8765/_fake/comment -d '{"post_id": "1000_1", "name": "An", "message": "Hoi"}'``
``curl -X POST localhost:8765/_fake/message -d '{"psid": "psid-1", "name": "An", "text": "Hoi"}'``
"""

import argparse
import base64
import datetime as dt
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

PATH = re.compile(r"^/v(?P<version>\d+\.\d+)/(?P<rest>.+)$")


def graph_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _created(item) -> str:
    return str(item.get("created_time", "")) if isinstance(item, dict) else ""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Recorded:
    method: str
    path: str
    version: str
    params: dict
    body: dict
    headers: dict


@dataclass
class Fault:
    method: str
    path_contains: str
    status: int
    body: object
    headers: dict
    times: int
    content_type: str = "application/json; charset=UTF-8"


@dataclass
class Page:
    id: str
    name: str
    token: str
    posts: list = field(default_factory=list)
    conversations: dict = field(default_factory=dict)  # psid -> conversation


class FakeGraph:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.pages: dict[str, Page] = {}
        self.comments: dict[str, list] = {}  # post id -> comments, oldest first
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.usage_headers: dict[str, str] = {}
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

    def calls(self, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if method is None or r.method == method]

    # --- Serving -------------------------------------------------------------------------------

    def _paginate(self, items, params, path):
        limit = int(params.get("limit", "25"))
        offset = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
        chunk = items[offset : offset + limit]
        body = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {
                    "before": base64.b64encode(str(offset).encode()).decode(),
                    "after": base64.b64encode(str(offset + len(chunk)).encode()).decode(),
                }
            }
            if offset + limit < len(items):
                nxt = {**params, "after": body["paging"]["cursors"]["after"]}
                body["paging"]["next"] = f"{self.url}{path}?{urlencode(nxt)}"
        return body

    @staticmethod
    def _since(items, params, key="created_time"):
        if "since" not in params:
            return items
        since = graph_time(dt.datetime.fromtimestamp(int(params["since"]), tz=dt.UTC))
        # Malformed items (tests plant them) are served as they are.
        return [item for item in items if not isinstance(item, dict) or str(item.get(key, "")) >= since]

    def _token_ok(self, token: str) -> bool:
        return any(page.token == token for page in self.pages.values())

    def answer(self, method, path, params, body):
        """(status, payload) for one Graph request."""
        match = PATH.match(path)
        if not match:
            return 404, {"error": {"message": "Unknown path", "type": "GraphMethodException", "code": 100}}
        token = params.get("access_token") or body.get("access_token", "")
        if not self._token_ok(token):
            return 400, {
                "error": {
                    "message": "Error validating access token: Session has expired.",
                    "type": "OAuthException",
                    "code": 190,
                    "error_subcode": 463,
                    "fbtrace_id": "Fake190",
                }
            }
        parts = match["rest"].strip("/").split("/")
        with self._lock:
            if method == "GET" and len(parts) == 2 and parts[1] == "feed" and parts[0] in self.pages:
                posts = sorted(self.pages[parts[0]].posts, key=lambda p: p["created_time"], reverse=True)
                return 200, self._paginate(self._since(posts, params), params, path)
            if method == "GET" and len(parts) == 2 and parts[1] == "comments":
                comments = sorted(self.comments.get(parts[0], []), key=_created)
                return 200, self._paginate(self._since(comments, params), params, path)
            if method == "GET" and len(parts) == 2 and parts[1] == "conversations" and parts[0] in self.pages:
                listing = []
                for conversation in self.pages[parts[0]].conversations.values():
                    messages = sorted(conversation["messages"], key=lambda m: m["created_time"], reverse=True)
                    listing.append({**conversation, "messages": {"data": messages[:50]}})
                listing.sort(key=lambda c: c["updated_time"], reverse=True)
                return 200, self._paginate(listing, params, path)
            if method == "GET" and len(parts) == 1:
                for page in self.pages.values():
                    for psid, conversation in page.conversations.items():
                        if psid == parts[0]:
                            return 200, {"name": conversation["participants"]["data"][0]["name"], "id": psid}
            if method == "POST" and len(parts) == 2 and parts[1] == "messages" and parts[0] in self.pages:
                return self._send_message(self.pages[parts[0]], body)
            if method == "POST" and len(parts) == 2 and parts[1] == "comments":
                return self._reply_comment(parts[0], body)
            if method == "POST" and len(parts) == 1 and "is_hidden" in body:
                for comments in self.comments.values():
                    for comment in comments:
                        if comment["id"] == parts[0]:
                            comment["is_hidden"] = body["is_hidden"] == "true"
                            return 200, {"success": True}
        return 400, {"error": {"message": "Unsupported request", "type": "GraphMethodException", "code": 100}}

    def _send_message(self, page, body):
        try:
            recipient = json.loads(body["recipient"])
            text = json.loads(body["message"])["text"]
        except (KeyError, ValueError, TypeError):
            return 400, {"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100}}
        if "comment_id" in recipient:
            return self._private_reply(page, str(recipient["comment_id"]), text)
        recipient = recipient.get("id")
        if body.get("messaging_type") != "RESPONSE":
            return 400, {
                "error": {"message": "messaging_type missing", "type": "OAuthException", "code": 100}
            }
        conversation = page.conversations.get(recipient)
        if conversation is None:
            return 400, {
                "error": {"message": "No matching user found", "type": "OAuthException", "code": 100}
            }
        message = {
            "id": self._new_id("m_"),
            "message": text,
            "created_time": graph_time(_now()),
            "from": {"id": page.id, "name": page.name},
            "to": {"data": [{"id": recipient}]},
        }
        conversation["messages"].append(message)
        conversation["updated_time"] = message["created_time"]
        return 200, {"recipient_id": recipient, "message_id": message["id"]}

    def _private_reply(self, page, comment_id, text):
        comment = next(
            (c for cs in self.comments.values() for c in cs if isinstance(c, dict) and c["id"] == comment_id),
            None,
        )
        if comment is None or comment.get("private_reply"):
            return 400, {
                "error": {
                    "message": "(#10) This message is sent outside of allowed window.",
                    "type": "OAuthException",
                    "code": 10,
                    "error_subcode": 2018278,
                }
            }
        comment["private_reply"] = True
        author = comment["from"]
        conversation = page.conversations.setdefault(
            author["id"],
            {
                "id": f"t_{author['id']}",
                "participants": {"data": [author, {"name": page.name, "id": page.id}]},
                "messages": [],
            },
        )
        message = {
            "id": self._new_id("m_"),
            "message": text,
            "created_time": graph_time(_now()),
            "from": {"id": page.id, "name": page.name},
            "to": {"data": [{"id": author["id"]}]},
        }
        conversation["messages"].append(message)
        conversation["updated_time"] = message["created_time"]
        return 200, {"recipient_id": author["id"], "message_id": message["id"]}

    def _reply_comment(self, target, body):
        if not body.get("message"):
            return 400, {"error": {"message": "Missing message", "type": "GraphMethodException", "code": 100}}
        page = next(iter(self.pages.values()))
        author = {"id": page.id, "name": page.name}
        for post_id, comments in self.comments.items():
            if target == post_id:
                comment = {"id": f"{post_id.split('_')[-1]}_{self._new_id('c')}", "from": author}
                comments.append({**comment, "message": body["message"], "created_time": graph_time(_now())})
                return 200, {"id": comment["id"]}
            for existing in comments:
                if existing["id"] == target:
                    root = existing.get("parent", {}).get("id", existing["id"])
                    new = {
                        "id": f"{post_id.split('_')[-1]}_{self._new_id('c')}",
                        "message": body["message"],
                        "created_time": graph_time(_now()),
                        "from": author,
                        "parent": {"id": root},
                    }
                    comments.append(new)
                    return 200, {"id": new["id"]}
        return 400, {
            "error": {"message": "Unsupported post request", "type": "GraphMethodException", "code": 100}
        }

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
                status, payload = fake.answer(method, parsed.path, params, body)
                self._send(status, payload)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        return Handler


def demo(fake: FakeGraph) -> None:
    """A municipal page with a little of everything, for a try-out in the browser."""
    page = fake.add_page("1000", "Gemeente Voorbeeldstad", "demo-page-token")
    earlier = _now() - dt.timedelta(hours=2)
    post = fake.add_post(
        page.id, "Vanaf maandag werken we aan de Amsterdamsestraatweg.", post_id="1000_1", created=earlier
    )
    first = fake.add_comment(
        post["id"],
        "Hoe lang duurt dat? Ik kan mijn oprit dan niet meer op.",
        author={"id": "user-anna", "name": "Anna de Vries"},
        created=earlier + dt.timedelta(minutes=5),
    )
    fake.add_comment(
        post["id"],
        "Zelfde vraag, ik woon op nummer 12.",
        author={"id": "user-kees", "name": "Kees Jansen"},
        parent_id=first["id"],
        created=earlier + dt.timedelta(minutes=9),
    )
    fake.add_post(
        page.id,
        "Er ligt al drie dagen een kapotte fiets op de stoep bij het station.",
        author={"id": "user-fatima", "name": "Fatima El Amrani"},
        created=earlier + dt.timedelta(minutes=20),
    )
    fake.add_message(
        page.id,
        "psid-ruud",
        "Wanneer wordt het grofvuil in de Oosterstraat opgehaald?",
        name="Ruud Bakker",
        created=earlier + dt.timedelta(minutes=30),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Facebook Graph API for try-outs (demo page 1000).")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    fake = FakeGraph(port=args.port)
    demo(fake)
    print(f"Fake Graph API on {fake.url} (page 1000, token demo-page-token)", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
