"""The sandbox simulator's own material: made-up citizens and Dutch messages of the kinds a KCC sees.

Every person here is invented. Some entries are deliberately hostile (markup, RTL, long names),
because the inbox must show them safely.
"""

CITIZENS = [
    {"id": "1001", "handle": "marieke_utr", "name": "Marieke de Vries"},
    {"id": "1002", "handle": "jvdberg030", "name": "Jeroen van den Berg"},
    {"id": "1003", "handle": "fietsfan_oost", "name": "Sanne 🚲"},
    {"id": "1004", "handle": "kanaleneiland_k", "name": "Karim El Amrani"},
    {"id": "1005", "handle": "oma_truus", "name": "Truus Bakker"},
    {"id": "1006", "handle": "lrijn_lotte", "name": "Lotte Jansen"},
    {"id": "1007", "handle": "bas_overvecht", "name": "Bas"},
    {"id": "1008", "handle": "rtl_name", "name": "محمد العلي"},
    {"id": "1009", "handle": "markup_mark", "name": "<b>Mark</b><script>alert('naam')</script>"},
    {"id": "1010", "handle": "annevdl", "name": "Anne van der Linden"},
    {"id": "1011", "handle": "pietpiet030", "name": "Piet Hendriks"},
    {"id": "1012", "handle": "lang_naam", "name": "Wilhelmina Johanna Cornelia " * 6},
    {"id": "1013", "handle": "yusuf_z", "name": "Yusuf Özdemir"},
    {"id": "1014", "handle": "noor_binnenstad", "name": "Noor"},
    {"id": "1015", "handle": "emoji_only", "name": "🌷🌷🌷"},
    {"id": "1016", "handle": "hoograven_h", "name": "Hanneke Smit"},
]

STREETS = [
    "Amsterdamsestraatweg",
    "Oudegracht bij de Weesbrug",
    "Biltstraat",
    "Kanaalstraat",
    "Briljantlaan",
    "Vleutenseweg",
    "Neude",
    "Marnixlaan",
    "Europalaan",
    "Burgemeester Reigerstraat",
    "Zonnebaan",
    "Vaartsche Rijn",
    "Maliebaan",
    "Socrateslaan",
]

# (type, text). Placeholders: {account}, {street}, {case}. Types mirror the triage labels.
OPENERS = [
    (
        "melding",
        "{account} De container op de {street} zit alweer vol, zakken staan ernaast en de meeuwen doen de rest.",
    ),
    (
        "melding",
        "{account} Al drie avonden doet de straatverlichting het niet op de {street}. Echt onveilig fietsen zo.",
    ),
    (
        "melding",
        "{account} Er ligt een enorme kuil in het fietspad op de {street}, vanochtend ging er bijna iemand onderuit.",
    ),
    (
        "melding",
        "{account} Grofvuil gedumpt naast de glasbak op de {street}: een bank, matrassen en een kapotte kast.",
    ),
    (
        "melding",
        "{account} Boom op de {street} staat helemaal scheef na de storm van vannacht, wordt daar naar gekeken?",
    ),
    (
        "melding",
        "{account} Fietswrakken in het rek bij de {street} staan er al maanden. Kan dat een keer opgeruimd?",
    ),
    ("melding", "{account} Putdeksel ligt los op de {street}, auto's rijden er gewoon overheen. Gevaarlijk!"),
    (
        "melding",
        "{account} Ratten bij de ondergrondse containers op de {street}. Ik zie ze ook overdag lopen.",
    ),
    (
        "melding",
        "{account} Het is spiegelglad op het fietspad langs de {street}, er zijn al twee mensen gevallen. Wordt er gestrooid?",
    ),
    (
        "melding",
        "{account} Verkeerslichten op de kruising bij de {street} staan allemaal op knipperend oranje.",
    ),
    ("vraag", "{account} Hoe vraag ik een parkeervergunning aan voor een tweede auto? Kan ik dat online?"),
    (
        "vraag",
        "{account} Wanneer wordt het groene afval weer opgehaald in onze wijk? De kalender zegt iets anders dan de app.",
    ),
    (
        "vraag",
        "{account} Ik verhuis volgende maand naar Utrecht. Moet ik me vooraf inschrijven of pas als ik er woon?",
    ),
    (
        "vraag",
        "{account} Mijn paspoort verloopt in april, hoe snel kan ik een afspraak krijgen op het stadskantoor?",
    ),
    (
        "vraag",
        "{account} Waarom staan er sinds maandag hekken op de {street}? Er staat nergens hoe lang het duurt.",
    ),
    (
        "vraag",
        "{account} Mag ik een container voor mijn verbouwing op straat zetten of heb ik daar een vergunning voor nodig?",
    ),
    ("vraag", "{account} Is er al nieuws over mijn melding {case}? Ik heb nog niets gehoord."),
    (
        "vraag",
        "{account} Ik heb zaaknummer {case} gekregen, maar de lantaarnpaal is nog steeds kapot. Wat is de status?",
    ),
    (
        "klacht",
        "{account} Al 40 minuten in de wacht bij 14 030. Is er iemand die gewoon de telefoon opneemt?",
    ),
    (
        "klacht",
        "{account} Mijn melding is zonder bericht afgesloten terwijl er niets is gebeurd. Zo werkt het toch niet?",
    ),
    ("klacht", "{account} Die nieuwe parkeertarieven zijn echt niet uit te leggen aan gewone bewoners."),
    (
        "compliment",
        "{account} Dank jullie wel! Binnen een dag was de kapotte bank op de {street} gemaakt. Top service 👏",
    ),
    (
        "compliment",
        "{account} Complimenten voor de vuilnisophalers vanochtend, ondanks de regen alles netjes meegenomen.",
    ),
    ("verzuchting", "File op de {street}. Weer. Elke. Dag. {account}"),
    ("verzuchting", "{account} Maandagochtend, regen, en de bus rijdt om. Lekker begin van de week 🙄"),
    ("overig", "{account} Vanaf vandaag officieel Utrechter! Eindelijk een huis gevonden in Lombok 🎉"),
    ("overig", "{account} Wie heeft er een zwarte kat gezien rond de {street}? Luistert naar de naam Pluis."),
    ("spam", "{account} Verdien €5000 per week vanuit huis!!! Klik op de link in mijn bio 💰💰"),
    (
        "melding",
        "{account} <img src=x onerror=alert('tekst')> Dit staat er op het bord bij de {street}, iemand heeft het beklad.",
    ),
    (
        "vraag",
        "{account} Waarom wordt de subsidie voor het buurthuis geschrapt? Wat vindt de wethouder daar zelf van?",
    ),
]

FOLLOW_UPS = [
    "Nog even een aanvulling: het is ter hoogte van huisnummer 12.",
    "Hallo? Ik heb nog steeds geen antwoord.",
    "Inmiddels is het nog erger geworden, zie foto.",
    "Bedankt voor de snelle reactie!",
    "Moet ik dit dan ook nog ergens anders melden?",
    "Het probleem is nog steeds niet opgelost.",
]

KNOWN_CASE_NUMBERS = ["ZAAK-2026-0001234", "zaaknummer 2026-0004521", "ZAAK 2026 0007788"]
