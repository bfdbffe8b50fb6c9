"""The fake Zaken API server: zaken, rollen and statussen in memory, the JWT checked, every request
and response checked against the official spec, and faults injected on demand.

Requests that break the spec get a 400 like Open Zaak's (`ValidatieFout`) and are kept in
`violations`, so a test can assert there were none; so are responses of this fake that break it.
`fail_next` injects error responses (503, 429, ...) for retries; `faults` does so for the first
request matching a method and path ending, e.g. ("POST", "/rollen", 502); `lost_responses` handles
the first matching request and then answers 504, as a gateway whose upstream did the work.
"""

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ..openapi import load_spec, request_error, response_error

PREFIX = "/zaken/api/v1"
# What Open Zaak fills in on a zaak and a rol that the client does not send (required in responses).
ZAAK_DEFAULTS = {
    "betalingsindicatieWeergave": "",
    "deelzaken": [],
    "eigenschappen": [],
    "einddatum": None,
    "resultaat": None,
    "rollen": [],
    "status": None,
    "zaakinformatieobjecten": [],
    "zaakobjecten": [],
}
ROL_DEFAULTS = {"omschrijving": "Melder", "omschrijvingGeneriek": "initiator", "statussen": []}


def rsin_valid(value: str) -> bool:
    """The 11-proof for an RSIN (as for a BSN): weights 9..2 and -1."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True)) - int(value[8])
    return total % 11 == 0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass
class FakeZaken:
    spec_path: Path
    port: int = 0
    client_id: str = "webcare"
    secret: str = "zaken-secret-for-tests-0123456789abcdef"
    # Statustype URLs that end a zaak (in a real catalogue: the last statustype of the zaaktype).
    eindstatustypen: set[str] = field(default_factory=set)
    # The catalogue's statustypen of the zaaktype; a status with another one is refused. None: any.
    statustypen: set[str] | None = None
    zaken: list[dict] = field(default_factory=list)
    rollen: list[dict] = field(default_factory=list)
    statussen: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    faults: list[tuple[str, str, int]] = field(default_factory=list)
    lost_responses: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self):
        self.spec = load_spec(self.spec_path, PREFIX)
        self.response_spec = load_spec(self.spec_path, PREFIX, nullable_refs=True)
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
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
        with self._lock:
            response, check = self._handle(request)
            if check and (error := response_error(self.response_spec, request, response)):
                self.violations.append(error)
        return response(environ, start_response)

    def _json(self, body, status: int = 200, headers: dict | None = None, problem: bool = False) -> Response:
        content_type = "application/problem+json" if problem else "application/json"
        return Response(json.dumps(body), status=status, headers=headers or {}, content_type=content_type)

    def _refuse(self, status: int, code: str, detail: str, field_name: str = "nonFieldErrors") -> Response:
        self.violations.append(f"{code}: {detail}")
        body = {
            "type": f"https://vng.nl/fouten/{code}",
            "code": code,
            "title": "Invalid input." if status == 400 else "Forbidden.",
            "status": status,
            "detail": detail,
            "instance": f"urn:uuid:{uuid.uuid4()}",
        }
        if status == 400:
            body["invalidParams"] = [{"name": field_name, "code": code, "reason": detail}]
        return self._json(body, status=status, problem=True)

    def _handle(self, request: Request) -> tuple[Response, bool]:
        """The response, and whether it is one the spec describes (injected faults are not)."""
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
            return self._json({"detail": "injected"}, status=self.fail_next.pop(0)), False
        for fault in self.faults:
            method, path, status = fault
            if request.method == method and request.path.endswith(path):
                self.faults.remove(fault)
                return self._json({"detail": "injected"}, status=status), False
        if claims_error := self._check_jwt(request):
            return self._refuse(403, "permission_denied", claims_error), True
        if error := request_error(self.spec, request):
            return self._refuse(400, "invalid", error), True
        response = self._route(request)
        for lost in self.lost_responses:
            if request.method == lost[0] and request.path.endswith(lost[1]):
                self.lost_responses.remove(lost)
                return self._json({"detail": "upstream timed out"}, status=504), False
        return response, True

    def _route(self, request: Request) -> Response:
        route = (request.method, request.path.removeprefix(PREFIX))
        if route == ("POST", "/zaken"):
            return self._create_zaak(request)
        if route == ("GET", "/zaken"):
            return self._list(self.zaken, request, ("identificatie", "bronorganisatie"))
        if request.method == "GET" and route[1].startswith("/zaken/"):
            found = [z for z in self.zaken if z["url"].endswith(route[1])]
            if not found:
                return self._refuse(404, "not_found", "Niet gevonden.")
            return self._json(found[0], headers={"Content-Crs": "EPSG:4326"})
        if route == ("POST", "/rollen"):
            return self._create_rol(request)
        if route == ("GET", "/rollen"):
            return self._list(self.rollen, request, ("zaak", "roltype"))
        if route == ("POST", "/statussen"):
            return self._create_status(request)
        if route == ("GET", "/statussen"):
            return self._list(self.statussen, request, ("zaak", "statustype"))
        return self._refuse(404, "not_found", "not in this fake")

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
        headers = {"Content-Crs": "EPSG:4326"} if items is self.zaken else {}
        body = {"count": len(results), "next": None, "previous": None, "results": results}
        return self._json(body, headers=headers)

    def _zaak(self, url: str) -> dict | None:
        return next((z for z in self.zaken if z["url"] == url), None)

    def _create_zaak(self, request: Request) -> Response:
        data = request.get_json()
        for key in ("bronorganisatie", "verantwoordelijkeOrganisatie"):
            if not rsin_valid(data[key]):
                return self._refuse(400, "invalid-rsin", f"{key} {data[key]!r} fails the 11-proof", key)
        if any(
            z["identificatie"] == data.get("identificatie")
            and z["bronorganisatie"] == data["bronorganisatie"]
            for z in self.zaken
        ):
            return self._refuse(
                400,
                "identificatie-niet-uniek",
                f"identificatie {data['identificatie']} exists",
                "identificatie",
            )
        zaak_uuid = str(uuid.uuid4())
        zaak = {**ZAAK_DEFAULTS, **data, "uuid": zaak_uuid, "url": f"{self.url}/zaken/{zaak_uuid}"}
        self.zaken.append(zaak)
        return self._json(zaak, status=201, headers={"Content-Crs": "EPSG:4326", "Location": zaak["url"]})

    def _create_rol(self, request: Request) -> Response:
        data = request.get_json()
        zaak = self._zaak(data["zaak"])
        if zaak is None:
            return self._refuse(400, "zaak-onbekend", f"no zaak {data['zaak']}", "zaak")
        if not data.get("betrokkene") and not data.get("betrokkeneIdentificatie"):
            # Open Zaak's RolSerializer.validate: an empty identificatie counts as none.
            return self._refuse(
                400, "invalid-betrokkene", "betrokkene or betrokkeneIdentificatie must be provided"
            )
        rol_uuid = str(uuid.uuid4())
        rol = {
            **ROL_DEFAULTS,
            "betrokkene": "",
            **data,
            "uuid": rol_uuid,
            "url": f"{self.url}/rollen/{rol_uuid}",
            "registratiedatum": _now(),
        }
        self.rollen.append(rol)
        zaak["rollen"].append(rol["url"])
        return self._json(rol, status=201)

    def _create_status(self, request: Request) -> Response:
        data = request.get_json()
        zaak = self._zaak(data["zaak"])
        if zaak is None:
            return self._refuse(400, "zaak-onbekend", f"no zaak {data['zaak']}", "zaak")
        if self.statustypen is not None and data["statustype"] not in self.statustypen:
            return self._refuse(
                400,
                "zaaktype-mismatch",
                "De referentie hoort niet bij het zaaktype van de zaak.",
                "statustype",
            )
        status_uuid = str(uuid.uuid4())
        status = {
            "gezetdoor": "",
            "statustoelichting": "",
            **data,
            "uuid": status_uuid,
            "url": f"{self.url}/statussen/{status_uuid}",
            "zaakinformatieobjecten": [],
        }
        self.statussen.append(status)
        # The zaak's status is its latest by datumStatusGezet; an eindstatus closes the zaak.
        of_zaak = sorted(
            (s for s in self.statussen if s["zaak"] == zaak["url"]), key=lambda s: s["datumStatusGezet"]
        )
        for other in of_zaak:
            other["indicatieLaatstGezetteStatus"] = other is of_zaak[-1]
        zaak["status"] = of_zaak[-1]["url"]
        zaak["einddatum"] = (
            of_zaak[-1]["datumStatusGezet"][:10]
            if of_zaak[-1]["statustype"] in self.eindstatustypen
            else None
        )
        return self._json(status, status=201)
