"""The X (Twitter) adapter: mentions, direct messages and monitoring searches in; replies and DMs out.

Account config: ``user_id`` (the account's numeric X id, required), ``monitor`` (recent-search
queries whose hits go to the monitoring view, never to the queue). Credentials (encrypted):
``bearer_token`` for app-only reads, and the OAuth 1.0a user keys for DMs and posting.

The cursor is a small JSON object: ``m`` the newest mention id seen (X's ``since_id`` is
exclusive), ``o`` the newest of the account's own tweets (replies made outside the inbox),
``d`` the newest DM event id, ``s`` per monitoring query its newest hit id,
``dm_off`` until when DMs are not tried again after X refused them (no DM access), ``dm_at``
when DMs were last read (config ``dm_interval_seconds``, default 120, spaces DM reads out).
A poll yields a page per API page; while a walk through mentions, own tweets or DMs is under way,
``mp``, ``op`` and ``dp`` hold where it got to (``next_token``, ``newest_id``): ``m``, ``o`` and ``d`` move only at its end.
A bare since_id (the oldest cursor shape) still reads as ``m``.
"""

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator

import tweepy
from django.utils import timezone

from inbox.platforms import ReplyRules
from inbox.services.monitoring import monitoring_hits_record

from ..base import (
    Adapter,
    AuthFailed,
    ChannelError,
    FetchResult,
    OutcomeUnknown,
    OutgoingReply,
    RateLimited,
    ReplyRejected,
    TransientError,
)
from . import lookup, normalize
from .client import build_client, call
from .counting import MAX_WEIGHTED_LENGTH, RULES, x_length

logger = logging.getLogger(__name__)

TWEET_FIELDS = [
    "author_id",
    "conversation_id",
    "created_at",
    "in_reply_to_user_id",
    "referenced_tweets",
    "attachments",
    "geo",
    "entities",
    "lang",
]
EXPANSIONS = [
    "author_id",
    "in_reply_to_user_id",
    "referenced_tweets.id",
    "attachments.media_keys",
    "geo.place_id",
]
USER_FIELDS = ["username", "name"]
MEDIA_FIELDS = ["type", "url", "preview_image_url", "alt_text", "variants"]
PLACE_FIELDS = ["full_name", "country_code", "geo"]
DM_FIELDS = ["id", "text", "event_type", "created_at", "sender_id", "dm_conversation_id", "attachments"]

# The mentions timeline reaches back this far only; a poll that fetches this many may have a gap.
MENTION_WINDOW = 800
MAX_MENTION_PAGES = 10
MAX_DM_PAGES = 10
MAX_SEARCH_PAGES = 3
DM_RETRY_AFTER = dt.timedelta(hours=24)
DM_INTERVAL_SECONDS = 120


def _query_key(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:10]


def _posted(body, key: str) -> str:
    """The id X gives what it just posted, from ``{"data": {key: ...}}``; "" when it gave none."""
    data = body.get("data") if isinstance(body, dict) else None
    return str(data.get(key) or "") if isinstance(data, dict) else ""


def _newer(a: str, b: str) -> str:
    """The larger of two snowflake ids (as strings; '' is smallest)."""
    return max(a or "0", b or "0", key=int) if (a or b) else ""


class XAdapter(Adapter):
    platform = "x"
    # X refuses a post identical to a recent one: a bulk answer must vary its text per thread.
    reply_rules = ReplyRules(
        max_length=MAX_WEIGHTED_LENGTH, count=x_length, client_rules=RULES, refuses_duplicates=True
    )
    # X's timelines show a new tweet within seconds; a minute leaves room for a slow moment.
    default_read_delay = dt.timedelta(seconds=60)

    def __init__(self, account):
        super().__init__(account)
        config = account.config or {}
        self.user_id = str(config.get("user_id", ""))
        self.queries = [q for q in config.get("monitor", []) if isinstance(q, str) and q.strip()]
        self.client = build_client(account.credentials)
        # App-only (bearer) reads where we can; they have their own, larger rate limits.
        self.read_user_auth = not (account.credentials or {}).get("bearer_token")

    # --- Reading -------------------------------------------------------------------------------

    def fetch_pages(self, cursor: str) -> Iterator[FetchResult]:
        if not self.user_id.isdigit():
            raise AuthFailed("This X account has no numeric user id; connect it again with --user-id.")
        state = self._state(cursor)
        for items, warning in self._mention_pages(state):
            yield self._page(items, state, warning)
        for items, _warning in self._own_pages(state):
            yield self._page(items, state)
        for items in self._dm_pages(state):
            yield self._page(items, state)
        yield self._page([], state, " ".join(self._monitor(state)))

    @staticmethod
    def _page(items: list, state: dict, warning: str = "") -> FetchResult:
        # X gives newest first; the inbox wants oldest first.
        cursor = json.dumps({key: value for key, value in state.items() if value}, separators=(",", ":"))
        return FetchResult(items=list(reversed(items)), cursor=cursor, warning=warning)

    @staticmethod
    def _state(cursor: str) -> dict:
        if not cursor:
            return {}
        try:
            state = json.loads(cursor)
        except ValueError:
            state = cursor
        if isinstance(state, (int, str)) and str(state).isdigit():
            return {"m": str(state)}  # a bare since_id
        return state if isinstance(state, dict) else {}

    def _pages(self, function, *args, max_pages: int, token_param: str, stop=None, token=None, **params):
        """Follow next_token through a backlog, page by page, from `token` if given."""
        for _ in range(max_pages):
            if token:
                params[token_param] = token
            body = call(function, *args, **params)
            try:
                page = normalize.read_page(body)
            except normalize.Malformed as exc:
                logger.warning("Skipped an unreadable X API page: %s", exc)
                yield normalize.Page(items=[])  # no next_token: the walk ends here
                return
            yield page
            token = page.meta.get("next_token")
            if not token or (stop and stop(page)):
                return
        logger.warning("Stopped after %d pages of %s; the rest comes next poll", max_pages, function.__name__)

    def _resumed(self, walk, token: str | None):
        """Pages of `walk(token)` as (page, afresh): afresh on the first page of a walk that starts
        at the beginning. A stored token X no longer accepts (4xx) starts the walk afresh, which
        repeats nothing (ingest skips what it has)."""
        pages = walk(token)
        try:
            first = next(pages, None)
        except (RateLimited, AuthFailed, TransientError):
            raise
        except ChannelError as exc:
            if not token:
                raise
            logger.info("X refused the stored pagination token (%s); the walk starts again", exc)
            token, pages = None, walk(None)
            first = next(pages, None)
        if first is not None:
            yield first, token is None
        for page in pages:
            yield page, False

    def _tweet_params(self, since_id: str, **extra) -> dict:
        """One call per page brings the tweets with their authors, media (and places) expanded."""
        params = {
            "max_results": 100,
            "tweet_fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user_fields": USER_FIELDS,
            "media_fields": MEDIA_FIELDS,
            "user_auth": self.read_user_auth,
            **extra,
        }
        if since_id:
            params["since_id"] = since_id
        return params

    def _mention_pages(self, state: dict):
        """Mentions, a page at a time, as (items, warning); ``m`` / ``mp`` in the cursor."""
        params = self._tweet_params(str(state.get("m", "")), place_fields=PLACE_FIELDS)
        yield from self._timeline_pages(
            state, self.client.get_users_mentions, params, since_key="m", walk_key="mp", what="mention"
        )

    def _own_pages(self, state: dict):
        """The account's own tweets (``o`` / ``op``): replies posted from the phone app, X web or a
        scheduler, which do not mention the account and so never come through the mentions. Each
        comes with the tweet it replies to (``includes.tweets``), so a thread whose citizen tweet we
        did not have yet still forms. The first read starts after the newest mention seen."""
        since_id = str(state.get("o") or state.get("m") or "")
        params = self._tweet_params(since_id, exclude=["retweets"])
        yield from self._timeline_pages(
            state,
            self.client.get_users_tweets,
            params,
            since_key="o",
            walk_key="op",
            what="own tweet",
            since_id=since_id,
            with_replied_to=True,
        )

    def _timeline_pages(
        self, state, function, params, *, since_key, walk_key, what, since_id=None, with_replied_to=False
    ):
        """A tweet timeline newest first, a page at a time, as (items, warning). Its since_id
        (``state[since_key]``) moves to the newest id only when the walk through the pages is
        complete; until then ``state[walk_key]`` holds where it got to (the next page's token, the
        newest id seen, how many so far), so a poll that stops after page k continues at page k+1
        with the same since_id."""
        since_id = str(state.get(since_key, "")) if since_id is None else since_id
        walk = state.get(walk_key) if isinstance(state.get(walk_key), dict) else {}

        def pages(token):
            return self._pages(
                function,
                self.user_id,
                max_pages=MAX_MENTION_PAGES,
                token_param="pagination_token",
                token=token,
                **params,
            )

        for page, afresh in self._resumed(pages, str(walk.get("next_token") or "") or None):
            if afresh:
                walk = {}
            newest = _newer(str(walk.get("newest_id") or since_id), str(page.meta.get("newest_id") or ""))
            for tweet in page.items:
                if isinstance(tweet, dict) and str(tweet.get("id")).isdigit():
                    newest = _newer(newest, str(tweet["id"]))
            fetched = int(walk.get("fetched") or 0) + len(page.items)
            if with_replied_to:
                page.items = normalize.with_replied_to(page, account_user_id=self.user_id)
            items = normalize.normalize_page(
                page, normalize.tweet_to_incoming, account_user_id=self.user_id, what=what
            )
            walk = {"next_token": page.meta.get("next_token"), "newest_id": newest, "fetched": fetched}
            if walk["next_token"]:
                state[walk_key] = walk
                yield items, ""
                continue
            state.pop(walk_key, None)
            state[since_key] = newest
            warning = ""
            if since_key == "m" and since_id and fetched >= MENTION_WINDOW:
                warning = (
                    f"{fetched} mentions arrived since the previous poll; X only returns the latest "
                    f"{MENTION_WINDOW}, so older mentions may be missing. Check the account on X."
                )
                logger.warning("Possible mention gap on %s: %s", self.account, warning)
            yield items, warning

    def _dm_pages(self, state: dict):
        """DM events newest first, a page at a time, until a known one. Like mentions, ``d`` (the
        newest known event) moves only when the walk is complete; ``dp`` holds where it got to."""
        now = timezone.now()
        off_until = state.get("dm_off")
        if off_until and dt.datetime.fromisoformat(off_until) > now:
            return
        state.pop("dm_off", None)
        # DM reads have the tightest limit (15 per 15 minutes per user): not on every poll.
        interval = dt.timedelta(
            seconds=float(self.account.config.get("dm_interval_seconds", DM_INTERVAL_SECONDS))
        )
        last = state.get("dm_at")
        if last and now - dt.datetime.fromtimestamp(int(last), dt.UTC) < interval:
            return
        state["dm_at"] = str(int(now.timestamp()))
        known = str(state.get("d", ""))
        walk = state.get("dp") if isinstance(state.get("dp"), dict) else {}

        def is_new(event) -> bool:
            if not (isinstance(event, dict) and str(event.get("id", "")).isdigit()):
                return True  # unreadable: normalize logs and skips it
            return not known or int(event["id"]) > int(known)

        def reached_known(page) -> bool:
            return not all(is_new(event) for event in page.items)

        def pages(token):
            return self._pages(
                self.client.get_direct_message_events,
                max_pages=MAX_DM_PAGES,
                token_param="pagination_token",
                stop=reached_known,
                token=token,
                max_results=100,
                event_types="MessageCreate",
                dm_event_fields=DM_FIELDS,
                expansions=["sender_id", "attachments.media_keys"],
                user_fields=USER_FIELDS,
                media_fields=MEDIA_FIELDS,
                user_auth=True,
            )

        try:
            for page, afresh in self._resumed(pages, str(walk.get("next_token") or "") or None):
                newest = known if afresh else _newer(known, str(walk.get("newest_id") or ""))
                fresh = [e for e in page.items if is_new(e)]
                for event in fresh:
                    if isinstance(event, dict) and str(event.get("id", "")).isdigit():
                        newest = _newer(newest, str(event["id"]))
                next_token = None if reached_known(page) else page.meta.get("next_token")
                page.items = fresh
                items = normalize.normalize_page(
                    page, normalize.dm_to_incoming, account_user_id=self.user_id, what="direct message"
                )
                walk = {"next_token": next_token, "newest_id": newest}
                if next_token:
                    state["dp"] = walk
                else:
                    state.pop("dp", None)
                    state["d"] = newest
                yield items
        except AuthFailed as exc:
            if not isinstance(exc.__cause__, tweepy.Forbidden):
                raise
            # No DM access at this access level: mentions still work; try again tomorrow.
            logger.info("No DM access for %s (%s); DMs skipped for a day", self.account, exc)
            state["dm_off"] = (timezone.now() + DM_RETRY_AFTER).isoformat()

    def _monitor(self, state: dict) -> list[str]:
        """Run each monitoring query; a query X refuses is skipped with a warning, not the whole poll."""
        cursors = state.get("s") if isinstance(state.get("s"), dict) else {}
        fresh_cursors, warnings = {}, []
        for query in self.queries:
            key = _query_key(query)
            since_id = str(cursors.get(key, ""))
            try:
                try:
                    hits, newest = self._search(query, since_id)
                except (RateLimited, AuthFailed, TransientError):
                    raise
                except ChannelError:
                    if not since_id:
                        raise
                    # Recent search refuses a since_id older than its 7-day window: start afresh.
                    logger.info("Search %r refused since_id %s; searching without it", query, since_id)
                    hits, newest = self._search(query, "")
            except (RateLimited, AuthFailed, TransientError):
                raise
            except ChannelError as exc:
                logger.warning("Monitoring query %r of %s refused: %s", query, self.account, exc)
                warnings.append(
                    f"Monitoring query {query!r} was refused by X ({exc}); fix it with add_account."
                )
                fresh_cursors[key] = since_id
                continue
            # Stored before the cursor moves, idempotently: a crash in between repeats nothing.
            monitoring_hits_record(account_id=self.account.pk, query=query, items=hits)
            fresh_cursors[key] = newest
        state["s"] = {key: value for key, value in fresh_cursors.items() if value}
        return warnings

    def _search(self, query: str, since_id: str) -> tuple[list, str]:
        params = self._tweet_params(since_id)
        hits, newest = [], since_id
        for number, page in enumerate(
            self._pages(
                self.client.search_recent_tweets,
                query,
                max_pages=MAX_SEARCH_PAGES,
                token_param="next_token",
                **params,
            )
        ):
            if number == 0:
                newest = _newer(newest, str(page.meta.get("newest_id") or ""))
            hits += [
                hit
                for hit in normalize.normalize_page(
                    page, normalize.tweet_to_incoming, account_user_id=self.user_id, what="search hit"
                )
                if not hit.outbound
            ]
        return hits, newest

    # --- Writing -------------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> str:
        if reply.is_private:
            if not reply.recipient_id.isdigit():
                raise ReplyRejected("This direct message has no X user to send to.")
            body = call(
                self.client.create_direct_message,
                participant_id=reply.recipient_id,
                text=reply.text,
                user_auth=True,
                writing=True,
            )
            event_id = _posted(body, "dm_event_id")
            if not event_id:
                raise OutcomeUnknown("X accepted the message but returned no id")
            return f"dm-{event_id}"
        if not reply.in_reply_to.isdigit():
            raise ReplyRejected("There is no tweet to reply to in this conversation.")
        body = call(
            self.client.create_tweet,
            text=reply.text,
            in_reply_to_tweet_id=reply.in_reply_to,
            user_auth=True,
            writing=True,
        )
        tweet_id = _posted(body, "id")
        if not tweet_id:
            raise OutcomeUnknown("X accepted the reply but returned no id")
        return str(tweet_id)

    def find_sent(self, reply: OutgoingReply, *, since: dt.datetime, exclude: frozenset[str]) -> str | None:
        if not self.user_id.isdigit():
            raise AuthFailed("This X account has no numeric user id; connect it again with --user-id.")
        if reply.is_private:
            return lookup.find_dm(self, reply, since=since, exclude=exclude)
        return lookup.find_tweet(self, reply, since=since, exclude=exclude)
