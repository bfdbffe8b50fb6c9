"""Every non-trivial read of klantcontacten: a conversation's own klantcontact, and the citizen's
earlier contacts from Open Klant ("Eerder contact"), cached briefly and quiet when Open Klant is down."""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .models import Klantcontact, KlantcontactEvent
from .openklant import bodies
from .openklant.client import Client, KlantinteractiesError
from .services import enabled

logger = logging.getLogger(__name__)

EARLIER_EXPAND = "hadBetrokkenen,hadBetrokkenen.digitaleAdressen,gingOverOnderwerpobjecten"
DOWN = "down"


def klantcontact_for(conversation_id: int) -> Klantcontact | None:
    return Klantcontact.objects.filter(conversation_id=conversation_id).first()


def klantcontact_timeline(klantcontact: Klantcontact) -> list[KlantcontactEvent]:
    return list(klantcontact.events.select_related("actor").order_by("created_at", "pk"))


@dataclass(frozen=True)
class EarlierContact:
    happened_at: dt.datetime | None
    kanaal: str
    onderwerp: str  # empty for a confidential contact: only that it happened is shown
    inhoud: str
    reactie: str
    referentienummer: str
    confidential: bool
    zaken: tuple[str, ...]  # what its onderwerpobjecten identify (zaak uuids or numbers)
    conversation_id: int | None  # the conversation, when this inbox registered it


@dataclass(frozen=True)
class EarlierContacts:
    available: bool  # False: Open Klant could not be asked (down, or refused us)
    contacts: tuple[EarlierContact, ...] = ()
    configured: bool = True


def _time(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _has_address(klantcontact: dict, address: str) -> bool:
    """Open Klant's filter is "contains": keep only contacts whose betrokkene has this very address."""
    wanted = {address.casefold(), address.casefold().removeprefix("@")}
    for betrokkene in (klantcontact.get("_expand") or {}).get("hadBetrokkenen") or []:
        for adres in (betrokkene.get("_expand") or {}).get("digitaleAdressen") or []:
            if (adres.get("adres") or "").casefold() in wanted:
                return True
    return False


def _contact(klantcontact: dict) -> EarlierContact:
    metadata = klantcontact.get("metadata") or {}
    ours = metadata.get("bron") == bodies.SOURCE and str(metadata.get("gesprek", "")).isdigit()
    confidential = bool(klantcontact.get("vertrouwelijk"))
    onderwerpobjecten = (klantcontact.get("_expand") or {}).get("gingOverOnderwerpobjecten") or []
    return EarlierContact(
        happened_at=_time(klantcontact.get("plaatsgevondenOp")),
        kanaal=klantcontact.get("kanaal") or "",
        onderwerp="" if confidential else klantcontact.get("onderwerp") or "",
        inhoud="" if confidential else bodies.clip(klantcontact.get("inhoud") or "", 300),
        reactie="" if confidential else bodies.clip(klantcontact.get("reactie") or "", 300),
        referentienummer=klantcontact.get("referentienummer") or "",
        confidential=confidential,
        zaken=tuple(
            str((o.get("onderwerpobjectidentificator") or {}).get("objectId") or "")
            for o in onderwerpobjecten
            if (o.get("onderwerpobjectidentificator") or {}).get("objectId")
        ),
        conversation_id=int(metadata["gesprek"]) if ours else None,
    )


def _cache_key(address: str) -> str:
    return "klantcontacten:eerder:" + hashlib.sha256(address.casefold().encode()).hexdigest()


def earlier_contacts(*, address: str, conversation_id: int | None = None, limit: int = 10) -> EarlierContacts:
    """The klantcontacten in Open Klant of whoever has this digitaal adres ("@handle"), newest first,
    without this conversation's own. Cached for KLANTINTERACTIES_CACHE_SECONDS; when Open Klant
    cannot be asked, that is remembered for a short while too, so pages do not wait on it each time."""
    if not enabled():
        return EarlierContacts(available=False, configured=False)
    if not address:
        return EarlierContacts(available=True)
    key = _cache_key(address)
    found = cache.get(key)
    if found is None:
        try:
            client = Client.from_settings(timeout=settings.KLANTINTERACTIES_SEARCH_TIMEOUT_SECONDS)
            page = client.get(
                "/klantcontacten",
                hadBetrokkene__digitaaladres__adres__icontains=address,
                expand=EARLIER_EXPAND,
                pageSize=50,
            )
        except KlantinteractiesError as exc:
            logger.warning("Earlier contacts of %s could not be read from Open Klant: %s", address, exc)
            cache.set(key, DOWN, settings.KLANTINTERACTIES_DOWN_CACHE_SECONDS)
            return EarlierContacts(available=False)
        found = tuple(_contact(k) for k in page.get("results") or [] if _has_address(k, address))
        cache.set(key, found, settings.KLANTINTERACTIES_CACHE_SECONDS)
    if found == DOWN:
        return EarlierContacts(available=False)
    others = [c for c in found if conversation_id is None or c.conversation_id != conversation_id]
    others.sort(key=lambda c: c.happened_at or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return EarlierContacts(available=True, contacts=tuple(others[:limit]))
