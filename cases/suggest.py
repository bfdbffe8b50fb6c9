"""Prefill for the "register report" form: a category and a location guessed from the citizen's text.

Deliberately simple and explainable: keywords for the category, street-name patterns for the
place. The agent always sees and corrects the guess; a triage suggestion, when present, wins.
"""

import re

from .models import Category

_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    (Category.GLADHEID, ("glad", "strooi", "ijzel", "ijsplaat", "sneeuw")),
    (Category.VERLICHTING, ("lantaarn", "lamp", "verlichting", "donker", "licht uit")),
    (Category.WATER_RIOOL, ("riool", "kolk", "put ", "putten", "water", "sloot", "blank", "overstroom")),
    (
        Category.AFVAL,
        ("afval", "container", "vuilnis", "grofvuil", "zwerfvuil", "gft", "glasbak", "dump", "vuurwerkafval"),
    ),
    (Category.GROEN, ("boom", "bomen", "tak ", "takken", "gras", "maai", "groen", "struik", "plataan")),
    (
        Category.WEGEN,
        ("stoep", "tegel", "gat in", "kuil", "hobbel", "fietspad", "wegdek", "paaltje", "bestrating"),
    ),
    (
        Category.VERKEER_PARKEREN,
        ("parkeer", "parkeren", "verkeer", "fietsenstalling", "weesauto", "fietswrak", "handhav"),
    ),
    (Category.OVERLAST, ("overlast", "herrie", "lawaai", "ratten", "hondenpoep", "stank", "stinkt")),
    (Category.EVENEMENTEN, ("evenement", "festival", "buurtfeest", "markt")),
]

_STREET = re.compile(
    r"(?:hoek\s+)?"
    r"((?:[A-Z][\w'’-]*\s+(?:(?:de|da|van|der|den|ter|te|het)\s+)*){0,2}"
    r"[A-Z][\w'’-]*(?:straatweg|straat|laan|weg|gracht|plein|kade|singel|dreef|park|dijk|pad|steeg|hof|markt|brug|baan)"
    r"(?:\s+\d{1,4}\s?[a-zA-Z]?\b)?"
    r"(?:\s*/\s*[A-Z][\w'’-]*)?)"
)


def suggest_category(text: str, hint: str = "") -> str:
    """The triage hint when it is a case category, else the first keyword match, else ''."""
    if hint in Category.values:
        return hint
    lowered = (text or "").lower()
    for category, words in _KEYWORDS:
        if any(word in lowered for word in words):
            return category
    return ""


_LEADING = {
    "in",
    "op",
    "bij",
    "aan",
    "langs",
    "voor",
    "achter",
    "naast",
    "de",
    "het",
    "een",
    "er",
    "hoi",
    "hallo",
}


def suggest_location(text: str, hint: str = "") -> str:
    """A street (with house number) named in the text, or the triage hint, else ''."""
    if hint:
        return hint.strip()[:300]
    for match in _STREET.finditer(text or ""):
        if match.start(1) and text[match.start(1) - 1] == "@":
            continue  # an account name such as @Stadswerken030, not a place
        words = match.group(1).split()
        while len(words) > 1 and (words[0].lower() in _LEADING or "@" + words[0] in text):
            words.pop(0)
        return " ".join(words)[:300]
    return ""
