"""facebook-sdk's GraphAPI, made to honour FACEBOOK_GRAPH_URL and FACEBOOK_GRAPH_VERSION.

facebook-sdk 3.1.0 only accepts Graph versions up to 3.1 and always calls
https://graph.facebook.com/. So the version attribute is set after construction, and the
requests session gets an adapter that rewrites that host to the configured one. Its responses
hide headers, so a session response hook reads the rate-limit usage headers. Every Graph fault
comes out as one of the channel errors in channels.base.
"""

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

import facebook
import requests
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter

from ..base import AuthFailed, ChannelError, OutcomeUnknown, RateLimited, ReplyRejected, TransientError
from ..wire import never_sent

logger = logging.getLogger(__name__)

SDK_GRAPH_URL = facebook.FACEBOOK_GRAPH_URL  # "https://graph.facebook.com/"
TIMEOUT = (5, 20)  # connect, read (seconds)
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}
TRANSIENT_CODES = {1, 2}  # "unknown error" / "service temporarily unavailable": retry
AUTH_CODE = 190
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")
USAGE_SLOW_DOWN_PERCENT = 90
DEFAULT_RATE_LIMIT_WAIT = dt.timedelta(minutes=15)


class _HostRewritingAdapter(HTTPAdapter):
    """Sends requests that facebook-sdk addresses to graph.facebook.com to the configured host."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/") + "/"

    def send(self, request, **kwargs):
        if request.url.startswith(SDK_GRAPH_URL):
            request.url = self.base_url + request.url[len(SDK_GRAPH_URL) :]
        return super().send(request, **kwargs)


@dataclass
class Usage:
    """The highest usage percentage the last responses reported, and any wait Meta asked for."""

    percent: float = 0.0
    regain_after: dt.timedelta | None = None
    last_status: int = 0
    headers: dict = field(default_factory=dict)


def _usage_from_headers(headers) -> tuple[float, dt.timedelta | None]:
    percent, regain = 0.0, None
    for name in USAGE_HEADERS:
        value = headers.get(name)
        if not value:
            continue
        try:
            parsed = json.loads(value)
        except ValueError:
            logger.warning("Unreadable %s header ignored", name)
            continue
        # X-App-Usage / X-Page-Usage: {"call_count": 28, ...}; business use case: {id: [{...}]}.
        blocks = [parsed] if name != "x-business-use-case-usage" else []
        if isinstance(parsed, dict) and name == "x-business-use-case-usage":
            blocks = [b for entries in parsed.values() if isinstance(entries, list) for b in entries]
        for block in blocks:
            if not isinstance(block, dict):
                continue
            for key in ("call_count", "total_time", "total_cputime"):
                if isinstance(block.get(key), int | float):
                    percent = max(percent, float(block[key]))
            minutes = block.get("estimated_time_to_regain_access")
            if isinstance(minutes, int | float) and minutes > 0:
                wait = dt.timedelta(minutes=minutes)
                regain = max(regain, wait) if regain else wait
    return percent, regain


class GraphClient:
    """One page's Graph connection. Raises only channel errors."""

    def __init__(self, access_token: str):
        self.version = settings.FACEBOOK_GRAPH_VERSION.lstrip("v")
        self.usage = Usage()
        session = requests.Session()
        base_url = settings.FACEBOOK_GRAPH_URL
        if base_url.rstrip("/") + "/" != SDK_GRAPH_URL:
            session.mount(SDK_GRAPH_URL, _HostRewritingAdapter(base_url))
        session.hooks["response"].append(self._on_response)
        self.api = facebook.GraphAPI(access_token=access_token, timeout=TIMEOUT, session=session)
        # After construction: the constructor's check would reject current versions.
        self.api.version = f"v{self.version}"

    def _on_response(self, response, *args, **kwargs):
        percent, regain = _usage_from_headers(response.headers)
        self.usage.last_status = response.status_code
        self.usage.percent = max(self.usage.percent, percent)
        if regain:
            self.usage.regain_after = max(self.usage.regain_after or regain, regain)

    def slow_down_until(self) -> dt.datetime | None:
        """When usage is near the limit, the moment to poll this page again; else None."""
        if self.usage.regain_after:
            return timezone.now() + self.usage.regain_after
        if self.usage.percent >= USAGE_SLOW_DOWN_PERCENT:
            return timezone.now() + DEFAULT_RATE_LIMIT_WAIT
        return None

    # --- Calls --------------------------------------------------------------------------------

    def get(self, path: str, **params) -> dict:
        return self._call("GET", path, params=params)

    def post(self, path: str, **data) -> dict:
        """A write that is safe to repeat (hiding a comment): faults as for reads."""
        return self._call("POST", path, data=data)

    def create(self, path: str, **data) -> dict:
        """A write that creates something (a comment, a message). Once the request may have
        reached Graph, every fault but a clear refusal is OutcomeUnknown, never a TransientError."""
        try:
            return self._call("POST", path, data=data)
        except (AuthFailed, RateLimited, ReplyRejected):
            raise  # Graph refused it: nothing was posted
        except ChannelError as exc:
            cause = exc.__cause__
            if isinstance(cause, requests.RequestException) and never_sent(cause):
                raise
            raise OutcomeUnknown(f"{exc}, while posting") from exc
        except requests.RequestException as exc:
            raise OutcomeUnknown(
                f"Graph API's answer to the post was cut off ({type(exc).__name__})"
            ) from exc

    def _call(self, method: str, path: str, *, params=None, data=None) -> dict:
        self.usage.last_status = 0
        try:
            if method == "GET":
                result = self.api.request(f"{self.api.version}/{path}", args=params)
            else:
                result = self.api.request(f"{self.api.version}/{path}", post_args=data, method="POST")
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise TransientError(f"Graph API unreachable: {type(exc).__name__}") from exc
        except facebook.GraphAPIError as exc:
            raise self._translate(exc) from exc
        except (KeyError, ValueError) as exc:
            # facebook-sdk trips over a response without a content type or with broken JSON.
            if self.usage.last_status >= 500:
                raise TransientError(f"Graph API answered {self.usage.last_status}") from exc
            raise ChannelError(f"Unreadable Graph API response ({type(exc).__name__})") from exc
        if not isinstance(result, dict):
            raise ChannelError("Unexpected Graph API response")
        return result

    def _translate(self, exc: facebook.GraphAPIError) -> ChannelError:
        status = self.usage.last_status
        code = exc.code
        message = str(exc.message)[:300] if exc.message else "Graph API error"
        if code in RATE_LIMIT_CODES:
            wait = self.usage.regain_after or DEFAULT_RATE_LIMIT_WAIT
            return RateLimited(f"Graph API rate limit (code {code}): {message}", timezone.now() + wait)
        if code == AUTH_CODE:
            return AuthFailed(f"Page token rejected (OAuthException 190): {message}")
        if status >= 500 or code in TRANSIENT_CODES or not isinstance(exc.result, dict):
            return TransientError(f"Graph API answered {status or 'an error'}: {message}")
        return ReplyRejected(f"Graph API refused (code {code}): {message}")
