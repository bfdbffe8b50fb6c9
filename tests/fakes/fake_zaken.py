"""A fake ZGW Zaken API on 127.0.0.1 (a random port) that checks every request against an official
OpenAPI spec in ../shared/specs/, checks the JWT, and keeps zaken and rollen in memory.

The tests use the VNG standard (zaken-api-1.5.1-openapi.yaml). Open Zaak's generated copy types the
`zaak` filter of GET /rollen as an integer although it takes the zaak URL like the standard says.

Requests that break the spec get a 400 like Open Zaak's and are kept in `violations`, so a test can
assert there were none. `fail_next` injects error responses (503, 429, ...) for retries.
"""

import json
import threading
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jwt
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SPEC_NAME = "open-zaak-zaken-openapi.yaml"
PREFIX = "/zaken/api/v1"


def _local_refs_only(node):
    """The spec points at other APIs' specs on GitHub (catalogi, documenten) for `expand` results;
    tests have no network, so those few references become "anything". Everything else is as published."""
    if isinstance(node, dict):
        if "$ref" in node and not node["$ref"].startswith("#"):
            return {}
        return {key: _local_refs_only(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_local_refs_only(value) for value in node]
    return node


@cache
def load_spec(path: Path) -> OpenAPI:
    with path.open(encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    # Where the API is deployed is not part of the contract: serve it under Open Zaak's path.
    spec["servers"] = [{"url": PREFIX}]
    return OpenAPI.from_dict(_local_refs_only(spec))


def rsin_valid(value: str) -> bool:
    """The 11-proof for an RSIN (as for a BSN): weights 9..2 and -1."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True)) - int(value[8])
    return total % 11 == 0


def _describe(exc: Exception) -> str:
    parts = [str(exc)]
    cause = exc.__cause__
    if cause is not None:
        parts.append(str(cause))
        parts.extend(getattr(e, "message", str(e)) for e in getattr(cause, "schema_errors", None) or ())
    return " | ".join(parts)


@dataclass
class FakeZaken:
    spec_path: Path
    client_id: str = "webcare"
    secret: str = "zaken-secret-for-tests-0123456789abcdef"
    zaken: list[dict] = field(default_factory=list)
    rollen: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    url: str = ""

    def __post_init__(self):
        self.spec = load_spec(self.spec_path)
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}{PREFIX}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeZaken":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- The WSGI app ---------------------------------------------------------------------------

    def _app(self, environ, start_response):
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _json(self, body, status: int = 200, headers: dict | None = None) -> Response:
        return Response(
            json.dumps(body), status=status, headers=headers or {}, content_type="application/json"
        )

    def _refuse(self, status: int, code: str, detail: str) -> Response:
        self.violations.append(f"{code}: {detail}")
        return self._json({"type": code, "code": code, "title": detail, "status": status}, status=status)

    def _handle(self, request: Request) -> Response:
        body = request.get_data(as_text=True)
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.args),
                "headers": dict(request.headers),
                "json": json.loads(body) if body else None,
            }
        )
        if self.fail_next:
            return self._json({"detail": "injected"}, status=self.fail_next.pop(0))
        claims_error = self._check_jwt(request)
        if claims_error:
            return self._refuse(403, "permission_denied", claims_error)
        try:
            self.spec.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as exc:  # openapi-core's validation errors, with their causes
            return self._refuse(400, "invalid", f"{request.method} {request.path}: {_describe(exc)}")
        route = (request.method, request.path.removeprefix(PREFIX))
        if route == ("POST", "/zaken"):
            return self._create_zaak(request)
        if route == ("GET", "/zaken"):
            return self._list(self.zaken, request, ("identificatie", "bronorganisatie"))
        if request.method == "GET" and route[1].startswith("/zaken/"):
            found = [z for z in self.zaken if z["url"].endswith(route[1])]
            if not found:
                return self._json({"detail": "Niet gevonden."}, status=404)
            return self._json(found[0], headers={"Content-Crs": "EPSG:4326"})
        if route == ("POST", "/rollen"):
            return self._create_rol(request)
        if route == ("GET", "/rollen"):
            return self._list(self.rollen, request, ("zaak", "roltype"))
        return self._json({"detail": "not in this fake"}, status=404)

    def _check_jwt(self, request: Request) -> str:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return "no bearer token"
        try:
            claims = jwt.decode(auth.removeprefix("Bearer "), self.secret, algorithms=["HS256"])
        except jwt.PyJWTError as exc:
            return f"bad JWT: {exc}"
        for claim in ("iss", "iat", "client_id", "user_id", "user_representation"):
            if claim not in claims:
                return f"JWT lacks the {claim} claim"
        if claims["client_id"] != self.client_id:
            return "unknown client_id"
        return ""

    def _list(self, items: list[dict], request: Request, filters: tuple[str, ...]) -> Response:
        results = [i for i in items if all(i.get(f) == request.args[f] for f in filters if f in request.args)]
        return self._json({"count": len(results), "next": None, "previous": None, "results": results})

    def _create_zaak(self, request: Request) -> Response:
        data = request.get_json()
        for key in ("bronorganisatie", "verantwoordelijkeOrganisatie"):
            if not rsin_valid(data[key]):
                return self._refuse(400, "invalid-rsin", f"{key} {data[key]!r} fails the 11-proof")
        if any(
            z["identificatie"] == data.get("identificatie")
            and z["bronorganisatie"] == data["bronorganisatie"]
            for z in self.zaken
        ):
            return self._refuse(
                400, "identificatie-niet-uniek", f"identificatie {data['identificatie']} exists"
            )
        zaak_uuid = str(uuid.uuid4())
        zaak = {**data, "uuid": zaak_uuid, "url": f"{self.url}/zaken/{zaak_uuid}"}
        self.zaken.append(zaak)
        return self._json(zaak, status=201, headers={"Content-Crs": "EPSG:4326", "Location": zaak["url"]})

    def _create_rol(self, request: Request) -> Response:
        data = request.get_json()
        if not any(z["url"] == data["zaak"] for z in self.zaken):
            return self._refuse(400, "zaak-onbekend", f"no zaak {data['zaak']}")
        rol_uuid = str(uuid.uuid4())
        rol = {**data, "uuid": rol_uuid, "url": f"{self.url}/rollen/{rol_uuid}"}
        self.rollen.append(rol)
        return self._json(rol, status=201)
