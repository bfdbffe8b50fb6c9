"""A person's display name split into the parts Dutch registers ask for, where that can be done.

Social-media display names are whatever people type ("Marieke de Vries", "marieke030", "Jan 🚲").
A name is split only when it looks like one: words of letters, a first name and a surname, with a
Dutch surname prefix ("de", "van der") recognised. Anything else keeps its parts empty, so no
register ever gets a whole name, a handle or an emoji in its surname field. Nothing here knows an app.
"""

import re
import unicodedata
from dataclasses import dataclass

# Voorvoegsels as the BRP knows them (Tabel 36 "Voorvoegsel"), the common ones, lower case.
PREFIXES = frozenset(
    {
        "van", "de", "der", "den", "des", "het", "'t", "te", "ter", "ten", "op", "in", "aan", "bij",
        "onder", "over", "uit", "voor", "tot", "'s", "d'", "la", "le", "les", "los", "las", "du", "da",
        "dal", "di", "do", "del", "della", "dos", "das", "von", "vom", "zu", "zum", "zur", "am", "auf",
        "al", "el", "ben", "bin", "abu",
    }
)  # fmt: skip
_WORD = re.compile(r"^['’]?[^\W\d_]+(?:[-'’][^\W\d_]+)*'?\.?$")


@dataclass(frozen=True)
class PersonName:
    first_names: str = ""  # voornamen
    initials: str = ""  # voorletters, "M." or "A.M."
    prefix: str = ""  # voorvoegsel geslachtsnaam, "de", "van der"
    surname: str = ""  # geslachtsnaam (de stam)

    @property
    def is_split(self) -> bool:
        return bool(self.first_names or self.surname)


def _words(display_name: str) -> list[str] | None:
    """The name's words, or None when a word is not a name word (digits, emoji, @, #, …)."""
    text = unicodedata.normalize("NFC", display_name or "").strip()
    words = text.split()
    if not words or not all(_WORD.match(word) for word in words):
        return None
    return words


def _initials(first_names: list[str]) -> str:
    return "".join(f"{word[0].upper()}." for word in first_names)


def split_name(display_name: str) -> PersonName:
    """ "Marieke de Vries" → Marieke / M. / de / Vries; "Jan" → a first name only; "marieke030",
    "🚲 Jan" or "" → nothing (the register keeps the display name elsewhere, whole)."""
    words = _words(display_name)
    if words is None:
        return PersonName()
    if len(words) == 1:
        return PersonName(first_names=words[0], initials=_initials(words))
    # The surname prefix is the first run of prefix words after the first name that still leaves a
    # surname behind it ("Anna van der Berg", "Karim El Amrani"); a name may begin with one only when
    # written in lower case ("de Vries", but "Van Morrison" and "Al Pacino" are first names).
    # Without a prefix, the last word is the surname.
    for start in range(len(words) - 1):
        if words[start].lower() in PREFIXES and (start > 0 or words[0].islower()):
            end = start
            while end < len(words) - 1 and words[end].lower() in PREFIXES:
                end += 1
            first = words[:start]
            return PersonName(
                first_names=" ".join(first),
                initials=_initials(first),
                prefix=" ".join(word.lower() for word in words[start:end]),
                surname=" ".join(words[end:]),
            )
    first = words[:-1]
    return PersonName(first_names=" ".join(first), initials=_initials(first), surname=words[-1])
