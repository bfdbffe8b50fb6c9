"""Building a tweepy Client for one account, and turning tweepy's faults into channel faults.

tweepy 4.17 hard-codes its host inside ``BaseClient.request``. Its ``client.session`` is a plain
requests Session, so a transport adapter mounted for that host rewrites every URL to
``X_API_BASE_URL`` and adds explicit timeouts (tweepy passes none). OAuth 1.0a signatures are
computed by tweepy over the original host's URL, which is what X checks when a proxy forwards the
request unchanged.
"""

import datetime as dt
import json
import logging

import requests
import tweepy
from django.conf import settings
from requests.adapters import HTTPAdapter

from ..base import AuthFailed, ChannelError, OutcomeUnknown, RateLimited, ReplyRejected, TransientError
from ..wire import never_sent

logger = logging.getLogger(__name__)

TWEEPY_HOST = "https://api.twitter.com"
# When a 429 carries no reset header, X's 15-minute windows are the safe guess.
DEFAULT_RATE_LIMIT_WAIT = dt.timedelta(minutes=15)


class BaseURLAdapter(HTTPAdapter):
    """Sends requests meant for tweepy's host to ``base_url`` instead, with explicit timeouts."""

    def __init__(self, base_url: str, timeout: tuple[float, float]):
        super().__init__(max_retries=0)  # retries are the poller's and the sender's business
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, request, **kwargs):
        if request.url.startswith(TWEEPY_HOST):
            request.url = self.base_url + request.url[len(TWEEPY_HOST) :]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def build_client(credentials: dict, *, base_url: str | None = None) -> tweepy.Client:
    credentials = credentials or {}
    client = tweepy.Client(
        bearer_token=credentials.get("bearer_token") or None,
        consumer_key=credentials.get("consumer_key") or None,
        consumer_secret=credentials.get("consumer_secret") or None,
        access_token=credentials.get("access_token") or None,
        access_token_secret=credentials.get("access_token_secret") or None,
        return_type=dict,  # raw dicts: one malformed item must not break tweepy's model building
        wait_on_rate_limit=False,  # never sleep inside a worker; the poller reschedules
    )
    adapter = BaseURLAdapter(
        base_url or settings.X_API_BASE_URL,
        (settings.X_API_CONNECT_TIMEOUT, settings.X_API_READ_TIMEOUT),
    )
    client.session.mount(TWEEPY_HOST, adapter)
    return client


def _reset_at(exc: tweepy.TooManyRequests) -> dt.datetime:
    reset = exc.reset_time
    if reset is None:
        try:
            reset = int(exc.response.headers.get("x-rate-limit-reset", ""))
        except (TypeError, ValueError):
            reset = None
    now = dt.datetime.now(dt.UTC)
    if reset is None:
        return now + DEFAULT_RATE_LIMIT_WAIT
    # One second of slack, as X's reset is rounded down; never in the past.
    return max(dt.datetime.fromtimestamp(reset, dt.UTC) + dt.timedelta(seconds=1), now)


def describe(exc: tweepy.HTTPException) -> str:
    """A short reason from either X error shape (``errors`` list, or an RFC 7807 problem)."""
    status = getattr(exc.response, "status_code", "?")
    reason = "; ".join(str(message) for message in exc.api_messages if message)
    if not reason:
        try:
            body = exc.response.json()
        except (ValueError, AttributeError):
            body = None
        if isinstance(body, dict):
            reason = str(body.get("title") or body.get("detail") or "")
    return f"X API {status}: {reason or getattr(exc.response, 'reason', '')}".strip()[:500]


def call(function, *args, writing: bool = False, **kwargs):
    """Run one tweepy call and translate every way it can fail into a channel fault.

    `writing`: the call posts something. Then any failure after the request may have reached X
    (a 5xx, a read timeout, a dropped connection, an unreadable answer) is OutcomeUnknown, never
    a TransientError: retrying could post it twice. 429 and 401 mean X did not carry it out.
    """
    try:
        return function(*args, **kwargs)
    except tweepy.TooManyRequests as exc:
        raise RateLimited(describe(exc), retry_at=_reset_at(exc)) from exc
    except tweepy.Unauthorized as exc:
        raise AuthFailed(describe(exc)) from exc
    except tweepy.Forbidden as exc:
        if writing:
            # On a write, 403 mostly means this tweet may not be posted (duplicate text, reply
            # not allowed); the person decides, the account is not broken.
            raise ReplyRejected(describe(exc)) from exc
        raise AuthFailed(describe(exc)) from exc
    except tweepy.TwitterServerError as exc:
        if writing:
            raise OutcomeUnknown(f"{describe(exc)} while posting; it may have been posted") from exc
        raise TransientError(describe(exc)) from exc
    except tweepy.HTTPException as exc:
        if writing:
            raise ReplyRejected(describe(exc)) from exc
        raise ChannelError(describe(exc)) from exc
    except (requests.JSONDecodeError, json.JSONDecodeError) as exc:
        if writing:
            raise OutcomeUnknown("X answered the post with something that is not JSON") from exc
        raise TransientError("X API answered with something that is not JSON") from exc
    except requests.ReadTimeout as exc:
        if writing:
            raise OutcomeUnknown("X did not answer the post in time") from exc
        raise TransientError(f"X API timeout: {exc}") from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        if writing and not never_sent(exc):
            raise OutcomeUnknown(
                f"The connection to X broke off during the post ({type(exc).__name__})"
            ) from exc
        raise TransientError(f"X API unreachable: {type(exc).__name__}") from exc
    except requests.RequestException as exc:
        if writing:
            raise OutcomeUnknown(f"X's answer to the post was cut off ({type(exc).__name__})") from exc
        raise
    except (AttributeError, TypeError) as exc:
        # tweepy reading an error body of an unexpected shape (a list, say).
        logger.warning("Unexpected X API response: %r", exc)
        if writing:
            raise OutcomeUnknown(f"Unreadable X API answer to the post ({type(exc).__name__})") from exc
        raise TransientError(f"Unexpected X API response: {type(exc).__name__}") from exc
