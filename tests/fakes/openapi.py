"""What the spec-validating fakes share: an official OpenAPI document loaded as published (served
under a path of the fake's choosing), and every request and response checked against it.

A request that breaks the spec is refused the way the real server would; a response that breaks
it is a bug in the fake. Both are kept in the fake's `violations`, so a test asserts there were none.

Requests are held to the document as published. For responses one reading is added: drf-spectacular
(which generated these documents) writes a field that may be null and refers to another schema as
`allOf: [<reference>]` with `nullable: true`, and the servers answer null there; OAS 3.0.3 alone
would not admit null (nullable only widens a `type`), so `nullable_refs` reads it as the generator means.
"""

from functools import cache
from pathlib import Path

import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.wrappers import Request, Response


def _local_refs_only(node):
    """Some specs point at other APIs' specs on GitHub (catalogi, documenten) for `expand` results;
    tests have no network, so those few references become "anything". Everything else is as published."""
    if isinstance(node, dict):
        if "$ref" in node and not node["$ref"].startswith("#"):
            return {}
        return {key: _local_refs_only(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_local_refs_only(value) for value in node]
    return node


def _null_admitted(node):
    """`{allOf: [...], nullable: true}` → "that, or null" (see the module docstring)."""
    if isinstance(node, list):
        return [_null_admitted(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _null_admitted(value) for key, value in node.items()}
    if node.get("nullable") is True and "allOf" in node and "type" not in node:
        rest = {key: value for key, value in node.items() if key != "nullable"}
        return {"anyOf": [rest, {"nullable": True, "enum": [None]}]}
    return node


@cache
def load_spec(path: Path, prefix: str, *, nullable_refs: bool = False) -> OpenAPI:
    with path.open(encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    # Where the API is deployed is not part of the contract: serve it under the fake's prefix.
    spec["servers"] = [{"url": prefix}]
    spec = _local_refs_only(spec)
    if nullable_refs:
        spec = _null_admitted(spec)
    return OpenAPI.from_dict(spec)


def describe(exc: Exception) -> str:
    """openapi-core's error with its causes and schema errors, on one line."""
    parts = [str(exc)]
    cause = exc.__cause__
    if cause is not None:
        parts.append(str(cause))
        parts.extend(getattr(e, "message", str(e)) for e in getattr(cause, "schema_errors", None) or ())
    return " | ".join(parts)


def request_error(spec: OpenAPI, request: Request) -> str:
    """Why the request breaks the spec, or "" when it does not."""
    try:
        spec.validate_request(WerkzeugOpenAPIRequest(request))
    except Exception as exc:  # openapi-core's validation errors, with their causes
        return f"{request.method} {request.path}: {describe(exc)}"
    return ""


def response_error(spec: OpenAPI, request: Request, response: Response) -> str:
    """Why the fake's own response breaks the spec, or "" when it does not."""
    try:
        spec.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
    except Exception as exc:
        return f"response to {request.method} {request.path} ({response.status_code}): {describe(exc)}"
    return ""
