"""The JSON API under /api/v1/ (schema at /api/v1/openapi.json): the one NinjaAPI, with its error
handlers and the routers of the inbox, the cases and the reports."""

from functools import partial

from ninja import NinjaAPI

from inbox.api import cases, conversations, errors
from inbox.api.auth import CookieSessionAuth, TokenAuth
from reports.api import router as reports_router

api = NinjaAPI(
    title="Webcare inbox API",
    version="1",
    description="The shared webcare queue: conversations, claims, replies. Session or bearer-token auth.",
    # A bearer token is looked at first; the session (with its CSRF check) only for a browser's cookie.
    auth=[TokenAuth(), CookieSessionAuth()],
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)

for exception_class, handler in errors.EXCEPTION_HANDLERS:
    api.add_exception_handler(exception_class, partial(handler, api))

# The order of the routers is the order of the paths in the OpenAPI document.
api.add_router("", conversations.router)
api.add_router("", reports_router)
api.add_router("", cases.router)
