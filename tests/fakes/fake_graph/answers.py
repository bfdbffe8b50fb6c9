"""The fake Graph API's answers: feed, comments, conversations, sending and hiding, as Graph shapes them."""

import base64
import datetime as dt
import json
import time
from urllib.parse import urlencode

from .records import PATH, _created, _now, graph_time


class GraphAnswers:
    """Answers Graph requests from the state `FakeGraph` holds (pages, comments, its lock and ids)."""

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

    def _posted(self, kind: str, item: dict, **where) -> None:
        """Log an accepted post (the post log tests count) and hide it from reads for `read_delay`."""
        self.posted.append({"kind": kind, "id": item["id"], "text": item["message"], **where})
        self._visible_at[item["id"]] = time.monotonic() + self.read_delay

    def _visible(self, items):
        now = time.monotonic()
        return [i for i in items if not isinstance(i, dict) or self._visible_at.get(i.get("id"), 0) <= now]

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
                if parts[0] in self.comments:
                    comments = self.comments[parts[0]]
                else:  # a comment's replies
                    comments = [
                        c
                        for cs in self.comments.values()
                        for c in cs
                        if isinstance(c, dict) and (c.get("parent") or {}).get("id") == parts[0]
                    ]
                comments = sorted(self._visible(comments), key=_created)
                return 200, self._paginate(self._since(comments, params), params, path)
            if method == "GET" and len(parts) == 2 and parts[1] == "conversations" and parts[0] in self.pages:
                listing = []
                for conversation in self.pages[parts[0]].conversations.values():
                    messages = sorted(
                        self._visible(conversation["messages"]), key=lambda m: m["created_time"], reverse=True
                    )
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
        self._posted("message", message, recipient=recipient)
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
        self._posted("private_reply", message, comment_id=comment_id)
        return 200, {"recipient_id": author["id"], "message_id": message["id"]}

    def _reply_comment(self, target, body):
        if not body.get("message"):
            return 400, {"error": {"message": "Missing message", "type": "GraphMethodException", "code": 100}}
        page = next(iter(self.pages.values()))
        author = {"id": page.id, "name": page.name}
        for post_id, comments in self.comments.items():
            if target == post_id:
                comment = {"id": f"{post_id.split('_')[-1]}_{self._new_id('c')}", "from": author}
                comment.update(message=body["message"], created_time=graph_time(_now()))
                comments.append(comment)
                self._posted("comment", comment, target=target)
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
                    self._posted("comment", new, target=target)
                    return 200, {"id": new["id"]}
        return 400, {
            "error": {"message": "Unsupported post request", "type": "GraphMethodException", "code": 100}
        }
