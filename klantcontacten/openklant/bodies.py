"""A ContactRecord in the Klantinteracties API's shapes and limits (Open Klant 2.18, API 0.9.0):
camelCase fields, references as {"uuid": …}, every text within its maxLength.

Optional references are left out rather than sent as null: the document declares them as
`allOf: [<reference>]` with `nullable: true`, which OAS 3.0.3 does not let admit null.
"""

import datetime as dt

from django.conf import settings

from webcare.names import split_name

from ..records import Agent, ContactRecord

CHANNEL_NAMES = {"x": "X", "facebook": "Facebook", "sandbox": "Sandbox"}
# Medewerkers as KISS identifies them (codeObjecttype "mdw", e-mail from Entra ID: register "msei"),
# so a colleague is one actor whichever system registered the contact; without an e-mail address,
# by their user name in this application.
ACTOR_BY_EMAIL = {"codeObjecttype": "mdw", "codeRegister": "msei", "codeSoortObjectId": "email"}
ACTOR_BY_USERNAME = {
    "codeObjecttype": "mdw",
    "codeRegister": "webcare",
    "codeSoortObjectId": "gebruikersnaam",
}
SOURCE = "webcare"


def clip(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word where one is near, marked with an ellipsis."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def api_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def kanaal(channel: str) -> str:
    """Open Klant may check kanaal against the municipality's Referentielijsten: KLANTINTERACTIES_KANALEN."""
    return (settings.KLANTINTERACTIES_KANALEN.get(channel) or CHANNEL_NAMES.get(channel, channel))[:50]


def klantcontact(record: ContactRecord, *, referentienummer: str, conversation_id: int) -> dict:
    return {
        "referentienummer": referentienummer,
        "kanaal": kanaal(record.channel),
        "onderwerp": clip(record.subject, 200) or "Webcare",
        "inhoud": clip("\n\n".join(record.citizen_texts), 1000),
        "reactie": clip("\n\n".join(record.answers), 4000),
        "indicatieContactGelukt": True,  # only answered conversations are registered
        "taal": "nld",
        "vertrouwelijk": record.private,
        "plaatsgevondenOp": api_time(record.started_at),
        # Ours, so a klantcontact found by referentienummer is known to be this conversation's.
        "metadata": {"bron": SOURCE, "gesprek": str(conversation_id)},
    }


def contactnaam(display_name: str) -> dict | None:
    """The display name split where it looks like a name; otherwise whole, as the name they use."""
    display = (display_name or "").strip()
    if not display:
        return None
    name = split_name(display)
    if not name.is_split:
        return {"voorletters": "", "voornaam": display[:200], "voorvoegselAchternaam": "", "achternaam": ""}
    return {
        "voorletters": name.initials[:10],
        "voornaam": name.first_names[:200],
        "voorvoegselAchternaam": name.prefix[:10],
        "achternaam": name.surname[:200],
    }


def betrokkene(record: ContactRecord) -> dict:
    """The citizen, as the one who started the contact. `hadKlantcontact` is the caller's to add."""
    body = {"rol": "klant", "initiator": True}
    if (naam := contactnaam(record.citizen_name)) is not None:
        body["contactnaam"] = naam
    return body


def digitaal_adres(record: ContactRecord, *, betrokkene_uuid: str) -> dict:
    return {
        "verstrektDoorBetrokkene": {"uuid": betrokkene_uuid},
        "adres": record.citizen_address[:80],
        "soortDigitaalAdres": "overig",
        "isStandaardAdres": False,
        "omschrijving": CHANNEL_NAMES.get(record.channel, record.channel)[:40],
    }


def onderwerpobjectidentificator(record: ContactRecord) -> dict | None:
    """The case: the zaak's uuid in Open Zaak once known, else our case number (the zaak's
    identificatie there, or the case's number here when it is kept here only)."""
    if record.case is None:
        return None
    objecttype = settings.KLANTINTERACTIES_ZAAK_OBJECTTYPE[:200]
    if record.case.zaak_uuid:
        return {
            "objectId": record.case.zaak_uuid,
            "codeObjecttype": objecttype,
            "codeRegister": "openzaak",
            "codeSoortObjectId": "uuid",
        }
    return {
        "objectId": record.case.number[:200],
        "codeObjecttype": objecttype,
        "codeRegister": "openzaak" if record.case.in_zaken_api else SOURCE,
        "codeSoortObjectId": "identificatie",
    }


def maak_klantcontact(record: ContactRecord, *, referentienummer: str, conversation_id: int) -> dict:
    """POST /maak-klantcontact: klantcontact, betrokkene and onderwerpobject in one transaction."""
    body = {
        "klantcontact": klantcontact(
            record, referentienummer=referentienummer, conversation_id=conversation_id
        ),
        "betrokkene": betrokkene(record),
    }
    if (identificator := onderwerpobjectidentificator(record)) is not None:
        body["onderwerpobject"] = {"onderwerpobjectidentificator": identificator}
    return body


def actoridentificator(agent: Agent) -> dict:
    if agent.email:
        return {**ACTOR_BY_EMAIL, "objectId": agent.email[:200]}
    return {**ACTOR_BY_USERNAME, "objectId": agent.username[:200]}


def actor(agent: Agent) -> dict:
    return {
        "naam": (agent.name or agent.username)[:200],
        "soortActor": "medewerker",
        "indicatieActief": True,
        "actoridentificator": actoridentificator(agent),
    }
