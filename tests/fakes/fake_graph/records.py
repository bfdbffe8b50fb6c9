"""What the fake Graph API holds and records: pages, requests, planned faults, and Graph's time format."""

import datetime as dt
import re
from dataclasses import dataclass, field

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
    delay: float = 0.0  # lost answers only: seconds before answering
    drop: bool = False  # lost answers only: close the connection without answering


@dataclass
class Page:
    id: str
    name: str
    token: str
    posts: list = field(default_factory=list)
    conversations: dict = field(default_factory=dict)  # psid -> conversation
