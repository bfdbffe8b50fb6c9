"""What a post does on the fake X: it is recorded (the post log), shown back on the account's
timelines (after `read_delay`), and its answer may be slow, lost or replaced (`lose_answer`)."""

import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass


@dataclass
class LostAnswer:
    """After a post matching `path` is recorded: answer late (`delay`), not at all (`drop`), or
    with `status` instead of the post's own answer."""

    path: str
    delay: float = 0.0
    drop: bool = False
    status: int = 0
    body: object = None
    times: int = 1


DROP = object()  # the handler closes the connection without answering
_URL = re.compile(r"https?://\S+")


def _x_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse_x_time(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class Posting:
    """Mixed into FakeX, whose state (lock, ids, mentions, users, timelines, logs) it uses."""

    def lose_answer(self, path: str, *, delay=0.0, drop=False, status=0, body=None, times: int = 1):
        """The next `times` posts to `path` are carried out, but their answer is lost."""
        self.lost_answers.append(LostAnswer(path, delay, drop, status, body, times))

    def posts_of(self, text: str) -> list[dict]:
        """Every accepted post (tweet or DM) with exactly this text: the post log, per reply."""
        with self.lock:
            return [p for p in self.posted_tweets + self.posted_dms if p.get("text") == text]

    # --- What a post does ---------------------------------------------------------------------

    def tweet_from_app(self, text: str, *, in_reply_to: str = "") -> dict:
        """A tweet the account posts outside the inbox (the phone app, X web): on its timeline,
        not in the post log of what the inbox sent."""
        body = {"text": text, **({"reply": {"in_reply_to_tweet_id": in_reply_to}} if in_reply_to else {})}
        return self._post_tweet(body, logged=False)

    def _post_tweet(self, body: dict, *, logged: bool = True) -> dict:
        """Record the post and put it on the account's timeline, as X shows it back: the replied-to
        author's @name in front, links shortened to t.co, the time of posting."""
        with self.lock:
            tweet_id = self.new_id()
            if logged:
                self.posted_tweets.append({"id": tweet_id, **body})
            text = _URL.sub(
                lambda m: "https://t.co/" + hashlib.sha1(m[0].encode()).hexdigest()[:10], body.get("text", "")
            )
            extra = {}
            replied_to = str((body.get("reply") or {}).get("in_reply_to_tweet_id") or "")
            if replied_to:
                parent = next(
                    (
                        t
                        for t in self.mentions + self.others
                        if isinstance(t, dict) and t.get("id") == replied_to
                    ),
                    None,
                )
                extra["referenced_tweets"] = [{"type": "replied_to", "id": replied_to}]
                if parent:
                    extra["in_reply_to_user_id"] = parent.get("author_id")
                    extra["conversation_id"] = parent.get("conversation_id", replied_to)
                    author = self.users.get(str(parent.get("author_id")), {})
                    if author.get("username"):
                        text = f"@{author['username']} {text}"
            tweet = self.tweet(
                text,
                author_id=self.account_user_id,
                tweet_id=tweet_id,
                created_at=_x_time(dt.datetime.now(dt.UTC)),
                **extra,
            )
            self.timeline.insert(0, tweet)
            self._visible_at[tweet_id] = time.monotonic() + self.read_delay
        return tweet

    def _post_dm(self, participant: str, body: dict) -> dict:
        with self.lock:
            event_id = self.new_id()
            self.posted_dms.append({"participant_id": participant, "dm_event_id": event_id, **body})
            event = {
                "id": event_id,
                "event_type": "MessageCreate",
                "text": body.get("text", ""),
                "sender_id": self.account_user_id,
                "dm_conversation_id": "-".join(sorted([participant, self.account_user_id], key=int)),
                "created_at": _x_time(dt.datetime.now(dt.UTC)),
            }
            self.dm_events.insert(0, event)
            self._visible_at[event_id] = time.monotonic() + self.read_delay
        return event

    def _after_post(self, path: str, status: int, payload, headers) -> tuple[int, object, dict]:
        """The post is recorded; now its answer may be slow, lost, or replaced by a 5xx."""
        if self.write_delay:
            time.sleep(self.write_delay)
        for lost in list(self.lost_answers):
            if not path.startswith(lost.path):
                continue
            lost.times -= 1
            if lost.times <= 0:
                self.lost_answers.remove(lost)
            if lost.delay:
                time.sleep(lost.delay)
            if lost.drop:
                return 0, DROP, {}
            if lost.status:
                return lost.status, lost.body, {}
            break
        return status, payload, headers

    def _visible(self, items: list) -> list:
        now = time.monotonic()
        return [
            i for i in items if not isinstance(i, dict) or self._visible_at.get(str(i.get("id")), 0) <= now
        ]

    @staticmethod
    def _in_time_window(items: list, params: dict) -> list:
        start, end = _parse_x_time(params.get("start_time")), _parse_x_time(params.get("end_time"))
        if params.get("until_id"):
            until = int(params["until_id"])
            items = [t for t in items if not _numeric_id(t) or int(t["id"]) < until]
        if not (start or end):
            return items
        kept = []
        for item in items:
            created = _parse_x_time(item.get("created_at")) if isinstance(item, dict) else None
            if created is None or ((not start or created >= start) and (not end or created <= end)):
                kept.append(item)
        return kept


def _numeric_id(item) -> bool:
    return isinstance(item, dict) and str(item.get("id", "")).isdigit()
