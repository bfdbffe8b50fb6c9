"""The Klantinteracties API (Open Klant 2) over HTTP: `Authorization: Token <key>`, JSON, explicit
timeouts, lists paged as {count, next, previous, results}, and faults sorted into what they mean.

A refusal (4xx) carries Open Klant's error ({type, code, title, status, detail, invalidParams});
a fault before anything could be written is temporary; a write whose answer never came (a timeout,
a 5xx, a 429 on a write) may or may not have happened: its outcome is unknown.
"""

from collections.abc import Iterator

import requests
from django.conf import settings

MAX_PAGES = 5


class KlantinteractiesError(Exception):
    """Open Klant refused the request; sending it again unchanged will not help."""

    def __init__(self, message: str, *, status: int = 0, invalid_params: list | None = None):
        super().__init__(message)
        self.status = status
        self.invalid_params = invalid_params or []

    def refused(self, name: str, code: str) -> bool:
        """Whether one of the reasons is `code` for the field `name` (e.g. referentienummer, unique)."""
        return any(p.get("name") == name and p.get("code") == code for p in self.invalid_params)


class TemporaryError(KlantinteractiesError):
    """Nothing was written (a read failed, or the connection was refused): try again later."""


class UnknownOutcome(TemporaryError):
    """A write got no answer: it may have happened. Look before writing again."""


def _never_sent(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    return isinstance(exc, requests.ConnectionError) and "Failed to establish a new connection" in str(exc)


def _reason(response: requests.Response) -> tuple[str, list]:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500], []
    if not isinstance(body, dict):
        return str(body)[:500], []
    params = [p for p in body.get("invalidParams") or [] if isinstance(p, dict)]
    reasons = "; ".join(f"{p.get('name')}: {p.get('reason')}" for p in params)
    parts = [body.get("title"), body.get("detail"), reasons]
    text = " — ".join(dict.fromkeys(part for part in parts if part))  # Open Klant often repeats the title
    return text[:1500] or response.text[:500], params


class Client:
    def __init__(self, *, base_url: str, token: str, timeout: float, session: requests.Session | None = None):
        missing = [
            name
            for name, value in {
                "KLANTINTERACTIES_API_URL": base_url,
                "KLANTINTERACTIES_API_TOKEN": token,
            }.items()
            if not value
        ]
        if missing:
            raise KlantinteractiesError(f"Open Klant needs {' and '.join(missing)}.")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()

    @classmethod
    def from_settings(cls, *, timeout: float | None = None) -> "Client":
        return cls(
            base_url=settings.KLANTINTERACTIES_API_URL,
            token=settings.KLANTINTERACTIES_API_TOKEN,
            timeout=timeout or settings.KLANTINTERACTIES_TIMEOUT_SECONDS,
        )

    def call(self, method: str, path: str, *, json=None, params=None, url: str = "") -> dict:
        writes = method != "GET"
        url = url or f"{self.base_url}{path}"
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        try:
            response = self.session.request(
                method, url, json=json, params=params, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            # A write that may have reached Open Klant (a timeout waiting for the answer, a connection
            # dropped mid-way) has an unknown outcome; one that never left (refused, no route) has not.
            error = UnknownOutcome if writes and not _never_sent(exc) else TemporaryError
            raise error(f"{method} {path}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            error = UnknownOutcome if writes and response.status_code != 429 else TemporaryError
            raise error(
                f"{method} {path}: HTTP {response.status_code} {response.text[:300]}",
                status=response.status_code,
            )
        if response.status_code >= 400:
            reason, params = _reason(response)
            raise KlantinteractiesError(
                f"{method} {path}: HTTP {response.status_code} {reason}",
                status=response.status_code,
                invalid_params=params,
            )
        if response.status_code == 204:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            error = UnknownOutcome if writes else TemporaryError
            raise error(f"{method} {path}: not JSON: {response.text[:200]}") from exc

    def get(self, path: str, **params) -> dict:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: dict) -> dict:
        return self.call("POST", path, json=body)

    def patch(self, path: str, body: dict) -> dict:
        return self.call("PATCH", path, json=body)

    def list(self, path: str, **params) -> Iterator[dict]:
        """Every result of a paged list, following `next` (a few pages at most)."""
        page = self.call("GET", path, params=params)
        for _ in range(MAX_PAGES):
            yield from page.get("results") or []
            if not page.get("next"):
                return
            page = self.call("GET", path, url=page["next"])
