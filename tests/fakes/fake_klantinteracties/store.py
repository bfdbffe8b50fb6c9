"""The fake Open Klant's resources: klantcontacten, betrokkenen, digitale adressen,
onderwerpobjecten, actoren and their links, shown as Open Klant 2.18 shows them, with the rules it
checks beyond the OpenAPI document (existing references, a unique and numeric referentienummer,
one link per actor and klantcontact). A broken rule is a `Refusal`, as Open Klant's 400.
"""

import datetime as dt
import itertools
import re
import uuid as uuidlib
from dataclasses import dataclass, field

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^(0[1-9][0-9]{8}|\+[0-9]{9,15}|00[0-9]{7,13})$")


class Refusal(Exception):
    """A request Open Klant refuses: `params` become invalidParams [{name, code, reason}]."""

    def __init__(self, name: str, code: str, reason: str, status: int = 400):
        super().__init__(reason)
        self.params = [{"name": name, "code": code, "reason": reason}]
        self.status = status


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Store:
    base: str  # the API root, e.g. http://127.0.0.1:18765/klantinteracties/api/v1
    klantcontacten: dict[str, dict] = field(default_factory=dict)
    betrokkenen: dict[str, dict] = field(default_factory=dict)
    digitale_adressen: dict[str, dict] = field(default_factory=dict)
    onderwerpobjecten: dict[str, dict] = field(default_factory=dict)
    actoren: dict[str, dict] = field(default_factory=dict)
    actorklantcontacten: dict[str, dict] = field(default_factory=dict)
    _order: itertools.count = field(default_factory=itertools.count)

    def ref(self, collection: str, uuid: str) -> dict:
        return {"uuid": uuid, "url": f"{self.base}/{collection}/{uuid}"}

    def _new(self) -> tuple[str, int]:
        return str(uuidlib.uuid4()), next(self._order)

    @staticmethod
    def _existing(table: dict, value, name: str, what: str) -> str | None:
        if value is None:
            return None
        uuid = str(value.get("uuid", "")) if isinstance(value, dict) else ""
        if uuid not in table:
            raise Refusal(f"{name}.uuid", "does_not_exist", f"{what} object bestaat niet.")
        return uuid

    # --- Klantcontacten --------------------------------------------------------------------------

    def _check_klantcontact(self, data: dict, prefix: str = "", uuid: str | None = None) -> None:
        number = data.get("referentienummer")
        if number is not None:
            if not re.fullmatch(r"-?\d+", number):
                raise Refusal(f"{prefix}referentienummer", "invalid", "Voer een geheel getal in.")
            if any(k["referentienummer"] == number and key != uuid for key, k in self.klantcontacten.items()):
                raise Refusal(
                    f"{prefix}referentienummer",
                    "unique",
                    "Er bestaat al een klantcontact met eenzelfde referentienummer.",
                )
        if data.get("verdereActieOndernomen") and data.get("indicatieContactGelukt"):
            raise Refusal(
                f"{prefix}nonFieldErrors",
                "no-further-action-when-contact-succesful",
                "Als het contact gelukt is kan er geen verdere actie zijn ondernomen",
            )

    def create_klantcontact(self, data: dict, prefix: str = "") -> str:
        self._check_klantcontact(data, prefix)
        uuid, order = self._new()
        self.klantcontacten[uuid] = {
            "order": order,
            "nummer": None,
            "referentienummer": data.get("referentienummer"),
            "kanaal": data["kanaal"],
            "onderwerp": data["onderwerp"],
            "inhoud": data.get("inhoud", ""),
            "reactie": data.get("reactie", ""),
            "indicatieContactGelukt": data.get("indicatieContactGelukt"),
            "hoofdOnderwerpType": data.get("hoofdOnderwerpType", ""),
            "verdereActieOndernomen": data.get("verdereActieOndernomen", False),
            "taal": data["taal"],
            "vertrouwelijk": data["vertrouwelijk"],
            "plaatsgevondenOp": data.get("plaatsgevondenOp") or now(),
            "metadata": data.get("metadata") or {},
        }
        return uuid

    def update_klantcontact(self, uuid: str, data: dict) -> None:
        merged = {**self.klantcontacten[uuid], **data}
        self._check_klantcontact(merged, uuid=uuid)
        writable = set(self.klantcontacten[uuid]) - {"order", "nummer"}
        self.klantcontacten[uuid].update({k: v for k, v in data.items() if k in writable})

    def klantcontact(self, uuid: str, expand: set[str] = frozenset()) -> dict:
        row = self.klantcontacten[uuid]
        betrokkenen = self._sorted(b for b in self.betrokkenen.values() if b["klantcontact"] == uuid)
        onderwerpen = self._sorted(o for o in self.onderwerpobjecten.values() if o["klantcontact"] == uuid)
        links = self._sorted(a for a in self.actorklantcontacten.values() if a["klantcontact"] == uuid)
        shown = {
            **self.ref("klantcontacten", uuid),
            "gingOverOnderwerpobjecten": [self.ref("onderwerpobjecten", o["uuid"]) for o in onderwerpen],
            "hadBetrokkenActoren": [self.actor(a["actor"]) for a in links],
            "omvatteBijlagen": [],
            "hadBetrokkenen": [self.ref("betrokkenen", b["uuid"]) for b in betrokkenen],
            "leiddeTotInterneTaken": [],
            **{k: v for k, v in row.items() if k != "order"},
        }
        if expand:
            shown["_expand"] = {}
            if "hadBetrokkenen" in expand:
                nested = {"digitaleAdressen"} if "hadBetrokkenen.digitaleAdressen" in expand else set()
                shown["_expand"]["hadBetrokkenen"] = [self.betrokkene(b["uuid"], nested) for b in betrokkenen]
            if "gingOverOnderwerpobjecten" in expand:
                shown["_expand"]["gingOverOnderwerpobjecten"] = [
                    self.onderwerpobject(o["uuid"]) for o in onderwerpen
                ]
        return shown

    # --- Betrokkenen and their digitale adressen ------------------------------------------------

    def create_betrokkene(self, data: dict, klantcontact: str, prefix: str = "") -> str:
        if data.get("wasPartij") is not None:
            raise Refusal(f"{prefix}wasPartij.uuid", "does_not_exist", "Partij object bestaat niet.")
        uuid, order = self._new()
        self.betrokkenen[uuid] = {
            "uuid": uuid,
            "order": order,
            "klantcontact": klantcontact,
            "contactnaam": data.get("contactnaam"),
            "rol": data["rol"],
            "organisatienaam": data.get("organisatienaam", ""),
            "initiator": data["initiator"],
            "bezoekadres": data.get("bezoekadres"),
            "correspondentieadres": data.get("correspondentieadres"),
        }
        return uuid

    def add_betrokkene(self, data: dict) -> str:
        klantcontact = self._existing(
            self.klantcontacten, data.get("hadKlantcontact"), "hadKlantcontact", "Klantcontact"
        )
        return self.create_betrokkene(data, klantcontact)

    def update_betrokkene(self, uuid: str, data: dict) -> None:
        allowed = {
            "contactnaam",
            "rol",
            "organisatienaam",
            "initiator",
            "bezoekadres",
            "correspondentieadres",
        }
        self.betrokkenen[uuid].update({k: v for k, v in data.items() if k in allowed})

    def betrokkene(self, uuid: str, expand: set[str] = frozenset()) -> dict:
        row = self.betrokkenen[uuid]
        adressen = self._sorted(d for d in self.digitale_adressen.values() if d["betrokkene"] == uuid)
        naam = row["contactnaam"] or {}
        shown = {
            **self.ref("betrokkenen", uuid),
            "wasPartij": None,
            "hadKlantcontact": self.ref("klantcontacten", row["klantcontact"]),
            "digitaleAdressen": [self.ref("digitaleadressen", d["uuid"]) for d in adressen],
            "bezoekadres": row["bezoekadres"],
            "correspondentieadres": row["correspondentieadres"],
            "contactnaam": row["contactnaam"],
            "volledigeNaam": " ".join(
                part
                for part in (naam.get("voornaam"), naam.get("voorvoegselAchternaam"), naam.get("achternaam"))
                if part
            ),
            "rol": row["rol"],
            "organisatienaam": row["organisatienaam"],
            "initiator": row["initiator"],
        }
        if "digitaleAdressen" in expand:
            shown["_expand"] = {"digitaleAdressen": [self.digitaal_adres(d["uuid"]) for d in adressen]}
        return shown

    def add_digitaal_adres(self, data: dict) -> str:
        betrokkene = self._existing(
            self.betrokkenen, data.get("verstrektDoorBetrokkene"), "verstrektDoorBetrokkene", "Betrokkene"
        )
        if data.get("verstrektDoorPartij") is not None:
            raise Refusal("verstrektDoorPartij.uuid", "does_not_exist", "Partij object bestaat niet.")
        if data.get("isStandaardAdres"):
            raise Refusal(
                "isStandaardAdres",
                "invalid",
                "`is_standaard_adres` kan alleen gezet worden als `verstrekt_door_partij` niet leeg is.",
            )
        soort, adres = data["soortDigitaalAdres"], data["adres"]
        if soort == "email" and not EMAIL.match(adres):
            raise Refusal("adres", "invalid", "Voer een geldig e-mailadres in.")
        if soort == "telefoonnummer" and not PHONE.match(adres):
            raise Refusal("adres", "invalid", "Het opgegeven telefoonnummer is ongeldig.")
        uuid, order = self._new()
        self.digitale_adressen[uuid] = {
            "uuid": uuid,
            "order": order,
            "betrokkene": betrokkene,
            "adres": adres,
            "soortDigitaalAdres": soort,
            "isStandaardAdres": False,
            "omschrijving": data.get("omschrijving", ""),
        }
        return uuid

    def digitaal_adres(self, uuid: str) -> dict:
        row = self.digitale_adressen[uuid]
        return {
            **self.ref("digitaleadressen", uuid),
            "verstrektDoorBetrokkene": self.ref("betrokkenen", row["betrokkene"])
            if row["betrokkene"]
            else None,
            "verstrektDoorPartij": None,
            "adres": row["adres"],
            "soortDigitaalAdres": row["soortDigitaalAdres"],
            "isStandaardAdres": row["isStandaardAdres"],
            "omschrijving": row["omschrijving"],
            "verificatieDatum": None,
        }

    # --- Onderwerpobjecten -----------------------------------------------------------------------

    def create_onderwerpobject(self, data: dict, klantcontact: str | None) -> str:
        uuid, order = self._new()
        self.onderwerpobjecten[uuid] = {
            "uuid": uuid,
            "order": order,
            "klantcontact": klantcontact,
            "identificator": data.get("onderwerpobjectidentificator"),
        }
        return uuid

    def add_onderwerpobject(self, data: dict) -> str:
        klantcontact = self._existing(
            self.klantcontacten, data.get("klantcontact"), "klantcontact", "Klantcontact"
        )
        if data.get("wasKlantcontact") is not None:
            self._existing(self.klantcontacten, data["wasKlantcontact"], "wasKlantcontact", "Klantcontact")
        return self.create_onderwerpobject(data, klantcontact)

    def update_onderwerpobject(self, uuid: str, data: dict) -> None:
        if "onderwerpobjectidentificator" in data:
            self.onderwerpobjecten[uuid]["identificator"] = data["onderwerpobjectidentificator"]

    def onderwerpobject(self, uuid: str) -> dict:
        row = self.onderwerpobjecten[uuid]
        return {
            **self.ref("onderwerpobjecten", uuid),
            "klantcontact": self.ref("klantcontacten", row["klantcontact"]) if row["klantcontact"] else None,
            "wasKlantcontact": None,
            "onderwerpobjectidentificator": row["identificator"],
        }

    # --- Actoren ---------------------------------------------------------------------------------

    def add_actor(self, data: dict) -> str:
        uuid, order = self._new()
        self.actoren[uuid] = {
            "uuid": uuid,
            "order": order,
            "naam": data["naam"],
            "soortActor": data["soortActor"],
            "indicatieActief": data.get("indicatieActief", True),
            "actoridentificator": data.get("actoridentificator"),
        }
        return uuid

    def actor(self, uuid: str) -> dict:
        row = self.actoren[uuid]
        return {
            **self.ref("actoren", uuid),
            **{k: row[k] for k in ("naam", "soortActor", "indicatieActief", "actoridentificator")},
        }

    def add_actorklantcontact(self, data: dict) -> str:
        actor = self._existing(self.actoren, data.get("actor"), "actor", "Actor")
        klantcontact = self._existing(
            self.klantcontacten, data.get("klantcontact"), "klantcontact", "Klantcontact"
        )
        if any(
            a["actor"] == actor and a["klantcontact"] == klantcontact
            for a in self.actorklantcontacten.values()
        ):
            raise Refusal(
                "nonFieldErrors", "unique", "De velden actor, klantcontact moeten een unieke set zijn."
            )
        uuid, order = self._new()
        self.actorklantcontacten[uuid] = {
            "uuid": uuid,
            "order": order,
            "actor": actor,
            "klantcontact": klantcontact,
        }
        return uuid

    def actorklantcontact(self, uuid: str) -> dict:
        row = self.actorklantcontacten[uuid]
        return {
            **self.ref("actorklantcontacten", uuid),
            "actor": self.ref("actoren", row["actor"]),
            "klantcontact": self.ref("klantcontacten", row["klantcontact"]),
        }

    # --- As colleagues register them in KISS ------------------------------------------------------

    def kiss_contact(
        self,
        *,
        handle: str,
        kanaal: str,
        onderwerp: str,
        days_ago: float,
        inhoud: str = "",
        name: dict | None = None,
        vertrouwelijk: bool = False,
    ) -> str:
        """A klantcontact a colleague registered (a phone call, a counter visit) for someone whose
        handle was noted as their digitaal adres."""
        when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
        klantcontact = self.create_klantcontact(
            {
                "kanaal": kanaal,
                "onderwerp": onderwerp,
                "inhoud": inhoud or f"{onderwerp}: gebeld.",
                "indicatieContactGelukt": True,
                "taal": "nld",
                "vertrouwelijk": vertrouwelijk,
                "plaatsgevondenOp": when,
            }
        )
        data = {"rol": "klant", "initiator": True, "contactnaam": name}
        betrokkene = self.create_betrokkene(data, klantcontact)
        self.add_digitaal_adres(
            {"verstrektDoorBetrokkene": {"uuid": betrokkene}, "adres": handle, "soortDigitaalAdres": "overig"}
        )
        return klantcontact

    # --- Lists -----------------------------------------------------------------------------------

    @staticmethod
    def _sorted(rows) -> list[dict]:
        return sorted(rows, key=lambda row: row["order"])

    def klantcontact_uuids(self, query: dict[str, str]) -> list[str]:
        """The filters this fake knows, as Open Klant applies them; newest plaatsgevondenOp first."""
        rows = list(self.klantcontacten.items())
        if "referentienummer" in query:
            rows = [(u, k) for u, k in rows if k["referentienummer"] == query["referentienummer"]]
        if "kanaal" in query:
            rows = [(u, k) for u, k in rows if k["kanaal"] == query["kanaal"]]
        if (part := query.get("hadBetrokkene__digitaaladres__adres__icontains")) is not None:
            having = {
                self.betrokkenen[d["betrokkene"]]["klantcontact"]
                for d in self.digitale_adressen.values()
                if d["betrokkene"] and part.casefold() in d["adres"].casefold()
            }
            rows = [(u, k) for u, k in rows if u in having]
        for key in ("ObjectId", "CodeObjecttype", "CodeRegister", "CodeSoortObjectId"):
            if (value := query.get(f"onderwerpobject__onderwerpobjectidentificator{key}")) is not None:
                name = key[0].lower() + key[1:]
                having = {
                    o["klantcontact"]
                    for o in self.onderwerpobjecten.values()
                    if (o["identificator"] or {}).get(name) == value
                }
                rows = [(u, k) for u, k in rows if u in having]
        rows.sort(key=lambda item: (item[1]["plaatsgevondenOp"], item[1]["order"]), reverse=True)
        return [u for u, _ in rows]

    def actor_uuids(self, query: dict[str, str]) -> list[str]:
        rows = list(self.actoren.values())
        if "soortActor" in query:
            rows = [a for a in rows if a["soortActor"] == query["soortActor"]]
        for key in ("ObjectId", "CodeObjecttype", "CodeRegister", "CodeSoortObjectId"):
            if (value := query.get(f"actoridentificator{key}")) is not None:
                name = key[0].lower() + key[1:]
                rows = [a for a in rows if (a["actoridentificator"] or {}).get(name) == value]
        return [a["uuid"] for a in sorted(rows, key=lambda a: a["order"], reverse=True)]
