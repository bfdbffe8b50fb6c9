"""Registering a conversation's klantcontact in Open Klant so that it exists once, as the record says.

Every attempt first looks at what Open Klant has: the klantcontact by its uuid, or (when that is not
known, e.g. after a write with an unknown outcome) by our referentienummer, with its betrokkenen,
their digitale adressen and its onderwerpobjecten expanded. Only what is missing is created, only
what differs is changed. The referentienummer is unique in Open Klant, so even a create racing a
write still under way is refused rather than made twice; that refusal is answered by looking again.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..records import ContactRecord
from . import bodies
from .client import Client, KlantinteractiesError

EXPAND = "hadBetrokkenen,hadBetrokkenen.digitaleAdressen,gingOverOnderwerpobjecten"
KLANTCONTACT_FIELDS = (
    "kanaal",
    "onderwerp",
    "inhoud",
    "reactie",
    "indicatieContactGelukt",
    "taal",
    "vertrouwelijk",
    "plaatsgevondenOp",
    "metadata",
)


@dataclass(frozen=True)
class Pushed:
    uuid: str
    created: bool  # False: it existed and was brought up to date


def _expanded(klantcontact: dict, name: str) -> list[dict]:
    return (klantcontact.get("_expand") or {}).get(name) or []


def _same_time(left: str | None, right: str) -> bool:
    """The same moment to the second, however the server writes it ("…Z", "…+01:00", fractions)."""
    try:
        return dt.datetime.fromisoformat(left or "").replace(microsecond=0) == dt.datetime.fromisoformat(
            right
        )
    except ValueError:
        return False


class Push:
    def __init__(self, client: Client, record: ContactRecord, *, referentienummer: str, conversation_id: int):
        self.client, self.record = client, record
        self.referentienummer, self.conversation_id = referentienummer, conversation_id

    # --- Finding what Open Klant has -------------------------------------------------------------

    def _by_uuid(self, uuid: str) -> dict | None:
        try:
            return self.client.get(f"/klantcontacten/{uuid}", expand=EXPAND)
        except KlantinteractiesError as exc:
            if exc.status == 404:  # deleted in Open Klant: register it again
                return None
            raise

    def find(self, known_uuid: str = "") -> dict | None:
        if known_uuid and (found := self._by_uuid(known_uuid)) is not None:
            return found
        for found in self.client.list(
            "/klantcontacten", referentienummer=self.referentienummer, expand=EXPAND
        ):
            if found.get("referentienummer") != self.referentienummer:
                continue
            metadata = found.get("metadata") or {}
            if (metadata.get("bron"), metadata.get("gesprek")) != (bodies.SOURCE, str(self.conversation_id)):
                raise KlantinteractiesError(
                    f"Referentienummer {self.referentienummer} belongs to another klantcontact in Open Klant "
                    f"({found.get('uuid')}); choose another KLANTINTERACTIES_REFERENTIE_PREFIX."
                )
            return found
        return None

    # --- The attempt -----------------------------------------------------------------------------

    def run(self, *, known_uuid: str = "", on_uuid: Callable[[str], None]) -> Pushed:
        found = self.find(known_uuid)
        created = found is None
        if created:
            found = self._create()
        on_uuid(found["uuid"])
        if not created:
            self._update_klantcontact(found)
        betrokkene = self._betrokkene(found)
        self._digitaal_adres(betrokkene)
        self._onderwerpobject(found)
        self._actoren(found)
        return Pushed(uuid=found["uuid"], created=created)

    def _create(self) -> dict:
        body = bodies.maak_klantcontact(
            self.record, referentienummer=self.referentienummer, conversation_id=self.conversation_id
        )
        try:
            made = self.client.post("/maak-klantcontact", body)
        except KlantinteractiesError as exc:
            # An earlier write we never heard back from got there after all: it is the one.
            if exc.refused("klantcontact.referentienummer", "unique") and (found := self.find()) is not None:
                return found
            raise
        return self._by_uuid(made["klantcontact"]["uuid"]) or made["klantcontact"]

    def _update_klantcontact(self, found: dict) -> None:
        wanted = bodies.klantcontact(
            self.record, referentienummer=self.referentienummer, conversation_id=self.conversation_id
        )
        changes = {
            name: wanted[name]
            for name in KLANTCONTACT_FIELDS
            if not (
                _same_time(found.get(name), wanted[name])
                if name == "plaatsgevondenOp"
                else found.get(name) == wanted[name]
            )
        }
        if changes:
            self.client.patch(f"/klantcontacten/{found['uuid']}", changes)

    def _betrokkene(self, found: dict) -> dict:
        wanted = bodies.betrokkene(self.record)
        for betrokkene in _expanded(found, "hadBetrokkenen"):
            if betrokkene.get("rol") == "klant" and betrokkene.get("initiator"):
                if "contactnaam" in wanted and betrokkene.get("contactnaam") != wanted["contactnaam"]:
                    self.client.patch(
                        f"/betrokkenen/{betrokkene['uuid']}", {"contactnaam": wanted["contactnaam"]}
                    )
                return betrokkene
        return self.client.post("/betrokkenen", {**wanted, "hadKlantcontact": {"uuid": found["uuid"]}})

    def _digitaal_adres(self, betrokkene: dict) -> None:
        address = self.record.citizen_address[:80]
        if not address:
            return
        known = _expanded(betrokkene, "digitaleAdressen")
        if any((adres.get("adres") or "").casefold() == address.casefold() for adres in known):
            return
        self.client.post(
            "/digitaleadressen", bodies.digitaal_adres(self.record, betrokkene_uuid=betrokkene["uuid"])
        )

    def _onderwerpobject(self, found: dict) -> None:
        wanted = bodies.onderwerpobjectidentificator(self.record)
        if wanted is None:
            return
        case_ids = {wanted["objectId"], self.record.case.number}
        for onderwerpobject in _expanded(found, "gingOverOnderwerpobjecten"):
            have = onderwerpobject.get("onderwerpobjectidentificator") or {}
            if have.get("codeObjecttype") == wanted["codeObjecttype"] and have.get("objectId") in case_ids:
                if have != wanted:  # the zaak got its uuid since: point at it
                    self.client.patch(
                        f"/onderwerpobjecten/{onderwerpobject['uuid']}",
                        {"onderwerpobjectidentificator": wanted},
                    )
                return
        self.client.post(
            "/onderwerpobjecten",
            {
                "klantcontact": {"uuid": found["uuid"]},
                "wasKlantcontact": None,
                "onderwerpobjectidentificator": wanted,
            },
        )

    def _actoren(self, found: dict) -> None:
        linked = {actor.get("uuid") for actor in found.get("hadBetrokkenActoren") or []}
        for agent in self.record.agents:
            identificator = bodies.actoridentificator(agent)
            actor = next(
                self.client.list(
                    "/actoren",
                    soortActor="medewerker",
                    actoridentificatorObjectId=identificator["objectId"],
                    actoridentificatorCodeObjecttype=identificator["codeObjecttype"],
                    actoridentificatorCodeRegister=identificator["codeRegister"],
                    actoridentificatorCodeSoortObjectId=identificator["codeSoortObjectId"],
                ),
                None,
            ) or self.client.post("/actoren", bodies.actor(agent))
            if actor["uuid"] in linked:
                continue
            try:
                self.client.post(
                    "/actorklantcontacten",
                    {"actor": {"uuid": actor["uuid"]}, "klantcontact": {"uuid": found["uuid"]}},
                )
            except KlantinteractiesError as exc:
                if exc.status != 400 or "unique" not in {p.get("code") for p in exc.invalid_params}:
                    raise  # linked already (a write we never heard back from) is fine; the rest is not
            linked.add(actor["uuid"])
