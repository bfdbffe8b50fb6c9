"""Word lists for urgent and escalate, and a gazetteer of places per wijk.

Missing an urgent report or an escalation costs far more than a false alarm, so these lists are
generous: any hit raises the flag, and the agent clears it in one click. Phrases are matched on
normalised text (lower case, no accents) at word boundaries; a trailing `*` matches any ending.
"""

import re
from functools import lru_cache

from .text import padded

# fmt: off
# Immediate danger or a calamity happening now.
URGENT_PHRASES = [
    # trees and branches
    "boom om", "boom over", "boom dwars", "boom op", "boom ligt", "omgewaaid*", "omgevallen*", "omgevallen boom",
    "tak hangt", "hangt half", "afgebroken", "elk moment", "kan elk moment", "fallen tree", "tree down",
    # gas, fire, electricity
    "gaslucht", "gas lucht", "ruik gas", "gaslek", "smell gas", "in de fik", "in brand", "staat in brand", "brandende", "vlammen", "rookontwikkeling",
    "veel rook", "fire", "kabel*", "draden", "draad", "onder stroom", "stroomdraad", "loshangend*", "hangt los",
    "hangen er draden",
    # water
    "onder water", "staat blank", "staan blank", "blank", "overstroom*", "ondergelopen", "lopen over", "flooded",
    "wateroverlast",
    # holes and roads
    "open gat", "putdeksel*", "open put", "verzakt", "verzakking", "sinkhole", "gat in de weg", "instortingsgevaar",
    "olie", "olievlek", "oliespoor", "olieplas",
    # traffic lights
    "verkeerslicht* doen het niet", "verkeerslichten", "knippert oranje", "knipperen oranje", "stoplicht*",
    "traffic lights",
    # ice with people falling now
    "spiegelglad", "glad als", "ijsbaan", "ice rink", "ijsplaat", "onderuit", "glijden weg", "glijden", "gevallen",
    "go down", "sliding", "gestrooid", "strooien",
    # general alarm
    "levensgevaarlijk*", "gevaarlijk", "gevaar", "dangerous", "dringend", "spoed", "met spoed", "nu heen",
    "iemand moet hier nu", "niemand kan erlangs", "geblokkeerd", "versperd", "brandweer", "politie", "112",
    "ongeluk*", "gewond*", "auto vast",
]

# Policy, politics, press, threats, controversies, complaints going viral.
ESCALATE_PHRASES = [
    # politics and policy
    "wethouder*", "burgemeester", "gemeenteraad", "raadslid", "raadsleden", "in de raad", "de raad", "raad ",
    "college", "coalitie", "fractie", "motie", "besluit*", "beslist", "beleid*", "politiek*", "verkiezing*",
    "alderman", "council", "mayor", "policy",
    # controversies
    "kap", "kappen", "gekapt", "bomenkap", "kapplan", "kapvergunning", "petitie", "demonstratie", "protest*",
    "handtekening*", "noodopvang", "opvang", "azc", "asielzoeker*", "statushouder*", "dakloze*", "autoluw",
    "diftar", "parkeertarief", "tarief", "torens", "participatie", "bezwaar", "schande", "klopt het dat",
    "klopt dat",
    # press
    "journalist*", "verslaggever*", "redactie", "krant", "blog", "nieuwssite", "pers", "persvraag", "reporter",
    "press", "news", "media", "item van", "deadline", "reactie van de gemeente", "een reactie", "interview*",
    "artikel", "podcast",
    # going viral
    "views", "gedeeld", "viral", "tiktok", "retweet*", "trending", "filmpje", "video",
    # threats
    "weet waar je", "weet waar jij", "laatste waarschuwing", "zie je snel", "kom ik persoonlijk", "thuis langs",
    "maak je af", "maak jullie af", "kapot maken", "pak je", "wraak", "dood", "bedreig*", "threat*",
]

# What makes a message one for the duty adviser, by kind (issue #16; from the corpus README's
# definition, not from its messages). Each kind is one feature the model learns to weigh.
ESCALATE_KINDS = {
    "press": [
        "journalist*", "verslaggever*", "redactie", "redacteur*", "persvraag", "pers", "krant", "dagblad",
        "omroep", "televisie", "tv", "radio*", "nieuwssite", "nieuwsredactie", "vlogger", "blogger",
        "blog", "podcast", "reporter", "interview*", "artikel", "reportage", "item", "woordvoerder",
        "news outlet", "newspaper", "press",
    ],
    "council": [
        "raadslid", "gemeenteraadslid", "raadsleden", "fractie*", "fractievoorzitter", "schriftelijke vragen",
        "council member", "wethouder*", "burgemeester", "college", "motie", "coalitie*",
    ],
    "threat": [
        "weet waar", "te grazen", "in de fik", "let maar op", "zal je het merken", "zullen het merken",
        "verhaal halen", "knuppel", "mes", "laatste waarschuwing", "gaat het mis", "slecht aflopen",
        "regel ik het zelf", "doe ik het zelf", "kort en klein", "kom ik langs", "ik kom langs",
        "moet oppassen", "goed uitkijken", "vergeet het niet", "zie hem nog wel", "zie je nog wel",
        "spijt van krijgen", "gebeuren er ongelukken", "over de balie", "maak je af", "i know where",
    ],
    "protest": [
        "petitie", "handtekening*", "demonstratie*", "protest*", "actie", "referendum", "rechter",
        "rechtszaak", "noodopvang", "azc", "asielzoeker*", "statushouder*", "opvang",
    ],
}
# Reach stated in the text: "20.000 keer gedeeld", "12k likes", "100k views".
REACH = re.compile(
    r"(\d[\d.,]*\s?(k|duizend)?\s*(\w+\s){0,3}(views|likes|keer|gedeeld|bekeken|retweet\w*|reacties|"
    r"shares|volgers|handtekeningen|mensen)|viral|trending|voorpagina|journaal)",
    re.IGNORECASE,
)


# Places per wijk, by hand; the trained model file adds the locations of its training examples.
WIJK_PLACES = {
    "Binnenstad": [
        # more streets and places, from what anyone in Utrecht knows
        "zadelstraat", "steenweg", "lange elisabethstraat", "ganzenmarkt", "vismarkt", "drift", "wittevrouwenstraat", "lange nieuwstraat", "oudkerkhof", "potterstraat", "korte jansstraat", "bakkerbrug", "jacobikerkhof", "vinkenburgstraat", "smakkelaarsveld", "moreelsepark", "lepelenburg", "nicolaaskerkhof", "pausdam", "domstraat", "korte nieuwstraat", "lijnmarkt", "choorstraat", "servetstraat", "boothstraat", "hamburgerstraat", "kromme nieuwegracht", "zuilenstraat",
        "binnenstad", "oudegracht", "neude", "janskerkhof", "domplein", "dom", "domtoren", "vredenburg",
        "hoog catharijne", "catharijnesingel", "lucasbolwerk", "museumkwartier", "twijnstraat", "weesbrug",
        "mariaplaats", "nobelstraat", "voorstraat", "breedstraat", "lange viestraat", "stadhuisbrug",
        "wolvenplein", "nieuwegracht", "springweg", "ledig erf", "stationsgebied", "centraal station",
    ],
    "Oost": [
        "utrecht oost", "wijk oost",
        # more streets and places, from what anyone in Utrecht knows
        "nachtegaalstraat", "museumlaan", "homeruslaan", "prins hendriklaan", "schildersbuurt", "hobbemastraat", "rubenslaan", "heidelberglaan", "padualaan", "utrecht science park", "stadion galgenwaard", "oudwijkerdwarsstraat",
        "maliebaan", "wilhelminapark", "kromme rijn", "rijnsweerd", "science park", "uithof", "abstede",
        "oudwijk", "buiten wittevrouwen", "lodewijk napoleonplantsoen", "galgenwaard", "sterrenwijk",
        "biltstraat", "burgemeester reigerstraat", "prinses beatrixlaan", "oosterspoorplein", "griftpark",
        "hieronymusplantsoen", "de bilt",
    ],
    "Noordoost": [
        "noordoost", "utrecht noordoost",
        "wittevrouwen", "tuindorp", "voordorp", "zeeheldenbuurt", "griftkade", "staatsliedenkwartier",
        "votulast", "blauwkapel", "vogelenbuurt", "eykmanlaan", "kardinaal de jongweg", "biltsche grift",
        "kastanjelaan", "adriaen van ostadelaan", "tuinwijk",
    ],
    "Noordwest": [
        "noordwest", "utrecht noordwest",
        # more streets and places, from what anyone in Utrecht knows
        "nieuw zuilen", "schaakbuurt", "geuzenwijk", "lauwerecht", "royaards van den hamkade", "bessemerlaan", "burgemeester norbruislaan", "prinses margrietstraat", "pijlsweerdplein",
        "zuilen", "station zuilen", "ondiep", "pijlsweerd", "elinkwijk", "julianapark", "amsterdamsestraatweg",
        "marnixlaan", "prins bernhardplein", "queeckhovenplein", "lauwerhof", "loevenhoutsedijk", "majella",
    ],
    "Overvecht": [
        # more streets and places, from what anyone in Utrecht knows
        "amazonedreef", "gangesdreef", "wolgadreef", "neckardreef", "zambesidreef", "camera obscuradreef", "oranjerivierdreef", "nijldreef",
        "overvecht", "station overvecht", "tigrisdreef", "zamenhofdreef", "vasco da gamalaan", "gagelhof",
        "franciscusdreef", "vechtsebanen", "taagdreef", "donaudreef", "moezeldreef", "theemsdreef",
        "winkelcentrum overvecht", "klopvaart",
    ],
    "West": [
        "utrecht west", "wijk west",
        # more streets and places, from what anyone in Utrecht knows
        "kanaalweg", "muntplein", "halve maan", "jaarbeursplein",
        "oog in al", "lombok", "vleutenseweg", "damstraat", "leidseweg", "kanaalstraat", "welgelegen",
        "schepenbuurt", "jaarbeurs", "cartesiusweg", "nieuw engeland", "oog-in-al", "majellapark",
        "thomas a kempisplantsoen", "van zijstweg",
    ],
    "Zuidwest": [
        "zuidwest", "utrecht zuidwest",
        # more streets and places, from what anyone in Utrecht knows
        "park transwijk", "transwijkpark", "columbuslaan", "trumanlaan", "rijnlaan", "bilderdijkstraat",
        "kanaleneiland", "transwijk", "dichterswijk", "rivierenwijk", "marco pololaan", "beneluxlaan",
        "merwedekanaalzone", "merwedekanaal", "jutfaseweg", "europalaan", "churchilllaan", "bernadottelaan",
        "aalsterweg", "vondellaan", "balijelaan",
    ],
    "Zuid": [
        "utrecht zuid", "wijk zuid",
        # more streets and places, from what anyone in Utrecht knows
        "ravellaan", "hoogravenseweg", "verlengde hoogravenseweg", "julianaweg",
        "hoograven", "tolsteeg", "lunetten", "briljantlaan", "smaragdplein", "rotsoord", "hooft graaflandstraat",
        "waterstraat", "koningsweg", "nieuw hoograven", "houtensepad", "vaartse rijnkade",
    ],
    "Leidsche Rijn": [
        # more streets and places, from what anyone in Utrecht knows
        "berlijnplein", "station terwijde", "station leidsche rijn",
        "leidsche rijn", "parkwijk", "terwijde", "langerak", "het zand", "grauwaart", "maximapark",
        "leidsche rijn centrum", "vleuterweg", "strijkviertel", "rijnvliet",
    ],
    "Vleuten-De Meern": [
        # more streets and places, from what anyone in Utrecht knows
        "veldhuizen", "hoge woerd", "castellum hoge woerd", "mereveldplein",
        "de meern", "vleuten", "zandweg", "burgemeester middelweerdbaan", "vleuterweide", "haarzuilens",
        "meerndijk", "rijnenburg", "castellum",
    ],
}

# Places that span several wijken: naming one says nothing about the wijk (corpus README).
SPANNING_PLACES = [
    "waterlinieweg", "vaartsche rijn", "vaartse rijn", "amsterdam rijnkanaal", "a12", "a2", "a27", "a28",
    "de ring", "hele stad", "heel utrecht", "overal in de stad",
]

# fmt: on

# Location words that name no particular place: never learnt as a place of one wijk.
GENERIC_PLACE_WORDS = frozenset(
    """fietspad fietspaden vijver speeltuin park school station brug bruggetje hoek kruising rotonde
    fietsenrekken fietsenrek verkeersdrempel winkelcentrum straat plein stoep weg tunnel sloot gracht
    bij de het in op langs aan van buurt wijk centrum stad utrecht onze mijn ons huis voor achter""".split()
)


def _pattern(phrases: list[str]) -> re.Pattern:
    parts = []
    for phrase in phrases:
        phrase = " ".join(phrase.lower().split())
        parts.append(" " + re.escape(phrase).replace(r"\*", r"\w*") + "(?= )")
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _urgent() -> re.Pattern:
    return _pattern(URGENT_PHRASES)


@lru_cache(maxsize=1)
def _escalate() -> re.Pattern:
    return _pattern(ESCALATE_PHRASES)


@lru_cache(maxsize=1)
def _escalate_kinds() -> dict[str, re.Pattern]:
    return {kind: _pattern(phrases) for kind, phrases in ESCALATE_KINDS.items()}


def escalate_kinds(text: str) -> list[str]:
    """Which kinds of escalation the text shows signs of (press, council, threat, protest, reach)."""
    haystack = padded(text)
    kinds = [kind for kind, pattern in _escalate_kinds().items() if pattern.search(haystack)]
    reach = REACH.search(str(text or ""))
    if reach and any(ch.isdigit() for ch in reach.group(0)) and _big_number(reach.group(0)):
        kinds.append("reach")
    elif reach and not any(ch.isdigit() for ch in reach.group(0)):
        kinds.append("reach")
    return kinds


def _big_number(phrase: str) -> bool:
    match = re.match(r"\d[\d.,]*", phrase)
    digits = re.sub(r"[.,]", "", match.group(0)) if match else ""
    return bool(re.search(r"\d\s?(k\b|duizend)", phrase, re.IGNORECASE)) or (
        digits.isdigit() and int(digits) >= 500
    )


def urgent_hits(text: str) -> list[str]:
    return [m.group(0).strip() for m in _urgent().finditer(padded(text))]


def escalate_hits(text: str) -> list[str]:
    return [m.group(0).strip() for m in _escalate().finditer(padded(text))]


def place_key(place: str) -> str:
    """A place name in the form the gazetteer matches on."""
    return padded(place).strip()


def wijk_for_places(text: str, places: dict[str, str]) -> str | None:
    """The wijk of the longest known place named in the text, or None."""
    haystack = padded(text)
    best, best_len = None, 0
    for key, wijk in places.items():
        if len(key) > best_len and f" {key} " in haystack:
            best, best_len = wijk, len(key)
    return best


@lru_cache(maxsize=1)
def spanning_places() -> frozenset[str]:
    return frozenset(place_key(place) for place in SPANNING_PLACES)


def hand_places() -> dict[str, str]:
    return {place_key(place): wijk for wijk, places in WIJK_PLACES.items() for place in places}


# Words that point to a category or a type. Training adds each list as one extra example for its
# label, so the model knows these words before the agents have corrected anything.
CATEGORY_WORDS = {
    "afval": "afval container containers ondergrondse vuilniszak vuilniszakken zakken restafval grofvuil "
    "vuilnis vuilniswagen ophalen opgehaald gedumpt dumping zwerfvuil vuurwerkafval afvalpas glasbak "
    "papierbak gft kliko propvol vol",
    "gladheid": "glad gladheid strooien gestrooid strooiwagen ijs ijzel bevroren sneeuw pekel zout ice "
    "gritting gritted spiegelglad ijsplaat",
    "verlichting": "lantaarnpaal lantaarnpalen lantaarn straatverlichting verlichting lamp lampen licht "
    "donker brandt kapot tunnelverlichting streetlight",
    "wegen": "gat gaten stoep stoeptegel tegels losliggende wegdek asfalt kuil verzakt bankje bankjes paaltje "
    "speeltoestel speeltuin wegwerkzaamheden werkzaamheden kademuur pothole fietspad hobbel",
    "groen": "boom bomen tak takken gras maaien onkruid heg struiken boomspiegel eikenprocessierups "
    "omgewaaid snoeien blad park plantsoen",
    "verkeer_parkeren": "parkeren geparkeerd parkeerplaats parkeervergunning bekeuring boete verkeerslicht "
    "verkeerslichten stoplicht bord borden oversteek zebrapad hardrijders snelheid drempel fietsenrek "
    "fietsenstalling weesfiets auto autos handhaver handhaving parking",
    "overlast": "overlast geluid herrie lawaai ratten rat muizen duiven ganzen hondenpoep poep hangjongeren "
    "jongeren fietswrak fietswrakken dood dode kadaver partyboot muziek lachgas stank",
    "water_riool": "riool riolering put putten kolk verstopt water wateroverlast blank gracht sloot "
    "singel kanaal vijver stinkt waterkwaliteit blauwalg overstroomd",
    "dienstverlening": "paspoort id identiteitskaart rijbewijs afspraak loket balie verhuizen verhuizing "
    "adres inschrijven vergunning aanvraag belasting belastingen woz kwijtschelding aanslag 14030 "
    "website digid formulier wachttijd uitkering bijstand",
    "evenementen": "evenement festival koningsdag concert markt braderie optocht programma afsluiting "
    "kermis feest vuurwerk marathon",
    "beleid_politiek": "wethouder raad gemeenteraad raadslid college besluit beleid politiek verkiezingen "
    "stemmen coalitie motie plan plannen kap bomenkap autoluw diftar noodopvang participatie",
    "overig": "verhuizen verhuisd nieuw welkom gevonden verloren kwijt petitie lift woningcorporatie",
}

TYPE_WORDS = {
    "melding": "ligt staat kapot gat vol gedumpt omgewaaid stuk losliggende verstopt brandt lekt hangt",
    "vraag": "wanneer waarom hoe kan kunnen mag weet iemand vraag klopt waar wat welke hoelang",
    "klacht": "wachttijd wachten geen reactie onbeschoft klantvriendelijk boete aanslag slecht schandalig "
    "belachelijk afgesloten doorgestuurd niemand belt teleurgesteld klacht website 14030",
    "compliment": "bedankt dank dankjewel dankuwel top compliment complimenten snel geholpen super fijn "
    "goed geregeld thanks great",
    "verzuchting": "weer elke dag zucht pff ugh maandag regen file altijd",
    "spam": "gratis win winnen klik link actie bitcoin crypto verdienen followers korting aanbieding "
    "prijs geld test",
    "overig": "verhuizen nieuw welkom gevonden verloren petitie",
}


def word_examples() -> list[tuple[str, dict]]:
    """The word lists as (text, labels) pairs for training."""
    return [(text, {"category": label}) for label, text in CATEGORY_WORDS.items()] + [
        (text, {"type": label}) for label, text in TYPE_WORDS.items()
    ]
