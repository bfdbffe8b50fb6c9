"""The fake Open Klant's HTTP side: `Authorization: Token <key>`, every request and response checked
against the official Klantinteracties OpenAPI document, unknown query parameters refused as Open
Klant does, lists paged as {count, next, previous, results}, errors as Open Klant's (in Dutch), and
faults injected on demand.

`violations` keeps every request the spec (or Open Klant's own rules) refuses and every response of
this fake that breaks the spec, so a test can assert there were none. `fail_next` answers the next
requests with these statuses; `faults` does so for the first request matching (method, path ending,
status); `lost_responses` handles the first matching (method, path ending) and then answers 504, as
a gateway whose upstream did the work; `before` runs a function just before the first matching
(method, path ending) request is handled, e.g. to let a write still under way land first.
"""

import copy
import json
import threading
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import yaml
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ..openapi import load_spec, request_error, response_error
from .store import Refusal, Store

PREFIX = "/klantinteracties/api/v1"
COLLECTIONS = (
    "klantcontacten",
    "betrokkenen",
    "digitaleadressen",
    "onderwerpobjecten",
    "actoren",
    "actorklantcontacten",
)


class NotFound(Exception):
    pass


@cache
def _query_parameters(spec_path: Path) -> dict[tuple[str, str], frozenset[str]]:
    """(method, path template) → the query parameters the document names for it."""
    with spec_path.open(encoding="utf-8") as handle:
        paths = yaml.safe_load(handle)["paths"]
    return {
        (method.upper(), path): frozenset(
            p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
        )
        for path, operations in paths.items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
    }


@dataclass
class FakeKlantinteracties:
    spec_path: Path
    port: int = 0
    token: str = "klantinteracties-token-for-tests"
    requests: list[dict] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    faults: list[tuple[str, str, int]] = field(default_factory=list)
    lost_responses: list[tuple[str, str]] = field(default_factory=list)
    before: list[tuple[str, str, Callable[[], None]]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self):
        self.spec = load_spec(self.spec_path, PREFIX)
        self.response_spec = load_spec(self.spec_path, PREFIX, nullable_refs=True)
        self.parameters = _query_parameters(self.spec_path)
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}{PREFIX}"
        self.store = Store(base=self.url)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeKlantinteracties":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls(self, method: str | None = None, path: str = "") -> list[dict]:
        """The requests made (method, path after the API root), e.g. calls("POST", "/maak-klantcontact")."""
        return [
            r
            for r in self.requests
            if (method is None or r["method"] == method) and r["path"].removeprefix(PREFIX).startswith(path)
        ]

    # --- The WSGI app ---------------------------------------------------------------------------

    def _app(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            response, check = self._handle(request)
            if check and (error := response_error(self.response_spec, request, response)):
                self.violations.append(error)
        return response(environ, start_response)

    def _json(self, body, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _error(
        self, status: int, code: str, title: str, *, params: list | None = None, record: bool = True
    ) -> Response:
        if record:
            self.violations.append(f"{status} {code}: {title} {params or ''}".rstrip())
        body = {
            "type": f"http://127.0.0.1/ref/fouten/{code}/",
            "code": code,
            "title": title,
            "status": status,
            "detail": title if not params else "",
            "instance": f"urn:uuid:{uuidlib.uuid4()}",
        }
        if params is not None:
            body["invalidParams"] = params
        return self._json(body, status=status)

    def _invalid(self, params: list[dict]) -> Response:
        return self._error(400, "invalid", "Invalid input.", params=params)

    def _handle(self, request: Request) -> tuple[Response, bool]:
        """The response, and whether to check it against the spec: the document describes no error
        responses (Open Klant's shape is kept instead), and injected faults are not Open Klant's."""
        body = request.get_data(as_text=True)
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": request.args.to_dict(flat=True),
                "headers": dict(request.headers),
                "json": json.loads(body) if body else None,
            }
        )
        if self.fail_next:
            return self._json({"detail": "injected"}, status=self.fail_next.pop(0)), False
        for fault in self.faults:
            if request.method == fault[0] and request.path.endswith(fault[1]):
                self.faults.remove(fault)
                return self._json({"detail": "injected"}, status=fault[2]), False
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Token "):
            return self._error(401, "not_authenticated", "Authenticatiegegevens zijn niet opgegeven."), False
        if auth.removeprefix("Token ") != self.token:
            return self._error(401, "authentication_failed", "Ongeldige token."), False
        template, uuid = self._template(request.path.removeprefix(PREFIX))
        unknown = sorted(set(request.args) - self.parameters.get((request.method, template), frozenset()))
        if unknown:
            reason = f"Onbekende query parameters: {', '.join(unknown)}"
            return self._invalid(
                [{"name": "nonFieldErrors", "code": "unknown-parameters", "reason": reason}]
            ), False
        if error := request_error(self.spec, request):
            return self._invalid([{"name": "nonFieldErrors", "code": "invalid", "reason": error}]), False
        for hook in self.before:
            if request.method == hook[0] and request.path.endswith(hook[1]):
                self.before.remove(hook)
                hook[2]()
                break
        try:
            response = self._route(request, template, uuid)
        except Refusal as refusal:
            return self._invalid(refusal.params), False
        except NotFound:
            return self._error(404, "not_found", "Niet gevonden.", record=False), False
        for lost in self.lost_responses:
            if request.method == lost[0] and request.path.endswith(lost[1]):
                self.lost_responses.remove(lost)
                return self._json({"detail": "upstream timed out"}, status=504), False
        return response, True

    @staticmethod
    def _template(path: str) -> tuple[str, str]:
        parts = path.strip("/").split("/")
        if len(parts) == 2:
            return f"/{parts[0]}/{{uuid}}", parts[1]
        return path, ""

    # --- Routes ---------------------------------------------------------------------------------

    def _route(self, request: Request, template: str, uuid: str) -> Response:
        store, data = self.store, request.get_json(silent=True) or {}
        expand = set(filter(None, request.args.get("expand", "").split(",")))
        collection = template.strip("/").split("/")[0]
        if uuid and collection in COLLECTIONS and uuid not in self._table(collection):
            raise NotFound()
        route = (request.method, template)
        if route == ("POST", "/maak-klantcontact"):
            return self._json(self._maak(data), status=201)
        if route == ("GET", "/klantcontacten"):
            self._only_known_filters(request, {"referentienummer", "kanaal", "expand", "page", "pageSize",
                                               "hadBetrokkene__digitaaladres__adres__icontains"},
                                     prefix="onderwerpobject__onderwerpobjectidentificator")  # fmt: skip
            return self._page(
                request, [store.klantcontact(u, expand) for u in store.klantcontact_uuids(request.args)]
            )
        if route == ("POST", "/klantcontacten"):
            return self._json(store.klantcontact(store.create_klantcontact(data)), status=201)
        if route == ("GET", "/klantcontacten/{uuid}"):
            return self._json(store.klantcontact(uuid, expand))
        if route == ("PATCH", "/klantcontacten/{uuid}"):
            store.update_klantcontact(uuid, data)
            return self._json(store.klantcontact(uuid))
        if route == ("POST", "/betrokkenen"):
            return self._json(store.betrokkene(store.add_betrokkene(data)), status=201)
        if route == ("PATCH", "/betrokkenen/{uuid}"):
            store.update_betrokkene(uuid, data)
            return self._json(store.betrokkene(uuid))
        if route == ("POST", "/digitaleadressen"):
            return self._json(store.digitaal_adres(store.add_digitaal_adres(data)), status=201)
        if route == ("POST", "/onderwerpobjecten"):
            return self._json(store.onderwerpobject(store.add_onderwerpobject(data)), status=201)
        if route == ("PATCH", "/onderwerpobjecten/{uuid}"):
            store.update_onderwerpobject(uuid, data)
            return self._json(store.onderwerpobject(uuid))
        if route == ("GET", "/actoren"):
            self._only_known_filters(request, {"soortActor", "page", "pageSize"}, prefix="actoridentificator")
            return self._page(request, [store.actor(u) for u in store.actor_uuids(request.args)])
        if route == ("POST", "/actoren"):
            return self._json(store.actor(store.add_actor(data)), status=201)
        if route == ("POST", "/actorklantcontacten"):
            return self._json(store.actorklantcontact(store.add_actorklantcontact(data)), status=201)
        self.violations.append(f"not in this fake: {request.method} {request.path}")
        raise NotFound()

    def _table(self, collection: str) -> dict:
        name = {"digitaleadressen": "digitale_adressen"}.get(collection, collection)
        return getattr(self.store, name)

    def _only_known_filters(self, request: Request, known: set[str], prefix: str) -> None:
        """A filter the spec has but this fake does not apply would answer wrongly: say so."""
        for name in request.args:
            if name not in known and not name.startswith(prefix):
                self.violations.append(f"this fake does not filter on {name}")

    def _page(self, request: Request, results: list[dict]) -> Response:
        size = min(int(request.args.get("pageSize", 100)), 500)
        page = max(int(request.args.get("page", 1)), 1)
        chunk = results[(page - 1) * size : page * size]

        def link(number: int) -> str | None:
            if number < 1 or (number - 1) * size >= len(results):
                return None
            return f"http://127.0.0.1:{self._server.server_port}{request.path}?" + urlencode(
                {**request.args.to_dict(flat=True), "page": number}
            )

        body = {"count": len(results), "next": link(page + 1), "previous": link(page - 1), "results": chunk}
        return self._json(body)

    def _maak(self, data: dict) -> dict:
        """klantcontact, betrokkene and onderwerpobject in one transaction: all made, or none."""
        saved = copy.deepcopy(self.store.__dict__)
        try:
            klantcontact = self.store.create_klantcontact(data["klantcontact"], prefix="klantcontact.")
            made = {"klantcontact": klantcontact}
            if data.get("betrokkene") is not None:
                made["betrokkene"] = self.store.create_betrokkene(
                    data["betrokkene"], klantcontact, prefix="betrokkene."
                )
            if data.get("onderwerpobject") is not None:
                made["onderwerpobject"] = self.store.create_onderwerpobject(
                    data["onderwerpobject"], klantcontact
                )
        except Refusal:
            self.store.__dict__.update(saved)
            raise
        # Open Klant answers null for a part that was not sent, which its own document does not
        # allow (the schemas are not nullable); this fake leaves the key out instead.
        shown = {"klantcontact": self.store.klantcontact(klantcontact)}
        if "betrokkene" in made:
            shown["betrokkene"] = self.store.betrokkene(made["betrokkene"])
        if "onderwerpobject" in made:
            shown["onderwerpobject"] = self.store.onderwerpobject(made["onderwerpobject"])
        return shown
