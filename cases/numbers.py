"""Case numbers: the canonical format and a tolerant reader for the ways citizens write them.

The default is ``ZAAK-<year>-<7 digits>``; the prefix and the number of digits are settings
(CASES_NUMBER_PREFIX, CASES_NUMBER_DIGITS). Citizens write "zaaknummer 2026-0015009",
"zaak 2026 0020113", "ZAAK – 2026 – 0055201", "ZAAK2026/0039921", "zaak-2026-0031207": all are read.
"""

import re
from functools import cache

from django.conf import settings

# Anything people put between the parts: spaces, hyphens, en/em dashes, slashes, dots, colons.
_SEP = r"[\s\-\u2010-\u2015\u2212/_.:]*"
_KEYWORDS = (
    r"zaak\s*(?:nummer|nr\.?|no\.?)?|zaaknummer|zaaknr\.?|case|kenmerk|melding|meldingsnummer|referentie"
)


def prefix() -> str:
    return settings.CASES_NUMBER_PREFIX


def digits() -> int:
    return settings.CASES_NUMBER_DIGITS


def format_number(year: int, sequence: int) -> str:
    return f"{prefix()}-{year}-{sequence:0{digits()}d}"


@cache
def _compiled(prefix_text: str, n_digits: int) -> re.Pattern:
    def body(n: int) -> str:
        return rf"(?P<year{n}>(?:19|20)\d\d){_SEP}(?P<seq{n}>\d{{{n_digits}}})(?!\d)"

    prefixed = rf"(?<![^\W\d_]){re.escape(prefix_text)}{_SEP}{body(1)}"
    keyworded = rf"(?<![^\W\d_])(?:{_KEYWORDS})(?![^\W\d_])[\s:#.]*(?:is\s+)?{body(2)}"
    return re.compile(rf"{prefixed}|{keyworded}", re.IGNORECASE)


def _regex() -> re.Pattern:
    return _compiled(prefix(), digits())


def find_numbers(text: str) -> list[str]:
    """Every case number named in a text, canonical and in order of appearance, without repeats."""
    found: list[str] = []
    for match in _regex().finditer(text or ""):
        year = match.group("year1") or match.group("year2")
        seq = match.group("seq1") or match.group("seq2")
        number = format_number(int(year), int(seq))
        if number not in found:
            found.append(number)
    return found


def parse_number(text: str) -> str | None:
    """The canonical number for what someone typed in a search box ("zaak 2026 12" is too short)."""
    text = (text or "").strip()
    numbers = find_numbers(text)
    if numbers:
        return numbers[0]
    bare = re.fullmatch(rf"((?:19|20)\d\d){_SEP}(\d{{{digits()}}})", text)
    if bare:
        return format_number(int(bare.group(1)), int(bare.group(2)))
    return None
