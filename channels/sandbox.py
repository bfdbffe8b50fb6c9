"""The sandbox channel: a simulator that produces realistic citizen messages and accepts replies.

It fills a demo or a test queue without any platform account. Each generated item is a pure
function of the account handle and its index, so re-polling yields the same ids (and ingest
de-duplicates them) and tests can predict what arrives.

Account config (all optional): ``rate_per_minute`` (default 2), ``initial`` (items on the first
poll, default 3), ``max_per_poll`` (default 25), ``fail_replies`` (reject every reply, to show
failures), ``page_size`` (items per page of a poll, default 10).
"""

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator

from django.utils import timezone

from inbox.platforms import ReplyRules

from . import sandbox_data as data
from .base import Adapter, FetchResult, IncomingMessage, OutgoingReply, ReplyRejected

FOLLOW_UP_SHARE = 0.2
PAGE_SIZE = 10


class SandboxAdapter(Adapter):
    platform = "sandbox"
    reply_rules = ReplyRules(max_length=1000)
    default_read_delay = dt.timedelta(0)  # nothing is kept: a lookup is final at once

    def fetch_pages(self, cursor: str) -> Iterator[FetchResult]:
        """The batch due since the cursor, in pages of ``page_size``. The cursor of a page inside
        the batch says how many are left of it (``left``, up to ``until``); the last one where the
        batch ended (``at``)."""
        config = self.account.config or {}
        rate = float(config.get("rate_per_minute", 2))
        state = json.loads(cursor) if cursor else {}
        now = timezone.now()
        next_index = int(state.get("next", 0))
        if "left" in state:
            # The previous poll stopped inside its batch: the rest of that batch first.
            count, generated_until = int(state["left"]), dt.datetime.fromisoformat(state["until"])
        elif "at" in state:
            generated_until = dt.datetime.fromisoformat(state["at"])
            interval = dt.timedelta(minutes=1 / rate) if rate > 0 else None
            count = int((now - generated_until) / interval) if interval else 0
            count = min(count, int(config.get("max_per_poll", 25)))
            generated_until = generated_until + count * interval if interval else now
        else:
            count, generated_until = int(config.get("initial", 3)), now
        end = next_index + count
        size = max(1, int(config.get("page_size", PAGE_SIZE)))
        for start in range(next_index, end, size) if count else [next_index]:
            stop = min(start + size, end)
            items = [
                self.item(index, now - dt.timedelta(seconds=end - 1 - index)) for index in range(start, stop)
            ]
            page_state = {"next": stop, "at": generated_until.isoformat()}
            if stop < end:
                page_state = {"next": stop, "left": end - stop, "until": generated_until.isoformat()}
            yield FetchResult(items=items, cursor=json.dumps(page_state))

    def send_reply(self, reply: OutgoingReply) -> str:
        if (self.account.config or {}).get("fail_replies"):
            raise ReplyRejected("Sandbox: this account is set to reject every reply (fail_replies).")
        return f"{self.account.handle}-out-{uuid.uuid4().hex[:12]}"

    def find_sent(self, reply: OutgoingReply, *, since: dt.datetime, exclude: frozenset[str]) -> str | None:
        return None  # the simulator keeps no record of what it accepted

    # --- Generation --------------------------------------------------------------------------

    def _rng(self, index: int) -> random.Random:
        return random.Random(f"{self.account.handle}:{index}")

    def _is_follow_up(self, index: int) -> bool:
        return index > 0 and self._rng(index).random() < FOLLOW_UP_SHARE

    def item(self, index: int, created_at: dt.datetime) -> IncomingMessage:
        rng = self._rng(index)
        rng.random()  # the follow-up draw
        platform_id = f"{self.account.handle}-{index}"
        if self._is_follow_up(index):
            parent_index = next(
                (i for i in range(index - 1, max(-1, index - 9), -1) if not self._is_follow_up(i)), None
            )
            if parent_index is not None:
                parent = self.item(parent_index, created_at)
                return IncomingMessage(
                    platform_id=platform_id,
                    thread_key=parent.thread_key,
                    in_reply_to=parent.platform_id,
                    author_id=parent.author_id,
                    author_handle=parent.author_handle,
                    author_name=parent.author_name,
                    text=rng.choice(data.FOLLOW_UPS),
                    created_at=created_at,
                    kind="reply",
                    is_private=parent.is_private,
                    raw={"sandbox_index": index, "reply_to": parent.platform_id},
                )
        citizen = rng.choice(data.CITIZENS)
        label, template = rng.choice(data.OPENERS)
        private = rng.random() < 0.15
        text = template.format(
            account="" if private else f"@{self.account.handle}",
            street=rng.choice(data.STREETS),
            case=rng.choice(data.KNOWN_CASE_NUMBERS),
        ).strip()
        return IncomingMessage(
            platform_id=platform_id,
            thread_key=f"dm-{citizen['id']}" if private else platform_id,
            author_id=citizen["id"],
            author_handle=citizen["handle"],
            author_name=citizen["name"],
            text=text,
            created_at=created_at,
            kind="dm" if private else "mention",
            is_private=private,
            raw={"sandbox_index": index, "label": label, "text": text, "author": citizen},
        )
