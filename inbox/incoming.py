"""The normalized message every channel adapter hands to the inbox, and text hygiene for it."""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: Any) -> str:
    """Text as received, minus what a database cannot hold (NUL, lone surrogates) as U+FFFD.

    The untouched original is kept in the message's raw JSON, so nothing is lost.
    """
    if value is None:
        return ""
    return _UNSTORABLE.sub("\ufffd", str(value))


def raw_json(payload: Any) -> str:
    # ensure_ascii keeps NUL and lone surrogates as escapes, which every database stores.
    return json.dumps(payload, ensure_ascii=True, default=str, sort_keys=True)


@dataclass(frozen=True)
class IncomingMessage:
    """One item from a platform, normalized. `outbound` marks the account's own posts."""

    platform_id: str
    thread_key: str
    author_id: str
    author_handle: str
    author_name: str
    text: str
    created_at: dt.datetime
    kind: str = ""
    in_reply_to: str = ""
    outbound: bool = False
    is_private: bool = False
    media: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    created: int
    duplicates: int
    conversations_opened: int
    skipped: int = 0
