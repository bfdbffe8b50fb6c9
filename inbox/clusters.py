"""Calamity clusters: group short texts that say the same thing (30 tweets about one fallen tree).

Token overlap on content words, no models: two texts are similar when the shared content words
cover at least `threshold` of the shorter text's words (at least two words), and similarity is
followed transitively (union-find), so a chain of retweets and rephrasings ends in one cluster.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

STOPWORDS = frozenset(
    """
    aan al alle als alweer ben bij dat de deze die dit doe doen door dus een eens en er ga gaan
    gaat geen had heb hebben heeft het hier hij hoe hun ik in is ja je jij jullie kan kunnen
    maar me mee meer men met mij mijn moet mogen na naar niet nog nu of om onder ons onze ook op
    over te tegen toch toen tot u uit uw van veel voor want waren was wat we wel welke wie wij
    wil worden wordt zal ze zelf zich zij zijn zo zou al graag even weer echt heel alsjeblieft
    svp pls gemeente hallo hoi goedemorgen goedemiddag beste dank bedankt vraag please the and
    """.split()
)
TOKEN = re.compile(r"[a-z0-9]+")
NOISE = re.compile(r"https?://\S+|[@#]\w+")


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words without accents, mentions, links and stopwords; hashtags keep their word."""
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    hashtags = re.findall(r"#(\w+)", text)
    text = NOISE.sub(" ", text)
    words = TOKEN.findall(text) + hashtags
    return frozenset(_stem(w) for w in words if len(w) > 2 and w not in STOPWORDS)


def surface_forms(text: str) -> dict[str, str]:
    """Each content word's stem → the word as the writer spelled it (lower case, accents kept)."""
    forms = {}
    for word in re.findall(
        r"\w+", NOISE.sub(lambda m: " " + m.group(0)[1:] if m.group(0)[0] == "#" else " ", text.lower())
    ):
        plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        if len(plain) > 2 and plain not in STOPWORDS and TOKEN.fullmatch(plain):
            forms.setdefault(_stem(plain), word)
    return forms


def cluster_title(texts: list[str], stems: list[str]) -> str:
    """A readable title for a cluster: its most shared words as the citizens wrote them ("Omgevallen
    boom, amsterdamsestraatweg"), not the stems the grouping works on."""
    spelled: dict[str, Counter] = {}
    for text in texts:
        for stem, word in surface_forms(text).items():
            spelled.setdefault(stem, Counter())[word] += 1
    words = [spelled[s].most_common(1)[0][0] if s in spelled else s for s in stems]
    title = ", ".join(words)
    return title[:1].upper() + title[1:]


def _stem(word: str) -> str:
    # Crude: drops plural endings so "lantaarnpalen" and "lantaarnpaal" differ less often.
    for suffix in ("en", "s"):
        if len(word) > 5 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    if not a or not b:
        return False
    shared = len(a & b)
    return shared >= 2 and shared / min(len(a), len(b)) >= threshold


@dataclass
class Cluster:
    ids: list[int]
    label: str  # the words most members share


def cluster_texts(
    items: list[tuple[int, str]], *, threshold: float = 0.5, min_size: int = 3
) -> list[Cluster]:
    """Clusters of at least `min_size` items, biggest first; items are (id, text)."""
    words = [content_words(text) for _, text in items]
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Pairs are only compared when they share a word: fine for a few hundred open conversations.
    by_word: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            by_word.setdefault(w, []).append(i)
    for i, ws in enumerate(words):
        candidates = {j for w in ws for j in by_word[w] if j > i}
        for j in candidates:
            if root(i) != root(j) and similar(ws, words[j], threshold):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    clusters = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        counts = Counter(w for i in members for w in words[i])
        stems = sorted(counts, key=lambda w: (-counts[w], w))[:3]  # ties alphabetically: stable titles
        label = cluster_title([items[i][1] for i in members], stems)
        clusters.append(Cluster(ids=sorted(items[i][0] for i in members), label=label))
    clusters.sort(key=lambda c: (-len(c.ids), c.ids[0]))
    return clusters
