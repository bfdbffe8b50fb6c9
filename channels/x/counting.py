"""How X counts the length of a post (twitter-text 3.0 weighting), here and in the browser.

Every URL counts 23 (t.co); code points in the light ranges (Latin, Greek, Cyrillic, general
punctuation...) weigh 1; everything else (CJK, emoji...) weighs 2, and an emoji sequence joined
with ZWJ, skin-tone modifiers or variation selectors weighs 2 as a whole. The limit is 280.

``RULES`` is the single description of these rules: the server counts with it and the reply
box's counter (static/js/inbox.js) receives it as JSON, so both count the same.
"""

import re
import unicodedata

MAX_WEIGHTED_LENGTH = 280
URL_LENGTH = 23
DEFAULT_WEIGHT = 2
LIGHT_RANGES = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)]
# Code points that add nothing after an emoji: ZWJ, variation selectors, skin tones, keycap.
JOINERS = [(0x200D, 0x200D), (0xFE0E, 0xFE0F), (0x1F3FB, 0x1F3FF), (0x20E3, 0x20E3), (0xE0020, 0xE007F)]
# Written so that Python's re and JavaScript's RegExp (flag "giu") read it the same way.
_URL_CHAR = r"""[^\s<>"]"""
_URL_END = r"""[^\s<>".,:;!?')\]]"""  # trailing punctuation is not part of a URL
URL_PATTERN = (
    rf"(?:https?://|www\.){_URL_CHAR}*{_URL_END}"
    r"|(?<![@a-z0-9_.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:nl|com|org|net|eu|info|io|be|de|gov|edu)\b"
    rf"(?:/{_URL_CHAR}*{_URL_END})?"
)

RULES = {
    "max": MAX_WEIGHTED_LENGTH,
    "url": URL_LENGTH,
    "weight": DEFAULT_WEIGHT,
    "light": LIGHT_RANGES,
    "joiners": JOINERS,
    "urlPattern": URL_PATTERN,
}

_URL = re.compile(URL_PATTERN, re.IGNORECASE)


def _in(ranges, code: int) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _weigh(text: str) -> int:
    total = 0
    joined = False  # the previous code point was a ZWJ: this one belongs to the same emoji
    flag_half = False  # the previous code point opened a flag (a pair of regional indicators)
    for char in text:
        code = ord(char)
        if _in(JOINERS, code):
            joined = code == 0x200D
            continue
        if joined:
            joined = False
            continue
        if 0x1F1E6 <= code <= 0x1F1FF:
            flag_half = not flag_half
            if not flag_half:
                continue
        else:
            flag_half = False
        total += 1 if _in(LIGHT_RANGES, code) else DEFAULT_WEIGHT
    return total


def x_length(text: str) -> int:
    """The weighted length X gives `text`."""
    text = unicodedata.normalize("NFC", text or "")
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += _weigh(text[position : match.start()]) + URL_LENGTH
        position = match.end()
    return total + _weigh(text[position:])
