"""Personal data in a text: BSN (11-proef), IBAN (checksum), phone number, e-mail address, postcode
with house number, and Dutch licence plate. Used to warn before a PUBLIC reply is queued and to flag
a citizen's public post that exposes such data. Checksums come from python-stdnum."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.nl import bsn


@dataclass(frozen=True)
class Finding:
    kind: str  # bsn, iban, phone, email, address, plate
    text: str  # what was found, as written

    @property
    def label(self):
        return KIND_LABELS[self.kind]


KIND_LABELS = {
    "bsn": _("citizen service number (BSN)"),
    "iban": _("bank account (IBAN)"),
    "phone": _("phone number"),
    "email": _("e-mail address"),
    "address": _("postcode and house number"),
    "plate": _("licence plate"),
}

_SEP = r"[ .\-]?"
# Nine digits, written whole or in threes (123.456.782, 123 456 782); the 11-proef decides.
_BSN = re.compile(rf"(?<![\d.,\-])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?!\d|[.,]\d)")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")
# Dutch numbers (06-12345678, 030 123 4567, +31 6 1234 5678, 0031…) and other international ones.
_PHONE_NL = re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s\-()]*[1-9](?:[\s\-]*\d){8}(?!\d)")
_PHONE_INTL = re.compile(r"(?<![\w+])\+(?!31)[1-9]\d(?:[\s\-]*\d){7,12}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A postcode (never SA, SD or SS) with a house number right after it, or a street and number near it.
_POSTCODE = r"[1-9]\d{3}(?: ?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})"
_POSTCODE_NUMBER = re.compile(rf"(?<!\d)({_POSTCODE})\b,?\s*(?:nr\.?\s*)?\d{{1,5}}(?:\s?[a-zA-Z])?\b")
_POSTCODE_ALONE = re.compile(rf"(?<!\d)({_POSTCODE})\b")
_STREET_NUMBER = re.compile(
    r"\b[A-Z][a-zà-ÿ'\-]+(?:\s[A-Z]?[a-zà-ÿ'\-]+)*\s\d{1,5}(?:\s?[a-zA-Z](?![a-zA-Z]))?\b"
)
# Dutch licence plates: the sidecodes, written with dashes (without, too many words would match).
_L, _D = r"[A-Za-z]", r"\d"
_PLATE_SHAPES = [
    (2, 2, 2, "LDD"),
    (2, 2, 2, "DDL"),
    (2, 2, 2, "DLD"),
    (2, 2, 2, "LDL"),
    (2, 2, 2, "LLD"),
    (2, 2, 2, "DLL"),
    (2, 3, 1, "DLD"),
    (1, 3, 2, "DLD"),
    (2, 3, 1, "LDL"),
    (1, 3, 2, "LDL"),
    (3, 2, 1, "LDL"),
    (1, 2, 3, "LDL"),
    (1, 2, 3, "DLD"),
    (3, 2, 1, "DLD"),
]


def _plate_pattern() -> re.Pattern:
    shapes = []
    for sizes, kinds in ((s[:3], s[3]) for s in _PLATE_SHAPES):
        groups = [f"{_L if kind == 'L' else _D}{{{size}}}" for size, kind in zip(sizes, kinds, strict=True)]
        shapes.append("-".join(groups))
    return re.compile(r"(?<![\w-])(?:" + "|".join(shapes) + r")(?![\w-])")


_PLATE = _plate_pattern()


# Every kind needs a digit or an at sign: a text without either is looked at once, not nine times.
_MAY_HOLD_ANY = re.compile(r"[\d@]")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def personal_data_find(text: str) -> list[Finding]:
    """Every piece of personal data found, in order of appearance, each once."""
    if not text or not _MAY_HOLD_ANY.search(text):
        return []
    found: list[tuple[int, Finding]] = []
    taken: list[range] = []

    def add(match: re.Match, kind: str, span: tuple[int, int] | None = None) -> None:
        start, end = span or match.span()
        if any(start < t.stop and end > t.start for t in taken):
            return
        taken.append(range(start, end))
        found.append((start, Finding(kind, text[start:end])))

    for match in _EMAIL.finditer(text):
        add(match, "email")
    for match in _IBAN.finditer(text):
        # The pattern runs on into the next word ("NL91 ABNA 0417 1643 00 graag"): try shorter.
        candidate = match.group()
        while candidate and not iban.is_valid(candidate):
            candidate = candidate.rsplit(" ", 1)[0] if " " in candidate else ""
        if candidate:
            add(match, "iban", (match.start(), match.start() + len(candidate)))
    for match in _PHONE_NL.finditer(text):
        add(match, "phone")
    for match in _PHONE_INTL.finditer(text):
        add(match, "phone")
    for match in _BSN.finditer(text):
        if bsn.is_valid(_digits(match.group())):
            add(match, "bsn")
    for match in _POSTCODE_NUMBER.finditer(text):
        add(match, "address")
    postcodes = list(_POSTCODE_ALONE.finditer(text))
    streets = [
        m
        for m in _STREET_NUMBER.finditer(text)
        if not any(m.start() < p.end() and m.end() > p.start() for p in postcodes)
    ]
    if streets:
        for match in postcodes:
            add(match, "address")
    for match in _PLATE.finditer(text):
        add(match, "plate")
    ignored = {_normal(value) for value in getattr(settings, "WEBCARE_PERSONAL_DATA_IGNORE", ())}
    return [
        finding
        for _, finding in sorted(found, key=lambda pair: pair[0])
        if _normal(finding.text) not in ignored
    ]


def _normal(text: str) -> str:
    """For comparing with the ignore list: no spaces, dots or dashes, upper case."""
    return re.sub(r"[\s.\-()]", "", text).upper()


def personal_data_kinds(text: str) -> list[str]:
    """The kinds found, each once, in a fixed order (for a flag stored on a message)."""
    kinds = {finding.kind for finding in personal_data_find(text)}
    return [kind for kind in KIND_LABELS if kind in kinds]
