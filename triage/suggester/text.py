"""Text normalisation shared by the model, the rules and the gazetteer: lower case, no accents, tokens."""

import re
import unicodedata
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+")
_MENTION = re.compile(r"@\w+")
# Short, frequent words that say nothing about type or category.
STOPWORDS = frozenset(
    """de het een en van in op te is dat die er ik je jullie we wij ze zij hij u uw mijn me mij
    met voor aan bij als of om ook nog al maar dan wel niet geen naar over door uit tot zo
    the a an of to and is in on at it for this that i you we""".split()
)


# A text is read by the model, the word lists and the gazetteer, each normalising it again: the
# latest few results are kept (a pure function of the text).
@lru_cache(maxsize=256)
def normalise(text: str) -> str:
    """Lower case without accents or mentions; the form every matcher works on."""
    text = _MENTION.sub(" ", str(text or ""))
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def features(text: str, *, to: str | None = None) -> list[str]:
    """Bag of features: words, a crude stem (first 6 letters, for Dutch compounds), the account."""
    result = []
    for word in words(text):
        if word in STOPWORDS or len(word) < 2:
            continue
        if word.isdigit():
            result.append("<num>")
            continue
        result.append(word)
        if len(word) > 7:
            result.append(word[:6] + "~")
            result.append("~" + word[-5:])
    if to:
        result.append("<to:" + re.sub(r"[^a-z]", "", to.lower()) + ">")
    return result


@lru_cache(maxsize=256)
def padded(text: str) -> str:
    """Normalised text with single spaces around words, for whole-phrase matching."""
    return " " + " ".join(words(text)) + " "
