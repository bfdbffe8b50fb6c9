"""Demo canned answers and routing rules for seed_demo: in the KCC's neutral, businesslike tone."""

from inbox.models import Team

from .models import CannedAnswer, RoutingRule

CANNED_ANSWERS = [
    (
        "Melding ontvangen",
        "melding doorgezet registratie",
        "",
        "Beste {naam}, dank voor uw melding. Wij hebben deze geregistreerd onder zaaknummer {zaaknummer} "
        "en doorgezet naar de afdeling die dit oppakt. Met dit nummer kunt u altijd naar de stand van "
        "zaken vragen. Groet, {voornaam_medewerker}",
    ),
    (
        "Locatie nodig",
        "waar adres locatie plek",
        "",
        "Beste {naam}, dank voor uw bericht. Om dit goed door te kunnen geven hebben wij de precieze "
        "locatie nodig: straatnaam en huisnummer of een herkenningspunt in de buurt. Wilt u die sturen? "
        "Groet, {voornaam_medewerker}",
    ),
    (
        "Afval niet opgehaald",
        "afval container vuilnis ophalen",
        "afval",
        "Beste {naam}, vervelend dat het afval niet is opgehaald. Wij hebben dit gemeld onder zaaknummer "
        "{zaaknummer}; de inzameldienst komt het zo snel mogelijk alsnog ophalen. Groet, {voornaam_medewerker}",
    ),
    (
        "Gladheid: strooien",
        "glad gladheid strooien ijs",
        "gladheid",
        "Beste {naam}, dank voor uw melding. Wij hebben de strooidienst direct gevraagd deze plek te "
        "strooien. Let u tot die tijd goed op? Groet, {voornaam_medewerker}",
    ),
    (
        "Stand van zaken",
        "status update stand zaaknummer",
        "",
        "Beste {naam}, dank voor uw vraag. Uw melding met zaaknummer {zaaknummer} is in behandeling. "
        "Zodra er meer bekend is, hoort u van ons. Groet, {voornaam_medewerker}",
    ),
    (
        "Paspoort of ID-kaart aanvragen",
        "paspoort id identiteitskaart afspraak",
        "dienstverlening",
        "Beste {naam}, een paspoort of ID-kaart vraagt u aan op afspraak in het Stadskantoor. Een "
        "afspraak maakt u via de website van de gemeente of telefonisch via 14 030. Neem een recente "
        "pasfoto mee. Groet, {voornaam_medewerker}",
    ),
    (
        "Doorgestuurd naar de wijk",
        "wijkbureau wijk doorgestuurd",
        "",
        "Beste {naam}, dank voor uw bericht. Wij hebben uw vraag doorgestuurd naar het wijkbureau, dat u "
        "zo snel mogelijk antwoord geeft. Groet, {voornaam_medewerker}",
    ),
    (
        "Dank voor het compliment",
        "bedankt compliment dank",
        "",
        "Beste {naam}, dank u wel voor uw compliment. Wij geven het graag door aan de collega's. "
        "Groet, {voornaam_medewerker}",
    ),
]


def seed_triage(teams: dict[str, Team]) -> None:
    """Create the demo canned answers and a few routing rules; running it again changes nothing."""
    for title, keywords, category, text in CANNED_ANSWERS:
        CannedAnswer.objects.update_or_create(
            title=title, defaults={"keywords": keywords, "category": category, "text": text, "enabled": True}
        )
    rules = [
        (5, "Beleid en politiek blijft bij de KCC", {"category": "beleid_politiek"}, "kcc"),
        (10, "Wijk Oost naar Wijkbureau Oost", {"wijk": "Oost"}, "wijkbureau-oost"),
        (20, "Wijk Overvecht naar Wijkbureau Overvecht", {"wijk": "Overvecht"}, "wijkbureau-overvecht"),
    ]
    for position, name, conditions, team_slug in rules:
        if team_slug in teams:
            RoutingRule.objects.update_or_create(
                name=name, defaults={"position": position, "team": teams[team_slug], **conditions}
            )
