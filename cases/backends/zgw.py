"""The ZGW Zaken API (as served by Open Zaak): a zaak with our number as identificatie, and a rol
for the citizen. JWT (HS256) with client id and secret; Crs headers on every zaken call.

Never twice: the zaak is looked up by identificatie + bronorganisatie before it is created, its URL
is stored as soon as it exists, and the rol is looked up before it is created.
"""

import datetime as dt
import time
from collections.abc import Callable

import jwt
import requests
from django.conf import settings

from webcare.names import split_name

from ..models import Case, StatusPush
from .base import BackendError, NotKeptThere, TemporaryBackendError

CRS = "EPSG:4326"


def _same_second(value: str, moment: dt.datetime) -> bool:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.replace(microsecond=0) == moment.replace(microsecond=0)


def natuurlijk_persoon(display_name: str) -> dict:
    """A rol's betrokkeneIdentificatie from a display name: split where it looks like a name, never
    the whole name as geslachtsnaam. Open Zaak refuses an empty identificatie, and "o" (onbekend)
    is the truth about the gender of someone known only by a display name."""
    name = split_name(display_name)
    identificatie = {"geslachtsaanduiding": "o"}
    if name.first_names:
        identificatie["voornamen"] = name.first_names[:200]
        identificatie["voorletters"] = name.initials[:20]
    if name.prefix:
        identificatie["voorvoegselGeslachtsnaam"] = name.prefix[:80]
    if name.surname:
        identificatie["geslachtsnaam"] = name.surname[:200]
    return identificatie


class ZGWBackend:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        secret: str,
        zaaktype: str,
        roltype: str,
        bronorganisatie: str,
        verantwoordelijke_organisatie: str,
        statustypen: dict[str, str] | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ):
        missing = [
            name
            for name, value in {
                "ZGW_ZAKEN_URL": base_url,
                "ZGW_CLIENT_ID": client_id,
                "ZGW_SECRET": secret,
                "ZGW_ZAAKTYPE": zaaktype,
                "ZGW_BRONORGANISATIE": bronorganisatie,
            }.items()
            if not value
        ]
        if missing:
            raise BackendError(f"The zgw case backend needs {', '.join(missing)}.")
        self.base_url = base_url.rstrip("/")
        self.client_id, self.secret = client_id, secret
        self.zaaktype, self.roltype = zaaktype, roltype
        self.bronorganisatie = bronorganisatie
        self.verantwoordelijke_organisatie = verantwoordelijke_organisatie or bronorganisatie
        self.statustypen = statustypen or {}
        self.timeout = timeout
        self.session = session or requests.Session()

    @classmethod
    def from_settings(cls) -> "ZGWBackend":
        return cls(
            base_url=settings.ZGW_ZAKEN_URL,
            client_id=settings.ZGW_CLIENT_ID,
            secret=settings.ZGW_SECRET,
            zaaktype=settings.ZGW_ZAAKTYPE,
            roltype=settings.ZGW_ROLTYPE,
            bronorganisatie=settings.ZGW_BRONORGANISATIE,
            verantwoordelijke_organisatie=settings.ZGW_VERANTWOORDELIJKE_ORGANISATIE,
            statustypen=settings.ZGW_STATUSTYPEN,
            timeout=settings.ZGW_TIMEOUT_SECONDS,
        )

    # --- HTTP -----------------------------------------------------------------------------------

    def _token(self, case: Case) -> str:
        user = case.registered_by
        claims = {
            "iss": self.client_id,
            "iat": int(time.time()),
            "client_id": self.client_id,
            "user_id": user.get_username() if user else "",
            "user_representation": (user.get_full_name() or user.get_username()) if user else "",
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def _call(
        self, case: Case, method: str, path: str, *, json=None, params=None, crs: bool = False, url: str = ""
    ) -> dict:
        headers = {"Authorization": f"Bearer {self._token(case)}", "Accept": "application/json"}
        if crs:
            # The standard's spec asks for both on every /zaken call, GET included.
            headers["Accept-Crs"] = headers["Content-Crs"] = CRS
        if json is not None:
            headers["Content-Type"] = "application/json"
        url = url or f"{self.base_url}{path}"
        try:
            response = self.session.request(
                method, url, json=json, params=params, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise TemporaryBackendError(f"{method} {path}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TemporaryBackendError(f"{method} {path}: HTTP {response.status_code} {response.text[:500]}")
        if response.status_code >= 400:
            raise BackendError(f"{method} {path}: HTTP {response.status_code} {response.text[:1000]}")
        try:
            return response.json()
        except ValueError as exc:
            raise TemporaryBackendError(f"{method} {path}: not JSON: {response.text[:200]}") from exc

    # --- Registration ---------------------------------------------------------------------------

    def register(self, case: Case, *, on_reference: Callable[[str], None]) -> str:
        zaak_url = case.backend_reference or self._find_zaak(case)
        if not zaak_url:
            zaak_url = self._create_zaak(case)
        on_reference(zaak_url)
        if self.roltype and not self._has_rol(case, zaak_url):
            self._create_rol(case, zaak_url)
        return zaak_url

    def _find_zaak(self, case: Case) -> str:
        found = self._call(
            case,
            "GET",
            "/zaken",
            params={"identificatie": case.number, "bronorganisatie": self.bronorganisatie},
            crs=True,
        )
        results = found.get("results") or []
        return results[0]["url"] if results else ""

    def zaak_body(self, case: Case) -> dict:
        body = {
            "identificatie": case.number,
            "bronorganisatie": self.bronorganisatie,
            "verantwoordelijkeOrganisatie": self.verantwoordelijke_organisatie,
            "zaaktype": self.zaaktype,
            "omschrijving": f"{case.get_category_display()}: {case.location or case.description}"[:80],
            "toelichting": case.description[:1000],
            "startdatum": case.created_at.date().isoformat(),
            "registratiedatum": case.created_at.date().isoformat(),
            "communicatiekanaalNaam": case.contact_platform[:250],
        }
        if case.latitude is not None and case.longitude is not None:
            # GeoJSON: longitude first.
            body["zaakgeometrie"] = {
                "type": "Point",
                "coordinates": [float(case.longitude), float(case.latitude)],
            }
        return body

    def _create_zaak(self, case: Case) -> str:
        created = self._call(case, "POST", "/zaken", json=self.zaak_body(case), crs=True)
        return created["url"]

    def _has_rol(self, case: Case, zaak_url: str) -> bool:
        found = self._call(case, "GET", "/rollen", params={"zaak": zaak_url, "roltype": self.roltype})
        return bool(found.get("results"))

    def rol_body(self, case: Case, zaak_url: str) -> dict:
        display = case.contact_name.strip() or (f"@{case.contact_handle}" if case.contact_handle else "")
        where = (
            f"{case.contact_platform} @{case.contact_handle}"
            if case.contact_handle
            else case.contact_platform
        )
        body = {
            "zaak": zaak_url,
            "betrokkeneType": "natuurlijk_persoon",
            "roltype": self.roltype,
            "roltoelichting": f"Melder via webcare ({where})"[:1000],
            "betrokkeneIdentificatie": natuurlijk_persoon(case.contact_name),
        }
        if display:
            # The name as the citizen gave it, whole: how they want to be addressed.
            body["afwijkendeNaamBetrokkene"] = display[:625]
            body["contactpersoonRol"] = {"naam": display[:200]}
        return body

    def _create_rol(self, case: Case, zaak_url: str) -> None:
        self._call(case, "POST", "/rollen", json=self.rol_body(case, zaak_url))

    # --- Status to the back office --------------------------------------------------------------

    def push_status(self, case: Case, push: StatusPush) -> str:
        """Set the change as a status of the zaak; the URL of the status. Looked up first (same
        zaak, statustype and datumStatusGezet), so a retry after an unknown outcome sets it once."""
        statustype = self.statustypen.get(push.status)
        if not statustype:
            raise NotKeptThere(f"ZGW_STATUSTYPEN has no statustype for {push.status!r}")
        zaak_url = self._zaak_url(case)
        found = self._call(case, "GET", "/statussen", params={"zaak": zaak_url, "statustype": statustype})
        for status in found.get("results") or []:
            if _same_second(status.get("datumStatusGezet", ""), push.changed_at):
                return status["url"]
        created = self._call(
            case,
            "POST",
            "/statussen",
            json={
                "zaak": zaak_url,
                "statustype": statustype,
                "datumStatusGezet": push.changed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "statustoelichting": push.note[:1000],
            },
        )
        return created["url"]

    def _zaak_url(self, case: Case) -> str:
        if not case.backend_reference.startswith(self.base_url + "/zaken/"):
            raise BackendError(f"{case.number}: {case.backend_reference!r} is not a zaak of {self.base_url}")
        return case.backend_reference

    # --- Status from the back office ------------------------------------------------------------

    def is_closed(self, case: Case) -> bool:
        """Whether the back office has closed the zaak (an einddatum is set)."""
        zaak = self._call(case, "GET", "/zaken/{uuid}", crs=True, url=self._zaak_url(case))
        return bool(zaak.get("einddatum"))
