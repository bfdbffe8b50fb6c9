"""How refusals and bad requests become API responses: each exception's status and a
`{"detail": "<English sentence>"}` body, the one error shape the schema promises.

Plain functions of (api, request, exc); webcare/api.py registers them on its NinjaAPI.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cases import services as case_services

from ..services.base import AlreadyClaimed, OutdatedThread, ServiceError, StateConflict


def _detail(api, request, detail: str, status: int):
    return api.create_response(request, {"detail": detail}, status=status)


def forbidden(api, request, exc):
    return _detail(api, request, str(exc) or "You may not do this.", 403)


def not_found(api, request, exc):
    return _detail(api, request, str(exc) or "Not found.", 404)


def unauthenticated(api, request, exc):
    return _detail(api, request, "Log in or send a valid bearer token.", 401)


def conflict(api, request, exc):
    return _detail(api, request, str(exc), 409)


def refused(api, request, exc):
    return _detail(api, request, str(exc), 422)


def http_error(api, request, exc):
    return _detail(api, request, str(exc), exc.status_code)


def invalid(api, request, exc):
    """Pydantic's list of errors, as one sentence: "body.text: Field required; query.filter: …"."""
    parts = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return _detail(api, request, "Invalid request: " + "; ".join(parts), 422)


def unreadable_body(api, request, exc):
    return _detail(
        api,
        request,
        "The request body cannot be read: send JSON (Content-Type: application/json), at most 2.5 MB.",
        400,
    )


EXCEPTION_HANDLERS = (
    (PermissionDenied, forbidden),
    (Http404, not_found),
    (AuthenticationError, unauthenticated),
    (HttpError, http_error),
    (ValidationError, invalid),
    (MultiPartParserError, unreadable_body),
    (UnreadablePostError, unreadable_body),
    (RequestDataTooBig, unreadable_body),
    (SuspiciousOperation, unreadable_body),
    (AlreadyClaimed, conflict),
    (OutdatedThread, conflict),
    (StateConflict, conflict),
    (ServiceError, refused),
    (case_services.CaseError, refused),
)
