"""How refusals become API responses: each exception's status and `{"detail": ...}` body.

Plain functions of (api, request, exc); webcare/api.py registers them on its NinjaAPI.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import AuthenticationError

from cases import services as case_services

from ..services.base import AlreadyClaimed, OutdatedThread, ServiceError


def forbidden(api, request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


def not_found(api, request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


def unauthenticated(api, request, exc):
    return api.create_response(request, {"detail": "Log in or send a valid bearer token."}, status=401)


def conflict(api, request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


def refused(api, request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=422)


EXCEPTION_HANDLERS = (
    (PermissionDenied, forbidden),
    (Http404, not_found),
    (AuthenticationError, unauthenticated),
    (AlreadyClaimed, conflict),
    (OutdatedThread, conflict),
    (ServiceError, refused),
    (case_services.CaseError, refused),
)
