"""What the linear suggester reads in a message: stemmed words and word pairs, character n-grams,
the addressed account and a few marks (question, exclamation, case number, link, emoji).

The analysers are module-level functions so that a fitted vectoriser pickles by reference.
"""

import math
import re
from functools import lru_cache

import numpy as np
import snowballstemmer
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from . import rules
from .text import STOPWORDS, normalise, words

# What every known place name is replaced by before the model reads a text (see linear.Places).
PLACE_MASK = "plek"
# The weight of one signal next to the two tf-idf blocks (each of length one). Picked by 5-fold
# cross-validation on the training files (three fold seeds): 0.25 beat 0.5 on type macro-F1 and on
# the precision of both flags at the same recall; a heavier signal makes every word-list hit an alarm.
SIGNAL_SCALE = 0.25
_CASE_NUMBER = re.compile(r"(?i)zaak\W{0,3}(nummer\W{0,3})?\d{4}\W{0,3}\d{7}|\b20\d\d\W{0,3}\d{7}\b")
_URL = re.compile(r"https?://\S+|\bwww\.\S+|\b\w+\.(com|nl|net|info|shop|ly)\b", re.IGNORECASE)
# Pictographs and symbols: sarcasm (🙄), thanks (👍) and spam (💰🚀) all lean on them.
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def marks(text: str) -> list[str]:
    """Tokens for what words alone miss."""
    text = str(text or "")
    found = []
    if "?" in text:
        found.append("<question>")
    if "!" in text:
        found.append("<exclaim>")
    if _CASE_NUMBER.search(text):
        found.append("<case_number>")
    if _URL.search(text):
        found.append("<link>")
    if _EMOJI.search(text):
        found.append("<emoji>")
    if len(text) > 400:
        found.append("<long>")
    return found


def word_tokens(text: str) -> list[str]:
    """Stems and stem pairs; numbers collapse to one token."""
    stems = ["<num>" if word.isdigit() else stem(word) for word in words(text)]
    pairs = [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]
    return stems + pairs


def word_analyser(doc: tuple[str, str]) -> list[str]:
    return word_tokens(doc[0])


def signal_analyser(doc: tuple[str, str]) -> list[str]:
    """Signals that count whole, whatever the length of the message: the account, the marks, and
    hits in the word lists (the model learns how far to trust each)."""
    text, to = doc
    tokens = ["<to:" + re.sub(r"[^a-z]", "", (to or "search").lower()) + ">", *marks(text)]
    if rules.urgent_hits(text):
        tokens.append("<urgent_words>")
    if rules.escalate_hits(text):
        tokens.append("<escalate_words>")
    tokens += [f"<{kind}>" for kind in rules.escalate_kinds(text)]
    return tokens


def char_text(doc: tuple[str, str]) -> str:
    return normalise(doc[0])


class Featurizer:
    """Word and character n-gram tf-idf and the binary signals side by side; fitted once, shared by
    every head."""

    def __init__(self):
        self.signals = CountVectorizer(analyzer=signal_analyser, binary=True)
        self.words = TfidfVectorizer(analyzer=word_analyser, min_df=1, sublinear_tf=True)
        self.chars = TfidfVectorizer(
            preprocessor=char_text, analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True
        )

    def fit_transform(self, docs: list[tuple[str, str]]) -> sparse.csr_matrix:
        blocks = [
            self.words.fit_transform(docs),
            self.chars.fit_transform(docs),
            SIGNAL_SCALE * self.signals.fit_transform(docs),
        ]
        return sparse.hstack(blocks).tocsr()

    def transform(self, docs: list[tuple[str, str]]) -> sparse.csr_matrix:
        blocks = [
            self.words.transform(docs),
            self.chars.transform(docs),
            SIGNAL_SCALE * self.signals.transform(docs),
        ]
        return sparse.hstack(blocks).tocsr()

    def transform_many(self, docs: list[tuple[str, str]]) -> sparse.csr_matrix:
        """The same rows as `transform(docs)` (to the last bit of rounding), built in one matrix
        without scikit-learn's input checks: what ingest asks for a page of new conversations,
        where those checks and a matrix per message cost more than the arithmetic."""
        blocks = [
            (self.words.vocabulary_, self._idf("words"), word_analyser),
            (self.chars.vocabulary_, self._idf("chars"), self._char_analyser()),
            (self.signals.vocabulary_, None, signal_analyser),
        ]
        indptr, indices, data = [0], [], []
        for doc in docs:
            columns: dict[int, float] = {}
            offset = 0
            for vocabulary, idf, analyse in blocks:
                counts: dict[int, int] = {}
                for token in analyse(doc):
                    index = vocabulary.get(token)
                    if index is not None:
                        counts[index] = counts.get(index, 0) + 1
                if idf is not None:
                    values = {i: (1.0 + math.log(n)) * idf[i] for i, n in counts.items()}
                    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
                    columns.update({offset + i: v / norm for i, v in values.items()})
                else:
                    columns.update({offset + i: SIGNAL_SCALE for i in counts})
                offset += len(vocabulary)
            ordered = sorted(columns)
            indices += ordered
            data += [columns[i] for i in ordered]
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(data, dtype=np.float64), indices, indptr), shape=(len(docs), self.size())
        )

    def _idf(self, block: str) -> list[float]:
        """A tf-idf block's weights as Python floats (the same doubles; read by index per token)."""
        cached = getattr(self, "_idf_lists", None)
        if cached is None:
            cached = self._idf_lists = {}
        if block not in cached:
            cached[block] = getattr(self, block).idf_.tolist()
        return cached[block]

    def _char_analyser(self):
        if getattr(self, "_chars_analyse", None) is None:
            self._chars_analyse = self.chars.build_analyzer()
        return self._chars_analyse

    def size(self) -> int:
        return len(self.words.vocabulary_) + len(self.chars.vocabulary_) + len(self.signals.vocabulary_)

    def word_features(self, text: str) -> list[tuple[str, list[int]]]:
        """Each word of the text with the columns it produces (its stem, its character n-grams), so a
        linear head's weights can be read back as "the words behind it"."""
        word_vocab, char_vocab = self.words.vocabulary_, self.chars.vocabulary_
        offset = len(word_vocab)
        char_analyse = self._char_analyser()
        result, seen = [], set()
        for word in re.findall(r"[^\W_]+", normalise(text)):
            # Function words carry weight through their n-grams but explain nothing to an agent.
            if word in seen or len(word) < 3 or word in STOPWORDS or word == PLACE_MASK:
                continue
            seen.add(word)
            columns = [word_vocab[stem(word)]] if stem(word) in word_vocab else []
            columns += [offset + char_vocab[g] for g in char_analyse(word) if g in char_vocab]
            if columns:
                result.append((word, columns))
        return result


def top_words(
    word_columns: list[tuple[str, list[int]]], row, weights: np.ndarray, limit: int = 5
) -> list[str]:
    """The words (from `Featurizer.word_features`) that pushed a head's score up most: tf-idf value ×
    weight, summed over the columns each word produces."""
    values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    scored = []
    for word, columns in word_columns:
        score = sum(values.get(c, 0.0) * float(weights[c]) for c in columns)
        if score > 0:
            scored.append((score, word))
    scored.sort(key=lambda pair: -pair[0])
    return [word for _, word in scored[:limit]]
